// Parquet, Arrow IPC and XLSX on the page. Their first bytes are checked here,
// so the formats module (its own wasm, fetched from this origin like the core)
// is loaded only when such a file is dropped; CSV and TSV pass through as they are.
import type { Converted, FormatName } from "../../pkg/formats/web/rapport_formats.js";

/** A file's bytes as the core loads them, and what they were converted from. */
export interface Readable {
  /** The file itself (CSV/TSV), or the CSV made from it. */
  bytes: Uint8Array;
  /** Pass as `LoadOptions.format`; absent for CSV/TSV. */
  format?: FormatName;
  /** The XLSX sheet read. */
  sheet?: string;
  /** What the conversion warned about (skipped rows, error cells, the sheet chosen). */
  warnings: string[];
}

const MAGIC: [FormatName, number[]][] = [
  ["parquet", [0x50, 0x41, 0x52, 0x31]], // PAR1
  ["arrow", [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]], // ARROW1: the IPC file format
  ["arrow", [0xff, 0xff, 0xff, 0xff]], // the IPC stream format's continuation marker
  ["xlsx", [0x50, 0x4b, 0x03, 0x04]], // a ZIP; the module checks it holds a workbook
];

/** The format the first bytes announce, if it is one the formats module reads. */
export function binaryFormat(bytes: Uint8Array): FormatName | undefined {
  return MAGIC.find(([, magic]) => magic.every((b, i) => bytes[i] === b))?.[0];
}

type FormatsModule = typeof import("../../pkg/formats/web/rapport_formats.js");
let formats: Promise<FormatsModule> | undefined;

function loadModule(): Promise<FormatsModule> {
  formats ??= import("../../pkg/formats/web/rapport_formats.js").then(async (m) => {
    await m.default({ module_or_path: new URL("rapport_formats_bg.wasm", import.meta.url) });
    return m;
  });
  return formats;
}

/** A table, not a note: a header of two or more columns and at least one row. */
const isTable = (c: Converted) => c.columns >= 2 && c.rows > 0;

function convert(m: FormatsModule, bytes: Uint8Array, sheet?: string): Converted {
  try {
    return m.toCsv(bytes, sheet === undefined ? undefined : { sheet });
  } catch (e) {
    if (e instanceof Error && e.name === "RapportError") throw e;
    // A trap inside a reader (a bug met on damaged data): reported like any bad file.
    throw Object.assign(new Error(`cannot read this file: the reader stopped on damaged data (${String(e)})`),
      { name: "RapportError", code: "FORMAT" });
  }
}

/**
 * The bytes to load: CSV/TSV as they are; Parquet, Arrow IPC and XLSX converted
 * to CSV. Of a workbook, the first sheet that holds a table is read (a cover
 * sheet of notes is passed over), and a warning names it.
 */
export async function readable(bytes: Uint8Array): Promise<Readable> {
  if (!binaryFormat(bytes)) return { bytes, warnings: [] };
  const m = await loadModule();
  let c = convert(m, bytes);
  if (c.format === "xlsx" && !isTable(c)) {
    for (const sheet of c.sheets.slice(1)) {
      const other = convert(m, bytes, sheet);
      if (isTable(other)) {
        other.warnings.unshift(`read sheet '${sheet}', the first that holds a table (sheets: ${c.sheets.join(", ")})`);
        c = other;
        break;
      }
    }
  }
  return { bytes: c.csv, format: c.format, sheet: c.sheet ?? undefined, warnings: c.warnings };
}
