#!/usr/bin/env python3
"""A Bot API stand-in on 127.0.0.1 for deploy/compose-deploy-check.sh: answers every method ok,
appends each sendMessage's text (one JSON string a line) to LOG. usage: fake-telegram.py PORT LOG"""
import http.server, json, sys, urllib.parse

port, log = int(sys.argv[1]), sys.argv[2]


class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        body = json.loads(raw) if raw.startswith("{") else {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
        if self.path.endswith("/sendMessage"):
            with open(log, "a") as f:
                f.write(json.dumps(body.get("text", "")) + "\n")
        data = json.dumps({"ok": True, "result": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
