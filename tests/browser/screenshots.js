// Refreshes the screenshots in docs/images/ (the demo page, the dashboard, the task-runner sample mid-job), so that a
// reader of the docs sees the pages without running them. Against the default runs, each in a terminal of its own:
//   dotnet run --project src/Herald.Server        Herald on http://localhost:8181, with the demo page and dashboard
//   dotnet run --project samples/TaskRunner       the sample on http://localhost:5080, pushing through that Herald
//   cd tests/browser && npm run screenshots
// HERALD_URL and TASKRUNNER_URL name other addresses. CHROMIUM_ARGS (a JSON array) gives Chromium more switches: with
// servers on other ports, --host-resolver-rules lets the pictures still show the default addresses (docs/js-client.md).
// Every request goes through the browser, so that it reaches the servers the way the pages do.
import { fileURLToPath } from "node:url";
import { mkdirSync } from "node:fs";
import { launch } from "./support/browser.js";

const TIMEOUT = 30_000;
const herald = process.env.HERALD_URL ?? "http://localhost:8181/";
const taskRunner = process.env.TASKRUNNER_URL ?? "http://localhost:5080/";
const images = fileURLToPath(new URL("../../docs/images/", import.meta.url));
mkdirSync(images, { recursive: true });

const browser = await launch(JSON.parse(process.env.CHROMIUM_ARGS ?? "[]"));
const viewport = { width: 1100, height: 900 };

// A new window of its own (its own storage, so its own user ID), light, at the laptop size the pictures show.
async function newPage() {
  const context = await browser.newContext({ viewport, colorScheme: "light" });
  return context.newPage();
}

async function send(page, uid, message) {
  const url = new URL("send", herald);
  url.searchParams.set("uid", uid);
  url.searchParams.set("message", message);
  const answer = await page.evaluate((url) => fetch(url).then((response) => response.json()), url.href);
  if (answer.delivered === undefined) throw new Error(`/send answered ${JSON.stringify(answer)}`);
}

async function openDemo(uid, topic) {
  const page = await newPage();
  await page.goto(herald);
  await page.locator("#state[data-state=open]").waitFor({ timeout: TIMEOUT });
  await page.getByLabel("User ID").fill(uid);
  await page.getByLabel("User ID").press("Enter");
  await page.locator("#state[data-state=open]").waitFor({ timeout: TIMEOUT });
  if (topic) {
    await page.locator("#topic").fill(topic);
    await page.getByRole("button", { name: "Subscribe" }).click();
    await page.locator(`#topics li[data-topic="${topic}"][data-confirmed=true]`).waitFor({ timeout: TIMEOUT });
  }
  return page;
}

async function demoPage() {
  const page = await openDemo("123", "news");
  for (const message of ["Hello World", "Your report is ready"]) {
    await send(page, "123", message);
    await page.locator("#messages li:first-child .data", { hasText: message }).waitFor({ timeout: TIMEOUT });
  }
  await page.screenshot({ path: images + "demo-page.png", fullPage: true });
  console.log("wrote docs/images/demo-page.png");
}

// The dashboard with something to show: users joining while it watches, messages flowing, a looked-up user and a
// push from its form. Its charts are drawn from real polls, one every 2 seconds, so this takes a minute and a half.
const POLLS = 45;
const JOINS = new Map([[3, ["123"]], [9, ["alice", "news"]], [16, ["bob", "news"]], [24, ["123"]]]);

async function adminPage() {
  const page = await newPage();
  await page.goto(new URL("admin", herald).href);
  await page.locator("#live[data-state=live]").waitFor({ timeout: TIMEOUT });
  const polled = () => page.locator("#chart-connections polyline").evaluate((line) => line.getAttribute("points").trim().split(/\s+/).length);
  const online = [];
  for (let poll = 1; poll <= POLLS; poll++) {
    const joining = JOINS.get(poll);
    if (joining) {
      await openDemo(...joining);
      online.push(joining[0]);
    }
    // A varying load, so that the rate charts have a shape.
    for (let i = 0; i < online.length * (1 + ((poll * 7) % 5)); i++) await send(page, online[i % online.length], `update ${poll}.${i}`);
    const seen = await polled();
    await page.waitForFunction(
      (seen) => document.querySelector("#chart-connections polyline").getAttribute("points").trim().split(/\s+/).length > seen,
      seen,
      { timeout: TIMEOUT },
    );
  }

  await page.getByLabel("User ID", { exact: true }).fill("alice");
  await page.getByRole("button", { name: "Look up" }).click();
  await page.locator("#lookup-connections tbody tr").first().waitFor({ timeout: TIMEOUT });
  await page.getByLabel("a topic", { exact: true }).check();
  await page.getByLabel("User ID or topic").fill("news");
  await page.getByLabel("Message (text, or JSON)").fill('{"headline":"Deploy finished"}');
  await page.getByRole("button", { name: "Publish" }).click();
  await page.locator("#push-result", { hasText: "delivered to 3 connections." }).waitFor({ timeout: TIMEOUT });
  await page.screenshot({ path: images + "admin-page.png", fullPage: true });
  console.log("wrote docs/images/admin-page.png");
}

// Mid-job: one job done, the next one part of the way.
async function taskRunnerPage() {
  const page = await newPage();
  await page.goto(taskRunner);
  await page.locator("#state[data-state=open]").waitFor({ timeout: TIMEOUT });
  for (const steps of [3, 40]) {
    await page.getByLabel("Steps").fill(String(steps));
    await page.getByRole("button", { name: "Start a job" }).click();
    await page.locator("#jobs li", { hasText: steps === 3 ? "done" : /step (1[2-9]|2\d) of 40/ }).waitFor({ timeout: TIMEOUT });
  }
  await page.screenshot({ path: images + "task-runner.png", fullPage: true });
  console.log("wrote docs/images/task-runner.png");
}

try {
  await demoPage();
  await adminPage();
  await taskRunnerPage();
} finally {
  await browser.close();
}
