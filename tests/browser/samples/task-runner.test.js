// samples/TaskRunner's page in a real Chromium: its bars stay right after a reload, after a job ended and across a
// Herald restart. TaskRunnerBrowserTests starts the sample; this suite starts Herald itself (HERALD_COMMAND), so
// that it can stop and start it again on the same address, and stops it by its PID at the end.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage } from "../support/browser.js";
import { heraldCommand, startHerald, stopHerald } from "../support/herald.js";

const TIMEOUT = 20_000;
const command = heraldCommand();
const heraldUrl = process.env.HERALD_URL;
const sampleUrl = process.env.TASKRUNNER_URL;
let browser;
let herald;

before(async () => {
  assert.ok(command && heraldUrl && sampleUrl, "HERALD_COMMAND, HERALD_URL and TASKRUNNER_URL are not set: run this through dotnet test (TaskRunnerBrowserTests)");
  herald = await startHerald(command, heraldUrl);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await stopHerald(herald);
});

async function openSample(t) {
  const opened = await openPage(browser, t);
  await opened.page.goto(sampleUrl);
  await opened.page.locator("#state[data-state=open]").waitFor({ timeout: TIMEOUT });
  return opened;
}

async function startJob(page, steps) {
  await page.getByLabel("Steps").fill(String(steps));
  await page.getByRole("button", { name: "Start a job" }).click();
  await page.locator("#jobs li").first().waitFor({ timeout: TIMEOUT });
  return page.locator("#jobs li").first().getAttribute("data-job");
}

test("a job's bar fills live, and a reload after the job ended still shows it done", async (t) => {
  const { page, problems } = await openSample(t);
  assert.match(await page.getByLabel("User ID").inputValue(), /^user-[0-9a-f]{8}$/);

  const job = await startJob(page, 3);
  const item = page.locator(`#jobs li[data-job="${job}"]`);
  await item.getByText("done").waitFor({ timeout: TIMEOUT });
  assert.equal(await item.locator("progress").evaluate((bar) => [bar.value, bar.max].join("/")), "3/3");

  await page.reload();
  await page.locator("#state[data-state=open]").waitFor({ timeout: TIMEOUT });
  await page.locator(`#jobs li[data-job="${job}"]`).getByText("done").waitFor({ timeout: TIMEOUT });
  assert.deepEqual(problems, []);
});

test("across a Herald restart mid-job the page reconnects, reloads the job from the backend and follows it to done", async (t) => {
  const { page, problems } = await openSample(t);
  const job = await startJob(page, 12);
  const item = page.locator(`#jobs li[data-job="${job}"]`);
  await item.getByText("step 2 of 12").waitFor({ timeout: TIMEOUT });

  await stopHerald(herald);
  await page.locator("#state[data-state=reconnecting]").waitFor({ timeout: TIMEOUT });
  herald = await startHerald(command, heraldUrl);

  await page.locator("#state[data-state=open]").waitFor({ timeout: TIMEOUT * 2 });
  await page.getByText("the jobs were reloaded from the backend").waitFor({ timeout: TIMEOUT });
  await item.getByText("done").waitFor({ timeout: TIMEOUT });
  // The sample's backend reports each step to Herald; while Herald was down the reports failed, and only the
  // backend's status call could tell the page where the job was.
  const [value, max] = await item.locator("progress").evaluate((bar) => [bar.value, bar.max]);
  assert.deepEqual([value, max], [12, 12]);
  assert.deepEqual(problems.filter((problem) => !problem.includes("ERR_CONNECTION_REFUSED") && !problem.includes("WebSocket")), []);
});
