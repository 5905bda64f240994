#!/usr/bin/env node
// Builds everything `npm start` and `npm test` need, incrementally:
//   1. the release wasm (cargo; incremental by itself),
//   2. wasm-bindgen for the web and for Node, then wasm-opt -O3 (skipped when
//      the wasm did not change),
//   3. the page: TypeScript bundled by esbuild into dist/www with the wasm and
//      the sample data beside it.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const quiet = process.argv.includes("--quiet");
const log = (...a) => { if (!quiet) console.error("build:", ...a); };
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"], ...opts });

// 1. Release wasm.
run("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "--lib", "--quiet"]);
const wasm = join(root, "target/wasm32-unknown-unknown/release/rapport.wasm");
const digest = createHash("sha256").update(readFileSync(wasm)).digest("hex");

// 2. Bindings + wasm-opt, only when the wasm changed.
const stamp = join(root, "pkg/.wasm-sha256");
const wasmOpt = join(root, "node_modules/.bin/wasm-opt");
if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== digest) {
  for (const [target, dir] of [["web", "pkg/web"], ["nodejs", "pkg/node"]]) {
    log(`wasm-bindgen --target ${target}`);
    run("wasm-bindgen", ["--target", target, "--out-dir", dir, "--out-name", "rapport", wasm]);
    const out = join(root, dir, "rapport_bg.wasm");
    log(`wasm-opt -O3 ${dir}`);
    run(wasmOpt, ["-O3", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
      "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue", "--enable-simd", out, "-o", out]);
  }
  // The Node build is CommonJS inside an ESM package.
  writeFileSync(join(root, "pkg/node/package.json"), JSON.stringify({ type: "commonjs" }) + "\n");
  writeFileSync(stamp, digest);
  const opt = readFileSync(join(root, "pkg/web/rapport_bg.wasm"));
  const sizes = { raw: opt.length, gzip: gzipSync(opt, { level: 9 }).length };
  writeFileSync(join(root, "pkg/size.json"), JSON.stringify(sizes) + "\n");
  log(`rapport_bg.wasm: ${(sizes.raw / 1024).toFixed(0)} KiB raw, ${(sizes.gzip / 1024).toFixed(0)} KiB gzip`);
}

// 3. The page.
const site = join(root, "dist/www");
mkdirSync(site, { recursive: true });
await esbuild.build({
  absWorkingDir: root,
  entryPoints: { main: "www/src/main.ts", worker: "www/src/worker.ts" },
  outdir: site,
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: !process.env.RAPPORT_DEBUG,
  sourcemap: true,
  logLevel: quiet ? "error" : "warning",
});
for (const f of ["index.html", "styles.css", "favicon.svg"]) cpSync(join(root, "www", f), join(site, f));
cpSync(join(root, "pkg/web/rapport_bg.wasm"), join(site, "rapport_bg.wasm"));

// Sample data, with a manifest the page reads to offer "Load sample data".
const sampleSrc = join(root, "examples/data");
const sampleDst = join(site, "sample");
mkdirSync(sampleDst, { recursive: true });
const files = readdirSync(sampleSrc).filter((f) => /\.(csv|tsv)(\.gz)?$/.test(f)).sort();
for (const f of files) {
  const dst = join(sampleDst, f);
  if (!existsSync(dst) || statSync(dst).mtimeMs < statSync(join(sampleSrc, f)).mtimeMs) cpSync(join(sampleSrc, f), dst);
}
writeFileSync(join(sampleDst, "index.json"), JSON.stringify({ files }, null, 1) + "\n");
log(`page built in dist/www (${files.length} sample files)`);
