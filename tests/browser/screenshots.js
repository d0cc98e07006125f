// Refreshes the demo page's screenshot in docs/images/, so a reader of the docs sees the page without running it:
//   dotnet run --project src/Herald.Server &   then   HERALD_URL=http://localhost:8181/ npm run screenshots
import { fileURLToPath } from "node:url";
import { mkdirSync } from "node:fs";
import { launch, heraldUrl } from "./support/browser.js";

const TIMEOUT = 15_000;
const base = heraldUrl();
const images = fileURLToPath(new URL("../../docs/images/", import.meta.url));
mkdirSync(images, { recursive: true });

const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, colorScheme: "light" });
  await page.goto(base);
  await page.getByLabel("User ID").fill("123");
  await page.getByLabel("User ID").press("Enter");
  await page.locator("#state[data-state=open]").waitFor({ timeout: TIMEOUT });
  await page.getByRole("button", { name: "Subscribe" }).click();
  await page.locator("#topics li[data-confirmed=true]").waitFor({ timeout: TIMEOUT });
  for (const message of ["Hello World", "Your report is ready"]) {
    const url = new URL("send", base);
    url.searchParams.set("uid", "123");
    url.searchParams.set("message", message);
    await fetch(url);
    await page.locator("#messages li:first-child .data", { hasText: message }).waitFor({ timeout: TIMEOUT });
  }
  await page.screenshot({ path: images + "demo-page.png", fullPage: true });
  console.log("wrote docs/images/demo-page.png");
} finally {
  await browser.close();
}
