// cold_start: runs once on a fresh page, cold.html?engine=<name>&data=<url>.
// performance.now() counts from this page's navigation start, so the value stored in
// window.coldResult covers: HTML + engine bundle + wasm compile/instantiate + CSV fetch +
// load + the first monthly result.
import { engineUrl, monthlyTotals } from './summary.js';

const params = new URLSearchParams(location.search);

async function coldStart() {
  const mod = await import(engineUrl(params.get('engine')));
  const engine = await mod.createEngine();
  const response = await fetch(params.get('data'));
  if (!response.ok) throw new Error(`GET ${params.get('data')}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  await engine.prepareLoad();
  await engine.load(bytes);
  const rows = await engine.monthly();
  const ms = performance.now();
  return { ms, totals: monthlyTotals(rows), wasmBytes: engine.memoryBytes() };
}

coldStart().then(
  (result) => { window.coldResult = result; },
  (error) => { window.coldResult = { error: String(error?.stack ?? error) }; },
);
