//! How a column writes its dates and numbers, inferred from a sample of its
//! cells: `2024-03-05`, `05/03/2024`, `03/05/2024`, `05.03.2024`, Excel serial
//! days; `1,234.50` or `1.234,50`. A column whose dates fit both day/month
//! orders (every day ≤ 12) is read day-first, and the load report says so.

use serde::Serialize;

use super::values::{at_time, parse_date, parse_number, parse_timestamp};
use crate::calendar::{days_from_civil, days_in_month};

/// How a date column is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateStyle {
    /// `YYYY-MM-DD` or `YYYYMMDD` (ISO 8601).
    Iso,
    /// Day first: `DD/MM/YYYY`, `DD.MM.YYYY`, `DD-MM-YYYY`.
    DayFirst,
    /// Month first: `MM/DD/YYYY`.
    MonthFirst,
    /// Days since 1899-12-30, as spreadsheets store dates.
    ExcelSerial,
}

impl DateStyle {
    /// How the style is shown to a user.
    pub fn label(self) -> &'static str {
        match self {
            DateStyle::Iso => "YYYY-MM-DD",
            DateStyle::DayFirst => "DD/MM/YYYY",
            DateStyle::MonthFirst => "MM/DD/YYYY",
            DateStyle::ExcelSerial => "Excel serial day",
        }
    }
}

/// Which character a number column uses as its decimal mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberStyle {
    /// `1,234.50`
    DecimalPoint,
    /// `1.234,50` or `1 234,50`
    DecimalComma,
}

fn small(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0, |v, &b| v * 10 + u32::from(b - b'0')))
}

/// `a?b?yyyy` with one separator of `/ . -` used twice; answers (a, b, year).
fn three_parts(s: &[u8]) -> Option<(u32, u32, u32)> {
    let sep = *s.iter().find(|b| matches!(b, b'/' | b'.' | b'-'))?;
    let mut parts = s.split(|&b| b == sep);
    let (a, b, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || a.len() > 2 || b.len() > 2 {
        return None;
    }
    Some((small(a)?, small(b)?, small(y)?))
}

fn civil(year: u32, month: u32, day: u32) -> Option<i32> {
    let year = i32::try_from(year).ok()?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// Whole Excel serial days (1900 date system, 1 = 1900-01-01) as days since 1970-01-01.
fn excel_days(s: &[u8]) -> Option<f64> {
    let v = parse_number(s)?;
    if !(1.0..=2_958_465.0).contains(&v) || s.iter().any(|&b| !(b.is_ascii_digit() || b == b'.')) {
        return None;
    }
    // Serials from 61 on count from 1899-12-30 (Excel's phantom 1900-02-29 before that).
    let epoch_offset = if v >= 61.0 { 25_569.0 } else { 25_568.0 };
    Some(v - epoch_offset)
}

/// The part of a cell before a time of day (`T` or space), and the rest.
fn split_time(s: &[u8]) -> (&[u8], &[u8]) {
    let at = s.iter().position(|&b| b == b'T' || b == b' ').unwrap_or(s.len());
    s.split_at(at)
}

/// A date written in `style`, as days since 1970-01-01 (a time part is ignored).
pub fn parse_date_as(cell: &[u8], style: DateStyle) -> Option<i32> {
    let s = cell.trim_ascii();
    match style {
        DateStyle::Iso => parse_date(s),
        DateStyle::DayFirst => three_parts(split_time(s).0).and_then(|(d, m, y)| civil(y, m, d)),
        DateStyle::MonthFirst => three_parts(split_time(s).0).and_then(|(m, d, y)| civil(y, m, d)),
        DateStyle::ExcelSerial => excel_days(s).map(|d| d.floor() as i32),
    }
}

/// A timestamp written in `style`, as UTC milliseconds.
pub fn parse_timestamp_as(cell: &[u8], style: DateStyle) -> Option<i64> {
    let s = cell.trim_ascii();
    match style {
        DateStyle::Iso => parse_timestamp(s),
        DateStyle::ExcelSerial => excel_days(s).map(|d| (d * 86_400_000.0).round() as i64),
        _ => {
            let (date, rest) = split_time(s);
            at_time(parse_date_as(date, style)?, rest)
        }
    }
}

/// A number written in `style`.
pub fn parse_number_as(cell: &[u8], style: NumberStyle) -> Option<f64> {
    match style {
        NumberStyle::DecimalPoint => parse_number(cell),
        NumberStyle::DecimalComma => {
            let text = std::str::from_utf8(cell.trim_ascii()).ok()?;
            let swapped: String = text
                .chars()
                .filter(|&c| !matches!(c, '.' | ' ' | '\u{a0}' | '\u{202f}' | '\''))
                .map(|c| if c == ',' { '.' } else { c })
                .collect();
            parse_number(swapped.as_bytes())
        }
    }
}

/// The date style that reads the most of `samples` (ties: ISO, day-first,
/// month-first, Excel), and a warning when day and month order could not be told.
pub fn infer_date_style(samples: &[&[u8]], timestamps: bool) -> (DateStyle, Option<String>) {
    let reads = |style: DateStyle| {
        samples
            .iter()
            .filter(|s| {
                if timestamps {
                    parse_timestamp_as(s, style).is_some()
                } else {
                    parse_date_as(s, style).is_some()
                }
            })
            .count()
    };
    let styles = [
        DateStyle::Iso,
        DateStyle::DayFirst,
        DateStyle::MonthFirst,
        DateStyle::ExcelSerial,
    ];
    let counts = styles.map(reads);
    let mut best = 0;
    for i in 1..styles.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    let style = styles[best];
    let ambiguous = style == DateStyle::DayFirst && counts[1] > 0 && counts[2] == counts[1];
    let warning = ambiguous.then(|| {
        "every day in the sample is 12 or less, so day and month cannot be told apart; read as day/month/year \
         (DD/MM/YYYY) — map the column with another date order if that is wrong"
            .to_string()
    });
    (style, warning)
}

/// The decimal mark `samples` use: a comma when more cells are only readable
/// that way (`12,50`, `1.234,50`) than with a point.
pub fn infer_number_style(samples: &[&[u8]]) -> NumberStyle {
    let mut comma = 0usize;
    let mut point = 0usize;
    for s in samples {
        let s = s.trim_ascii();
        let last_comma = s.iter().rposition(|&b| b == b',');
        let last_point = s.iter().rposition(|&b| b == b'.');
        match (last_comma, last_point) {
            // `1.234,5` or `12,50`: a comma followed by other than exactly three digits is decimal.
            (Some(c), p) if p.is_none_or(|p| p < c) && s.len() - c - 1 != 3 => comma += 1,
            (Some(c), Some(p)) if p < c => comma += 1,
            (c, Some(p)) if c.is_none_or(|c| c < p) && s.len() - p - 1 != 3 => point += 1,
            (Some(c), Some(p)) if c < p => point += 1,
            _ => {}
        }
    }
    if comma > point {
        NumberStyle::DecimalComma
    } else {
        NumberStyle::DecimalPoint
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> i32 {
        days_from_civil(y, m, day)
    }

    #[test]
    fn each_date_style_reads_its_own_writing() {
        assert_eq!(parse_date_as(b"05/03/2024", DateStyle::DayFirst), Some(d(2024, 3, 5)));
        assert_eq!(parse_date_as(b"5.3.2024", DateStyle::DayFirst), Some(d(2024, 3, 5)));
        assert_eq!(parse_date_as(b"03/05/2024", DateStyle::MonthFirst), Some(d(2024, 3, 5)));
        assert_eq!(parse_date_as(b"12/31/2024", DateStyle::DayFirst), None);
        assert_eq!(parse_date_as(b"29/02/2023", DateStyle::DayFirst), None);
        assert_eq!(parse_date_as(b"45356", DateStyle::ExcelSerial), Some(d(2024, 3, 5)));
        assert_eq!(parse_date_as(b"1", DateStyle::ExcelSerial), Some(d(1900, 1, 1)));
        assert_eq!(parse_date_as(b"61", DateStyle::ExcelSerial), Some(d(1900, 3, 1)));
        assert_eq!(parse_date_as(b"2024-03-05", DateStyle::DayFirst), None);
        let noon = i64::from(d(2024, 3, 5)) * 86_400_000 + 43_200_000;
        assert_eq!(parse_timestamp_as(b"05.03.2024 12:00", DateStyle::DayFirst), Some(noon));
        assert_eq!(parse_timestamp_as(b"45356.5", DateStyle::ExcelSerial), Some(noon));
    }

    #[test]
    fn inference_picks_the_order_the_days_reveal_and_warns_when_none_does() {
        let us: Vec<&[u8]> = vec![b"03/05/2024", b"12/31/2024", b"01/02/2024"];
        assert_eq!(infer_date_style(&us, false), (DateStyle::MonthFirst, None));
        let eu: Vec<&[u8]> = vec![b"05.03.2024", b"31.12.2024"];
        assert_eq!(infer_date_style(&eu, false), (DateStyle::DayFirst, None));
        let unclear: Vec<&[u8]> = vec![b"01/02/2024", b"03/04/2024"];
        let (style, warning) = infer_date_style(&unclear, false);
        assert_eq!(style, DateStyle::DayFirst);
        assert!(warning.unwrap().contains("12 or less"));
        let iso: Vec<&[u8]> = vec![b"2024-01-02", b"20240103"];
        assert_eq!(infer_date_style(&iso, false), (DateStyle::Iso, None));
        let serial: Vec<&[u8]> = vec![b"45356", b"45357"];
        assert_eq!(infer_date_style(&serial, false).0, DateStyle::ExcelSerial);
    }

    #[test]
    fn decimal_commas_are_recognised_and_read() {
        let se: Vec<&[u8]> = vec![b"12,50", b"1.234,50", b"7", "1 000,25".as_bytes()];
        assert_eq!(infer_number_style(&se), NumberStyle::DecimalComma);
        let us: Vec<&[u8]> = vec![b"12.50", b"1,234.50", b"1,234"];
        assert_eq!(infer_number_style(&us), NumberStyle::DecimalPoint);
        assert_eq!(parse_number_as(b"1.234,50", NumberStyle::DecimalComma), Some(1234.5));
        assert_eq!(
            parse_number_as("1 234,5".as_bytes(), NumberStyle::DecimalComma),
            Some(1234.5)
        );
        assert_eq!(
            parse_number_as("-3,25 kr".as_bytes(), NumberStyle::DecimalComma),
            Some(-3.25)
        );
        assert_eq!(parse_number_as(b"12,5", NumberStyle::DecimalPoint), Some(125.0));
    }
}
