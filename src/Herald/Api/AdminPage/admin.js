// Herald's dashboard. It holds no data and no secret of its own: every figure and action is a call to the
// Admin-scope HTTP API, with the operator's key when the server has keys (docs/operations.md, "The dashboard").

const POLL_MS = 2000;
// 5 minutes of samples, one per poll.
const WINDOW = (5 * 60 * 1000) / POLL_MS;
// Per tab, never written to disk: closing the tab forgets the key.
const KEY_STORAGE = "herald.admin.key";

const $ = (id) => document.getElementById(id);

const samples = [];
let pollTimer = 0;
// The user the operator looked up, kept live by every poll.
let lookedUp = null;

function adminKey() {
  return sessionStorage.getItem(KEY_STORAGE);
}

// Every call the page makes goes through here, so every one carries the key and every refusal is shown the same way.
async function api(path, init = {}) {
  const headers = new Headers(init.headers);
  const key = adminKey();
  if (key) {
    headers.set("Authorization", `Bearer ${key}`);
  }

  const response = await fetch(path, { ...init, headers, cache: "no-store" });
  if (response.status === 401 || response.status === 403) {
    showRefusal(await problemText(response));
    throw new Refused();
  }

  return response;
}

class Refused extends Error {}

async function problemText(response) {
  try {
    const problem = await response.json();
    const title = problem.title ?? `HTTP ${response.status}`;
    return problem.detail ? `${response.status} ${title}: ${problem.detail}` : `${response.status} ${title}`;
  } catch {
    return `HTTP ${response.status} ${response.statusText}`;
  }
}

function showRefusal(text) {
  $("refusal").textContent = text;
  $("access").hidden = false;
  $("live").textContent = "refused";
  $("live").dataset.state = "refused";
  clearTimeout(pollTimer);
  pollTimer = 0;
}

$("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY_STORAGE, $("key").value);
  $("key").value = "";
  $("access").hidden = true;
  if (!pollTimer) {
    poll();
  }
});

// Live figures. A timeout after each answer rather than an interval, so a slow server never has polls piling up.
async function poll() {
  pollTimer = -1;
  try {
    const response = await api("api/v1/stats");
    if (!response.ok) {
      throw new Error(await problemText(response));
    }

    record(await response.json());
    $("live").textContent = "live";
    $("live").dataset.state = "live";
    // The looked-up user is live too: a disconnect's connections leave once their close handshake ends, after the
    // disconnect has answered, and users come and go while the operator watches.
    if (lookedUp !== null) {
      await lookUp(lookedUp);
    }
  } catch (error) {
    if (error instanceof Refused) {
      return;
    }

    $("live").textContent = `no answer (${error.message}); retrying`;
    $("live").dataset.state = "error";
  }

  pollTimer = setTimeout(poll, POLL_MS);
}

function record(stats) {
  const previous = samples.at(-1);
  // Rates are the running totals' differences over the server's own clock (its uptime), so a late poll does not
  // look like a burst. After a restart the totals start again: no rate for that step rather than a negative one.
  const seconds = previous ? stats.uptimeSeconds - previous.stats.uptimeSeconds : 0;
  const rate = (field) =>
    previous && seconds > 0 && stats[field] >= previous.stats[field] ? (stats[field] - previous.stats[field]) / seconds : null;
  samples.push({ stats, in: rate("messagesPublished"), out: rate("messagesDelivered") });
  if (samples.length > WINDOW) {
    samples.shift();
  }

  for (const field of ["connections", "users", "topics", "pendingLogins", "slowConsumerDisconnects"]) {
    $(field).textContent = stats[field].toLocaleString("en");
  }

  $("history").textContent = `${stats.historyMessages.toLocaleString("en")} messages, ${formatBytes(stats.historyBytes)}`;
  $("version").textContent = stats.version || "-";
  $("uptime").textContent = formatDuration(stats.uptimeSeconds);
  const latest = samples.at(-1);
  $("rate-in").textContent = latest.in === null ? "-" : latest.in.toFixed(1);
  $("rate-out").textContent = latest.out === null ? "-" : latest.out.toFixed(1);

  showNodes(stats);
  draw("connections", samples.map((s) => s.stats.connections));
  draw("users", samples.map((s) => s.stats.users));
  draw("topics", samples.map((s) => s.stats.topics));
  draw("in", samples.map((s) => s.in));
  draw("out", samples.map((s) => s.out));
}

// A table row of text cells (textContent: nothing a client sent is ever parsed as markup).
function tableRow(cells) {
  const row = document.createElement("tr");
  row.append(...cells.map((text) => Object.assign(document.createElement("td"), { textContent: text })));
  return row;
}

// A cluster's stats list its live nodes, the answering one first; a single node's have no list, and the table stays hidden.
function showNodes(stats) {
  $("nodes-box").hidden = !stats.nodes;
  if (!stats.nodes) {
    return;
  }

  $("nodes").tBodies[0].replaceChildren(
    ...stats.nodes.map((node) => {
      const row = tableRow([
        node.id === stats.node ? `${node.id} (this one)` : node.id,
        node.connections.toLocaleString("en"),
        node.users.toLocaleString("en"),
        `${node.heartbeatAgeSeconds.toFixed(1)} s ago`,
        node.version || "-",
      ]);
      row.dataset.nodeId = node.id;
      return row;
    }),
  );
}

// Hand-drawn SVG rather than a charting library: each chart is one polyline over at most 150 points, scaled to its
// maximum, which is a few lines here; a library would be a dependency to pin, audit and serve under the CSP for that.
function draw(name, values) {
  const svg = $(`chart-${name}`);
  const known = values.filter((v) => v !== null);
  const max = Math.max(1, ...known);
  const width = 300;
  const height = 80;
  const step = width / (WINDOW - 1);
  // Newest on the right edge, so the line grows leftwards as the window fills.
  const offset = WINDOW - values.length;
  const points = values
    .map((v, i) => (v === null ? null : `${((offset + i) * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`))
    .filter((p) => p !== null)
    .join(" ");
  let line = svg.querySelector("polyline");
  if (!line) {
    line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
    svg.append(line);
  }

  line.setAttribute("points", points);
  $(`max-${name}`).textContent = Number.isInteger(max) ? String(max) : max.toFixed(1);
}

function formatBytes(bytes) {
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }

  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function formatDuration(totalSeconds) {
  const s = Math.floor(totalSeconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return d > 0 ? `${d}d ${h}h ${m}m` : h > 0 ? `${h}h ${m}m` : `${m}m ${s % 60}s`;
}

// A user ID is the rest of the path, '/' included, so each segment is encoded but the slashes stay (docs/http-api.md).
function userPath(uid) {
  return `api/v1/users/${uid.split("/").map(encodeURIComponent).join("/")}`;
}

async function lookUp(uid) {
  const result = $("lookup-result");
  const table = $("lookup-connections");
  try {
    const response = await api(userPath(uid));
    if (!response.ok) {
      throw new Error(await problemText(response));
    }

    const presence = await response.json();
    lookedUp = presence.uid;
    result.textContent = presence.online
      ? `${presence.uid} is online with ${presence.connections} connection${presence.connections === 1 ? "" : "s"}.`
      : `${presence.uid} is offline.`;
    result.dataset.online = String(presence.online);
    // On a cluster: which nodes hold the connections; the table below lists only the answering node's own.
    const nodes = Object.entries(presence.nodes ?? {});
    $("lookup-nodes").hidden = !presence.nodes;
    $("lookup-nodes").textContent = nodes.length
      ? `On ${nodes.map(([id, count]) => `${id} (${count})`).join(", ")}; the connections listed are this node's.`
      : "On no node.";
    const body = table.tBodies[0];
    body.replaceChildren(
      ...presence.connectionDetails.map((c) => {
        const row = tableRow([
          String(c.id),
          c.remoteAddress,
          c.flavour,
          new Date(c.connectedSince).toISOString().replace("T", " ").slice(0, 19),
          `${c.queuedMessages} msg, ${formatBytes(c.queuedBytes)}`,
          c.topics === null ? "-" : c.topics.join(", ") || "(none)",
        ]);
        row.dataset.connectionId = String(c.id);
        return row;
      }),
    );
    table.hidden = presence.connectionDetails.length === 0;
    $("disconnect-box").hidden = !presence.online;
  } catch (error) {
    if (!(error instanceof Refused)) {
      result.textContent = error.message;
    }
  }
}

$("lookup-form").addEventListener("submit", (event) => {
  event.preventDefault();
  $("disconnect-result").textContent = "";
  $("confirm").hidden = true;
  lookUp($("lookup-uid").value);
});

// Two steps: the first button only asks, so a stray click never closes anyone's connections.
$("disconnect").addEventListener("click", () => {
  $("confirm-uid").textContent = lookedUp;
  $("confirm").hidden = false;
});

$("confirm-no").addEventListener("click", () => {
  $("confirm").hidden = true;
});

$("confirm-yes").addEventListener("click", async () => {
  $("confirm").hidden = true;
  const uid = lookedUp;
  try {
    const response = await api(`${userPath(uid)}/disconnect`, { method: "POST" });
    if (!response.ok) {
      throw new Error(await problemText(response));
    }

    const answer = await response.json();
    $("disconnect-result").textContent = `Disconnected ${answer.disconnected} connection${answer.disconnected === 1 ? "" : "s"} of ${uid}.`;
    await lookUp(uid);
  } catch (error) {
    if (!(error instanceof Refused)) {
      $("disconnect-result").textContent = error.message;
    }
  }
});

$("push-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const target = form.elements.target.value;
  const to = $("push-to").value;
  const text = $("push-data").value;
  let data;
  // JSON when it parses as JSON, so an operator can push an object; anything else goes as the text it is.
  try {
    data = JSON.parse(text);
  } catch {
    data = text;
  }

  const body = target === "broadcast" ? { broadcast: true, data } : target === "topic" ? { topics: [to], data } : { users: [to], data };
  const result = $("push-result");
  try {
    const response = await api("api/v1/publish", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw new Error(await problemText(response));
    }

    const answer = await response.json();
    result.textContent = `Published ${answer.id}: delivered to ${answer.delivered} connection${answer.delivered === 1 ? "" : "s"}.`;
  } catch (error) {
    if (!(error instanceof Refused)) {
      result.textContent = error.message;
    }
  }
});

for (const radio of document.querySelectorAll('input[name="target"]')) {
  radio.addEventListener("change", () => {
    $("push-to").disabled = $("push-form").elements.target.value === "broadcast";
  });
}

poll();
