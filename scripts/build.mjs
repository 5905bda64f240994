#!/usr/bin/env node
// Builds everything `npm start` and `npm test` need, incrementally:
//   1. the release wasm of the core (`rapport`) and of the format readers
//      (`rapport-formats`, Parquet/Arrow/XLSX, a module of its own that the page
//      loads only when such a file is dropped) — cargo; incremental by itself,
//   2. wasm-bindgen for the web and for Node, then wasm-opt -O3 (skipped when
//      the wasm did not change),
//   3. the page: TypeScript bundled by esbuild into dist/www with the wasm
//      modules and the sample data beside it.
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

const wasmOpt = join(root, "node_modules/.bin/wasm-opt");

/**
 * Builds one crate's release wasm, then — only when it changed — its bindings
 * for the web and for Node, optimised, and `size.json` beside them. Each crate
 * is its own cargo run, so the features one enables (e.g. LZ4 in arrow-ipc for
 * the format readers) never reach the other's wasm.
 */
function buildModule({ pkg, lib, outName, dir, profile = "release" }) {
  run("cargo", ["build", "--profile", profile, "--target", "wasm32-unknown-unknown", "-p", pkg, "--lib", "--quiet"]);
  const wasm = join(root, `target/wasm32-unknown-unknown/${profile}/${lib}.wasm`);
  const digest = createHash("sha256").update(readFileSync(wasm)).digest("hex");
  const stamp = join(root, dir, ".wasm-sha256");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === digest) return;
  const optimise = (bg) => run(wasmOpt, ["-O3", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
    "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue", "--enable-simd", bg, "-o", bg]);
  const outputs = [["web", "web"], ["nodejs", "node"]].map(([target, sub]) => {
    const out = join(dir, sub);
    log(`wasm-bindgen --target ${target} ${out}`);
    run("wasm-bindgen", ["--target", target, "--out-dir", out, "--out-name", outName, wasm]);
    return join(root, out, `${outName}_bg.wasm`);
  });
  // wasm-bindgen writes the same wasm for both targets (only the JS glue differs):
  // optimise it once and copy it, which halves the slowest step of a build.
  const [webBg, nodeBg] = outputs;
  const same = readFileSync(webBg).equals(readFileSync(nodeBg));
  for (const bg of same ? [webBg] : outputs) {
    log(`wasm-opt -O3 ${bg.slice(root.length + 1)}`);
    optimise(bg);
  }
  if (same) cpSync(webBg, nodeBg);
  // The Node build is CommonJS inside an ESM package.
  writeFileSync(join(root, dir, "node/package.json"), JSON.stringify({ type: "commonjs" }) + "\n");
  writeFileSync(stamp, digest);
  const opt = readFileSync(join(root, dir, `web/${outName}_bg.wasm`));
  const sizes = { raw: opt.length, gzip: gzipSync(opt, { level: 9 }).length };
  writeFileSync(join(root, dir, "size.json"), JSON.stringify(sizes) + "\n");
  log(`${outName}_bg.wasm: ${(sizes.raw / 1024).toFixed(0)} KiB raw, ${(sizes.gzip / 1024).toFixed(0)} KiB gzip`);
}

// 1–2. The core (pkg/web, pkg/node) and the format readers (pkg/formats/web, pkg/formats/node).
buildModule({ pkg: "rapport", lib: "rapport", outName: "rapport", dir: "pkg" });
// Its own cargo profile (Cargo.toml): optimised for size.
buildModule({ pkg: "rapport-formats", lib: "rapport_formats", outName: "rapport_formats", dir: "pkg/formats",
  profile: "release-formats" });

// 3. The page.
const site = join(root, "dist/www");
mkdirSync(site, { recursive: true });
await esbuild.build({
  absWorkingDir: root,
  entryPoints: { main: "www/src/main.ts", worker: "www/src/worker.ts", "part-worker": "www/src/part-worker.ts" },
  outdir: site,
  bundle: true,
  // The formats module's glue is imported lazily (www/src/formats.ts): its own chunk.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  format: "esm",
  target: "es2022",
  minify: !process.env.RAPPORT_DEBUG,
  sourcemap: true,
  logLevel: quiet ? "error" : "warning",
});
for (const f of ["index.html", "styles.css", "favicon.svg"]) cpSync(join(root, "www", f), join(site, f));
cpSync(join(root, "pkg/web/rapport_bg.wasm"), join(site, "rapport_bg.wasm"));
cpSync(join(root, "pkg/formats/web/rapport_formats_bg.wasm"), join(site, "rapport_formats_bg.wasm"));

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
