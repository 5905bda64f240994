// Bundles the bench page with esbuild: the runner, the cold-start page and one bundle per
// engine (so a cold start loads only its own engine). DuckDB-wasm's ESM imports
// `apache-arrow` by bare name, which a browser cannot resolve: bundling settles that.
// Rapport is not bundled: its engine imports /pkg/rapport.js, served from pkg/web/.
import path from 'node:path';
import { build } from 'esbuild';

export async function buildPage(benchDir) {
  const page = path.join(benchDir, 'page');
  await build({
    entryPoints: {
      bench: path.join(page, 'bench.js'),
      cold: path.join(page, 'cold.js'),
      'engine-rapport': path.join(page, 'engines', 'rapport.js'),
      // Beside engine-rapport.js, which starts it as `./rapport-part-worker.js`.
      'rapport-part-worker': path.join(page, 'engines', 'rapport-part-worker.js'),
      'engine-duckdb': path.join(page, 'engines', 'duckdb.js'),
      'engine-arquero': path.join(page, 'engines', 'arquero.js'),
    },
    outdir: path.join(benchDir, 'dist'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    external: ['/pkg/*'],
    logLevel: 'warning',
  });
}
