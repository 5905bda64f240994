// The Web Worker that owns the wasm module: every heavy call runs here, so the
// page never freezes. The page talks to it through the typed API below (Comlink).
import * as Comlink from "comlink";
import init, { Workspace, fields, memoryBytes, preview } from "../../pkg/web/rapport.js";
import type {
  EntityName, FieldInfo, LoadOptions, LoadReport, MonthlyRevenue, Preview, Progress, QualityReport, TableSummary,
} from "../../pkg/web/rapport.js";
import { readable } from "./formats.js";

const ready = init({ module_or_path: new URL("rapport_bg.wasm", import.meta.url) });
let workspace: Workspace | undefined;

/** The current workspace (a reset replaces it, so never hold on to one). */
async function current(): Promise<Workspace> {
  await ready;
  workspace ??= new Workspace();
  return workspace;
}

/** Each loaded file's bytes and mapping overrides, kept here so it can be loaded again with another mapping. */
const files = new Map<string, { bytes: Uint8Array; mapping: Record<string, string>; format?: LoadOptions["format"] }>();

/** The key under which a mapping is remembered: the file's header row. */
export function headerSignature(header: string[]): string {
  return header.join("\u241f");
}

const api = {
  /**
   * Loads one file, recognising its entity; progress is reported as it parses.
   * `saved` maps header signatures to mappings the user chose before: a file
   * with the same headers gets the same mapping again.
   */
  async load(fileName: string, bytes: Uint8Array, saved: Record<string, Record<string, string>>,
    onProgress?: (p: Progress) => void): Promise<LoadReport> {
    const ws = await current();
    const input = await readable(bytes); // Parquet, Arrow IPC, XLSX → CSV (formats.ts); CSV/TSV as they are
    const format = input.format;
    bytes = input.bytes;
    const head = preview(bytes, { fileName, rows: 0, format });
    const mapping = saved[headerSignature(head.header)] ?? {};
    const report = ws.load("auto", bytes, { fileName, mapping, format }, (p: Progress) => {
      onProgress?.(p);
      return true;
    });
    report.warnings.unshift(...input.warnings);
    files.set(fileName, { bytes, mapping, format });
    return report;
  },
  /** Loads a file again with another mapping; on failure the earlier load stays. */
  async remap(fileName: string, entity: EntityName, mapping: Record<string, string>): Promise<LoadReport> {
    const ws = await current();
    const file = files.get(fileName);
    if (!file) throw new Error(`${fileName} is not loaded`);
    ws.removeFile(fileName);
    try {
      const report = ws.load(entity, file.bytes, { fileName, mapping, format: file.format });
      files.set(fileName, { ...file, mapping });
      return report;
    } catch (e) {
      ws.load(entity, file.bytes, { fileName, mapping: file.mapping, format: file.format });
      throw e;
    }
  },
  /** A loaded file's header and first rows, as read. */
  async head(fileName: string, rows: number): Promise<Preview> {
    await ready;
    const file = files.get(fileName);
    if (!file) throw new Error(`${fileName} is not loaded`);
    return preview(file.bytes, { fileName, rows, format: file.format });
  },
  /** The canonical fields of an entity. */
  async fields(entity: EntityName): Promise<FieldInfo[]> {
    await ready;
    return fields(entity);
  },
  /** The first `limit` rows of one loaded file as Arrow IPC bytes (transferred, not copied). */
  async preview(entity: EntityName, file: string, limit: number): Promise<Uint8Array> {
    const bytes = (await current()).table(entity, { file, limit });
    return Comlink.transfer(bytes, [bytes.buffer]);
  },
  /** Orders, revenue and customers per month. */
  async monthlyRevenue(): Promise<MonthlyRevenue> {
    return (await current()).monthlyRevenue();
  },
  /** The data-quality profile of everything loaded. */
  async quality(): Promise<QualityReport> {
    return (await current()).quality({ maxIssues: 1000 });
  },
  /** What is loaded, per entity. */
  async tables(): Promise<TableSummary[]> {
    return (await current()).tables();
  },
  /** Drops everything loaded. */
  async reset(): Promise<void> {
    (await current()).free();
    workspace = new Workspace();
    files.clear();
  },
  /** Bytes of wasm memory in use. */
  async memory(): Promise<number> {
    await ready;
    return memoryBytes();
  },
};

export type RapportApi = typeof api;
Comlink.expose(api);
