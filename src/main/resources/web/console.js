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
    el.replaceChildren();
    renderRich(el, m.text, m.entities);
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

  // A rich text (the text and Telegram entities the outbox stored; offsets count UTF-16 units,
  // as JavaScript's string indices do) drawn with DOM nodes: its text only ever goes in text
  // nodes, never through innerHTML, and links open only http(s) URLs, without a referrer. The
  // entities are trusted for nothing: clipped to the text and to the entity around them, and
  // nothing is drawn inside code.
  const RICH_TAGS = { bold: "strong", italic: "em", underline: "u", strikethrough: "s", code: "code",
    pre: "pre", blockquote: "blockquote", text_link: "a" };
  function renderRich(parent, text, entities) {
    const spans = (Array.isArray(entities) ? entities : [])
      .filter(e => e && RICH_TAGS.hasOwnProperty(e.type) && Number.isInteger(e.offset) && Number.isInteger(e.length))
      .map(e => ({ e, start: Math.max(0, e.offset), end: Math.min(text.length, e.offset + e.length) }))
      .filter(x => x.end > x.start)
      .sort((a, b) => a.start - b.start || b.end - a.end);
    const stack = [{ node: parent, end: text.length, code: false }];
    let pos = 0;
    const top = () => stack[stack.length - 1];
    const emit = upTo => {
      if (upTo > pos) { top().node.appendChild(document.createTextNode(text.slice(pos, upTo))); pos = upTo; }
    };
    for (const x of spans) {
      while (stack.length > 1 && top().end <= x.start) { emit(top().end); stack.pop(); }
      if (top().code) continue;
      emit(x.start);
      const end = Math.min(x.end, top().end);
      const el = document.createElement(RICH_TAGS[x.e.type]);
      let inner = el;
      if (x.e.type === "pre") {
        inner = document.createElement("code");
        if (typeof x.e.language === "string") inner.dataset.language = x.e.language;
        el.appendChild(inner);
      } else if (x.e.type === "text_link") {
        if (typeof x.e.url === "string" && /^https?:\/\//i.test(x.e.url)) {
          el.href = x.e.url;
          el.rel = "noopener noreferrer";
          el.target = "_blank";
        }
        el.title = typeof x.e.url === "string" ? x.e.url : "";
      }
      top().node.appendChild(el);
      stack.push({ node: inner, end, code: x.e.type === "pre" || x.e.type === "code" });
    }
    while (stack.length > 1) { emit(top().end); stack.pop(); }
    emit(text.length);
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
      if (n.link) { // the pairing link, as a QR code to scan with the phone
        const a = document.createElement("a");
        a.href = n.link;
        const qr = document.createElement("img");
        qr.className = "pairing-qr";
        qr.alt = "QR code of " + n.link;
        qr.src = "/console/pairing-qr.svg?code=" + encodeURIComponent(n.code || "");
        a.appendChild(qr);
        p.appendChild(a);
      }
      notices.appendChild(p);
    }
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
    for (const m of h.messages) draw(m);
    connect();
  }).catch(e => showStatus("Could not load the conversation: " + e.message));
  setInterval(() => fetch("/console/api/state", { credentials: "same-origin" })
    .then(r => r.json()).then(s => showNotices(s.notices)).catch(() => {}), 30000);
})();
