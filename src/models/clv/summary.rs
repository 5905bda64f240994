//! Per-customer summary of the order lines with lifetimes' conventions
//! (`summary_data_from_transaction_data` / `calibration_and_holdout_data`):
//! purchases on the same day are one; frequency = repeat purchase days;
//! recency = last purchase day − first; T = calibration end − first; monetary
//! value = mean value of the repeat purchase days; all in the time unit.

use serde::Serialize;

use crate::cohort::each_line;
use crate::error::Location;
use crate::table::Workspace;
use crate::{Error, Result};

/// The time unit of recency, T and the models' rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    Day,
    /// 7 days; recency and T in fractional weeks (days / 7, lifetimes
    /// `freq="D", freq_multiplier=7`, as in the published CDNOW summary).
    Week,
}

impl TimeUnit {
    /// Days per unit.
    pub fn days(self) -> f64 {
        match self {
            TimeUnit::Day => 1.0,
            TimeUnit::Week => 7.0,
        }
    }

    /// Units per month in lifetimes' CLV sum (30 days, 4.345 weeks).
    pub fn per_month(self) -> f64 {
        match self {
            TimeUnit::Day => 30.0,
            TimeUnit::Week => 4.345,
        }
    }
}

/// One customer who bought in the calibration period.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerSummary {
    /// The workspace customer key (row of the customer table).
    pub customer: u32,
    /// Repeat purchase days in the calibration period.
    pub frequency: u32,
    pub recency: f64,
    pub age: f64,
    /// Mean value of the repeat purchase days (0 without repeat purchases).
    pub monetary_value: f64,
    /// First purchase day (days since 1970-01-01).
    pub first: i32,
    /// Purchase days after the calibration end up to the holdout end.
    pub holdout_purchases: u32,
}

/// What the summary left out or flagged.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SummaryCounts {
    /// Customers with a purchase on or before the calibration end.
    pub customers: usize,
    /// Of those, customers with at least one repeat purchase day.
    pub repeat_customers: usize,
    /// Return lines (negative amount or a returned/refunded status) up to the
    /// calibration end: not purchases, not in any spend.
    pub return_lines: usize,
    /// Purchase days (calibration) whose value is 0 or less: purchases for
    /// BG/NBD, but left out of spend.
    pub nonpositive_purchase_days: usize,
    /// Repeat customers whose mean repeat spend is 0 or less: not fed to Gamma–Gamma.
    pub nonpositive_monetary_customers: usize,
    /// Customers whose first purchase falls in the holdout period (not scored).
    pub new_in_holdout: usize,
}

/// The summary of every customer.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub customers: Vec<CustomerSummary>,
    pub counts: SummaryCounts,
}

/// Summarises the workspace's order lines (cancelled lines dropped, returns
/// counted and left out, as the cohort line pass does) up to `calibration_end`
/// (inclusive), counting purchase days in (`calibration_end`, `holdout_end`].
pub fn summarise(ws: &Workspace, calibration_end: i32, holdout_end: Option<i32>, unit: TimeUnit) -> Summary {
    let end = holdout_end.unwrap_or(calibration_end).max(calibration_end);
    let mut lines: Vec<(u32, i32, f64)> = Vec::new();
    let mut return_lines = 0;
    each_line(ws, end, |l| {
        if l.is_return {
            if l.day <= calibration_end {
                return_lines += 1;
            }
        } else {
            lines.push((l.customer, l.day, l.amount));
        }
    });
    let mut s = summarise_lines(&mut lines, calibration_end, unit);
    s.counts.return_lines = return_lines;
    s
}

/// [`summarise`] over (customer, day, value) purchase lines; sorts them.
pub fn summarise_lines(lines: &mut [(u32, i32, f64)], calibration_end: i32, unit: TimeUnit) -> Summary {
    lines.sort_unstable_by_key(|l| (l.0, l.1));
    let mut out = Summary::default();
    let per = unit.days();
    let mut i = 0;
    while i < lines.len() {
        let customer = lines[i].0;
        let mut j = i;
        while j < lines.len() && lines[j].0 == customer {
            j += 1;
        }
        let group = &lines[i..j];
        i = j;
        // Purchase days with their summed value.
        let mut days: Vec<(i32, f64)> = Vec::new();
        for &(_, day, amount) in group {
            match days.last_mut() {
                Some(d) if d.0 == day => d.1 += amount,
                _ => days.push((day, amount)),
            }
        }
        let cal = days.iter().take_while(|d| d.0 <= calibration_end).count();
        if cal == 0 {
            out.counts.new_in_holdout += 1;
            continue;
        }
        let (first, last) = (days[0].0, days[cal - 1].0);
        let repeat = &days[1..cal];
        out.counts.nonpositive_purchase_days += days[..cal].iter().filter(|d| d.1 <= 0.0).count();
        let monetary_value = if repeat.is_empty() {
            0.0
        } else {
            repeat.iter().map(|d| d.1).sum::<f64>() / repeat.len() as f64
        };
        if !repeat.is_empty() {
            out.counts.repeat_customers += 1;
            if monetary_value <= 0.0 {
                out.counts.nonpositive_monetary_customers += 1;
            }
        }
        out.customers.push(CustomerSummary {
            customer,
            frequency: repeat.len() as u32,
            recency: f64::from(last - first) / per,
            age: f64::from(calibration_end - first) / per,
            monetary_value,
            first,
            holdout_purchases: (days.len() - cal) as u32,
        });
    }
    out.counts.customers = out.customers.len();
    out
}

/// A summary from columns a caller already has (lifetimes' `frequency`,
/// `recency`, `T`, `monetary_value`, in one time unit): customer `i` is row `i`.
/// A row that is not a summary (negative or fractional frequency, recency
/// outside 0..=T, a repeat buyer with zero recency, non-finite values) is an
/// error naming the row and column.
pub fn summary_from_columns(frequency: &[f64], recency: &[f64], age: &[f64], monetary: &[f64]) -> Result<Summary> {
    let n = frequency.len();
    for (name, len) in [
        ("recency", recency.len()),
        ("T", age.len()),
        ("monetary_value", monetary.len()),
    ] {
        if len != n {
            return Err(Error::option(
                name,
                len,
                format!("expected {n} values, as many as frequency"),
            ));
        }
    }
    // Row i is the i-th customer; numbered from 1 as a spreadsheet without a header would.
    let bad = |row: usize, column: &str, value: f64, reason: &str| Error::Ingest {
        at: Location {
            file: "summary".into(),
            row: Some(row as u64 + 1),
            column: Some(column.into()),
        },
        reason: format!("{value}: {reason}"),
    };
    let mut out = Summary::default();
    out.customers.reserve(n);
    for i in 0..n {
        let (x, r, t, m) = (frequency[i], recency[i], age[i], monetary[i]);
        if !(x.is_finite() && x >= 0.0 && x.fract() == 0.0) {
            return Err(bad(
                i,
                "frequency",
                x,
                "expected a whole number of repeat purchases ≥ 0",
            ));
        }
        if !(t.is_finite() && t > 0.0) {
            return Err(bad(i, "T", t, "expected the customer's age, > 0"));
        }
        if !(r.is_finite() && (0.0..=t).contains(&r)) || (x > 0.0 && r <= 0.0) {
            return Err(bad(
                i,
                "recency",
                r,
                "expected 0 ≤ recency ≤ T, and > 0 with repeat purchases",
            ));
        }
        if !m.is_finite() {
            return Err(bad(i, "monetary_value", m, "expected a number"));
        }
        let repeat = x > 0.0;
        out.counts.customers += 1;
        out.counts.repeat_customers += usize::from(repeat);
        out.counts.nonpositive_monetary_customers += usize::from(repeat && m <= 0.0);
        out.customers.push(CustomerSummary {
            customer: i as u32,
            frequency: x as u32,
            recency: r,
            age: t,
            monetary_value: m,
            first: 0,
            holdout_purchases: 0,
        });
    }
    Ok(out)
}
