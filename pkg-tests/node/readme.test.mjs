// The README's Node example runs as written (README snippets are tested).
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { execFileSync } from "node:child_process";
import { root } from "./helpers.mjs";

test("the README's Node example runs and prints monthly revenue", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const m = readme.match(/```js node-example\n([\s\S]*?)```/);
  assert.ok(m, "README has a ```js node-example block");
  const dir = mkdtempSync(join(tmpdir(), "rapport-readme-"));
  const script = join(root, "pkg-tests", ".readme-example.mjs");
  writeFileSync(script, m[1]);
  const out = execFileSync(process.execPath, [script], { cwd: root, encoding: "utf8", env: { ...process.env, TMPDIR: dir } });
  assert.match(out, /rows loaded: \d+/);
  assert.match(out, /\d{4}-\d{2}/);
});
