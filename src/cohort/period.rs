//! Calendar periods as running indexes: ISO weeks (Monday start), months and
//! quarters. Days are Arrow `Date32` days, bucketed as written (see `crate::calendar`:
//! a date carries no zone, a timestamp is taken in UTC).

use serde::Serialize;

use crate::calendar::{civil_from_days, days_from_civil};
use crate::{Error, Result};

/// The length of a cohort or lifecycle period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// ISO 8601 weeks, Monday to Sunday, labelled `2020-W53` by their ISO week-year.
    Week,
    /// Calendar months, labelled `2024-02`.
    Month,
    /// Calendar quarters, labelled `2024-Q1`.
    Quarter,
}

impl Period {
    /// `"week"`, `"month"` or `"quarter"`; `field` names the option in the error.
    pub fn parse(text: &str, field: &str) -> Result<Period> {
        match text.trim().to_ascii_lowercase().as_str() {
            "week" => Ok(Period::Week),
            "month" => Ok(Period::Month),
            "quarter" => Ok(Period::Quarter),
            _ => Err(Error::option(
                field,
                text,
                "expected \"week\", \"month\" or \"quarter\"",
            )),
        }
    }

    /// The name, as [`Period::parse`] reads it.
    pub fn name(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "month",
            Period::Quarter => "quarter",
        }
    }

    /// The running index of the period holding `day`; consecutive periods have
    /// consecutive indexes.
    pub fn index(self, day: i32) -> i32 {
        match self {
            // 1970-01-01 was a Thursday: the Monday of its week is day -3.
            Period::Week => (day + 3).div_euclid(7),
            Period::Month => {
                let (y, m, _) = civil_from_days(day);
                y * 12 + m as i32 - 1
            }
            Period::Quarter => {
                let (y, m, _) = civil_from_days(day);
                y * 4 + (m as i32 - 1) / 3
            }
        }
    }

    /// The first day of period `index`.
    pub fn start(self, index: i32) -> i32 {
        match self {
            Period::Week => index * 7 - 3,
            Period::Month => days_from_civil(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1),
            Period::Quarter => days_from_civil(index.div_euclid(4), index.rem_euclid(4) as u32 * 3 + 1, 1),
        }
    }

    /// The label of period `index`: `2020-W53`, `2024-02` or `2024-Q1`.
    pub fn label(self, index: i32) -> String {
        match self {
            Period::Week => {
                // The ISO week-year is the year of the week's Thursday.
                let thursday = self.start(index) + 3;
                let (y, _, _) = civil_from_days(thursday);
                let week = (thursday - days_from_civil(y, 1, 1)) / 7 + 1;
                format!("{y:04}-W{week:02}")
            }
            Period::Month => format!("{:04}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1),
            Period::Quarter => format!("{:04}-Q{}", index.div_euclid(4), index.rem_euclid(4) + 1),
        }
    }
}

/// Day → period offset from the first period, for the days `lo..=hi`, so a
/// pass over order lines does no calendar arithmetic.
pub(crate) struct PeriodTable {
    pub period: Period,
    pub lo: i32,
    /// Index of the period holding `lo`.
    pub first: i32,
    slots: Vec<u32>,
}

impl PeriodTable {
    pub fn new(period: Period, lo: i32, hi: i32) -> Self {
        let first = period.index(lo);
        let slots = if hi >= lo {
            (lo..=hi).map(|d| (period.index(d) - first) as u32).collect()
        } else {
            Vec::new()
        };
        PeriodTable {
            period,
            lo,
            first,
            slots,
        }
    }

    /// The slot (period offset from the first) of a day in `lo..=hi`.
    #[inline]
    pub fn slot(&self, day: i32) -> u32 {
        self.slots[(day - self.lo) as usize]
    }

    /// The label of a slot.
    pub fn label(&self, slot: u32) -> String {
        self.period.label(self.first + slot as i32)
    }

    /// The first day of a slot.
    pub fn start(&self, slot: u32) -> i32 {
        self.period.start(self.first + slot as i32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::days_from_civil as day;

    #[test]
    fn iso_weeks_start_on_monday_and_2020_has_a_week_53() {
        let w = Period::Week;
        // 2020-12-28 (Mon) .. 2021-01-03 (Sun) is 2020-W53; 2021-01-04 starts 2021-W01.
        assert_eq!(w.label(w.index(day(2020, 12, 28))), "2020-W53");
        assert_eq!(w.label(w.index(day(2021, 1, 3))), "2020-W53");
        assert_eq!(w.label(w.index(day(2021, 1, 4))), "2021-W01");
        assert_eq!(w.index(day(2021, 1, 4)) - w.index(day(2021, 1, 3)), 1);
        assert_eq!(w.start(w.index(day(2021, 1, 1))), day(2020, 12, 28));
        // 2019-12-30 (Mon) belongs to 2020-W01; 1970-01-01 (Thu) to 1970-W01.
        assert_eq!(w.label(w.index(day(2019, 12, 30))), "2020-W01");
        assert_eq!(w.label(w.index(0)), "1970-W01");
        assert_eq!(w.label(w.index(day(1969, 12, 28))), "1969-W52");
    }

    #[test]
    fn months_and_quarters_split_at_the_last_day_including_leap_days() {
        let (m, q) = (Period::Month, Period::Quarter);
        assert_eq!(m.label(m.index(day(2024, 2, 29))), "2024-02");
        assert_eq!(m.label(m.index(day(2024, 3, 1))), "2024-03");
        assert_eq!(m.start(m.index(day(2024, 2, 29))), day(2024, 2, 1));
        assert_eq!(q.label(q.index(day(2024, 3, 31))), "2024-Q1");
        assert_eq!(q.label(q.index(day(2024, 4, 1))), "2024-Q2");
        assert_eq!(q.start(q.index(day(2024, 12, 31))), day(2024, 10, 1));
        assert_eq!(q.label(q.index(day(1969, 12, 31))), "1969-Q4");
        assert!(Period::parse("fortnight", "period").is_err());
        assert_eq!(Period::parse(" Month ", "period").unwrap(), Period::Month);
    }
}
