//! TypeScript declarations of the plain objects that cross the boundary. They
//! mirror the serde shapes of the core types named beside each.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** An entity of the data model (`crate::ingest::Entity`). */
export type EntityName = "customers" | "orders" | "campaign_events" | "campaigns"
  | "acquisition_spend" | "consents" | "tickets" | "surveys" | "web_events";

/** Options of `Workspace.load` (`crate::LoadOptions`). */
export interface LoadOptions {
  /** The file's name, used in reports and as the default source tag. */
  fileName?: string;
  /** "csv" or "tsv"; sniffed when absent. "parquet", "arrow" or "xlsx": the bytes are the CSV
   *  that `toCsv` of "rapport/formats" made from such a file (rows are then numbered by record). */
  format?: FileFormat;
  /** Header → canonical field; "attribute" keeps a column as attribute, "ignore" drops it. */
  mapping?: Record<string, string>;
  /** Source-system tag of every row (default: the file name without extension). */
  source?: string;
  /** Field delimiter, when sniffing should be skipped. */
  delimiter?: string;
  /** Header → how its dates or numbers are written, instead of inferring it:
   *  "YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY", "excel", "1,234.56" or "1.234,56". */
  formats?: Record<string, string>;
}

/** What a file was read as (`LoadOptions.format`). */
export type FileFormat = "csv" | "tsv" | "parquet" | "arrow" | "xlsx";

/** Progress of a long operation (`crate::Progress`). For a load, `done`/`total` are
 *  bytes of the file, as `bytesDone`/`bytesTotal` (`total` is 0 and `bytesTotal` null
 *  when the size is not known). */
export interface Progress {
  stage: string; done: number; total: number;
  bytesDone: number; bytesTotal: number | null;
}

/** A rejected row or nulled cell (`crate::ingest::Reject`). `row` is the line the record starts on (header = 1);
 *  for a file converted from Parquet, Arrow or XLSX, the record's number (header = 1). */
export interface Reject { row: number; column: string | null; value: string; reason: string; }

/** What one header became (`crate::ingest::MappingEntry`). */
export interface MappingEntry {
  header: string; field: string | null; kind: "field" | "attribute" | "ignored";
  type: "text" | "customer_key" | "order_key" | "number" | "date" | "timestamp" | "bool" | null;
  /** How dates or numbers are read: "YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY", "Excel serial day", "1,234.56", "1.234,56". */
  format: string | null;
}

/** The CSV dialect found (`crate::ingest::Dialect`). */
export interface Dialect { delimiter: string; quote: string; header: boolean; }

/** The result of a load (`crate::LoadReport`). rowsRead = rowsLoaded + rowsRejected, always. */
export interface LoadReport {
  file: string; entity: EntityName; source: string; format: FileFormat;
  encoding: "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";
  dialect: Dialect; bytes: number; rowsRead: number; rowsLoaded: number; rowsRejected: number;
  mapping: MappingEntry[]; rejected: Reject[]; nulled: Reject[];
  /** What the user should know about how the file was read (e.g. a guessed encoding). */
  warnings: string[];
  /** Parts the file was read in at once: 1, or more when later parts were read by
   *  loaders of their own (`Loader.part`, e.g. on a second worker). */
  parts: number;
}

/** What `Loader.finishPart` answers for a later part of a file (`crate::ingest::Part`):
 *  hand both to the first part's `Loader.addPart`. */
export interface LoadPart {
  /** The part's columns, each its own Arrow IPC stream (keys dictionary-encoded). */
  columns: Uint8Array[];
  report: {
    bytes: number; rowsRead: number; rowsLoaded: number;
    /** Numbered by the part's own lines (its first line is 1). */
    rejected: Reject[]; nulled: Reject[];
    lines: number;
    /** Whether the part ends at the end of a record: a part after it joins only then. */
    endsRecord: boolean;
    /** Whether it goes on from the part before, handed out by the same loader (`takePart`). */
    continues: boolean;
  };
}

/** One month of `monthlyRevenue` (`crate::report::MonthRow`). */
export interface MonthRow { period: string; orders: number; revenue: number; customers: number; }

/** Orders and revenue per month (`crate::report::MonthlyRevenue`). */
export interface MonthlyRevenue { period: "month"; rows: MonthRow[]; }

/** Which rows `table()` exports (`crate::table::TableQuery`). */
export interface TableQuery { limit?: number; file?: string; }

/** Options of `preview` (`crate::ingest::PreviewOptions`). */
export interface PreviewOptions { fileName?: string; format?: FileFormat; delimiter?: string; rows?: number; }

/** A file's head as read (`crate::ingest::Preview`). */
export interface Preview {
  format: FileFormat; dialect: Dialect; encoding: string; warnings: string[];
  header: string[]; rows: string[][];
}

/** Options of `quality` (`crate::quality::QualityParams`). */
export interface QualityOptions { asOf?: string; maxIssues?: number; }
/** Scores from 0 (bad) to 1 (perfect) (`crate::quality::Scores`). */
export interface QualityScores { complete: number; correct: number; unique: number; current: number; }
/** One column's profile (`crate::quality::ColumnQuality`). */
export interface ColumnQuality {
  name: string; field: boolean; type: MappingEntry["type"]; rows: number; nulls: number; completeness: number;
  invalid: number; distinct: number | null; top: { value: string; count: number }[];
  min: string | null; median: string | null; max: string | null;
}
/** One offending value or row (`crate::quality::Issue`). `row` as a spreadsheet numbers it (header = 1). */
export interface QualityIssue { dimension: "correct" | "unique"; file: string; row: number; column: string | null; value: string; reason: string; }
/** One entity's profile (`crate::quality::EntityQuality`). */
export interface EntityQuality {
  entity: EntityName; files: number; rows: number; scores: QualityScores; columns: ColumnQuality[];
  duplicateKeys: number; duplicateRows: number; unknownCustomers: number | null;
  sources: { source: string; latest: string | null; staleDays: number | null }[];
  issueCount: number; issues: QualityIssue[];
}
/** The whole profile (`crate::quality::QualityReport`). */
export interface QualityReport { asOf: string; scores: QualityScores; entities: EntityQuality[]; }

/** A canonical field (`crate::ingest::FieldInfo`). */
export interface FieldInfo { name: string; type: NonNullable<MappingEntry["type"]>; required: boolean; }

/** A segment in brief (`crate::segment::SegmentSummary`): customers selected of `total`, and the reference date `today` meant. */
export interface SegmentSummary { count: number; total: number; expr: string; asOf: string; }
/** A saved segment with its count now; `error` says why it no longer evaluates (e.g. a column is gone). */
export interface SavedSegmentInfo { name: string; expr: string; count: number | null; error: string | null; }
/** An editor completion (`crate::segment::Completion`): `label` replaces `text.slice(from, cursor)`. */
export interface Completion { label: string; kind: "column" | "function" | "keyword"; detail: string; from: number; }

/** One line of `tables()` (`crate::table::TableSummary`). */
export interface TableSummary { entity: EntityName; files: number; rows: number; columns: string[]; }
/** Options of `customers` (`crate::table::customers::CustomerParams`). */
export interface CustomerOptions { columns?: string[]; asOf?: string; }
/** Options of `customerPage` (`crate::table::customers::PageParams`). */
export interface PageOptions {
  /** Selection expression (default: every customer). */
  segment?: string; columns?: string[]; sortBy?: string; descending?: boolean; offset?: number;
  /** Rows in the page (default 100). */
  limit?: number;
}
/** A customer-table column (`crate::table::customers::ColumnInfo`). */
export interface CustomerColumn { name: string; kind: "number" | "date" | "bool" | "text" | "category"; about: string; nulls: number; }

/** Options of `rfm` (`crate::segment::rfm::RfmParams`). */
export interface RfmOptions {
  /** Reference date YYYY-MM-DD (default: the last order date). */
  asOf?: string;
  /** Only orders in this many days up to the reference date count (default: all). */
  windowDays?: number;
  /** "standard": quintiles and the named segments; "three": terciles and six groups. */
  scheme?: "standard" | "three";
  /** Customers whose last order is older are "Lost" (default 365; 0 = off). */
  lostAfterDays?: number;
}
/** One RFM segment (`crate::segment::rfm::SegmentLine`). */
export interface RfmSegment {
  segment: string; rule: string; customers: number; share: number; revenue: number; revenueShare: number;
  avgMonetary: number; avgRecencyDays: number; avgFrequency: number;
}
/** The RFM result (`crate::segment::rfm::RfmReport`). */
export interface RfmReport {
  asOf: string; windowDays: number | null; scheme: "standard" | "three"; lostAfterDays: number | null;
  customersScored: number; customersUnscored: number; segments: RfmSegment[];
  grid: { r: number; f: number; customers: number; revenue: number }[]; tieRule: string;
}
/** Options of `rfmMovement`. */
export interface MovementOptions { from: string; to: string; windowDays?: number; scheme?: "standard" | "three"; lostAfterDays?: number; }
/** Segment transitions (`crate::segment::rfm::Movement`): counts[i][j] went from segments[i] to segments[j]. */
export interface RfmMovement { fromDate: string; toDate: string; segments: string[]; counts: number[][]; }

/** Options of `audience` (`crate::campaign::AudienceParams`). */
export interface AudienceOptions {
  /** Selection expression (default: every customer). */
  segment?: string;
  channel?: "email" | "sms" | "post" | "phone";
  /** Let in customers with no consent record for the channel (default false). */
  includeWithoutConsent?: boolean;
  suppressHardBounces?: boolean;
  suppressUnsubscribed?: boolean;
  /** Drop customers who complained this recently (default 30 days; 0 = off). */
  complainedWithinDays?: number;
  /** Drop customers sent a campaign this recently (default off). */
  contactedWithinDays?: number;
  /** Control share (default 0.1), or an exact `controlSize`. */
  controlFraction?: number;
  controlSize?: number;
  /** A category column to stratify the control group by, e.g. "rfm_segment". */
  stratifyBy?: string;
  /** Seed of the control draw (default: drawn, and reported). */
  seed?: number;
}
/** A built audience (`crate::campaign::Audience`). */
export interface Audience {
  segment: string | null; channel: string; asOf: string; seed: number; fingerprint: string;
  stratifyBy: string | null; candidates: number; excluded: { reason: string; count: number }[];
  eligible: number; target: number; control: number;
  strata: { stratum: string; eligible: number; target: number; control: number }[];
}
/** Options of `audienceCsv` (`crate::campaign::ExportOptions`). */
export interface ExportOptions { columns?: string[]; hashEmails?: boolean; groups?: "target" | "control" | "both"; }
"#;

#[wasm_bindgen]
extern "C" {
    /// A `LoadOptions` object.
    #[wasm_bindgen(typescript_type = "LoadOptions")]
    pub type JsLoadOptions;
    /// A progress callback.
    #[wasm_bindgen(typescript_type = "(p: Progress) => boolean | void")]
    pub type JsProgressCallback;
    /// A `TableQuery` object.
    #[wasm_bindgen(typescript_type = "TableQuery")]
    pub type JsTableQuery;
    /// A `QualityOptions` object.
    #[wasm_bindgen(typescript_type = "QualityOptions")]
    pub type JsQualityOptions;
    /// A `PreviewOptions` object.
    #[wasm_bindgen(typescript_type = "PreviewOptions")]
    pub type JsPreviewOptions;
    /// A `CustomerOptions` object.
    #[wasm_bindgen(typescript_type = "CustomerOptions")]
    pub type JsCustomerOptions;
    /// An `RfmOptions` object.
    #[wasm_bindgen(typescript_type = "RfmOptions")]
    pub type JsRfmOptions;
    /// A `MovementOptions` object.
    #[wasm_bindgen(typescript_type = "MovementOptions")]
    pub type JsMovementOptions;
    /// An `AudienceOptions` object.
    #[wasm_bindgen(typescript_type = "AudienceOptions")]
    pub type JsAudienceOptions;
    /// An `ExportOptions` object.
    #[wasm_bindgen(typescript_type = "ExportOptions")]
    pub type JsExportOptions;
    /// A `PageOptions` object.
    #[wasm_bindgen(typescript_type = "PageOptions")]
    pub type JsPageOptions;
}
