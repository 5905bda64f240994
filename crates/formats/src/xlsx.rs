//! XLSX through `calamine`: one sheet (the first, or a named one) as CSV.
//!
//! The header is the first non-empty row. Rows keep their spreadsheet
//! numbering in the load report (header = 1, first data row = 2) when the
//! header is on row 1 and no empty rows sit among the data; otherwise a
//! warning says how the numbers shift.

use std::fmt::Write;
use std::io::Cursor;

use calamine::{Data, ExcelDateTime, Reader, Xlsx, XlsxError};

use crate::csv_out::CsvWriter;
use crate::text::float;
use crate::{Converted, Error, Result};

const XLSX: &str = "XLSX";
/// Error cells named one by one in the warnings; the rest are counted.
const NAMED_ERRORS: usize = 10;

fn xlsx_error(e: XlsxError) -> Error {
    match e {
        XlsxError::Password => Error::EncryptedXlsx,
        e => Error::corrupt(XLSX, e),
    }
}

/// Converts one sheet of a workbook.
pub fn to_csv(bytes: &[u8], sheet: Option<&str>) -> Result<Converted> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    let sheets = workbook.sheet_names();
    let name = match sheet {
        Some(s) if sheets.iter().any(|n| n == s) => s.to_string(),
        Some(s) => {
            return Err(Error::SheetNotFound {
                sheet: s.to_string(),
                sheets,
            })
        }
        None => sheets
            .first()
            .cloned()
            .ok_or_else(|| Error::corrupt(XLSX, "the workbook has no sheets"))?,
    };
    let range = workbook.worksheet_range(&name).map_err(xlsx_error)?;
    let (top, left) = range.start().unwrap_or((0, 0));
    let grid: Vec<&[Data]> = range.rows().collect();
    let mut warnings = Vec::new();

    let Some(header_at) = grid.iter().position(|r| !is_empty_row(r)) else {
        return Err(Error::corrupt(XLSX, format!("sheet '{name}' is empty")));
    };
    // Data rows: everything below the header up to the last non-empty row.
    let last = grid.iter().rposition(|r| !is_empty_row(r)).unwrap_or(header_at);
    let body = &grid[header_at + 1..=last];
    let width = grid[header_at].len();
    // Columns with neither a header nor any value are left out.
    let columns: Vec<usize> = (0..width)
        .filter(|&c| {
            std::iter::once(grid[header_at])
                .chain(body.iter().copied())
                .any(|r| !is_empty_cell(r.get(c)))
        })
        .collect();

    let sheet_row = |i: usize| u64::from(top) + i as u64 + 1;
    let header_row = sheet_row(header_at);
    if header_row > 1 {
        warnings.push(format!(
            "sheet '{name}': the header is on row {header_row} (the rows above it are empty); row numbers in \
             the load report count the header as row 1, so add {} for the spreadsheet row",
            header_row - 1
        ));
    }

    let mut csv = CsvWriter::with_capacity(64 * 1024);
    let mut text = String::new();
    let mut errors: Vec<String> = Vec::new();
    for &c in &columns {
        text.clear();
        cell_text(&mut text, grid[header_at].get(c));
        if text.trim().is_empty() {
            let letter = column_letters(u64::from(left) + c as u64);
            warnings.push(format!(
                "sheet '{name}': column {letter} has no header; it is named '{letter}'"
            ));
            text = letter;
        }
        csv.field(&text);
    }
    csv.end_record();
    let mut rows = 0;
    let mut skipped: Vec<u64> = Vec::new();
    for (k, row) in body.iter().enumerate() {
        let at = sheet_row(header_at + 1 + k);
        if is_empty_row(row) {
            skipped.push(at);
            continue;
        }
        for &c in &columns {
            text.clear();
            let cell = row.get(c);
            if let Some(Data::Error(e)) = cell {
                errors.push(format!("{}{at} ({e})", column_letters(u64::from(left) + c as u64)));
            } else {
                cell_text(&mut text, cell);
            }
            csv.field(&text);
        }
        csv.end_record();
        rows += 1;
    }
    if !skipped.is_empty() {
        let list: Vec<String> = skipped.iter().take(NAMED_ERRORS).map(u64::to_string).collect();
        let more = skipped.len().saturating_sub(NAMED_ERRORS);
        warnings.push(format!(
            "sheet '{name}': {} empty row{} among the data skipped ({}{}); row numbers in the load report \
             count the rows kept, so rows below {} are numbered lower than in the spreadsheet",
            skipped.len(),
            if skipped.len() == 1 { "" } else { "s" },
            list.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            },
            if skipped.len() == 1 { "it" } else { "them" }
        ));
    }
    if !errors.is_empty() {
        let more = errors.len().saturating_sub(NAMED_ERRORS);
        errors.truncate(NAMED_ERRORS);
        warnings.push(format!(
            "sheet '{name}': error cells read as empty: {}{}",
            errors.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    Ok(Converted {
        format: "xlsx",
        sheet: Some(name),
        sheets,
        rows,
        columns: columns.len(),
        csv: csv.into_bytes(),
        warnings,
    })
}

fn is_empty_cell(cell: Option<&Data>) -> bool {
    match cell {
        None | Some(Data::Empty) => true,
        Some(Data::String(s)) => s.trim().is_empty(),
        _ => false,
    }
}

fn is_empty_row(row: &[Data]) -> bool {
    row.iter().all(|c| is_empty_cell(Some(c)))
}

/// `A`, `Z`, `AA`, … of a 0-based column index.
fn column_letters(mut c: u64) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    letters.iter().rev().map(|&b| b as char).collect()
}

/// A cell as text: strings as they are, numbers shortest, dates ISO.
fn cell_text(out: &mut String, cell: Option<&Data>) {
    match cell {
        None | Some(Data::Empty) | Some(Data::Error(_)) => {}
        Some(Data::String(s)) | Some(Data::DateTimeIso(s)) | Some(Data::DurationIso(s)) => out.push_str(s),
        Some(Data::Int(i)) => {
            let _ = write!(out, "{i}");
        }
        Some(Data::Float(f)) => float(out, *f, false),
        Some(Data::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
        Some(Data::DateTime(d)) => date_time(out, d),
    }
}

/// A date cell: `YYYY-MM-DD` at midnight, else `YYYY-MM-DDTHH:MM:SS[.fff]`
/// (spreadsheets have no zone); a time alone (a serial below 1) as
/// `HH:MM:SS`; a duration as `[h]:mm:ss` like Excel shows it.
fn date_time(out: &mut String, d: &ExcelDateTime) {
    let v = d.as_f64();
    if !v.is_finite() {
        return float(out, v, false);
    }
    if d.is_duration() {
        let ms = (v.abs() * 86_400_000.0).round() as u64;
        let sign = if v < 0.0 { "-" } else { "" };
        let _ = write!(
            out,
            "{sign}{}:{:02}:{:02}",
            ms / 3_600_000,
            ms / 60_000 % 60,
            ms / 1000 % 60
        );
        if !ms.is_multiple_of(1000) {
            let _ = write!(out, ".{:03}", ms % 1000);
        }
        return;
    }
    let (y, mo, day, h, mi, s, ms) = d.to_ymd_hms_milli();
    let time = (h, mi, s, ms) != (0, 0, 0, 0);
    if (0.0..1.0).contains(&v) && time {
        let _ = write!(out, "{h:02}:{mi:02}:{s:02}");
    } else {
        let _ = write!(out, "{y:04}-{mo:02}-{day:02}");
        if time {
            let _ = write!(out, "T{h:02}:{mi:02}:{s:02}");
        }
    }
    if time && ms != 0 {
        let _ = write!(out, ".{ms:03}");
    }
}

#[cfg(test)]
mod tests {
    use calamine::ExcelDateTimeType;

    use super::*;

    fn dt(v: f64, ty: ExcelDateTimeType) -> String {
        let mut s = String::new();
        cell_text(&mut s, Some(&Data::DateTime(ExcelDateTime::new(v, ty, false))));
        s
    }

    #[test]
    fn date_cells_are_iso_dates_at_midnight_else_timestamps_without_zone() {
        assert_eq!(dt(45_296.0, ExcelDateTimeType::DateTime), "2024-01-05");
        assert_eq!(
            dt(45_296.385_416_666_664, ExcelDateTimeType::DateTime),
            "2024-01-05T09:15:00"
        );
        assert_eq!(dt(0.5, ExcelDateTimeType::DateTime), "12:00:00");
        assert_eq!(dt(1.5, ExcelDateTimeType::TimeDelta), "36:00:00");
        let mut s = String::new();
        cell_text(
            &mut s,
            Some(&Data::DateTime(ExcelDateTime::new(
                0.0,
                ExcelDateTimeType::DateTime,
                true,
            ))),
        );
        assert_eq!(s, "1904-01-01");
    }

    #[test]
    fn numbers_are_shortest_and_column_letters_go_past_z() {
        let mut s = String::new();
        cell_text(&mut s, Some(&Data::Float(1234.5)));
        cell_text(&mut s, Some(&Data::Int(-3)));
        assert_eq!(s, "1234.5-3");
        assert_eq!(
            [0, 25, 26, 701, 702].map(column_letters),
            ["A", "Z", "AA", "ZZ", "AAA"].map(String::from)
        );
    }
}
