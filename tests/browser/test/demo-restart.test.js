// The demo page across a real restart of the standalone server: DemoPageBrowserTests passes the command
// (HERALD_COMMAND) and an address of its own (HERALD_RESTART_URL); this suite starts, stops and starts Herald there.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage } from "../support/browser.js";
import { heraldCommand, startHerald, stopHerald } from "../support/herald.js";

const TIMEOUT = 15_000;
const command = heraldCommand();
const url = process.env.HERALD_RESTART_URL;
let browser;
let herald;

before(async () => {
  assert.ok(command && url, "HERALD_COMMAND and HERALD_RESTART_URL are not set: run this through dotnet test (DemoPageBrowserTests)");
  herald = await startHerald(command, url);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await stopHerald(herald);
});

async function send(uid, message) {
  const target = new URL("send", url);
  target.searchParams.set("uid", uid);
  target.searchParams.set("message", message);
  const response = await fetch(target);
  assert.equal(response.status, 200);
  return (await response.json()).delivered;
}

test("across a server restart the page reconnects, says the restarted history could not cover the gap, and receives again", async (t) => {
  const { page, problems } = await openPage(browser, t);
  await page.goto(url);
  await page.locator("#state[data-state=open]").waitFor({ timeout: TIMEOUT });
  const uid = await page.locator("#uid").inputValue();
  assert.equal(await send(uid, "before the restart"), 1);
  await page.locator("#messages .data", { hasText: "before the restart" }).waitFor({ timeout: TIMEOUT });

  await stopHerald(herald);
  await page.locator("#state[data-state=reconnecting]").waitFor({ timeout: TIMEOUT });
  herald = await startHerald(command, url);

  // The new process's history is empty, with a new epoch: the page must not claim it resumed.
  await page.locator("#state[data-state=open]").waitFor({ timeout: TIMEOUT * 2 });
  const notice = page.locator("#notice[data-kind=missed]");
  await notice.waitFor({ timeout: TIMEOUT });
  assert.match(await notice.textContent(), new RegExp(`user:${uid}.*: the server restarted .* is lost\\.$`));
  assert.equal(await send(uid, "after the restart"), 1);
  await page.locator("#messages li:first-child .data", { hasText: "after the restart" }).waitFor({ timeout: TIMEOUT });
  assert.deepEqual(await page.locator("#messages .data").allTextContents(), ["after the restart", "before the restart"]);
  // The attempts made while the server was down are the browser's console errors; nothing else may be.
  assert.deepEqual(problems.filter((problem) => !problem.includes("WebSocket connection to")), []);
});
