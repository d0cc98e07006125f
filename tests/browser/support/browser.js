// Launches Debian's Chromium (never a browser Playwright downloads) for the browser tests.
import { chromium } from "playwright-core";
import { existsSync } from "node:fs";

export const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The Herald server the test started (BrowserTests passes it). */
export function heraldUrl() {
  const url = process.env.HERALD_URL;
  if (!url) throw new Error("HERALD_URL is not set: run these tests through dotnet test (BrowserTests), which starts a server.");
  return url;
}

/** An environment variable the dotnet test named `runner` sets for its suite; fails when it is not set. */
export function requiredEnv(name, runner) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through dotnet test (${runner}).`);
  return value;
}

/** Chromium, headless; `args` are more command-line switches for it. */
export async function launch(args = []) {
  if (!existsSync(executablePath)) {
    throw new Error(`${executablePath} is missing: run .ci/run (it installs Debian's chromium), or set CHROMIUM_PATH.`);
  }
  // Chromium's sandbox needs user namespaces, which it refuses to set up as root (CI containers run as root): only
  // there is it turned off. As any other user the sandbox stays on.
  const sandbox = process.getuid?.() === 0 ? ["--no-sandbox"] : [];
  return chromium.launch({ executablePath, headless: true, args: [...sandbox, ...args] });
}

/** A new page that fails the test on any console error or uncaught exception, so a broken page cannot pass. */
export async function openPage(browser, t) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} from ${response.url()}`);
  });
  t.after(async () => {
    await context.close();
  });
  return { page, problems };
}
