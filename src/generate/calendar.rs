//! The generator's fixed calendar: day numbers (days since 1970-01-01, proleptic
//! Gregorian, UTC) and second timestamps, with their text forms.

/// Days since 1970-01-01.
pub(crate) type Day = i32;
/// Seconds since 1970-01-01T00:00:00Z.
pub(crate) type Instant = i64;

pub(crate) const SECONDS_PER_DAY: i64 = 86_400;

/// First day of the generated history (2023-07-01).
pub(crate) const HISTORY_START: Day = days_from_civil(2023, 7, 1);
/// Last day of the generated history (2026-06-30).
pub(crate) const HISTORY_END: Day = days_from_civil(2026, 6, 30);

pub(crate) use crate::calendar::{civil_from_days, days_from_civil};

/// Month of a day, 1–12.
pub(crate) fn month_of(day: Day) -> u32 {
    civil_from_days(day).1
}

/// Months since January 2000 (`year * 12 + month - 1` shifted), a dense month key.
pub(crate) fn month_index(day: Day) -> i32 {
    let (y, m, _) = civil_from_days(day);
    (y - 2000) * 12 + m as i32 - 1
}

/// Weekday, Monday = 0 … Sunday = 6.
pub(crate) fn weekday(day: Day) -> u32 {
    // 1970-01-01 was a Thursday (3).
    (day + 3).rem_euclid(7) as u32
}

/// Relative shopping intensity per calendar month (January first); November and
/// December carry the Black Friday and Christmas peaks.
pub(crate) const MONTH_SEASONALITY: [f64; 12] =
    [0.82, 0.78, 0.90, 0.94, 0.98, 0.95, 0.90, 0.90, 0.98, 1.04, 1.50, 1.62];
/// The largest value of [`MONTH_SEASONALITY`] times the largest weekday factor.
pub(crate) const MAX_SEASONALITY: f64 = 1.62 * 1.15;
/// Relative shopping intensity per weekday (Monday first).
pub(crate) const WEEKDAY_SEASONALITY: [f64; 7] = [0.92, 0.95, 0.95, 0.98, 1.05, 1.15, 1.00];

/// Seasonal intensity of a day (month × weekday), at most [`MAX_SEASONALITY`].
pub(crate) fn seasonality(day: Day) -> f64 {
    let month = month_of(day) as usize;
    MONTH_SEASONALITY[month - 1] * WEEKDAY_SEASONALITY[weekday(day) as usize]
}

/// Appends `YYYY-MM-DD`.
pub(crate) fn push_date(out: &mut Vec<u8>, day: Day) {
    let (y, m, d) = civil_from_days(day);
    push_digits(out, y.max(0) as u32, 4);
    out.push(b'-');
    push_digits(out, m, 2);
    out.push(b'-');
    push_digits(out, d, 2);
}

/// Appends `YYYY-MM`.
pub(crate) fn push_month(out: &mut Vec<u8>, day: Day) {
    let (y, m, _) = civil_from_days(day);
    push_digits(out, y.max(0) as u32, 4);
    out.push(b'-');
    push_digits(out, m, 2);
}

/// Appends `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn push_timestamp(out: &mut Vec<u8>, at: Instant) {
    let day = at.div_euclid(SECONDS_PER_DAY) as Day;
    let second_of_day = at.rem_euclid(SECONDS_PER_DAY) as u32;
    push_date(out, day);
    out.push(b'T');
    push_digits(out, second_of_day / 3600, 2);
    out.push(b':');
    push_digits(out, second_of_day / 60 % 60, 2);
    out.push(b':');
    push_digits(out, second_of_day % 60, 2);
    out.push(b'Z');
}

/// Appends `value` zero-padded to `width` digits (wider when it does not fit).
pub(crate) fn push_digits(out: &mut Vec<u8>, value: impl Into<u64>, width: usize) {
    let mut digits = [0u8; 20];
    let value: u64 = value.into();
    let mut n = value;
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        n /= 10;
        len += 1;
        if n == 0 {
            break;
        }
    }
    for _ in len..width {
        out.push(b'0');
    }
    out.extend(digits[..len].iter().rev());
}

/// Instant of the start of a day plus `seconds`.
pub(crate) fn at(day: Day, seconds: i64) -> Instant {
    i64::from(day) * SECONDS_PER_DAY + seconds
}

/// Day of an instant.
pub(crate) fn day_of(at: Instant) -> Day {
    at.div_euclid(SECONDS_PER_DAY) as Day
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_covers_leap_days_and_century_rules() {
        for day in days_from_civil(1899, 12, 31)..days_from_civil(2101, 1, 2) {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28), 2);
        assert_eq!(days_from_civil(1900, 3, 1) - days_from_civil(1900, 2, 28), 1);
    }

    #[test]
    fn history_spans_three_years_ending_june_2026() {
        assert_eq!(HISTORY_END - HISTORY_START + 1, 1096);
        let mut text = Vec::new();
        push_date(&mut text, HISTORY_END);
        assert_eq!(text, b"2026-06-30");
    }

    #[test]
    fn timestamps_and_weekdays_are_formatted_as_utc() {
        let mut text = Vec::new();
        push_timestamp(&mut text, at(days_from_civil(2024, 11, 29), 9 * 3600 + 5 * 60 + 7));
        assert_eq!(text, b"2024-11-29T09:05:07Z");
        assert_eq!(weekday(days_from_civil(2024, 11, 29)), 4); // a Friday
        assert!(seasonality(days_from_civil(2025, 12, 6)) > seasonality(days_from_civil(2025, 2, 3)));
    }
}
