// The dashboard of node A of a two-node cluster (one Redis), in a real Chromium, against the nodes
// ClusterDashboardBrowserTests started: it lists both nodes and finds a user who is connected to node B only.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, heraldUrl, requiredEnv } from "../support/browser.js";

const TIMEOUT = 15_000;
const RUNNER = "ClusterDashboardBrowserTests";
const nodeA = heraldUrl();
const nodeB = requiredEnv("HERALD_OTHER_URL", RUNNER);
const nodeAId = requiredEnv("HERALD_NODE_ID", RUNNER);
const nodeBId = requiredEnv("HERALD_OTHER_NODE_ID", RUNNER);
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

// A seed-flavour client logged in on node B, in a page of its own (node 20 has no WebSocket).
async function connectToNodeB(t, uid) {
  const { page } = await openPage(browser, t);
  // Any page of node B, so that the WebSocket is to its own origin.
  await page.goto(new URL("herald/client.js", nodeB).href);
  const url = new URL("ws", nodeB).href.replace(/^http/, "ws");
  await page.evaluate(
    ({ url, uid }) =>
      new Promise((resolve, reject) => {
        const socket = new WebSocket(url);
        socket.onopen = () => {
          socket.send(JSON.stringify({ uid }));
          resolve();
        };
        socket.onerror = () => reject(new Error(`the WebSocket of ${uid} failed`));
      }),
    { url, uid },
  );
}

test("node A's dashboard lists every live node and the cluster's sum, and finds a user on node B", async (t) => {
  await connectToNodeB(t, "on-b");
  const { page, problems } = await openPage(browser, t);
  await page.goto(new URL("admin", nodeA).href);

  await page.locator("#nodes-box:not([hidden])").waitFor({ timeout: TIMEOUT });
  await page.locator(`#nodes tr[data-node-id="${nodeBId}"] td:nth-child(2)`, { hasText: /^1$/ }).waitFor({ timeout: TIMEOUT });
  await page.locator("#connections", { hasText: /^1$/ }).waitFor({ timeout: TIMEOUT });
  const ids = await page.locator("#nodes tbody tr").evaluateAll((rows) => rows.map((row) => row.dataset.nodeId));
  assert.deepEqual(ids, [nodeAId, nodeBId]);
  assert.equal(await page.locator(`#nodes tr[data-node-id="${nodeAId}"] td`).first().textContent(), `${nodeAId} (this one)`);

  await page.fill("#lookup-uid", "on-b");
  await page.click("#lookup-form button[type=submit]");
  await page.locator("#lookup-result", { hasText: "on-b is online with 1 connection." }).waitFor({ timeout: TIMEOUT });
  assert.equal(await page.locator("#lookup-nodes").textContent(), `On ${nodeBId} (1); the connections listed are this node's.`);
  assert.equal(await page.locator("#lookup-connections").isHidden(), true);
  assert.deepEqual(problems, []);
});
