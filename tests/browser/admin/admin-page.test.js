// The dashboard at /admin in a real Chromium, against the two Herald servers AdminPageBrowserTests started: one
// without API keys (the page just works from loopback), one with keys (the page asks for an Admin key).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, heraldUrl, requiredEnv } from "../support/browser.js";

const TIMEOUT = 15_000;
const RUNNER = "AdminPageBrowserTests";
const base = heraldUrl();
const keyed = requiredEnv("HERALD_KEYED_URL", RUNNER);
const adminKey = requiredEnv("HERALD_ADMIN_KEY", RUNNER);
const publishKey = requiredEnv("HERALD_PUBLISH_KEY", RUNNER);
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

async function openDashboard(t, server = base) {
  const opened = await openPage(browser, t);
  await opened.page.goto(new URL("admin", server).href);
  return opened;
}

// Real WebSocket clients of the seed flavour, each logged in as its user, in a page of their own (node 20 has no
// WebSocket): what each receives and the code each is closed with are kept on that page's window.
async function connectClients(t, uids) {
  const { page } = await openPage(browser, t);
  const url = new URL("ws", base).href.replace(/^http/, "ws");
  await page.evaluate(
    ({ url, uids }) => {
      window.received = {};
      window.closedWith = {};
      return Promise.all(
        uids.map(
          (uid) =>
            new Promise((resolve, reject) => {
              const socket = new WebSocket(url);
              window.received[uid] = [];
              socket.onopen = () => {
                socket.send(JSON.stringify({ uid }));
                resolve();
              };
              socket.onerror = () => reject(new Error(`the WebSocket of ${uid} failed`));
              socket.onmessage = (event) => window.received[uid].push(event.data);
              socket.onclose = (event) => {
                window.closedWith[uid] = event.code;
              };
            }),
        ),
      );
    },
    { url, uids },
  );
  // A seed login has no answer: wait until the API sees every user online.
  for (const uid of new Set(uids)) {
    await online(uid, uids.filter((u) => u === uid).length);
  }

  return page;
}

async function online(uid, connections) {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const presence = await (await fetch(new URL(`api/v1/users/${encodeURIComponent(uid)}`, base))).json();
    if (presence.connections === connections) return presence;
    if (Date.now() > deadline) throw new Error(`${uid} did not reach ${connections} connections: ${JSON.stringify(presence)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function lookUp(page, uid) {
  await page.getByLabel("User ID", { exact: true }).fill(uid);
  await page.getByRole("button", { name: "Look up" }).click();
  await page.locator("#lookup-result", { hasText: `${uid} is` }).waitFor({ timeout: TIMEOUT });
}

test("the dashboard shows the connections the server has, live", async (t) => {
  const { page, problems } = await openDashboard(t);
  await page.locator("#live[data-state=live]").waitFor({ timeout: TIMEOUT });
  await page.locator("#connections", { hasText: /^0$/ }).waitFor({ timeout: TIMEOUT });

  await connectClients(t, ["count-a", "count-b"]);

  // No reload: the next poll shows them.
  await page.locator("#connections", { hasText: /^2$/ }).waitFor({ timeout: TIMEOUT });
  await page.locator("#users", { hasText: /^2$/ }).waitFor({ timeout: TIMEOUT });
  assert.notEqual(await page.locator("#version").textContent(), "-");
  // One node, not a cluster: no list of nodes (admin-cluster/ shows it).
  assert.equal(await page.locator("#nodes-box").isHidden(), true);
  assert.ok((await page.locator("#chart-connections polyline").getAttribute("points")).length > 0);
  assert.deepEqual(problems, []);
});

test("a push from the dashboard reaches a connected client", async (t) => {
  const clients = await connectClients(t, ["push-target"]);
  const { page, problems } = await openDashboard(t);

  await page.getByLabel("a user", { exact: true }).check();
  await page.getByLabel("User ID or topic").fill("push-target");
  await page.getByLabel("Message (text, or JSON)").fill("Hello from the dashboard test");
  await page.getByRole("button", { name: "Publish" }).click();

  await clients.waitForFunction(() => window.received["push-target"].includes("Hello from the dashboard test"), null, { timeout: TIMEOUT });
  await page.locator("#push-result", { hasText: "delivered to 1 connection." }).waitFor({ timeout: TIMEOUT });
  assert.deepEqual(problems, []);
});

test("a lookup shows the user's connection with its details", async (t) => {
  await connectClients(t, ["lookup-user"]);
  const presence = await online("lookup-user", 1);
  const { page, problems } = await openDashboard(t);

  await lookUp(page, "lookup-user");

  assert.equal(await page.locator("#lookup-result").textContent(), "lookup-user is online with 1 connection.");
  assert.equal(await page.locator("#lookup-nodes").isHidden(), true);
  const row = page.locator("#lookup-connections tbody tr");
  assert.equal(await row.count(), 1);
  const cells = await row.locator("td").allTextContents();
  const connection = presence.connectionDetails[0];
  assert.equal(cells[0], String(connection.id));
  assert.equal(cells[1], connection.remoteAddress);
  assert.match(cells[1], /^127\.0\.0\.1:\d+$/);
  assert.equal(cells[2], "seed");
  assert.match(cells[3], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  assert.equal(cells[4], "0 msg, 0 B");
  assert.equal(cells[5], "-");
  assert.deepEqual(problems, []);
});

test("disconnect, after its confirm step, closes the user's client with 4004", async (t) => {
  const clients = await connectClients(t, ["kicked"]);
  const { page, problems } = await openDashboard(t);
  await lookUp(page, "kicked");

  await page.getByRole("button", { name: "Disconnect this user…" }).click();
  // Nothing is closed before the confirmation.
  await page.locator("#confirm").waitFor({ timeout: TIMEOUT });
  assert.equal(await clients.evaluate(() => window.closedWith.kicked), undefined);
  await page.getByRole("button", { name: "Disconnect", exact: true }).click();

  await clients.waitForFunction(() => window.closedWith.kicked === 4004, null, { timeout: TIMEOUT });
  await page.locator("#disconnect-result", { hasText: "Disconnected 1 connection of kicked." }).waitFor({ timeout: TIMEOUT });
  await page.locator("#lookup-result", { hasText: "kicked is offline." }).waitFor({ timeout: TIMEOUT });
  assert.deepEqual(problems, []);
});

test("with API keys, the page without a key shows the refusal, a Publish key gets 403, and the Admin key works", async (t) => {
  const { page } = await openDashboard(t, keyed);

  await page.locator("#refusal", { hasText: /^401 / }).waitFor({ timeout: TIMEOUT });
  assert.equal(await page.locator("#live").getAttribute("data-state"), "refused");
  assert.equal(await page.locator("#connections").textContent(), "-");

  await page.getByLabel(/An API key with the Admin scope/).fill(publishKey);
  await page.getByRole("button", { name: "Use key" }).click();
  await page.locator("#refusal", { hasText: /^403 .*scope Publish/ }).waitFor({ timeout: TIMEOUT });

  await page.getByLabel(/An API key with the Admin scope/).fill(adminKey);
  await page.getByRole("button", { name: "Use key" }).click();
  await page.locator("#live[data-state=live]").waitFor({ timeout: TIMEOUT });
  await page.locator("#connections", { hasText: /^\d+$/ }).waitFor({ timeout: TIMEOUT });
  assert.equal(await page.locator("#access").isHidden(), true);
  // Kept for the tab: a reload does not ask again.
  await page.reload();
  await page.locator("#live[data-state=live]").waitFor({ timeout: TIMEOUT });
});

test("pushes from the dashboard to a topic, a user and everyone reach a herald.v1 page through the JS client", async (t) => {
  // The demo page: a real page of the browser client, logged in over herald.v1 and subscribed to a topic.
  const { page: demo, problems: demoProblems } = await openPage(browser, t);
  await demo.goto(base);
  await demo.locator("#state[data-state=open]").waitFor({ timeout: TIMEOUT });
  const uid = await demo.locator("#uid").inputValue();
  await demo.locator("#topic").fill("dashboard-news");
  await demo.getByRole("button", { name: "Subscribe" }).click();
  await demo.locator("#topics li[data-topic='dashboard-news'][data-confirmed=true]").waitFor({ timeout: TIMEOUT });
  const { page, problems } = await openDashboard(t);
  await page.locator("#topics", { hasText: /^1$/ }).waitFor({ timeout: TIMEOUT });

  const pushes = [
    ["a topic", "dashboard-news", '{"headline":"to the topic"}', "topic:dashboard-news", '"headline": "to the topic"'],
    ["a user", uid, "to the user", `user:${uid}`, "to the user"],
    ["everyone", null, "to everyone", "broadcast", "to everyone"],
  ];
  for (const [target, to, data, stream, shown] of pushes) {
    await page.getByLabel(target, { exact: true }).check();
    // "everyone" disables the field: a broadcast has no target.
    if (to !== null) await page.getByLabel("User ID or topic").fill(to);
    await page.getByLabel("Message (text, or JSON)").fill(data);
    const previous = await page.locator("#push-result").textContent();
    await page.getByRole("button", { name: "Publish" }).click();
    await demo.locator(`#messages li[data-stream="${stream}"] .data`, { hasText: shown }).waitFor({ timeout: TIMEOUT });
    // Each answer names its message's ID, so a new one differs from the last.
    await page.waitForFunction(
      (previous) => {
        const text = document.getElementById("push-result").textContent;
        return text !== previous && text.endsWith("delivered to 1 connection.");
      },
      previous,
      { timeout: TIMEOUT },
    );
  }
  assert.deepEqual(demoProblems, []);
  assert.deepEqual(problems, []);
});
