// Rapport engine for the bench page: the wasm-bindgen `--target web` build served at /pkg/.
import * as rapport from '/pkg/rapport.js';

export async function createEngine() {
  const wasm = await rapport.default({ module_or_path: new URL('/pkg/rapport_bg.wasm', location.href) });
  // The module's own count of its linear memory; the memory export is the same number.
  const memoryBytes = () => (rapport.memoryBytes ? rapport.memoryBytes() : wasm.memory.buffer.byteLength);
  let ws = null;
  return {
    consumesInput: false,
    /** Untimed: frees the previous workspace so every load starts from an empty one. */
    async prepareLoad() {
      ws?.free();
      ws = new rapport.Workspace();
    },
    /** Timed: the CSV bytes into the `orders` table; returns the load report. */
    async load(bytes) {
      return ws.load('orders', bytes, { fileName: 'orders.csv' });
    },
    /** Untimed: rows loaded, from the load report. */
    async finishLoad(report) {
      return { rows: report?.rowsLoaded == null ? null : Number(report.rowsLoaded) };
    },
    /** Timed: `[{ period: "2024-01", orders, revenue, customers }]`. */
    async monthly() {
      return ws.monthlyRevenue().rows;
    },
    memoryBytes,
    async close() {
      ws?.free();
      ws = null;
    },
  };
}
