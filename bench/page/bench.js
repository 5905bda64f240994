// In-page runner driven by bench/run.mjs through page.evaluate: window.bench.<method>(…).
// Only `run` is timed (performance.now() around the engine call); every other step is
// set-up the harness keeps out of the measurement.
import { coocTotals, cohortTotals, engineUrl, monthlyTotals, pivotTotals, rfmTotals } from './summary.js';
import { segmentData } from './segment-data.js';
import { clvSummary } from './clv-data.js';

let engine = null;
let bytes = null; // the orders CSV, fetched once per page
let input = null; // what the next load_orders run consumes
let loaded = false;
let segmentSize = null; // customers of the segment_expr data the engine holds
let clvData = null; // the clv_fit summaries, made once per size

async function ensureLoaded() {
  if (loaded) return;
  await engine.prepareLoad();
  const report = await engine.load(engine.consumesInput ? bytes.slice() : bytes);
  await engine.finishLoad(report);
  loaded = true;
}

window.bench = {
  /** Imports and instantiates one engine (`rapport`, `duckdb`, `arquero`). */
  async open(name) {
    const mod = await import(engineUrl(name));
    engine = await mod.createEngine();
    loaded = false;
    segmentSize = null;
    return true;
  },

  /** Fetches the orders CSV into page memory; returns its size in bytes. */
  async fetchData(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
    bytes = new Uint8Array(await response.arrayBuffer());
    return bytes.byteLength;
  },

  /** Untimed set-up before one run of `task` (`customers`: the dataset's size). */
  async prepare(task, customers) {
    if (task === 'segment_expr') {
      if (segmentSize !== customers) {
        await engine.prepareSegment(segmentData(customers));
        segmentSize = customers;
      }
    } else if (task === 'clv_fit') {
      if (clvData?.customers !== customers) clvData = { customers, summary: clvSummary(customers) };
    } else if (task === 'load_orders') {
      await engine.prepareLoad();
      loaded = false;
      input = engine.consumesInput ? bytes.slice() : bytes;
    } else {
      await ensureLoaded();
    }
    return true;
  },

  /** One timed run of `task`: `{ ms, rows?, totals?, wasmBytes }`. */
  async run(task) {
    if (task === 'load_orders') {
      const t0 = performance.now();
      const report = await engine.load(input);
      const ms = performance.now() - t0;
      input = null;
      const { rows } = await engine.finishLoad(report);
      loaded = true;
      return { ms, rows, wasmBytes: engine.memoryBytes() };
    }
    if (task === 'monthly_revenue') {
      const t0 = performance.now();
      const result = await engine.monthly();
      const ms = performance.now() - t0;
      return { ms, totals: monthlyTotals(result), wasmBytes: engine.memoryBytes() };
    }
    if (task === 'rfm') {
      const t0 = performance.now();
      const result = await engine.rfm();
      const ms = performance.now() - t0;
      return { ms, totals: rfmTotals(await engine.rfmScores(result)), wasmBytes: engine.memoryBytes() };
    }
    if (task === 'cohorts') {
      const t0 = performance.now();
      const result = await engine.cohorts();
      const ms = performance.now() - t0;
      return { ms, totals: cohortTotals(result), wasmBytes: engine.memoryBytes() };
    }
    if (task === 'pivot') {
      const t0 = performance.now();
      const result = await engine.pivot();
      const ms = performance.now() - t0;
      return { ms, totals: pivotTotals(result), wasmBytes: engine.memoryBytes() };
    }
    if (task === 'cooc') {
      const t0 = performance.now();
      const result = await engine.cooc();
      const ms = performance.now() - t0;
      return { ms, totals: coocTotals(result), wasmBytes: engine.memoryBytes() };
    }
    if (task === 'forecast_month' || task === 'forecast_week') {
      const t0 = performance.now();
      const r = await engine.forecast(task === 'forecast_month' ? 'month' : 'week');
      const ms = performance.now() - t0;
      return { ms, rows: r.history.length, totals: { model: r.model, mase: r.backtest.mase, periods: r.history.length }, wasmBytes: engine.memoryBytes() };
    }
    if (task === 'clv_fit') {
      const t0 = performance.now();
      const report = await engine.clvFit(clvData.summary);
      const ms = performance.now() - t0;
      const { r, alpha, a, b } = report.bgnbd;
      return { ms, rows: clvData.customers, totals: { r, alpha, a, b, gg: report.gammaGamma, customers: report.customers }, wasmBytes: engine.memoryBytes() };
    }
    if (task === 'segment_expr') {
      const t0 = performance.now();
      const count = await engine.segmentCount();
      const ms = performance.now() - t0;
      return { ms, totals: { count: Number(count) }, wasmBytes: engine.memoryBytes() };
    }
    throw new Error(`unknown task ${task}`);
  },

  /**
   * Untimed, where the engine has it (rapport): peak wasm memory of one load into a fresh
   * module instance, and the columnar size it ends with.
   */
  async memoryProbe() {
    if (typeof engine.memoryProbe !== 'function') return null;
    return engine.memoryProbe(bytes);
  },

  async close() {
    await engine?.close();
    engine = null;
    bytes = null;
    input = null;
    return true;
  },
};
