// The demo page at / in a real Chromium, against the Herald server BrowserTests started.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, heraldUrl } from "../support/browser.js";
import { startProxy } from "../support/proxy.js";

const TIMEOUT = 15_000;
// BrowserTests starts the server with a history this short, so that a test can outrun it.
const HISTORY = Number(process.env.HERALD_HISTORY_MAX_MESSAGES ?? 5);
const base = heraldUrl();
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

async function openDemo(t, url = base) {
  const opened = await openPage(browser, t);
  await opened.page.goto(url);
  await opened.page.locator("#state[data-state=open]").waitFor({ timeout: TIMEOUT });
  return opened;
}

async function sendWithHttp(uid, message) {
  const url = new URL("send", base);
  url.searchParams.set("uid", uid);
  url.searchParams.set("message", message);
  const response = await fetch(url);
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return JSON.parse(text).delivered;
}

// Until the server has seen the user's last connection close, so that a send is for the history only.
async function offline(uid) {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const presence = await (await fetch(new URL(`api/v1/users/${encodeURIComponent(uid)}`, base))).json();
    if (presence.connections === 0) return;
    if (Date.now() > deadline) throw new Error(`${uid} still has ${presence.connections} connection(s)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test("the page connects as a random user and shows the curl command for it", async (t) => {
  const { page, problems } = await openDemo(t);
  const uid = await page.locator("#uid").inputValue();
  assert.match(uid, /^demo-[0-9a-f]{8}$/);
  const origin = new URL(base).origin;
  assert.equal(await page.locator("#curl").textContent(), `curl "${origin}/send?uid=${uid}&message=Hello%20World"`);
  assert.deepEqual(problems, []);
});

test("a message sent with an HTTP request to /send appears on the page", async (t) => {
  const { page, problems } = await openDemo(t);
  const uid = await page.locator("#uid").inputValue();

  assert.equal(await sendWithHttp(uid, "Hello from curl"), 1);

  const item = page.locator("#messages li").first();
  await item.locator(".data", { hasText: "Hello from curl" }).waitFor({ timeout: TIMEOUT });
  assert.equal(await item.getAttribute("data-stream"), `user:${uid}`);
  assert.match(await item.locator(".meta").textContent(), new RegExp(`user:${uid} · seq \\d+`));
  assert.deepEqual(problems, []);
});

test("the copy button puts the curl command on the clipboard", async (t) => {
  const { page, problems } = await openDemo(t);
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(base).origin });

  await page.getByRole("button", { name: "Copy" }).click();
  await page.locator("#copied", { hasText: "Copied." }).waitFor({ timeout: TIMEOUT });
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await page.locator("#curl").textContent());
  assert.deepEqual(problems, []);
});

test("the user ID is kept across a reload, and a chosen one is used", async (t) => {
  const { page, problems } = await openDemo(t);
  const first = await page.locator("#uid").inputValue();
  await page.reload();
  await page.locator("#state[data-state=open]").waitFor({ timeout: TIMEOUT });
  assert.equal(await page.locator("#uid").inputValue(), first);

  // By its label and the keyboard alone, as a screen-reader or keyboard user would.
  await page.getByLabel("User ID").fill("chosen-user");
  await page.getByLabel("User ID").press("Enter");
  await page.locator("#state[data-state=open]").waitFor({ timeout: TIMEOUT });
  await page.locator("#curl", { hasText: "uid=chosen-user&" }).waitFor({ timeout: TIMEOUT });
  assert.equal(await sendWithHttp("chosen-user", "to the chosen one"), 1);
  await page.locator("#messages .data", { hasText: "to the chosen one" }).waitFor({ timeout: TIMEOUT });
  assert.deepEqual(problems, []);
});

test("the page's own send form posts to /send and the message arrives, newest first", async (t) => {
  const { page, problems } = await openDemo(t);

  await page.locator("#message").fill("first");
  await page.getByRole("button", { name: "Send" }).click();
  await page.locator("#send-result", { hasText: "delivered to 1 connection" }).waitFor({ timeout: TIMEOUT });
  await page.locator("#messages .data", { hasText: "first" }).waitFor({ timeout: TIMEOUT });

  await page.getByLabel("Message", { exact: true }).fill("second");
  await page.getByLabel("Message", { exact: true }).press("Enter");
  await page.locator("#messages li:first-child .data", { hasText: "second" }).waitFor({ timeout: TIMEOUT });
  assert.equal(await page.locator("#messages li").count(), 2);
  assert.deepEqual(problems, []);
});

test("a topic subscribed from the page receives what is published to it", async (t) => {
  const { page, problems } = await openDemo(t);
  await page.locator("#topic").fill("demo-news");
  await page.getByRole("button", { name: "Subscribe" }).click();
  // Published once the server confirmed the subscription: a topic starts live, so an earlier publish is not for it.
  await page.locator("#topics li[data-topic='demo-news'][data-confirmed=true]").waitFor({ timeout: TIMEOUT });

  const response = await fetch(new URL("api/v1/publish", base), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ topics: ["demo-news"], data: { headline: "topics work" } }),
  });
  assert.equal(response.status, 200);
  await page.locator("#messages li[data-stream='topic:demo-news'] .data", { hasText: "topics work" }).waitFor({ timeout: TIMEOUT });
  assert.deepEqual(problems, []);
});

test("after the backend disconnects the user, Connect resumes with nothing lost and says so", async (t) => {
  const { page, problems } = await openDemo(t);
  const uid = await page.locator("#uid").inputValue();
  assert.equal(await sendWithHttp(uid, "before"), 1);
  await page.locator("#messages .data", { hasText: "before" }).waitFor({ timeout: TIMEOUT });

  const disconnect = await fetch(new URL(`api/v1/users/${encodeURIComponent(uid)}/disconnect`, base), { method: "POST" });
  assert.equal(disconnect.status, 200);
  await page.locator("#state[data-state=closed]", { hasText: "4004" }).waitFor({ timeout: TIMEOUT });
  await page.locator("#notice", { hasText: "disconnected this user" }).waitFor({ timeout: TIMEOUT });
  assert.equal(await sendWithHttp(uid, "while away 1"), 0);
  assert.equal(await sendWithHttp(uid, "while away 2"), 0);

  await page.getByRole("button", { name: "Connect" }).click();
  await page.locator("#notice[data-kind=resumed]", { hasText: "2 missed message(s) replayed" }).waitFor({ timeout: TIMEOUT });
  // The replay follows the "joined" that raised the notice.
  await page.locator("#messages li:first-child .data", { hasText: "while away 2" }).waitFor({ timeout: TIMEOUT });
  const shown = await page.locator("#messages .data").allTextContents();
  assert.deepEqual(shown, ["while away 2", "while away 1", "before"]);
  assert.deepEqual(problems, []);
});

test("when the history no longer covers the gap, the page says messages were lost", async (t) => {
  const { page, problems } = await openDemo(t);
  const uid = await page.locator("#uid").inputValue();
  assert.equal(await sendWithHttp(uid, "seen"), 1);
  await page.locator("#messages .data", { hasText: "seen" }).waitFor({ timeout: TIMEOUT });

  await fetch(new URL(`api/v1/users/${encodeURIComponent(uid)}/disconnect`, base), { method: "POST" });
  await page.locator("#state[data-state=closed]").waitFor({ timeout: TIMEOUT });
  for (let i = 1; i <= HISTORY + 2; i++) {
    assert.equal(await sendWithHttp(uid, `missed ${i}`), 0);
  }

  await page.getByRole("button", { name: "Connect" }).click();
  await page.locator("#notice[data-kind=missed]", { hasText: `Could not recover the messages missed on user:${uid}` }).waitFor({ timeout: TIMEOUT });
  assert.deepEqual(problems, []);
});

test("when the network drops, the page reconnects by itself and resumes what was sent meanwhile, nothing lost", async (t) => {
  const proxy = await startProxy(base);
  t.after(() => proxy.close());
  const { page, problems } = await openDemo(t, proxy.url);
  const uid = await page.locator("#uid").inputValue();
  assert.equal(await sendWithHttp(uid, "before the drop"), 1);
  await page.locator("#messages .data", { hasText: "before the drop" }).waitFor({ timeout: TIMEOUT });

  proxy.cut();
  await page.locator("#state[data-state=reconnecting]").waitFor({ timeout: TIMEOUT });
  await offline(uid);
  assert.equal(await sendWithHttp(uid, "while dropped 1"), 0);
  assert.equal(await sendWithHttp(uid, "while dropped 2"), 0);
  proxy.restore();

  // No click: the client's own backoff brings it back.
  await page.locator("#notice[data-kind=resumed]", { hasText: "2 missed message(s) replayed, nothing lost" }).waitFor({ timeout: TIMEOUT * 2 });
  await page.locator("#messages li:first-child .data", { hasText: "while dropped 2" }).waitFor({ timeout: TIMEOUT });
  assert.deepEqual(await page.locator("#messages .data").allTextContents(), ["while dropped 2", "while dropped 1", "before the drop"]);
  // The attempts made while the link was cut are the browser's console errors; nothing else may be.
  assert.deepEqual(problems.filter((problem) => !problem.includes("WebSocket connection to")), []);
});

test("a reload resumes from the position kept in sessionStorage: only what was sent meanwhile is replayed", async (t) => {
  const { page, problems } = await openDemo(t);
  const uid = await page.locator("#uid").inputValue();
  assert.equal(await sendWithHttp(uid, "before the reload"), 1);
  await page.locator("#messages .data", { hasText: "before the reload" }).waitFor({ timeout: TIMEOUT });
  // Closed by the backend, so that nothing connects while the messages are sent.
  await fetch(new URL(`api/v1/users/${encodeURIComponent(uid)}/disconnect`, base), { method: "POST" });
  await page.locator("#state[data-state=closed]").waitFor({ timeout: TIMEOUT });
  assert.equal(await sendWithHttp(uid, "during the reload 1"), 0);
  assert.equal(await sendWithHttp(uid, "during the reload 2"), 0);

  await page.reload();
  await page.locator("#state[data-state=open]").waitFor({ timeout: TIMEOUT });
  await page.locator("#messages li:first-child .data", { hasText: "during the reload 2" }).waitFor({ timeout: TIMEOUT });
  // A page without the saved position would start from everything retained, "before the reload" too.
  assert.deepEqual(await page.locator("#messages .data").allTextContents(), ["during the reload 2", "during the reload 1"]);
  const saved = await page.evaluate(() => Object.keys(sessionStorage).filter((key) => key.startsWith("herald:")));
  assert.equal(saved.length, 1);
  assert.deepEqual(problems, []);
});
