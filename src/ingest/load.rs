//! Loading one file: options, column mapping, typed parsing and the load report.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::csv::Record;
use super::dialect::{sniff, Dialect};
use super::entity::{Entity, FieldType};
use super::plan::{type_word, CellStyle, Target};
use super::styles::{parse_date_as, parse_number_as, parse_timestamp_as};
use super::values::{is_blank, parse_bool};
use crate::table::{ColumnBuilder, ParsedColumn};
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

/// Reads one record into `builders` (one per column of `plan`, `None` for
/// ignored columns), each value parsed straight into its column. A failing
/// required cell rejects the record, which then leaves the builders as they
/// were; a failing optional cell is nulled and noted in `nulled` (the caller
/// fills in the row number, computed only when needed). Ids go in last, once
/// the record is known to be valid, as interning one cannot be undone.
#[inline]
pub(super) fn read_row(
    rec: &Record<'_>,
    plan: &[Target],
    styles: &[CellStyle],
    headers: &[String],
    builders: &mut [Option<ColumnBuilder>],
    nulled: &mut Vec<Reject>,
) -> std::result::Result<(), Reject> {
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
    for (i, (target, builder)) in plan.iter().zip(builders.iter_mut()).enumerate() {
        let Some(b) = builder else { continue };
        let raw = rec.field(i);
        let (ty, required) = match target {
            Target::Field(s) => (s.ty, s.required),
            Target::Attribute => (FieldType::Text, false),
            Target::Ignored => continue,
        };
        if is_blank(raw) {
            if required {
                undo_row(plan, &mut builders[..i]);
                return Err(Reject {
                    row,
                    column: Some(headers[i].clone()),
                    value: String::new(),
                    reason: "required value is missing".into(),
                });
            }
            if !ty.is_key() {
                b.push_null();
            }
            continue;
        }
        let read = match ty {
            // The decoder hands out valid UTF-8 text only.
            FieldType::Text => {
                b.push_text(raw);
                true
            }
            // Ids go in below, once the record is known to be valid.
            FieldType::CustomerKey | FieldType::OrderKey => true,
            FieldType::Number => parse_number_as(raw, styles[i].number)
                .map(|x| b.push_number(x))
                .is_some(),
            FieldType::Date => parse_date_as(raw, styles[i].date).map(|x| b.push_date(x)).is_some(),
            FieldType::Timestamp => parse_timestamp_as(raw, styles[i].date)
                .map(|x| b.push_timestamp(x))
                .is_some(),
            FieldType::Bool => parse_bool(raw).map(|x| b.push_bool(x)).is_some(),
        };
        if !read {
            let reject = Reject {
                row,
                column: Some(headers[i].clone()),
                value: clip(raw),
                reason: format!("not a valid {}", type_word(ty, styles[i])),
            };
            if required {
                undo_row(plan, &mut builders[..i]);
                return Err(reject);
            }
            nulled.push(reject);
            b.push_null();
        }
    }
    for (i, (target, builder)) in plan.iter().zip(builders.iter_mut()).enumerate() {
        if let (Target::Field(s), Some(b)) = (target, builder) {
            if s.ty.is_key() {
                let raw = rec.field(i);
                if is_blank(raw) {
                    b.push_null();
                } else {
                    b.push_text(raw);
                }
            }
        }
    }
    Ok(())
}

/// Takes back the value a rejected record gave each of `builders` (the
/// columns before the one that rejected it; key columns took none yet).
fn undo_row(plan: &[Target], builders: &mut [Option<ColumnBuilder>]) {
    for (target, builder) in plan.iter().zip(builders) {
        let key = matches!(target, Target::Field(s) if s.ty.is_key());
        if let (false, Some(b)) = (key, builder) {
            b.pop_row();
        }
    }
}

#[cfg(test)]
mod tests {
    use arrow_array::Array;

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
    fn a_record_rejected_midway_leaves_no_value_behind_in_any_column() {
        // O2 fails on its amount after its date was read; its ids were not interned.
        let csv = "order_id,customer_id,order_date,amount,note\n\
                   O1,C1,2024-01-05,10,a\n\
                   O2,C2,2024-01-06,oops,b\n\
                   O3,C3,2024-01-07,7,\n";
        let opts = LoadOptions::named("orders.csv");
        let mut session = super::super::session::LoadSession::new(Some(Entity::Orders), &opts, None);
        session.push(csv.as_bytes()).unwrap();
        let (table, report) = session.finish_parse().unwrap();
        assert_eq!((report.rows_read, report.rows_loaded, report.rows_rejected), (3, 2, 1));
        assert_eq!(report.rejected[0].column.as_deref(), Some("amount"));
        let column = |name: &str| &table.columns.iter().find(|(n, ..)| n == name).unwrap().2;
        for name in ["order_id", "customer_id"] {
            let ParsedColumn::Keys { keys, local, .. } = column(name) else {
                panic!("{name} is not a key column")
            };
            let ids: Vec<&str> = keys.values().iter().map(|&k| local.value(k)).collect();
            assert_eq!(local.len(), 2, "{name}: {ids:?}");
            assert_eq!(ids.len(), 2);
        }
        let ParsedColumn::Ready(crate::table::Column::Date(dates)) = column("order_date") else {
            panic!("order_date is not a date column")
        };
        assert_eq!(dates.values().to_vec(), [19727, 19729]);
        let ParsedColumn::Ready(crate::table::Column::Number(amounts)) = column("amount") else {
            panic!("amount is not a number column")
        };
        assert_eq!(amounts.values().to_vec(), [10.0, 7.0]);
        let ParsedColumn::Ready(crate::table::Column::Text(notes)) = column("note") else {
            panic!("note is not a text column")
        };
        assert_eq!((notes.len(), notes.value(0), notes.is_null(1)), (2, "a", true));
    }

    #[test]
    fn an_unknown_format_names_the_ones_read() {
        let err = load(CSV, Some("ods")).unwrap_err().to_string();
        assert!(err.contains("\"parquet\", \"arrow\" or \"xlsx\""), "{err}");
    }
}
