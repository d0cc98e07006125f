import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { minify } from "terser";

// The budget for what the client adds to an application's bundle: the compiled module minified (terser, as a
// bundler's production build would) and gzipped. Herald serves the module unminified, so that is measured too.
const budget = 4.5 * 1024;

const source = () => readFile(new URL("../dist/herald-client.js", import.meta.url), "utf8");
const gzipped = (code) => gzipSync(code, { level: 9 }).length;

async function sizes() {
  const code = await source();
  const minified = await minify(code, { module: true, ecma: 2020 });
  return { minified: gzipped(minified.code), served: gzipped(code) };
}

// The figure after `label` in bold, as README.md writes it: **3,977 bytes** minified and gzipped.
function stated(readme, label) {
  const match = new RegExp(`\\*\\*([\\d,]+) bytes\\*\\* ${label}`).exec(readme);
  assert.ok(match, `README.md states no "**N bytes** ${label}"`);
  return Number(match[1].replace(/,/g, ""));
}

test("the minified and gzipped client stays within its budget", async () => {
  const { minified } = await sizes();
  assert.ok(minified <= budget, `dist/herald-client.js is ${minified} bytes minified and gzipped, over the ${budget}-byte budget`);
});

test("the repository's README states the minified and gzipped size, to within 5 %", async () => {
  const readme = await readFile(new URL("../../../README.md", import.meta.url), "utf8");
  const { minified } = await sizes();
  const figure = stated(readme, "minified and gzipped");
  assert.ok(Math.abs(figure - minified) <= minified * 0.05, `the repository's README.md says ${figure} bytes; it is ${minified}: update it`);
});

test("the README states both sizes, to within 5 %", async () => {
  const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
  const { minified, served } = await sizes();
  for (const [label, size] of [["minified and gzipped", minified], ["gzipped as served", served]]) {
    const figure = stated(readme, label);
    assert.ok(Math.abs(figure - size) <= size * 0.05, `README.md says ${figure} bytes ${label}; it is ${size}: update it`);
  }
});
