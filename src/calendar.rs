//! Civil-calendar arithmetic on days since 1970-01-01 (proleptic Gregorian), the
//! unit of Arrow's `Date32`. Dates are bucketed in the zone the data was written in:
//! a date column carries no zone, and timestamps with an offset are converted to UTC.

/// Days since 1970-01-01 of a civil date (any year, month 1–12, day 1–31).
pub const fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of a day number.
pub const fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

/// Number of days in a month.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// A month as a running index: `year * 12 + (month - 1)`.
pub fn month_index(days: i32) -> i32 {
    let (y, m, _) = civil_from_days(days);
    y * 12 + m as i32 - 1
}

/// `YYYY-MM` of a running month index.
pub fn month_label(index: i32) -> String {
    format!("{:04}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1)
}

/// `YYYY-MM-DD` of a day number.
pub fn date_label(days: i32) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_is_day_zero() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn round_trips_over_four_centuries_including_leap_days() {
        for d in -200_000..200_000 {
            let (y, m, day) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, day), d);
        }
        assert_eq!(date_label(days_from_civil(2024, 2, 29)), "2024-02-29");
        assert_eq!(days_from_civil(2024, 3, 1) - days_from_civil(2024, 2, 28), 2);
        assert_eq!(days_from_civil(2100, 3, 1) - days_from_civil(2100, 2, 28), 1);
    }

    #[test]
    fn month_boundaries_bucket_by_calendar_month() {
        assert_eq!(month_label(month_index(days_from_civil(1997, 1, 31))), "1997-01");
        assert_eq!(month_label(month_index(days_from_civil(1997, 2, 1))), "1997-02");
        assert_eq!(month_label(month_index(days_from_civil(1969, 12, 31))), "1969-12");
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
    }
}
