// The README's Node example runs as written (README snippets are tested).
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { execFileSync } from "node:child_process";
import { root } from "./helpers.mjs";

/** The README's ```js node-example blocks, in order. */
function examples() {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  return [...readme.matchAll(/```js node-example\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** Runs one example as a script from the repository root; answers its output. */
function run(code) {
  const dir = mkdtempSync(join(tmpdir(), "rapport-readme-"));
  const script = join(root, "pkg-tests", ".readme-example.mjs");
  writeFileSync(script, code);
  return execFileSync(process.execPath, [script], { cwd: root, encoding: "utf8", env: { ...process.env, TMPDIR: dir } });
}

test("the README's Node example runs and prints monthly revenue", () => {
  const blocks = examples();
  assert.ok(blocks.length >= 1, "README has a ```js node-example block");
  const out = run(blocks[0]);
  assert.match(out, /rows loaded: \d+/);
  assert.match(out, /\d{4}-\d{2}/);
});

test("the README's selection-language example counts, saves a segment and reports an EXPR error", () => {
  const block = examples().find((b) => b.includes("segmentCount"));
  assert.ok(block, "README has a node-example using segmentCount");
  const out = run(block);
  const selected = Number(out.match(/customers selected: (\d+)/)[1]);
  assert.ok(selected > 0, out);
  const [, count, total] = out.match(/(\d+) of (\d+) customers on \d{4}-\d{2}-\d{2}/).map(Number);
  assert.ok(count <= selected && total > selected, out);
  assert.match(out, /EXPR 21 recency_days/);
});

test("the README's RFM and audience example prints segments and a reproducible audience", () => {
  const block = examples().find((b) => b.includes("audienceCsv"));
  assert.ok(block, "README has a node-example using audienceCsv");
  const out = run(block);
  assert.match(out, /^Champions \d+ [\d.]+ % of revenue$/m);
  assert.match(out, /target \d+, control \d+, seed 7/);
  assert.match(out, /^customer_id,group,email,rfm_segment$/m);
});

test("the README's cohorts and lifecycle example prints a cohort, unbounded retention and a month's flows", () => {
  const block = examples().find((b) => b.includes("ws.cohorts"));
  assert.ok(block, "README has a node-example using cohorts");
  const out = run(block);
  const [, size, active0] = out.match(/^\d{4}-Q\d (\d+) \[ (\d+),/m).map(Number);
  assert.equal(size, active0, out);
  assert.match(out, /returned in quarter 2 or later: \d+\.\d %/);
  assert.match(out, /^\d{4}-\d{2} \d+ \d+ \d+ \d+$/m);
});
