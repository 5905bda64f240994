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
    /// `"csv"` or `"tsv"`; sniffed when absent.
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
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reject {
    /// The line on which the row starts, as a text editor numbers lines (the
    /// header is line 1; equal to the spreadsheet row when no field spans lines).
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

pub(super) fn dialect_for(opts: &LoadOptions, text: &[u8]) -> Result<Dialect> {
    let mut dialect = sniff(text);
    match opts.format.as_deref() {
        None | Some("csv") => {}
        Some("tsv") => dialect.delimiter = '\t',
        Some(other) => {
            return Err(Error::option(
                "format",
                other,
                "expected \"csv\" or \"tsv\" (other formats are not read yet)",
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
