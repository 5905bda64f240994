//! Typed parsing of single cells. Each parser takes the raw bytes of one field
//! and answers `None` when the cell is not a value of that type; the caller
//! decides whether that rejects the row or nulls the cell (and reports it).

use crate::calendar::{days_from_civil, days_in_month};

/// True when the cell holds nothing but white space.
#[inline]
pub fn is_blank(cell: &[u8]) -> bool {
    match cell.first() {
        None => true,
        Some(b) if !b.is_ascii_whitespace() => false,
        Some(_) => cell.iter().all(u8::is_ascii_whitespace),
    }
}

fn trim(cell: &[u8]) -> &[u8] {
    cell.trim_ascii()
}

fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 9 {
        return None;
    }
    let mut v = 0u32;
    for &b in s {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(b - b'0');
    }
    Some(v)
}

fn checked_date(year: u32, month: u32, day: u32) -> Option<i32> {
    let year = i32::try_from(year).ok()?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// A date as days since 1970-01-01: `YYYY-MM-DD` (optionally followed by a time,
/// whose date part is taken as written) or compact `YYYYMMDD`.
pub fn parse_date(cell: &[u8]) -> Option<i32> {
    let s = trim(cell);
    if s.len() >= 10 && s[4] == b'-' && s[7] == b'-' {
        if s.len() > 10 && !matches!(s[10], b'T' | b' ') {
            return None;
        }
        return checked_date(digits(&s[0..4])?, digits(&s[5..7])?, digits(&s[8..10])?);
    }
    if s.len() == 8 {
        return checked_date(digits(&s[0..4])?, digits(&s[4..6])?, digits(&s[6..8])?);
    }
    None
}

/// A timestamp as UTC milliseconds: `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH[:]MM]`
/// (or a compact date, or any date of [`parse_date`], at midnight). Without an
/// offset the time is taken as written (the data's own zone).
pub fn parse_timestamp(cell: &[u8]) -> Option<i64> {
    let s = trim(cell);
    let split = s.iter().position(|&b| b == b'T' || b == b' ').unwrap_or(s.len());
    let day = parse_date(&s[..split])?;
    at_time(day, &s[split..])
}

/// Midnight of `day` plus the time of day in `rest` (empty, or a separator
/// followed by `HH:MM[:SS[.fff]][Z|±HH[:]MM]`), in UTC milliseconds.
pub(crate) fn at_time(day: i32, rest: &[u8]) -> Option<i64> {
    let ms = i64::from(day) * 86_400_000;
    match rest.split_first() {
        None => Some(ms),
        Some((b'T' | b' ', t)) => time_of_day(t).map(|t| ms + t),
        Some(_) => None,
    }
}

/// `HH:MM[:SS[.fff]][Z|±HH[:]MM]` as milliseconds after midnight UTC.
fn time_of_day(t: &[u8]) -> Option<i64> {
    if t.len() < 5 || t[2] != b':' {
        return None;
    }
    let (h, mi) = (digits(&t[0..2])?, digits(&t[3..5])?);
    if h > 23 || mi > 59 {
        return None;
    }
    let mut ms = i64::from(h * 3600 + mi * 60) * 1000;
    let mut rest = &t[5..];
    if rest.len() >= 3 && rest[0] == b':' {
        let sec = digits(&rest[1..3])?;
        if sec > 60 {
            return None;
        }
        ms += i64::from(sec) * 1000;
        rest = &rest[3..];
        if rest.first() == Some(&b'.') {
            let frac_len = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
            if frac_len == 0 {
                return None;
            }
            let frac = &rest[1..1 + frac_len];
            let mut millis = 0i64;
            for i in 0..3 {
                millis = millis * 10 + frac.get(i).map_or(0, |b| i64::from(b - b'0'));
            }
            ms += millis;
            rest = &rest[1 + frac_len..];
        }
    }
    match rest {
        [] | [b'Z'] | [b'z'] => Some(ms),
        [sign @ (b'+' | b'-'), tail @ ..] => {
            let (oh, om) = match tail {
                [a, b, b':', c, d] | [a, b, c, d] => (digits(&[*a, *b])?, digits(&[*c, *d])?),
                [a, b] => (digits(&[*a, *b])?, 0),
                _ => return None,
            };
            let offset = i64::from(oh * 60 + om) * 60_000;
            Some(if *sign == b'+' { ms - offset } else { ms + offset })
        }
        _ => None,
    }
}

/// A decimal number: `-12.5`, `+3`, `1e3`; `1,234.50` with thousands commas; a
/// leading or trailing currency symbol or code; `(12.00)` as a negative.
pub fn parse_number(cell: &[u8]) -> Option<f64> {
    let s = trim(cell);
    fast_decimal(s).or_else(|| slow_number(s))
}

/// The common case, `[-+]?digits[.digits]` with at most 18 significant digits, is
/// exact: an integer mantissa below 2^53 divided by an exact power of ten rounds once.
fn fast_decimal(s: &[u8]) -> Option<f64> {
    const POW10: [f64; 19] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    ];
    let (neg, body) = match s.first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let mut mantissa: u64 = 0;
    let mut n_digits = 0usize;
    let mut frac_digits = 0usize;
    let mut seen_dot = false;
    for &b in body {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                n_digits += 1;
                frac_digits += usize::from(seen_dot);
            }
            b'.' if !seen_dot => seen_dot = true,
            _ => return None,
        }
    }
    if n_digits == 0 || n_digits > 15 {
        return None;
    }
    let v = mantissa as f64 / POW10[frac_digits];
    Some(if neg { -v } else { v })
}

fn slow_number(s: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(s).ok()?.trim();
    let (neg_paren, text) = match text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        Some(inner) => (true, inner.trim()),
        None => (false, text),
    };
    let text = text
        .trim_start_matches(|c: char| is_currency(c) || c.is_whitespace())
        .trim_end_matches(|c: char| is_currency(c) || c.is_whitespace());
    let text = strip_currency_code(text);
    let cleaned: String = text
        .chars()
        .filter(|&c| c != ',' && c != '_' && c != '\u{a0}')
        .collect();
    if cleaned.is_empty() || cleaned.contains(|c: char| c.is_alphabetic() && c != 'e' && c != 'E') {
        return None;
    }
    let v: f64 = cleaned.parse().ok()?;
    if !v.is_finite() {
        return None;
    }
    Some(if neg_paren { -v } else { v })
}

fn is_currency(c: char) -> bool {
    matches!(c, '$' | '€' | '£' | '¥' | '₹' | '₽' | '﷼' | '₩' | '¢')
}

fn strip_currency_code(text: &str) -> &str {
    for code in [
        "EUR", "USD", "SEK", "GBP", "IDR", "CNY", "RMB", "IRR", "RUB", "NOK", "DKK", "CHF", "kr", "Rp",
    ] {
        if let Some(rest) = text.strip_prefix(code) {
            return rest.trim();
        }
        if let Some(rest) = text.strip_suffix(code) {
            return rest.trim();
        }
    }
    text
}

/// A boolean in the languages of our users (`true`, `yes`, `ja`, `oui`, `ya`, `да`, `是`, `1` …).
pub fn parse_bool(cell: &[u8]) -> Option<bool> {
    let text = std::str::from_utf8(trim(cell)).ok()?.to_lowercase();
    match text.as_str() {
        "true" | "t" | "yes" | "y" | "1" | "ja" | "j" | "oui" | "si" | "sí" | "ya" | "benar" | "да" | "是" | "بله"
        | "x" => Some(true),
        "false" | "f" | "no" | "n" | "0" | "nej" | "nein" | "non" | "tidak" | "salah" | "нет" | "否" | "خیر" => {
            Some(false)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_and_compact_dates_parse_and_impossible_ones_do_not() {
        assert_eq!(parse_date(b"1970-01-02"), Some(1));
        assert_eq!(parse_date(b"2024-02-29"), Some(days_from_civil(2024, 2, 29)));
        assert_eq!(parse_date(b"20240229"), Some(days_from_civil(2024, 2, 29)));
        assert_eq!(parse_date(b"2024-03-01T10:00:00Z"), Some(days_from_civil(2024, 3, 1)));
        assert_eq!(parse_date(b"2023-02-29"), None);
        assert_eq!(parse_date(b"2024-13-01"), None);
        assert_eq!(parse_date(b"2024-1-1"), None);
        assert_eq!(parse_date(b""), None);
        assert_eq!(parse_date(b"2024-01-01x"), None);
    }

    #[test]
    fn timestamps_convert_offsets_to_utc() {
        let midnight = i64::from(days_from_civil(2024, 5, 1)) * 86_400_000;
        assert_eq!(parse_timestamp(b"2024-05-01"), Some(midnight));
        assert_eq!(parse_timestamp(b"2024-05-01T02:30:00Z"), Some(midnight + 9_000_000));
        assert_eq!(parse_timestamp(b"2024-05-01 02:30"), Some(midnight + 9_000_000));
        assert_eq!(
            parse_timestamp(b"2024-05-01T02:30:00+02:00"),
            Some(midnight + 1_800_000)
        );
        assert_eq!(
            parse_timestamp(b"2024-05-01T02:30:00.250-0100"),
            Some(midnight + 9_000_000 + 3_600_000 + 250)
        );
        assert_eq!(parse_timestamp(b"2024-05-01T25:00"), None);
        assert_eq!(parse_timestamp(b"2024-05-01Tnoon"), None);
        assert_eq!(parse_timestamp(b"20240501"), Some(midnight));
        assert_eq!(parse_timestamp(b"20240501 02:30"), Some(midnight + 9_000_000));
        for short in ["2", "2024-05", "20240501T", "2024-05-01T1", "2024-05-01x02:30"] {
            assert_eq!(parse_timestamp(short.as_bytes()), None, "{short}");
        }
    }

    #[test]
    fn numbers_in_export_styles_parse_exactly() {
        assert_eq!(parse_number(b"12.50"), Some(12.5));
        assert_eq!(parse_number(b"-0.1"), Some(-0.1));
        assert_eq!(parse_number(b" 7 "), Some(7.0));
        assert_eq!(parse_number(b"1,234.50"), Some(1234.5));
        assert_eq!(parse_number("€ 9.99".as_bytes()), Some(9.99));
        assert_eq!(parse_number(b"(12.00)"), Some(-12.0));
        assert_eq!(parse_number(b"SEK 100"), Some(100.0));
        assert_eq!(parse_number(b"1e3"), Some(1000.0));
        assert_eq!(parse_number(b"abc"), None);
        assert_eq!(parse_number(b""), None);
        assert_eq!(parse_number(b"."), None);
        assert_eq!(parse_number(b"inf"), None);
        // The fast path agrees with the standard library's correctly rounded parse.
        for s in ["0.3", "123456.789", "99999999999.99", "0.000001", "31.41"] {
            assert_eq!(parse_number(s.as_bytes()), s.parse::<f64>().ok(), "{s}");
        }
    }

    #[test]
    fn booleans_in_several_languages() {
        for s in ["true", "Yes", "ja", "oui", "да", "1"] {
            assert_eq!(parse_bool(s.as_bytes()), Some(true), "{s}");
        }
        for s in ["FALSE", "nej", "non", "нет", "0"] {
            assert_eq!(parse_bool(s.as_bytes()), Some(false), "{s}");
        }
        assert_eq!(parse_bool(b"maybe"), None);
    }
}
