// Herald's demo page: the browser client served beside it, a user ID kept per browser, and the ways to push to it.
// Every URL is built from this module's own, so the page works under any MapHerald prefix and from any host name.
import { HeraldClient } from "./client.js";

const UID_KEY = "herald-demo:uid";
const $ = (id) => document.getElementById(id);
// This module is served at <prefix>/herald/demo.js: its parent folder is where MapHerald put the endpoints.
const base = new URL("..", import.meta.url);

let client = null;
const confirmed = new Set(); // topics the server confirmed on this connection's client

function randomUid() {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return "demo-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function storedUid() {
  try {
    return localStorage.getItem(UID_KEY);
  } catch {
    return null; // storage blocked (a privacy mode): a fresh ID each load is still a working demo
  }
}

function keepUid(uid) {
  try {
    localStorage.setItem(UID_KEY, uid);
  } catch {
    // see storedUid
  }
}

// The command is shell-safe as built: the uid is percent-encoded, so no quote or space of it reaches the shell.
function curlFor(uid) {
  const url = new URL("send", base);
  return `curl "${url.origin}${url.pathname}?uid=${encodeURIComponent(uid)}&message=Hello%20World"`;
}

function topicCurlFor(topic) {
  const url = new URL("api/v1/publish", base);
  const body = JSON.stringify({ topics: [topic], data: "Hello " + topic });
  return `curl -H 'Content-Type: application/json' -d '${body}' ${url.href}`;
}

const STATE_TEXT = {
  idle: "not connected",
  connecting: "connecting…",
  open: "open",
  reconnecting: "reconnecting…",
  closed: "closed",
};

function showState({ state, delay, code, reason }) {
  const el = $("state");
  el.dataset.state = state;
  let text = STATE_TEXT[state] ?? state;
  if (state === "reconnecting" && delay !== undefined) text += ` (next try in ${(delay / 1000).toFixed(1)} s)`;
  if (state === "closed" && code !== undefined) text += ` (code ${code}${reason ? ": " + reason : ""})`;
  el.textContent = text;
}

function notify(text, kind) {
  const el = $("notice");
  el.textContent = text;
  el.dataset.kind = kind;
  el.hidden = false;
}

function showMessage(m) {
  const item = document.createElement("li");
  item.dataset.stream = m.stream;
  item.dataset.seq = String(m.seq);
  const meta = document.createElement("div");
  meta.className = "meta";
  const time = document.createElement("time");
  time.dateTime = m.time;
  time.textContent = new Date(m.time).toLocaleTimeString();
  const where = document.createElement("span");
  where.textContent = `${m.stream} · seq ${m.seq}`;
  meta.append(time, where);
  const data = document.createElement("pre");
  data.className = "data";
  data.textContent = typeof m.data === "string" ? m.data : JSON.stringify(m.data, null, 2);
  item.append(meta, data);
  $("messages").prepend(item);
  $("empty").hidden = true;
}

function renderTopics() {
  const list = $("topics");
  list.replaceChildren();
  for (const topic of client?.topics ?? []) {
    const item = document.createElement("li");
    item.dataset.topic = topic;
    item.dataset.confirmed = String(confirmed.has(topic));
    const name = document.createElement("code");
    name.textContent = topic;
    const status = document.createElement("span");
    status.className = "hint";
    status.textContent = confirmed.has(topic) ? " subscribed " : " subscribing… ";
    const leave = document.createElement("button");
    leave.type = "button";
    leave.textContent = "Unsubscribe";
    leave.setAttribute("aria-label", `Unsubscribe from ${topic}`);
    leave.addEventListener("click", () => {
      client.unsubscribe(topic);
      confirmed.delete(topic);
      renderTopics();
    });
    item.append(name, status, leave);
    list.append(item);
  }
  const last = client?.topics.at(-1);
  $("topic-help").hidden = $("topic-curl").hidden = last === undefined;
  if (last !== undefined) $("topic-curl").textContent = topicCurlFor(last);
}

let currentUid = null;
// Logins of this page as the current user, over every client it made for them: after the first, a "joined" that
// recovered is a resume (after a reconnect, or after Connect again once the backend disconnected the user).
let opens = 0;
let missed = []; // streams this login could not recover

function connect(uid) {
  client?.close();
  keepUid(uid);
  $("uid").value = uid;
  $("send-uid").value = uid;
  $("curl").textContent = curlFor(uid);
  $("notice").hidden = true;
  confirmed.clear();
  if (uid !== currentUid) {
    currentUid = uid;
    opens = 0;
    $("messages").replaceChildren();
    $("empty").hidden = false;
  }

  // "retained": a first visit shows what was pushed to this user before the page opened (curl first, then look).
  client = new HeraldClient({ url: new URL("ws", base).href, uid, startPosition: "retained" });
  client.on("state", (change) => {
    showState(change);
    // The client's "open" comes at the welcome, before that login's "joined".
    if (change.state === "open") {
      opens++;
      missed = [];
    }
    if (change.state === "closed" && change.code === 4004) {
      notify("The backend disconnected this user (4004), so the client stopped. Press Connect to log in again: it resumes where it stopped.", "error");
    }
  });
  client.on("message", showMessage);
  client.on("joined", (j) => {
    // The user's stream is where the demo's pushes go; the broadcast's "joined" would only repeat it with zero.
    if (opens > 1 && j.outcome === "recovered" && j.stream === `user:${uid}`) {
      notify(`Resumed ${j.stream} after a reconnect: ${j.replayed} missed message(s) replayed, nothing lost.`, "resumed");
    }
  });
  client.on("missed", ({ stream, reason }) => {
    // One notice for every stream of the login (the user's and the broadcast's after a restart), not the last one's.
    missed.push(stream);
    const why =
      reason === "epoch_changed"
        ? "the server restarted (or its history of them expired), so anything sent while this page was disconnected is lost"
        : "they left the server's history before this page came back. Some messages are lost";
    notify(`Could not recover the messages missed on ${missed.join(" and ")}: ${why}.`, "missed");
  });
  client.on("error", (e) => notify(`Herald: ${e.code}: ${e.message}`, "error"));
  renderTopics();
}

$("connect-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const uid = $("uid").value.trim();
  if (uid) connect(uid);
});

$("copy").addEventListener("click", async () => {
  const text = $("curl").textContent;
  try {
    await navigator.clipboard.writeText(text);
    $("copied").textContent = "Copied.";
  } catch {
    // No clipboard access (an insecure origin, or permission refused): select it for the user to copy.
    getSelection().selectAllChildren($("curl"));
    $("copied").textContent = "Selected: press Ctrl+C (⌘C) to copy.";
  }
});

$("send-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const result = $("send-result");
  try {
    const response = await fetch(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)) });
    const answer = await response.json();
    result.textContent = response.ok
      ? `Sent: delivered to ${answer.delivered} connection(s).`
      : `Refused (${response.status}): ${answer.detail ?? answer.title}`;
  } catch (error) {
    result.textContent = `Could not send: ${error.message}`;
  }
});

$("topic-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const topic = $("topic").value.trim();
  try {
    const subscribed = client.subscribe(topic);
    renderTopics();
    await subscribed;
    confirmed.add(topic);
  } catch (error) {
    notify(`Could not subscribe to ${topic}: ${error.message}`, "error");
  }
  renderTopics();
});

connect(storedUid() ?? randomUid());
