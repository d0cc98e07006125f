import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { gzipSync } from "node:zlib";

// The budget for what a page downloads: the compiled module as served (not minified, comments kept), gzipped.
const budget = 8 * 1024;

const gzipped = async () => gzipSync(await readFile(new URL("../dist/herald-client.js", import.meta.url)), { level: 9 }).length;

test("the gzipped client stays within its budget", async () => {
  const size = await gzipped();
  assert.ok(size <= budget, `dist/herald-client.js is ${size} bytes gzipped, over the ${budget}-byte budget`);
});

test("the README states the gzipped size, to within 5 %", async () => {
  const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
  const stated = Number(/\*\*([\d,]+) bytes\*\* gzipped/.exec(readme)?.[1]?.replace(/,/g, ""));
  const size = await gzipped();
  assert.ok(Math.abs(stated - size) <= size * 0.05, `README.md says ${stated} bytes gzipped; it is ${size}: update it`);
});
