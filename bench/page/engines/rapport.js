// Rapport engine for the bench page: the wasm-bindgen `--target web` build served at /pkg/.
import * as rapport from '/pkg/rapport.js';
import { tableFromIPC } from 'apache-arrow';
import { SEGMENT_EXPR, entityFiles } from '../segment-data.js';
import { COOC_PAIRS, COOC_PRODUCTS } from '../summary.js';

/** Bytes the page hands to the core per push, as the page's worker reads a file. */
export const CHUNK_BYTES = 1 << 20;

/** Files smaller than this are read by one instance (a second one would not pay). */
export const PARTS_FROM_BYTES = 8 << 20;

/**
 * The share of the file the page's own instance reads: a bit more than half, as the
 * part worker's part also has to cross back (written out, copied, added); the demo
 * page's worker splits the same way (www/src/worker.ts).
 */
export const FIRST_PART_SHARE = 0.54;

/** Bytes of the file's head a part's loader settles on (the core's sample, and some). */
const HEAD_BYTES = (1 << 20) + (64 << 10);

/**
 * `bytes` into the `orders` table of `ws` as the page loads a file: pushed chunk by chunk
 * into a load session (`beginLoad`), or with one `load` call where the build has no
 * sessions (builds before streaming). `onProgress` sees every progress event.
 */
function loadSerially(ws, bytes, onProgress = () => {}) {
  const options = { fileName: 'orders.csv' };
  if (typeof ws.beginLoad !== 'function') {
    return ws.load('orders', bytes, options, (p) => { onProgress(p); return true; });
  }
  const loader = ws.beginLoad('orders', options, bytes.byteLength);
  try {
    for (let at = 0; at < bytes.byteLength; at += CHUNK_BYTES) {
      onProgress(loader.push(bytes.subarray(at, at + CHUNK_BYTES)));
    }
    return loader.finish();
  } finally {
    loader.free();
  }
}

/**
 * `bytes` into `ws` in two parts at once, as the page loads a big file: the part after
 * the first line break past the middle goes to `partWorker` (its own module instance),
 * the first part is read here, then the second part's columns are added to it (the part
 * worker hands them out a piece at a time, kept here until the first part is read). Falls
 * back to one serial load where the parts do not join (or the build cannot split).
 * Answers the load report; `parts.memory` gets the part worker's memory figures.
 */
async function loadOrders(ws, bytes, partWorker, onProgress = () => {}, parts = {}) {
  const from = Math.floor(bytes.byteLength * FIRST_PART_SHARE);
  const split = bytes.byteLength >= PARTS_FROM_BYTES ? bytes.indexOf(10, from) + 1 : 0;
  if (!partWorker || split === 0 || typeof ws.beginLoad !== 'function') return loadSerially(ws, bytes, onProgress);
  const options = { fileName: 'orders.csv' };
  const later = bytes.slice(split);
  const head = bytes.slice(0, Math.min(split, HEAD_BYTES));
  // The part worker's pieces wait here until the page has read up to where they start.
  const pieces = [];
  const reply = new Promise((resolve) => {
    partWorker.onmessage = ({ data }) => (data.piece ? pieces.push(data.piece) : resolve(data));
    partWorker.onerror = (e) => resolve({ error: e.message || 'the part worker failed to start' });
  });
  partWorker.postMessage({ entity: 'orders', options, head, bytes: later, chunkBytes: CHUNK_BYTES }, [later.buffer, head.buffer]);
  const loader = ws.beginLoad('orders', options, bytes.byteLength);
  let joined = false;
  try {
    for (let at = 0; at < split; at += CHUNK_BYTES) {
      onProgress(loader.push(bytes.subarray(at, Math.min(at + CHUNK_BYTES, split))));
    }
    const { part, memory, error } = await reply;
    parts.memory = memory;
    parts.error = error;
    joined = part != null && [...pieces, part].every((p) => loader.addPart(p.columns, p.report));
    if (joined) return loader.finish();
  } finally {
    loader.free();
  }
  parts.serial = true;
  return loadSerially(ws, bytes, onProgress);
}

export async function createEngine() {
  const wasm = await rapport.default({ module_or_path: new URL('/pkg/rapport_bg.wasm', location.href) });
  // The module's own count of its linear memory; the memory export is the same number.
  const memoryBytes = () => (rapport.memoryBytes ? rapport.memoryBytes() : wasm.memory.buffer.byteLength);
  // The second instance, for the later part of a big file (as the demo page has one).
  const partWorker = rapport.Loader?.part
    ? new Worker(new URL('./rapport-part-worker.js', import.meta.url), { type: 'module' })
    : null;
  let ws = null;
  let seg = null; // the segment_expr workspace: synthetic orders, customers, consents
  let probes = 0;
  return {
    consumesInput: false,
    /** Untimed: frees the previous workspace so every load starts from an empty one. */
    async prepareLoad() {
      ws?.free();
      ws = new rapport.Workspace();
    },
    /** Timed: the CSV bytes into the `orders` table; returns the load report. */
    async load(bytes) {
      return loadOrders(ws, bytes, partWorker);
    },
    /** Untimed: rows loaded, from the load report. */
    async finishLoad(report) {
      return { rows: report?.rowsLoaded == null ? null : Number(report.rowsLoaded) };
    },
    /** Timed: `[{ period: "2024-01", orders, revenue, customers }]`. */
    async monthly() {
      return ws.monthlyRevenue().rows;
    },
    /** Timed: RFM quintile scores and segments for every customer (added to the customer table). */
    async rfm() {
      return ws.rfm();
    },
    /** Untimed: per-customer `[r, f, m]` of the scored customers, read from the customer table. */
    async rfmScores() {
      const bytes = ws.customers({ columns: ['rfm_r', 'rfm_f', 'rfm_m'] });
      const table = tableFromIPC(bytes);
      const [r, f, m] = ['rfm_r', 'rfm_f', 'rfm_m'].map((n) => table.getChild(n));
      const out = [];
      for (let i = 0; i < table.numRows; i++) if (r.get(i) != null) out.push([r.get(i), f.get(i), m.get(i)]);
      return out;
    },
    /** Timed: the monthly retention matrix, `[{ cohort, size, active, revenue, … }]`. */
    async cohorts() {
      return ws.cohorts({ period: 'month' }).cohorts;
    },
    /**
     * Timed: the category × month pivot of orders, revenue and distinct customers, read
     * back as `[{ category, month, orders, revenue, customers }]` (the bench data has no region).
     */
    async pivot() {
      const p = ws.pivot({ rows: 'category', columns: 'month', measures: ['orders', 'revenue', 'customers'] });
      const out = [];
      p.rows.labels.forEach((category, i) => p.columns.labels.forEach((month, j) => {
        const [orders, revenue, customers] = p.cells[i][j].values;
        out.push({ category, month, orders, revenue, customers });
      }));
      return out;
    },
    /**
     * Timed: the top 100 pairs of products bought by the same customer among the 50
     * products bought by the most customers, `[{ a, b, count }]` (see bench/README.md `cooc`).
     */
    async cooc() {
      return ws.productPairs({ among: COOC_PRODUCTS, top: COOC_PAIRS, by: 'count', minCount: 1 })
        .map(({ a, b, count }) => ({ a, b, count }));
    },
    /**
     * Timed: net revenue per `period` ('month' or 'week') forecast 12 periods ahead with
     * `method: 'auto'` (every candidate backtested at 3 origins, the winner refitted).
     */
    async forecast(period) {
      return ws.forecast({ period, measure: 'revenue', horizon: 12, method: 'auto', seed: 1 });
    },
    /**
     * Timed: BG/NBD + Gamma–Gamma fitted on the customer summaries and every customer
     * scored (P(alive), expected purchases, CLV), as `fitClvSummary` does.
     */
    async clvFit({ frequency, recency, T, monetary }) {
      return rapport.fitClvSummary(frequency, recency, T, monetary, { timeUnit: 'week' });
    },
    /** Untimed: loads the synthetic customers' files and builds the customer table. */
    async prepareSegment(data) {
      seg?.free();
      seg = new rapport.Workspace();
      const files = entityFiles(data);
      for (const entity of ['orders', 'customers', 'consents']) {
        seg.load(entity, files[entity], { fileName: `${entity}.csv` });
      }
      seg.segmentCount('true');
    },
    /** Timed: the live count of the five-clause expression. */
    async segmentCount() {
      return seg.segmentCount(SEGMENT_EXPR);
    },
    memoryBytes,
    /**
     * Untimed: one load into a fresh instance of the module (its own linear memory, so
     * nothing earlier runs grew counts), sampling the memory size at every progress
     * event and after the load. A wasm memory never shrinks, so its growth is the peak
     * of what the load needed at once. Returns bytes: `{ baseBytes, peakBytes (growth),
     * columnarBytes, chunkBytes, samples }`.
     */
    async memoryProbe(bytes) {
      const url = `/pkg/rapport.js?probe=${++probes}`;
      const fresh = await import(/* a fresh module instance */ url);
      await fresh.default({ module_or_path: new URL('/pkg/rapport_bg.wasm', location.href) });
      const mem = () => fresh.memoryBytes();
      const probeWs = new fresh.Workspace();
      const base = mem();
      let peak = base;
      let samples = 0;
      // The part worker's instance is the same for every probe: its growth is what this
      // load asked beyond what earlier loads left it (0 when they asked as much).
      const parts = {};
      const report = await loadOrders(probeWs, bytes, partWorker, () => { peak = Math.max(peak, mem()); samples++; }, parts);
      peak = Math.max(peak, mem());
      const columnar = typeof probeWs.columnarBytes === 'function' ? probeWs.columnarBytes() : null;
      probeWs.free();
      const partPeak = parts.memory ? parts.memory.afterBytes - parts.memory.beforeBytes : 0;
      return { baseBytes: base, peakBytes: peak - base, partWorkerBytes: parts.memory?.afterBytes ?? null,
        partWorkerGrowthBytes: partPeak, columnarBytes: columnar, chunkBytes: CHUNK_BYTES,
        samples, rows: Number(report.rowsLoaded), serial: Boolean(parts.serial) };
    },
    async close() {
      partWorker?.terminate();
      ws?.free();
      ws = null;
      seg?.free();
      seg = null;
    },
  };
}
