// The Web Worker that owns the wasm module: every heavy call runs here, so the
// page never freezes. The page talks to it through the typed API below (Comlink).
import * as Comlink from "comlink";
import init, { Workspace, memoryBytes } from "../../pkg/web/rapport.js";
import type { EntityName, LoadReport, MonthlyRevenue, Progress, QualityReport, TableSummary } from "../../pkg/web/rapport.js";

let workspace: Workspace | undefined;
const ready: Promise<Workspace> = init({ module_or_path: new URL("rapport_bg.wasm", import.meta.url) }).then(() => {
  workspace = new Workspace();
  return workspace;
});

const api = {
  /** Loads one file, recognising its entity; progress is reported as it parses. */
  async load(fileName: string, bytes: Uint8Array, onProgress?: (p: Progress) => void): Promise<LoadReport> {
    const ws = await ready;
    return ws.load("auto", bytes, { fileName }, (p: Progress) => {
      onProgress?.(p);
      return true;
    });
  },
  /** Orders, revenue and customers per month. */
  async monthlyRevenue(): Promise<MonthlyRevenue> {
    return (await ready).monthlyRevenue();
  },
  /** The first `limit` rows of one loaded file as Arrow IPC bytes (transferred, not copied). */
  async preview(entity: EntityName, file: string, limit: number): Promise<Uint8Array> {
    const bytes = (await ready).table(entity, { file, limit });
    return Comlink.transfer(bytes, [bytes.buffer]);
  },
  /** The data-quality profile of everything loaded. */
  async quality(): Promise<QualityReport> {
    return (await ready).quality({ maxIssues: 1000 });
  },
  /** What is loaded, per entity. */
  async tables(): Promise<TableSummary[]> {
    return (await ready).tables();
  },
  /** Drops everything loaded. */
  async reset(): Promise<void> {
    await ready;
    workspace?.free();
    workspace = new Workspace();
  },
  /** Bytes of wasm memory in use. */
  async memory(): Promise<number> {
    await ready;
    return memoryBytes();
  },
};

export type RapportApi = typeof api;
Comlink.expose(api);
