#!/usr/bin/env python3
"""Webhook load for deploy/zero-downtime-check.sh: THREADS senders post Telegram updates to the
agent's webhook, each on a fresh connection, retrying an update until it is answered 200 (as
Telegram does), until the file STOP exists; paced (each sender at most 25 updates a second) and
bounded (at most MAX_UPDATES updates, 10 minutes). Prints one JSON line: updates answered, attempts,
failed attempts, and the longest time during which no attempt was answered 200.

usage: webhook-load.py URL SECRET FIRST_UPDATE_ID STOP_FILE [THREADS]"""
import http.client, json, os, sys, threading, time, urllib.parse

url, secret, first, stop = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
threads = int(sys.argv[5]) if len(sys.argv) > 5 else 4
u = urllib.parse.urlparse(url)
lock = threading.Lock()
oks, failures, answered = [], [0], []
next_id = [first]
DEADLINE = time.monotonic() + 600  # never more than 10 minutes, whatever happens to STOP
MAX_UPDATES = int(os.environ.get("MAX_UPDATES", "20000"))
PACE = 0.04  # seconds between one sender's updates: load enough to see a gap, not to saturate 2 cores


def post(update_id):
    body = json.dumps({"update_id": update_id, "message": {"message_id": update_id, "date": 1764633600,
        "chat": {"id": 777, "type": "private"}, "from": {"id": 777, "is_bot": False, "first_name": "Load"},
        "text": "load %d" % update_id}})
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    try:
        c.request("POST", u.path, body, {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret})
        return c.getresponse().status
    except OSError:
        return 0
    finally:
        c.close()


def sender():
    while not os.path.exists(stop) and time.monotonic() < DEADLINE:
        with lock:
            if next_id[0] - first >= MAX_UPDATES:
                return
            update_id = next_id[0]
            next_id[0] += 1
        while time.monotonic() < DEADLINE:
            status = post(update_id)
            with lock:
                if status == 200:
                    oks.append(time.monotonic())
                else:
                    failures[0] += 1
            if status == 200:
                break
            time.sleep(0.05)  # Telegram's retry pacing, shortened
        with lock:
            answered.append(update_id)
        time.sleep(PACE)


start = time.monotonic()
ts = [threading.Thread(target=sender) for _ in range(threads)]
for t in ts:
    t.start()
for t in ts:
    t.join()
oks.sort()
gaps = [b - a for a, b in zip([start] + oks, oks)]
print(json.dumps({"updates": len(answered), "first": first, "last": next_id[0] - 1, "ok_attempts": len(oks),
                  "failed_attempts": failures[0], "longest_gap_ms": round(max(gaps, default=0) * 1000),
                  "seconds": round(time.monotonic() - start, 1)}))
