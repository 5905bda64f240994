//! Loading one file: options, column mapping, typed parsing and the load report.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::csv::{LineCounter, Record, Records};
use super::dialect::{sniff, Dialect};
use super::encoding::decode;
use super::entity::{recognise, Entity, FieldType};
use super::plan::{column_styles, plan_columns, type_word, CellStyle, Target};
use super::styles::{parse_date_as, parse_number_as, parse_timestamp_as};
use super::values::{is_blank, parse_bool};
use crate::table::{Cell, ColumnBuilder, ParsedColumn};
use crate::{Error, Result};

/// How to load a file. Every field is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct LoadOptions {
    /// The file's name, used in reports and as the default `source` tag.
    pub file_name: String,
    /// `"csv"` or `"tsv"`; sniffed when absent. `"parquet"`, `"arrow"` or
    /// `"xlsx"` say that the bytes are the CSV `rapport-formats` made from such a
    /// file: the report then names that format, and row numbers count records
    /// (header = 1, first data row = 2) rather than text lines.
    pub format: Option<String>,
    /// Header → canonical field overrides; the value `"attribute"` keeps the
    /// column as an attribute and `"ignore"` drops it.
    pub mapping: BTreeMap<String, String>,
    /// The source-system tag of every row (default: the file name without extension).
    pub source: Option<String>,
    /// The delimiter, when sniffing should be skipped.
    pub delimiter: Option<char>,
    /// Header → how its dates or numbers are written, instead of inferring it:
    /// `YYYY-MM-DD`, `DD/MM/YYYY`, `MM/DD/YYYY`, `excel` (serial days), or for
    /// numbers `1,234.56` / `1.234,56`.
    pub formats: BTreeMap<String, String>,
}

impl LoadOptions {
    /// Options naming the file and nothing else.
    pub fn named(file_name: &str) -> Self {
        LoadOptions {
            file_name: file_name.to_string(),
            ..Default::default()
        }
    }

    fn source_tag(&self) -> String {
        if let Some(s) = &self.source {
            return s.clone();
        }
        let base = self.file_name.rsplit(['/', '\\']).next().unwrap_or(&self.file_name);
        base.split('.').next().unwrap_or(base).to_string()
    }
}

/// Progress of a long operation, reported every megabyte or so.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub stage: &'static str,
    pub done: u64,
    pub total: u64,
}

/// A rejected row, or a cell that was nulled, with where and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reject {
    /// The line on which the row starts, as a text editor numbers lines (the
    /// header is line 1; equal to the spreadsheet row when no field spans lines).
    /// For a file converted from Parquet, Arrow or XLSX, the record's number
    /// (header = 1, first data row = 2).
    pub row: u64,
    /// The header of the offending column, if one column is to blame.
    pub column: Option<String>,
    /// The raw value (truncated to 200 characters).
    pub value: String,
    pub reason: String,
}

/// What one header became.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MappingEntry {
    pub header: String,
    /// The canonical field, when mapped to one.
    pub field: Option<String>,
    /// `field`, `attribute` or `ignored`.
    pub kind: &'static str,
    /// The type the column is stored as (absent when ignored).
    #[serde(rename = "type")]
    pub ty: Option<FieldType>,
    /// How the column's dates or numbers are read (inferred, or as given in `formats`).
    pub format: Option<&'static str>,
}

/// The answer to a load: what the file was understood as and what became of every row.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadReport {
    pub file: String,
    pub entity: Entity,
    pub source: String,
    pub format: &'static str,
    pub encoding: &'static str,
    pub dialect: Dialect,
    pub bytes: u64,
    /// Data records read (the header and empty lines are not records).
    pub rows_read: u64,
    pub rows_loaded: u64,
    pub rows_rejected: u64,
    pub mapping: Vec<MappingEntry>,
    /// Every rejected row.
    pub rejected: Vec<Reject>,
    /// Every cell of an optional column that could not be parsed and was stored as null.
    pub nulled: Vec<Reject>,
    /// What the user should know about how the file was read (e.g. a guessed encoding).
    pub warnings: Vec<String>,
}

/// A parsed file, not yet merged into a workspace.
pub struct ParsedTable {
    pub entity: Entity,
    pub source: String,
    pub rows: usize,
    /// Name, canonical field or attribute, and the data.
    pub columns: Vec<(String, bool, ParsedColumn)>,
}

/// Rows are parsed in chunks of about this many bytes: progress is reported
/// (and cancellation checked) between chunks, and the chunk function, called
/// again and again, is what a wasm engine optimises (V8 tiers up a function
/// between calls, never inside a long-running one).
const CHUNK_BYTES: usize = 1 << 20;

/// Parses rows into the builders, keeping per-row scratch between chunks.
struct RowParser<'p> {
    plan: &'p [Target],
    styles: &'p [CellStyle],
    headers: &'p [String],
    cells: Vec<Cell>,
    nulled: Vec<Reject>,
    lines: LineCounter,
    /// Number rows by record rather than by line (converted files).
    by_record: bool,
}

impl RowParser<'_> {
    /// The number of the record just read (the `rows_read`-th), starting at `start`.
    fn row_number(&mut self, text: &[u8], start: usize, rows_read: u64) -> u64 {
        if self.by_record {
            rows_read + 1
        } else {
            self.lines.line_at(text, start)
        }
    }

    /// Parses records until about `budget` more bytes are consumed; answers
    /// whether records remain.
    #[inline(never)]
    fn parse_chunk(
        &mut self,
        records: &mut Records<'_>,
        text: &[u8],
        builders: &mut [Option<ColumnBuilder>],
        report: &mut LoadReport,
        budget: usize,
    ) -> bool {
        let stop = records.consumed().saturating_add(budget);
        while records.consumed() < stop {
            let Some(rec) = records.next_record() else { return false };
            report.rows_read += 1;
            match parse_row(
                &rec,
                self.plan,
                self.styles,
                self.headers,
                &mut self.cells,
                &mut self.nulled,
            ) {
                Ok(()) => {
                    for (i, (b, cell)) in builders.iter_mut().zip(self.cells.iter()).enumerate() {
                        if let Some(b) = b {
                            b.append(*cell, rec.field(i));
                        }
                    }
                    report.rows_loaded += 1;
                    if !self.nulled.is_empty() {
                        let row = self.row_number(text, rec.start, report.rows_read);
                        report.nulled.extend(self.nulled.drain(..).map(|n| Reject { row, ..n }));
                    }
                }
                Err(mut reject) => {
                    reject.row = self.row_number(text, rec.start, report.rows_read);
                    report.rows_rejected += 1;
                    report.rejected.push(reject);
                    self.nulled.clear();
                }
            }
        }
        true
    }
}

/// Parses `bytes` as one file of `entity` (recognised from the headers when `None`).
pub fn parse_file(
    entity: Option<Entity>,
    bytes: &[u8],
    opts: &LoadOptions,
    progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<(ParsedTable, LoadReport)> {
    let file = if opts.file_name.is_empty() {
        "(unnamed)"
    } else {
        opts.file_name.as_str()
    };
    let decoded = decode(file, bytes)?;
    let (text, encoding): (&[u8], _) = (&decoded.text, decoded.encoding);
    let dialect = dialect_for(opts, text)?;
    let mut records = Records::new(text, dialect);
    let headers: Vec<String> = match records.next_record() {
        Some(rec) if !rec.is_blank() => (0..rec.len())
            .map(|i| String::from_utf8_lossy(rec.field(i)).trim().to_string())
            .collect(),
        _ => {
            return Err(Error::Format {
                file: file.to_string(),
                reason: "the file is empty: no header row".into(),
            })
        }
    };
    let entity = match entity {
        Some(e) => e,
        None => recognise(&headers, file).ok_or_else(|| Error::Ingest {
            at: crate::error::Location {
                file: file.to_string(),
                row: Some(1),
                column: None,
            },
            reason: format!(
                "cannot tell which entity this is from its headers ({}); name it, e.g. load(\"orders\", …)",
                headers.join(", ")
            ),
        })?,
    };
    let plan = plan_columns(entity, &headers, opts, file)?;
    let (styles, style_warnings) = column_styles(text, dialect, &plan, &headers, opts)?;
    let mapping = plan
        .iter()
        .zip(&headers)
        .zip(&styles)
        .map(|((t, h), style)| match t {
            Target::Field(s) => MappingEntry {
                header: h.clone(),
                field: Some(s.name.to_string()),
                kind: "field",
                ty: Some(s.ty),
                format: style.label(s.ty),
            },
            Target::Attribute => MappingEntry {
                header: h.clone(),
                field: None,
                kind: "attribute",
                ty: Some(FieldType::Text),
                format: None,
            },
            Target::Ignored => MappingEntry {
                header: h.clone(),
                field: None,
                kind: "ignored",
                ty: None,
                format: None,
            },
        })
        .collect();

    let estimate = estimate_rows(text);
    let mut builders: Vec<Option<ColumnBuilder>> = plan
        .iter()
        .map(|t| match t {
            Target::Field(s) => Some(ColumnBuilder::new(s.ty, estimate)),
            Target::Attribute => Some(ColumnBuilder::new(FieldType::Text, estimate)),
            Target::Ignored => None,
        })
        .collect();
    let mut report = LoadReport {
        file: file.to_string(),
        entity,
        source: opts.source_tag(),
        format: format_name(opts, dialect),
        encoding,
        warnings: decoded.warning.iter().cloned().chain(style_warnings).collect(),
        dialect,
        bytes: bytes.len() as u64,
        rows_read: 0,
        rows_loaded: 0,
        rows_rejected: 0,
        mapping,
        rejected: Vec::new(),
        nulled: Vec::new(),
    };
    let total = text.len() as u64;
    let mut rows = RowParser {
        plan: &plan,
        styles: &styles,
        headers: &headers,
        cells: Vec::new(),
        nulled: Vec::new(),
        lines: LineCounter::default(),
        by_record: converted_format(opts).is_some(),
    };
    loop {
        let more = rows.parse_chunk(&mut records, text, &mut builders, &mut report, CHUNK_BYTES);
        let done = records.consumed() as u64;
        if !more {
            break;
        }
        if !progress(Progress {
            stage: "parse",
            done,
            total,
        }) {
            return Err(Error::Cancelled);
        }
    }
    progress(Progress {
        stage: "parse",
        done: total,
        total,
    });
    let columns = headers
        .iter()
        .zip(plan.iter())
        .zip(builders)
        .filter_map(|((h, t), b)| {
            let b = b?;
            Some(match t {
                Target::Field(s) => (s.name.to_string(), true, b.finish()),
                _ => (h.clone(), false, b.finish()),
            })
        })
        .collect();
    let table = ParsedTable {
        entity,
        source: report.source.clone(),
        rows: report.rows_loaded as usize,
        columns,
    };
    Ok((table, report))
}

/// Rows to reserve room for: the file's length over the mean line length of
/// its first 64 KiB, plus a margin, so builders rarely grow (and copy) while parsing.
fn estimate_rows(text: &[u8]) -> usize {
    let sample = &text[..text.len().min(64 * 1024)];
    let lines = memchr::memchr_iter(b'\n', sample).count().max(1);
    let per_line = (sample.len() / lines).max(1);
    (text.len() / per_line) + text.len() / per_line / 16 + 16
}

/// The format named in the options when the bytes are CSV converted by
/// `rapport-formats` from a Parquet, Arrow IPC or XLSX file.
fn converted_format(opts: &LoadOptions) -> Option<&'static str> {
    match opts.format.as_deref() {
        Some("parquet") => Some("parquet"),
        Some("arrow") => Some("arrow"),
        Some("xlsx") => Some("xlsx"),
        _ => None,
    }
}

/// What the report calls the file's format.
pub(super) fn format_name(opts: &LoadOptions, dialect: Dialect) -> &'static str {
    converted_format(opts).unwrap_or(if dialect.delimiter == '\t' { "tsv" } else { "csv" })
}

pub(super) fn dialect_for(opts: &LoadOptions, text: &[u8]) -> Result<Dialect> {
    let mut dialect = sniff(text);
    match opts.format.as_deref() {
        None | Some("csv") => {}
        Some("tsv") => dialect.delimiter = '\t',
        // rapport-formats writes RFC 4180: commas and double quotes, a header.
        Some("parquet" | "arrow" | "xlsx") => {
            dialect = Dialect {
                delimiter: ',',
                quote: '"',
                header: true,
            }
        }
        Some(other) => {
            return Err(Error::option(
                "format",
                other,
                "expected \"csv\", \"tsv\", or \"parquet\", \"arrow\" or \"xlsx\" for the CSV that the formats \
                 module (rapport/formats toCsv) made from such a file",
            ))
        }
    }
    if let Some(d) = opts.delimiter {
        if !d.is_ascii() || d == '"' || d == '\n' || d == '\r' {
            return Err(Error::option(
                "delimiter",
                d,
                "must be one ASCII character other than a quote or line end",
            ));
        }
        dialect.delimiter = d;
    }
    Ok(dialect)
}

fn clip(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(raw);
    if s.chars().count() > 200 {
        s.chars().take(200).collect::<String>() + "…"
    } else {
        s.into_owned()
    }
}

/// Parses one record into `cells`; a failing required cell rejects the row,
/// a failing optional cell is nulled and noted in `nulled` (the caller fills
/// in the row number, computed only when needed).
fn parse_row(
    rec: &Record<'_>,
    plan: &[Target],
    styles: &[CellStyle],
    headers: &[String],
    cells: &mut Vec<Cell>,
    nulled: &mut Vec<Reject>,
) -> std::result::Result<(), Reject> {
    cells.clear();
    let row = 0; // the caller sets the line number
    if rec.len() != headers.len() {
        let extra_empty = rec.len() > headers.len() && (headers.len()..rec.len()).all(|i| rec.field(i).is_empty());
        if !extra_empty {
            let value: Vec<String> = (0..rec.len()).map(|i| clip(rec.field(i))).collect();
            return Err(Reject {
                row,
                column: None,
                value: clip(value.join(",").as_bytes()),
                reason: format!("expected {} fields, found {}", headers.len(), rec.len()),
            });
        }
    }
    for (i, target) in plan.iter().enumerate() {
        let raw = rec.field(i);
        let (spec_ty, required) = match target {
            Target::Field(s) => (s.ty, s.required),
            Target::Attribute => (FieldType::Text, false),
            Target::Ignored => {
                cells.push(Cell::Null);
                continue;
            }
        };
        if is_blank(raw) {
            if required {
                return Err(Reject {
                    row,
                    column: Some(headers[i].clone()),
                    value: String::new(),
                    reason: "required value is missing".into(),
                });
            }
            cells.push(Cell::Null);
            continue;
        }
        let parsed = match spec_ty {
            // The whole file was checked to be UTF-8 before parsing began.
            FieldType::Text | FieldType::CustomerKey | FieldType::OrderKey => Some(Cell::Text),
            FieldType::Number => parse_number_as(raw, styles[i].number).map(Cell::Number),
            FieldType::Date => parse_date_as(raw, styles[i].date).map(Cell::Date),
            FieldType::Timestamp => parse_timestamp_as(raw, styles[i].date).map(Cell::Timestamp),
            FieldType::Bool => parse_bool(raw).map(Cell::Bool),
        };
        match parsed {
            Some(cell) => cells.push(cell),
            None => {
                let reason = format!("not a valid {}", type_word(spec_ty, styles[i]));
                let reject = Reject {
                    row,
                    column: Some(headers[i].clone()),
                    value: clip(raw),
                    reason,
                };
                if required {
                    return Err(reject);
                }
                nulled.push(reject);
                cells.push(Cell::Null);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(csv: &str, format: Option<&str>) -> Result<LoadReport> {
        let opts = LoadOptions {
            file_name: "orders".into(),
            format: format.map(String::from),
            ..Default::default()
        };
        parse_file(Some(Entity::Orders), csv.as_bytes(), &opts, &mut |_| true).map(|(_, r)| r)
    }

    /// A note spanning two lines, then a row without a customer.
    const CSV: &str = "order_id,customer_id,order_date,amount,note\n\
                       O1,C1,2024-01-05,10,\"two\nlines\"\n\
                       O2,,2024-01-06,5,x\n\
                       O3,C3,2024-01-07,oops,y\n";

    #[test]
    fn converted_files_name_their_format_and_number_rows_by_record() {
        for format in ["parquet", "arrow", "xlsx"] {
            let r = load(CSV, Some(format)).unwrap();
            assert_eq!(r.format, format);
            assert_eq!((r.rows_read, r.rows_loaded, r.rows_rejected), (3, 1, 2));
            assert_eq!(r.rejected.iter().map(|j| j.row).collect::<Vec<_>>(), [3, 4], "{format}");
            assert_eq!(r.dialect.delimiter, ',');
        }
        // As CSV, the same rows are numbered by the line they start on.
        let r = load(CSV, None).unwrap();
        assert_eq!(r.format, "csv");
        assert_eq!(r.rejected.iter().map(|j| j.row).collect::<Vec<_>>(), [4, 5]);
    }

    #[test]
    fn a_converted_file_is_read_as_commas_whatever_the_sniffer_says() {
        let text = b"Kund;Belopp\nK1;10\n";
        let opts = |format: Option<&str>| LoadOptions {
            format: format.map(String::from),
            ..Default::default()
        };
        assert_eq!(dialect_for(&opts(None), text).unwrap().delimiter, ';');
        assert_eq!(dialect_for(&opts(Some("xlsx")), text).unwrap().delimiter, ',');
    }

    #[test]
    fn an_unknown_format_names_the_ones_read() {
        let err = load(CSV, Some("ods")).unwrap_err().to_string();
        assert!(err.contains("\"parquet\", \"arrow\" or \"xlsx\""), "{err}");
    }
}
