// The console: history first, then the live feed (Server-Sent Events). Every message arrives as
// it now is, with a revision; a message is (re)drawn only when its revision is newer than what
// is on screen, so repeated events and reconnects are harmless. Text is always set as text,
// never as HTML. A file (chosen, dropped or pasted) is sent with the message as a multipart upload.
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const list = document.getElementById("messages");
  const notices = document.getElementById("notices");
  const status = document.getElementById("status");
  const stateEl = document.getElementById("state");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const fileInput = document.getElementById("file");
  const chip = document.getElementById("attachment");
  const recordBtn = document.getElementById("record");
  const shown = new Map(); // message id -> revision on screen
  const agentTexts = new Map(); // message id -> text, to show a notice once when the agent said it too
  const STATES = { working: "working on it…", waiting: "waiting for your OK", answered: "answered", failed: "failed (see the dashboard)", idle: "" };
  let lastRev = 0;
  let noticeItems = [];
  let conversation = "";
  let flashTimer = null;
  let pending = null; // the file to send with the next message

  function nonce() {
    return (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).replace(/[^A-Za-z0-9_-]/g, "");
  }

  async function answer(r) {
    const data = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(data.error || data.title || ("HTTP " + r.status));
    return data;
  }

  function post(path, body) {
    return fetch(path, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(answer);
  }

  function upload(file, text) {
    const data = new FormData();
    data.append("file", file, file.name || "pasted");
    if (text.trim()) data.append("text", text);
    data.append("nonce", nonce());
    return fetch("/console/api/upload", {
      method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf }, body: data
    }).then(answer);
  }

  // Today: the time; another day: the date and the time. The full timestamp, in the browser's
  // locale and time zone, is in the title.
  function when(iso) {
    const d = new Date(iso);
    const el = document.createElement("time");
    el.dateTime = iso;
    el.title = d.toLocaleString(undefined, { dateStyle: "full", timeStyle: "long" });
    const time = d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
    const now = new Date();
    if (d.toDateString() === now.toDateString()) {
      el.textContent = time;
    } else {
      const date = d.toLocaleDateString(undefined, d.getFullYear() === now.getFullYear()
        ? { day: "numeric", month: "short" } : { day: "numeric", month: "short", year: "numeric" });
      el.textContent = date + ", " + time;
    }
    return el;
  }

  function size(bytes) {
    return bytes < 1024 ? bytes + " B" : bytes < 1048576 ? Math.round(bytes / 1024) + " KB" : (bytes / 1048576).toFixed(1) + " MB";
  }

  function fileLine(f) {
    // A file with a download path is a link the server serves as an attachment (never shown inline).
    const line = document.createElement(f.download ? "a" : "span");
    line.className = "file " + (f.media || "document");
    if (f.download) {
      line.href = f.download;
      line.setAttribute("download", f.name || "");
      line.rel = "noopener";
    }
    line.textContent = ({ photo: "Photo", voice: "Voice note" }[f.media] || "Document") + ": " + f.name + " (" + size(f.size) + ")";
    return line;
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
    if (m.file) el.prepend(fileLine(m.file));
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.appendChild(when(m.created_at));
    if (m.edited) meta.append(" · edited");
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
    if (m.role !== "user") {
      agentTexts.set(m.id, (m.text || "").trim());
      drawNotices();
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
      if (r.answer) flash(r.answer);
    }).catch(e => { btn.disabled = false; flash("Could not press: " + e.message); });
  }

  function showNotices(items) {
    noticeItems = items || [];
    drawNotices();
  }

  // A notice the agent has also said in the conversation (no model configured) is shown there only.
  function drawNotices() {
    const said = new Set(agentTexts.values());
    const undelivered = [...notices.querySelectorAll(".notice.undelivered")]; // kept: they have their own poll
    notices.replaceChildren();
    for (const n of noticeItems) {
      if (said.has((n.text || "").trim())) continue;
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
    for (const p of undelivered) notices.appendChild(p);
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

  // The header follows the conversation; a press's answer or an error shows for a moment.
  function showState(s) {
    conversation = s;
    if (flashTimer === null) {
      stateEl.textContent = STATES[s] === undefined ? s : STATES[s];
      stateEl.dataset.state = s;
    }
  }

  function flash(text) {
    clearTimeout(flashTimer);
    stateEl.textContent = text;
    flashTimer = setTimeout(() => { flashTimer = null; showState(conversation); }, 4000);
  }

  function attach(file) {
    pending = file || null;
    chip.replaceChildren();
    chip.hidden = !pending;
    if (!pending) return;
    chip.append(pending.name + " (" + size(pending.size) + ") ");
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link";
    remove.textContent = "×";
    remove.title = "Remove the attachment";
    remove.addEventListener("click", () => { attach(null); fileInput.value = ""; });
    chip.appendChild(remove);
  }

  function connect() {
    const feed = new EventSource("/console/events?after=" + lastRev);
    feed.addEventListener("open", () => showStatus("live"));
    feed.addEventListener("message", e => draw(JSON.parse(e.data)));
    feed.addEventListener("state", e => showState(JSON.parse(e.data).state));
    feed.addEventListener("error", () => showStatus("reconnecting…"));
  }

  form.addEventListener("submit", e => {
    e.preventDefault();
    const text = input.value;
    if (!text.trim() && !pending) return;
    input.disabled = true;
    const sent = pending ? upload(pending, text) : post("/console/api/messages", { text, nonce: nonce() });
    sent.then(() => { input.value = ""; attach(null); fileInput.value = ""; })
      .catch(err => flash("Not sent: " + err.message))
      .finally(() => { input.disabled = false; input.focus(); });
  });
  input.addEventListener("keydown", e => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });
  fileInput.addEventListener("change", () => attach(fileInput.files[0]));

  // A voice note from the microphone, where the browser can record: it is attached like a file.
  let recorder = null;
  if (window.MediaRecorder && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) recordBtn.hidden = false;
  recordBtn.addEventListener("click", async () => {
    if (recorder) { recorder.stop(); return; }
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const chunks = [];
      const rec = new MediaRecorder(stream);
      rec.addEventListener("dataavailable", e => { if (e.data.size) chunks.push(e.data); });
      rec.addEventListener("stop", () => {
        stream.getTracks().forEach(t => t.stop());
        const type = (rec.mimeType || "audio/webm").split(";")[0];
        const ext = type.includes("ogg") ? ".ogg" : type.includes("mp4") ? ".m4a" : ".webm";
        recorder = null;
        recordBtn.textContent = "Record";
        recordBtn.classList.remove("recording");
        attach(new File(chunks, "voice-" + new Date().toISOString().replace(/[:.]/g, "-") + ext, { type }));
      });
      rec.start();
      recorder = rec;
      recordBtn.textContent = "Stop";
      recordBtn.classList.add("recording");
    } catch (err) {
      flash("Cannot record: " + err.message);
    }
  });
  input.addEventListener("paste", e => {
    const files = e.clipboardData && e.clipboardData.files;
    if (files && files.length) { e.preventDefault(); attach(files[0]); }
  });
  const main = document.querySelector("main.console");
  main.addEventListener("dragover", e => { e.preventDefault(); main.classList.add("dropping"); });
  main.addEventListener("dragleave", e => { if (e.target === main) main.classList.remove("dropping"); });
  main.addEventListener("drop", e => {
    e.preventDefault();
    main.classList.remove("dropping");
    if (e.dataTransfer.files.length) attach(e.dataTransfer.files[0]);
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
