// The README's Node example runs as written (README snippets are tested).
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { execFileSync } from "node:child_process";
import { root } from "./helpers.mjs";

const readme = readFileSync(join(root, "README.md"), "utf8");
const examples = [...readme.matchAll(/```js node-example\n([\s\S]*?)```/g)].map((m) => m[1]);

/** Runs one README example as a script from the repository root; answers its output. */
function run(code, i) {
  const dir = mkdtempSync(join(tmpdir(), "rapport-readme-"));
  const script = join(root, "pkg-tests", `.readme-example-${i}.mjs`);
  writeFileSync(script, code);
  return execFileSync(process.execPath, [script], { cwd: root, encoding: "utf8", env: { ...process.env, TMPDIR: dir } });
}

test("the README's first Node example runs and prints monthly revenue", () => {
  assert.ok(examples.length > 0, "README has a ```js node-example block");
  const out = run(examples[0], 0);
  assert.match(out, /rows loaded: \d+/);
  assert.match(out, /\d{4}-\d{2}/);
});

test("every other Node example of the README runs and prints something", () => {
  examples.slice(1).forEach((code, i) => assert.notEqual(run(code, i + 1).trim(), "", `example ${i + 2}`));
});
