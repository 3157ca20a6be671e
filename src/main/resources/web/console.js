// The console: history first, then the live feed (Server-Sent Events). Every message arrives as
// it now is, with a revision; a message is (re)drawn only when its revision is newer than what
// is on screen, so repeated events and reconnects are harmless. Text is always set as text,
// never as HTML.
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const list = document.getElementById("messages");
  const notices = document.getElementById("notices");
  const status = document.getElementById("status");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const shown = new Map(); // message id -> revision on screen
  let lastRev = 0;

  function post(path, body) {
    return fetch(path, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(async r => {
      const data = await r.json().catch(() => ({}));
      if (!r.ok) throw new Error(data.error || data.title || ("HTTP " + r.status));
      return data;
    });
  }

  function draw(m) {
    const seen = shown.get(m.id);
    if (seen !== undefined && seen >= m.rev && m.rev !== 0) return;
    shown.set(m.id, m.rev);
    lastRev = Math.max(lastRev, m.rev);
    let el = document.getElementById("m" + m.id);
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    if (!el) {
      el = document.createElement("div");
      el.id = "m" + m.id;
      el.dataset.id = m.id;
      insertInOrder(el, m.id);
    }
    el.className = "msg " + (m.role === "user" ? "user" : "agent");
    el.dataset.rev = m.rev;
    el.textContent = m.text;
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = new Date(m.created_at).toLocaleTimeString() + (m.edited ? " · edited" : "");
    el.appendChild(meta);
    if (m.buttons && m.buttons.length) {
      const row = document.createElement("div");
      row.className = "buttons";
      for (const b of m.buttons) {
        const btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.text;
        btn.dataset.data = b.data;
        btn.addEventListener("click", () => press(btn, b.data));
        row.appendChild(btn);
      }
      el.appendChild(row);
    }
    if (atBottom || seen === undefined) list.scrollTop = list.scrollHeight;
  }

  // Ids grow in the order messages were stored, which is the console's order.
  function insertInOrder(el, id) {
    for (const other of list.children) {
      if (Number(other.dataset.id) > id) { list.insertBefore(el, other); return; }
    }
    list.appendChild(el);
  }

  function press(btn, data) {
    btn.disabled = true;
    post("/console/api/press", { data }).then(r => {
      if (r.answer) showStatus(r.answer);
    }).catch(e => { btn.disabled = false; showStatus("Could not press: " + e.message); });
  }

  function showNotices(items) {
    notices.replaceChildren();
    for (const n of items || []) {
      const p = document.createElement("p");
      p.className = "notice " + n.kind;
      p.textContent = n.text;
      notices.appendChild(p);
    }
  }

  // Replies Telegram may not have shown (the connection broke while they were sent): one
  // notice each, with "Send again" (admin/SendAgainRoutes). Drawn after the other notices.
  function showUndelivered() {
    fetch("/console/api/undelivered", { credentials: "same-origin" }).then(r => r.json()).then(u => {
      for (const old of notices.querySelectorAll(".notice.undelivered")) old.remove();
      for (const m of u.undelivered || []) {
        const p = document.createElement("p");
        p.className = "notice undelivered";
        p.textContent = "This reply may not have reached Telegram: \u201c" + (m.text || "").slice(0, 120) + "\u201d ";
        const btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = "Send again";
        btn.addEventListener("click", () => {
          btn.disabled = true;
          post("/console/api/send-again", { message_id: m.id })
            .then(() => { p.remove(); showStatus("Queued again."); })
            .catch(e => { btn.disabled = false; showStatus("Could not send again: " + e.message); });
        });
        p.appendChild(btn);
        notices.appendChild(p);
      }
    }).catch(() => {});
  }

  function showStatus(text) { status.textContent = text; }

  function connect() {
    const feed = new EventSource("/console/events?after=" + lastRev);
    feed.addEventListener("open", () => showStatus("live"));
    feed.addEventListener("message", e => draw(JSON.parse(e.data)));
    feed.addEventListener("error", () => showStatus("reconnecting…"));
  }

  form.addEventListener("submit", e => {
    e.preventDefault();
    const text = input.value;
    if (!text.trim()) return;
    const nonce = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).replace(/[^A-Za-z0-9_-]/g, "");
    input.disabled = true;
    post("/console/api/messages", { text, nonce })
      .then(() => { input.value = ""; })
      .catch(err => showStatus("Not sent: " + err.message))
      .finally(() => { input.disabled = false; input.focus(); });
  });
  input.addEventListener("keydown", e => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });

  fetch("/console/api/history", { credentials: "same-origin" }).then(r => r.json()).then(h => {
    showNotices(h.notices);
    showUndelivered();
    for (const m of h.messages) draw(m);
    connect();
  }).catch(e => showStatus("Could not load the conversation: " + e.message));
  setInterval(() => fetch("/console/api/state", { credentials: "same-origin" })
    .then(r => r.json()).then(s => { showNotices(s.notices); showUndelivered(); }).catch(() => {}), 30000);
})();
