import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { openServer } from "./helpers.js";

test("Herald serves this build at /herald/client.js, with an ETag that answers 304", async () => {
  const built = await readFile(new URL("../dist/herald-client.js", import.meta.url));

  const response = await fetch(new URL("/herald/client.js", openServer()));
  const served = Buffer.from(await response.arrayBuffer());
  const again = await fetch(new URL("/herald/client.js", openServer()), { headers: { "if-none-match": response.headers.get("etag") } });

  assert.equal(response.status, 200);
  assert.ok(served.equals(built), "the server embeds another build than dist/: rebuild Herald after `npm run build`");
  assert.match(response.headers.get("content-type"), /^text\/javascript/);
  assert.equal(again.status, 304);
});

test("the served module imports and exports HeraldClient", async () => {
  const source = await (await fetch(new URL("/herald/client.js", openServer()))).text();
  const module = await import(`data:text/javascript,${encodeURIComponent(source)}`);
  assert.equal(typeof module.HeraldClient, "function");
  assert.equal(module.SUBPROTOCOL, "herald.v1");
});
