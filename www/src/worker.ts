// The Web Worker that owns the wasm module: every heavy call runs here, so the
// page never freezes. The page talks to it through the typed API below (Comlink).
import * as Comlink from "comlink";
import init, { Workspace, fields, memoryBytes, preview } from "../../pkg/web/rapport.js";
import type {
  Audience, AudienceOptions, ClusterOptions, Clustering, Completion, CustomerColumn, KScan, PageOptions,
  SavedSegmentInfo, SegmentSummary, ValueTierOptions, ValueTiers, EntityName, ExportOptions, FieldInfo, LoadOptions, LoadReport,
  MonthlyRevenue, MovementOptions, Preview, Progress, QualityReport, RfmMovement, RfmOptions, RfmReport, TableSummary,
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

/** A RapportError's fields, as plain data. */
export interface ErrorInfo { message: string; code?: string; at?: number; suggestion?: string }

/** The answer of `liveCount`. */
export type LiveCount = { ok: true; summary: SegmentSummary } | { ok: false; error: ErrorInfo };

function describe(e: unknown): ErrorInfo {
  const err = e as { message?: string; code?: string; at?: number; suggestion?: string };
  return { message: err?.message ?? String(e), code: err?.code, at: err?.at, suggestion: err?.suggestion };
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
  /** RFM scores and segments; adds the rfm_* columns to the customer table. */
  async rfm(options: RfmOptions): Promise<RfmReport> {
    return (await current()).rfm(options);
  },
  /** Segment transitions between two reference dates. */
  async rfmMovement(options: MovementOptions): Promise<RfmMovement> {
    return (await current()).rfmMovement(options);
  },
  /** The customer table's columns. */
  async customerColumns(): Promise<CustomerColumn[]> {
    return (await current()).customerColumns();
  },
  /** The customer table (or some columns) as Arrow IPC bytes (transferred). */
  async customers(columns?: string[]): Promise<Uint8Array> {
    const bytes = (await current()).customers(columns ? { columns } : undefined);
    return Comlink.transfer(bytes, [bytes.buffer]);
  },
  /**
   * The live count of an expression, or where and why it is wrong (errors are
   * returned, not thrown, so their `at` and `suggestion` survive the worker boundary).
   */
  async liveCount(expr: string): Promise<LiveCount> {
    const ws = await current();
    try {
      return { ok: true, summary: ws.segment(expr) };
    } catch (e) {
      return { ok: false, error: describe(e) };
    }
  },
  /** Completions at the cursor (a string index). */
  async complete(text: string, cursor: number): Promise<Completion[]> {
    return (await current()).completeSegment(text, cursor);
  },
  /** Saves a segment by name; answers every saved segment with its size. */
  async saveSegment(name: string, expr: string): Promise<SavedSegmentInfo[]> {
    const ws = await current();
    ws.saveSegment(name, expr);
    return ws.segments();
  },
  /** The saved segments with their sizes. */
  async segments(): Promise<SavedSegmentInfo[]> {
    return (await current()).segments();
  },
  /** One sorted page of a segment's customers as Arrow IPC (transferred). */
  async customerPage(options: PageOptions): Promise<Uint8Array> {
    const bytes = (await current()).customerPage(options);
    return Comlink.transfer(bytes, [bytes.buffer]);
  },
  /** Every customer of a segment, with the given columns, as Arrow IPC (transferred). */
  async segmentIds(expr: string, columns?: string[]): Promise<Uint8Array> {
    const bytes = (await current()).segmentIds(expr, columns ?? null);
    return Comlink.transfer(bytes, [bytes.buffer]);
  },
  /** Inertia and silhouette for each k. */
  async chooseK(options: ClusterOptions): Promise<KScan> {
    return (await current()).chooseK(options);
  },
  /** k-means clusters; adds the `cluster` column. */
  async clusters(options: ClusterOptions): Promise<Clustering> {
    return (await current()).clusters(options);
  },
  /** Low / mid / high value tiers; adds the `value_tier` column. */
  async valueTiers(options: ValueTierOptions): Promise<ValueTiers> {
    return (await current()).valueTiers(options);
  },
  /** Builds an audience (target, control, exclusions). */
  async audience(options: AudienceOptions): Promise<Audience> {
    return (await current()).audience(options);
  },
  /** An audience as CSV, rebuilt from its options and seed. */
  async audienceCsv(options: AudienceOptions, exportOptions: ExportOptions): Promise<string> {
    return (await current()).audienceCsv(options, exportOptions);
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
