// The Web Worker that owns the wasm module: every heavy call runs here, so the
// page never freezes. The page talks to it through the typed API below (Comlink).
// Files come as handles (File/Blob) and are read here as streams, piece by piece,
// straight into a load session: no file is ever whole in memory.
import * as Comlink from "comlink";
import init, { Workspace, fields, memoryBytes, preview } from "../../pkg/web/rapport.js";
import type {
  Audience, AudienceOptions, ClusterOptions, CohortOptions, CohortReport, Lifecycle, LifecycleOptions, LoyaltyMovement,
  LoyaltyMovementOptions, LoyaltyReport, LoyaltyRules, PivotDefinition, PivotResult, ReportPreset, Clustering, Completion, CustomerColumn, KScan, PageOptions,
  SavedSegmentInfo, SegmentSummary, ValueTierOptions, ValueTiers, EntityName, ExportOptions, FieldInfo, LoadOptions,
  CustomerMatch, CustomerView, LoadReport, ClvOptions, ClvReport, ForecastOptions, ForecastReport, NextBestSummary, ProductPair,
  ProductPairOptions, PropensityOptions, PropensityReport, RecommendationEvaluation, RecommendOptions, ScoreExplanation, MonthlyRevenue, MovementOptions, Preview, QualityReport, RfmMovement, RfmOptions, RfmReport,
  TableSummary, LoadPart,
} from "../../pkg/web/rapport.js";
import { loadName } from "./files.js";
import { binaryFormat, readable } from "./formats.js";
import type { PartMessage, PartRequest } from "./part-worker.js";

const ready = init({ module_or_path: new URL("rapport_bg.wasm", import.meta.url) });
let workspace: Workspace | undefined;
/** Propensity score columns fitted in the current workspace (explained in the 360° view). */
const propensityColumns = new Set<string>();

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

/** Each loaded file (its handle, not its bytes) and mapping overrides, so it can be loaded again with another mapping. */
const files = new Map<string, { name: string; blob: Blob; mapping: Record<string, string> }>();

/** How far a file's load is: text bytes loaded, and bytes of the file itself read (compressed, for `.gz`). */
export interface LoadProgress {
  bytesDone: number;
  bytesTotal: number | null;
  read: number;
  size: number;
}

/** Thrown by a load the page cancelled. */
export class CancelledError extends Error {
  constructor(file: string) {
    super(`${file}: cancelled`);
    this.name = "CancelledError";
  }
}

/** Set by `cancel()`, cleared when the next load begins. */
let cancelRequested = false;

/** A file's bytes as a stream (decompressed when `.gz`), and a count of the file's own bytes read. */
function open(name: string, blob: Blob): { stream: ReadableStream<Uint8Array>; read: () => number } {
  let read = 0;
  const counted = blob.stream().pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, out) {
      read += chunk.byteLength;
      out.enqueue(chunk);
    },
  }));
  const stream = name.endsWith(".gz")
    ? counted.pipeThrough(new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>)
    : counted;
  return { stream, read: () => read };
}

/** Reads pieces from `reader` until they hold a line end (the header row) or `min` bytes, or the stream ends. */
async function readHead(reader: ReadableStreamDefaultReader<Uint8Array>, min: number): Promise<{ pieces: Uint8Array[]; done: boolean }> {
  const pieces: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { pieces, done: true };
    pieces.push(value);
    bytes += value.byteLength;
    if (min > 0 ? bytes >= min : value.includes(10)) return { pieces, done: false };
  }
}

function concat(pieces: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((a, p) => a + p.byteLength, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Files from this size are read in two parts at once, the later one by the part worker. */
const PARTS_FROM_BYTES = 8 << 20;
/** Bytes of a file's head the part's loader settles on (the core's 1 MiB sample, and some). */
const HEAD_BYTES = (1 << 20) + (64 << 10);

/** Beyond this size of a later part, the part worker is ended after it (see `stream`). */
const KEEP_PART_WORKER_BYTES = 64 << 20;

/** The part worker (its own module instance), started with the first big file. */
let partWorker: Worker | undefined;

/**
 * The share of a big file this worker reads itself: a bit more than half, as the part
 * worker's part also has to cross back (written out, copied, added). Measured with
 * `npm run bench` (bench/README.md); the bench's engine splits the same way.
 */
const FIRST_PART_SHARE = 0.54;

/** Where a big plain file is split: just after the first line break past its first part's share (0: none near). */
async function splitPoint(blob: Blob): Promise<number> {
  const mid = Math.floor(blob.size * FIRST_PART_SHARE);
  const window = new Uint8Array(await blob.slice(mid, mid + (1 << 20)).arrayBuffer());
  const at = window.indexOf(10);
  return at < 0 ? 0 : mid + at + 1;
}

/** What reading a later part comes to: its pieces in order (the last one `finishPart`'s), or why not. */
type PartResult = { pieces: LoadPart[] } | { error: string };

/** A later part of a file read by the part worker; `onProgress` sees its bytes read so far. */
function readPart(request: PartRequest, onProgress: (bytes: number) => void): { result: Promise<PartResult>; stop: () => void } {
  partWorker ??= new Worker(new URL("./part-worker.js", import.meta.url), { type: "module" });
  const worker = partWorker;
  let settle: (m: PartResult) => void = () => {};
  const result = new Promise<PartResult>((resolve) => { settle = resolve; });
  // Pieces wait here (JS memory) until this worker has read up to where they start.
  const pieces: LoadPart[] = [];
  worker.onmessage = ({ data }: MessageEvent<PartMessage>) => {
    if ("progress" in data) onProgress(data.progress);
    else if ("piece" in data) pieces.push(data.piece);
    else if ("part" in data) settle({ pieces: [...pieces, data.part] });
    else settle(data);
  };
  worker.onerror = (e) => settle({ error: e.message || "the part worker failed" });
  worker.postMessage(request);
  return {
    result,
    // A cancelled load ends the part worker (the next big file starts another).
    stop: () => {
      worker.terminate();
      if (partWorker === worker) partWorker = undefined;
      settle({ error: "cancelled" });
    },
  };
}

/**
 * Streams one file into the workspace. `mapping` is given, or (when a function)
 * chosen from the file's header row. Progress is reported about every megabyte.
 * A big plain file (not compressed, not converted) is read in two parts at once:
 * the part after the line break past its middle by the part worker, the first
 * here, then joined; where they do not join (the break was inside a quoted
 * field, the text is not plain UTF-8) the file is read again in one part.
 */
async function stream(name: string, blob: Blob, entity: EntityName | "auto",
  mapping: Record<string, string> | ((header: string[]) => Record<string, string>),
  onProgress?: (p: LoadProgress) => void, inParts = true): Promise<{ report: LoadReport; mapping: Record<string, string> }> {
  const ws = await current();
  const fileName = loadName(name);
  // Parquet, Arrow IPC and XLSX (by their first bytes) are converted to CSV by the
  // formats module, loaded only then; CSV and TSV stream as they are.
  let format: LoadOptions["format"];
  let warnings: string[] = [];
  if (!name.endsWith(".gz") && binaryFormat(new Uint8Array(await blob.slice(0, 8).arrayBuffer()))) {
    const converted = await readable(new Uint8Array(await blob.arrayBuffer()));
    format = converted.format;
    warnings = converted.warnings;
    blob = new Blob([converted.bytes as Uint8Array<ArrayBuffer>]);
  }
  const plain = !name.endsWith(".gz") && format === undefined;
  const split = inParts && plain && blob.size >= PARTS_FROM_BYTES ? await splitPoint(blob) : 0;
  const { stream: input, read } = open(name, split ? blob.slice(0, split) : blob);
  const reader = input.getReader();
  let part: ReturnType<typeof readPart> | undefined;
  try {
    const head = await readHead(reader, 0);
    const chosen = typeof mapping === "function"
      ? mapping(preview(concat(head.pieces), { fileName, rows: 0, format }).header)
      : mapping;
    const total = name.endsWith(".gz") ? undefined : blob.size;
    const options = { fileName, mapping: chosen, format };
    const loader = ws.beginLoad(entity, options, total);
    try {
      let reported = 0;
      let first = 0;
      let later = 0;
      const showProgress = (force = false) => {
        const done = first + later;
        if (force || done - reported >= 1 << 20) {
          reported = done;
          onProgress?.({ bytesDone: done, bytesTotal: total ?? null, read: read() + later, size: blob.size });
        }
      };
      if (split) {
        const headBytes = new Uint8Array(await blob.slice(0, Math.min(split, HEAD_BYTES)).arrayBuffer());
        part = readPart({ blob: blob.slice(split), head: headBytes, entity, options }, (bytes) => {
          later = bytes;
          showProgress();
        });
      }
      const push = (piece: Uint8Array) => {
        first = loader.push(piece).bytesDone;
        showProgress();
      };
      head.pieces.forEach(push);
      for (let done = head.done; !done;) {
        if (cancelRequested) throw new CancelledError(fileName);
        const next = await reader.read();
        done = next.done;
        if (next.value) push(next.value);
      }
      if (cancelRequested) throw new CancelledError(fileName);
      if (part) {
        const answer = await part.result;
        part = undefined;
        // A wasm memory never shrinks: after a big part the part worker would keep that much.
        if (blob.size - split > KEEP_PART_WORKER_BYTES) {
          partWorker?.terminate();
          partWorker = undefined;
        }
        if (cancelRequested) throw new CancelledError(fileName);
        if (!("pieces" in answer) || !answer.pieces.every((p) => loader.addPart(p.columns, p.report))) {
          // The parts do not join: the whole file again, in one part.
          return stream(name, blob, entity, chosen, onProgress, false);
        }
        later = answer.pieces.reduce((sum, p) => sum + p.report.bytes, 0);
        showProgress(true);
      }
      const result = loader.finish();
      result.warnings.unshift(...warnings);
      return { report: result, mapping: chosen };
    } finally {
      loader.free();
    }
  } finally {
    part?.stop();
    await reader.cancel().catch(() => {});
  }
}

const api = {
  /**
   * Loads one file, recognising its entity; progress is reported as it is read.
   * `saved` maps header signatures to mappings the user chose before: a file
   * with the same headers gets the same mapping again. Rejects with a
   * `CancelledError` (by name) when `cancel()` stopped it.
   */
  async load(name: string, blob: Blob, saved: Record<string, Record<string, string>>,
    onProgress?: (p: LoadProgress) => void): Promise<LoadReport> {
    cancelRequested = false;
    const { report, mapping } = await stream(name, blob, "auto", (header) => saved[headerSignature(header)] ?? {}, onProgress);
    files.set(report.file, { name, blob, mapping });
    return report;
  },
  /** Stops the load under way (it leaves the workspace as it was). */
  cancel(): void {
    cancelRequested = true;
  },
  /** Loads a file again with another mapping; on failure the earlier load stays. */
  async remap(fileName: string, entity: EntityName, mapping: Record<string, string>): Promise<LoadReport> {
    const ws = await current();
    const file = files.get(fileName);
    if (!file) throw new Error(`${fileName} is not loaded`);
    cancelRequested = false;
    ws.removeFile(fileName);
    try {
      const { report } = await stream(file.name, file.blob, entity, mapping);
      files.set(fileName, { ...file, mapping });
      return report;
    } catch (e) {
      cancelRequested = false;
      await stream(file.name, file.blob, entity, file.mapping);
      throw e;
    }
  },
  /** A loaded file's header and first rows, as read (only the file's first megabyte is read). */
  async head(fileName: string, rows: number): Promise<Preview> {
    await ready;
    const file = files.get(fileName);
    if (!file) throw new Error(`${fileName} is not loaded`);
    if (!file.name.endsWith(".gz") && binaryFormat(new Uint8Array(await file.blob.slice(0, 8).arrayBuffer()))) {
      const converted = await readable(new Uint8Array(await file.blob.arrayBuffer()));
      return preview(converted.bytes, { fileName, rows, format: converted.format });
    }
    const reader = open(file.name, file.blob).stream.getReader();
    try {
      const { pieces } = await readHead(reader, 1 << 20);
      return preview(concat(pieces), { fileName, rows });
    } finally {
      await reader.cancel().catch(() => {});
    }
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
  /** Applies loyalty rules: points and tiers (added to the customer table), value per tier. */
  async loyalty(rules: LoyaltyRules): Promise<LoyaltyReport> {
    return (await current()).loyalty(rules);
  },
  /** Tier movement between two dates. */
  async loyaltyMovement(options: LoyaltyMovementOptions): Promise<LoyaltyMovement> {
    return (await current()).loyaltyMovement(options);
  },
  /** A report: one or two dimensions × measures. */
  async pivot(definition: PivotDefinition): Promise<PivotResult> {
    return (await current()).pivot(definition);
  },
  /** The ready-made reports. */
  async reportPresets(): Promise<ReportPreset[]> {
    return (await current()).reportPresets();
  },
  /** Acquisition cohorts and their retention. */
  async cohorts(options: CohortOptions): Promise<CohortReport> {
    return (await current()).cohorts(options);
  },
  /** New, retained, returning, reactivated and churned customers per period, and the trend. */
  async lifecycle(options: LifecycleOptions): Promise<Lifecycle> {
    return (await current()).lifecycle(options);
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
  /** Customers whose id, name, e-mail, phone or city contains the query. */
  async findCustomers(query: string): Promise<CustomerMatch[]> {
    return (await current()).findCustomers(query, 20);
  },
  /** BG/NBD + Gamma–Gamma: adds p_alive, expected_purchases_90d, clv_<h>m, expected_next_order. */
  async fitClv(options: ClvOptions): Promise<ClvReport> {
    return (await current()).fitClv(options);
  },
  /** A churn, response or default model; adds its score column. */
  async propensity(options: PropensityOptions): Promise<PropensityReport> {
    const r = (await current()).propensity(options);
    propensityColumns.add(r.column);
    return r;
  },
  /** Why each propensity model fitted in this workspace scores a customer as it does. */
  async explainCustomer(customerId: string): Promise<{ column: string; explanation: ScoreExplanation }[]> {
    const ws = await current();
    const out: { column: string; explanation: ScoreExplanation }[] = [];
    for (const column of propensityColumns) {
      try {
        out.push({ column, explanation: ws.explainScore(column, customerId) });
      } catch {
        // Not scored (e.g. a customer loaded after the fit): no reasons to show.
      }
    }
    return out;
  },
  /** Products bought by the same customers. */
  async productPairs(options: ProductPairOptions): Promise<ProductPair[]> {
    return (await current()).productPairs(options);
  },
  /** Hit-rate and recall of the recommender against best-sellers on a time holdout. */
  async evaluateRecommendations(options: RecommendOptions): Promise<RecommendationEvaluation> {
    return (await current()).evaluateRecommendations(options);
  },
  /** Adds the next_best_product column. */
  async addNextBestProduct(options: RecommendOptions): Promise<NextBestSummary> {
    return (await current()).addNextBestProduct(options);
  },
  /** Revenue, orders or active customers ahead, with the backtest. */
  async forecast(options: ForecastOptions): Promise<ForecastReport> {
    return (await current()).forecast(options);
  },
  /** The 360° view of one customer. */
  async customerView(customerId: string): Promise<CustomerView> {
    return (await current()).customerView(customerId, { limit: 200 });
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
    propensityColumns.clear();
  },
  /** Bytes of wasm memory in use. */
  async memory(): Promise<number> {
    await ready;
    return memoryBytes();
  },
};

/** The key under which a mapping is remembered: the file's header row. */
export function headerSignature(header: string[]): string {
  return header.join("\u241f");
}

export type RapportApi = typeof api;
Comlink.expose(api);
