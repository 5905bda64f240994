//! Loading one file: options, column mapping, typed parsing and the load report.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::csv::Record;
use super::dialect::{sniff, Dialect};
use super::entity::{Entity, FieldType};
use super::plan::{type_word, CellStyle, Target};
use super::styles::{parse_date_as, parse_number_as, parse_timestamp_as};
use super::values::{is_blank, parse_bool};
use crate::table::{Cell, ParsedColumn};
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

    pub(super) fn source_tag(&self) -> String {
        if let Some(s) = &self.source {
            return s.clone();
        }
        let base = self.file_name.rsplit(['/', '\\']).next().unwrap_or(&self.file_name);
        base.split('.').next().unwrap_or(base).to_string()
    }
}

/// Progress of a long operation, reported every megabyte or so. For a load,
/// `done`/`total` are bytes of the file, as `bytes_done`/`bytes_total`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub stage: &'static str,
    pub done: u64,
    /// 0 when not known.
    pub total: u64,
    /// Bytes of the file read so far.
    pub bytes_done: u64,
    /// The file's size, when known.
    pub bytes_total: Option<u64>,
}

/// A rejected row, or a cell that was nulled, with where and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Parts the file was read in at once (1; more when later parts were read
    /// by sessions of their own, see `LoadSession::part`).
    pub parts: u32,
}

/// A parsed file, not yet merged into a workspace.
pub struct ParsedTable {
    pub entity: Entity,
    pub source: String,
    pub rows: usize,
    /// Name, canonical field or attribute, and the data.
    pub columns: Vec<(String, bool, ParsedColumn)>,
}

/// The format named in the options when the bytes are CSV converted by
/// `rapport-formats` from a Parquet, Arrow IPC or XLSX file.
pub(super) fn converted_format(opts: &LoadOptions) -> Option<&'static str> {
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

pub(super) fn clip(raw: &[u8]) -> String {
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
#[inline]
pub(super) fn parse_row(
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
            // The decoder hands out valid UTF-8 text only.
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
        let mut session = super::super::session::LoadSession::new(Some(Entity::Orders), &opts, None);
        session.push(csv.as_bytes())?;
        session.finish_parse().map(|(_, r)| r)
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
