//! RFM: recency, frequency and monetary scores per customer, the de-facto named
//! segments on R and F, a three-level alternative, and movement between two
//! reference dates.
//!
//! Scores are quantiles (quintiles, or terciles in the three-level scheme) over
//! the customers with an order in the window; ties are broken by rank (value,
//! then the customer's row), as common practice (`NTILE`, pandas `qcut` on
//! `rank(method="first")`) does, so every score holds the same number of
//! customers.

use serde::Serialize;

use crate::calendar::date_label;
use crate::ingest::parse_date;
use crate::stats::quantile::ntile;
use crate::table::customers::{last_order_date, Feature, Values};
use crate::table::Workspace;
use crate::{Error, Result};

use std::sync::Arc;

use arrow_array::types::UInt32Type;
use arrow_array::{DictionaryArray, StringArray, UInt32Array};

/// RFM options as callers give them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RfmParams {
    /// Reference date `YYYY-MM-DD` (default: the last order date).
    pub as_of: Option<String>,
    /// Only orders in the `window_days` days up to the reference date count
    /// (default: all history).
    pub window_days: Option<u32>,
    /// `"standard"` (quintiles, the named segments) or `"three"` (terciles, six
    /// groups in the manner of Klaviyo's RFM).
    pub scheme: Option<String>,
    /// Customers whose last order is older than this many days are `Lost`
    /// whatever their scores (default 365; 0 turns it off).
    pub lost_after_days: Option<u32>,
}

/// Which scoring scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    Standard,
    Three,
}

/// Checked RFM options.
#[derive(Debug, Clone)]
pub struct RfmOptions {
    pub as_of: i32,
    pub window_days: Option<u32>,
    pub scheme: Scheme,
    pub lost_after_days: Option<u32>,
}

impl RfmParams {
    /// Checks the options; the reference date defaults to the last order date.
    pub fn check(&self, ws: &Workspace) -> Result<RfmOptions> {
        let as_of = match &self.as_of {
            Some(t) => {
                parse_date(t.as_bytes()).ok_or_else(|| Error::option("asOf", t, "expected a date YYYY-MM-DD"))?
            }
            None => last_order_date(ws)
                .ok_or_else(|| Error::MissingData("RFM needs orders: load an orders file first".into()))?,
        };
        let scheme = match self.scheme.as_deref() {
            None | Some("standard") => Scheme::Standard,
            Some("three") => Scheme::Three,
            Some(other) => return Err(Error::option("scheme", other, "expected \"standard\" or \"three\"")),
        };
        if self.window_days == Some(0) {
            return Err(Error::option("windowDays", "0", "a window must be at least one day"));
        }
        Ok(RfmOptions {
            as_of,
            window_days: self.window_days,
            scheme,
            lost_after_days: match self.lost_after_days {
                Some(0) => None,
                Some(d) => Some(d),
                None => Some(365),
            },
        })
    }
}

/// The named segments of the standard scheme, with their rules on R and F.
pub const STANDARD_SEGMENTS: [(&str, &str); 11] = [
    ("Champions", "R 5, F 4-5"),
    ("Loyal", "R 3-4, F 4-5"),
    ("Potential Loyalist", "R 4-5, F 2-3"),
    ("New", "R 5, F 1"),
    ("Promising", "R 4, F 1"),
    ("Need Attention", "R 3, F 3"),
    ("About to Sleep", "R 3, F 1-2"),
    ("At Risk", "R 1-2, F 3-4"),
    ("Can't Lose Them", "R 1-2, F 5"),
    ("Hibernating", "R 1-2, F 1-2"),
    ("Lost", "last order older than the lost-after limit"),
];

/// The groups of the three-level scheme.
pub const THREE_SEGMENTS: [(&str, &str); 7] = [
    ("Champions", "R 3, F 3"),
    ("Loyal", "R 2-3, F 2-3, not Champions"),
    ("Recent", "R 3, F 1"),
    ("Needs Attention", "R 2, F 1"),
    ("At Risk", "R 1, F 2-3"),
    ("Inactive", "R 1, F 1"),
    ("Lost", "last order older than the lost-after limit"),
];

fn standard_segment(r: u8, f: u8) -> usize {
    match (r, f) {
        (5, 4..=5) => 0,
        (3..=4, 4..=5) => 1,
        (4..=5, 2..=3) => 2,
        (5, 1) => 3,
        (4, 1) => 4,
        (3, 3) => 5,
        (3, 1..=2) => 6,
        (1..=2, 3..=4) => 7,
        (1..=2, 5) => 8,
        _ => 9,
    }
}

fn three_segment(r: u8, f: u8) -> usize {
    match (r, f) {
        (3, 3) => 0,
        (2..=3, 2..=3) => 1,
        (3, 1) => 2,
        (2, 1) => 3,
        (1, 2..=3) => 4,
        _ => 5,
    }
}

/// Per-customer recency, frequency and monetary over a window of the orders.
#[derive(Debug, Clone)]
pub struct RfmValues {
    /// Days from the last order in the window to the reference date (`None`: no order).
    pub recency: Vec<Option<f64>>,
    /// Distinct orders in the window.
    pub frequency: Vec<f64>,
    /// Revenue in the window, returns netted.
    pub monetary: Vec<f64>,
}

/// Recency, frequency and monetary per customer from every orders file: orders
/// dated after `as_of` are ignored, and with a window only the last
/// `window_days` days up to `as_of` count. Returns and cancelled lines as in the
/// customer table (returns net the revenue and are not orders).
pub fn rfm_values(ws: &Workspace, as_of: i32, window_days: Option<u32>) -> RfmValues {
    let n = ws.customer_keys().len();
    let from = window_days.map_or(i32::MIN, |w| as_of - w as i32 + 1);
    let mut last = vec![i32::MIN; n];
    let mut orders = vec![0u32; n];
    let mut total = vec![0.0f64; n];
    let mut owner = vec![u32::MAX; ws.order_keys().len()];
    // The shared line pass applies the customer table's rules (cancelled lines
    // out, returns negative and not orders) and the reference date.
    crate::cohort::each_line(ws, as_of, |line| {
        if line.day < from {
            return;
        }
        let c = line.customer as usize;
        total[c] += line.amount;
        if line.is_return {
            return;
        }
        if line.day > last[c] {
            last[c] = line.day;
        }
        let new_order = match line.order {
            Some(o) => {
                let fresh = owner[o as usize] != c as u32;
                owner[o as usize] = c as u32;
                fresh
            }
            None => true,
        };
        orders[c] += new_order as u32;
    });
    RfmValues {
        recency: last
            .iter()
            .map(|&l| (l != i32::MIN).then(|| (as_of - l) as f64))
            .collect(),
        frequency: orders.iter().map(|&o| o as f64).collect(),
        monetary: total,
    }
}

/// Scores and segment per customer.
#[derive(Debug, Clone)]
pub struct RfmScores {
    pub options: RfmOptions,
    pub values: RfmValues,
    /// 1..=5 (or 1..=3); 0 for customers without an order in the window.
    pub r: Vec<u8>,
    pub f: Vec<u8>,
    pub m: Vec<u8>,
    /// Index into the scheme's segment list; `None` without an order in the window.
    pub segment: Vec<Option<u8>>,
}

impl RfmScores {
    /// The scheme's segment names and rules.
    pub fn segment_names(&self) -> &'static [(&'static str, &'static str)] {
        match self.options.scheme {
            Scheme::Standard => &STANDARD_SEGMENTS,
            Scheme::Three => &THREE_SEGMENTS,
        }
    }

    /// The segment name of customer row `c`.
    pub fn segment_of(&self, c: usize) -> Option<&'static str> {
        self.segment[c].map(|s| self.segment_names()[s as usize].0)
    }
}

/// Scores every customer.
pub fn score(ws: &Workspace, options: &RfmOptions) -> RfmScores {
    let values = rfm_values(ws, options.as_of, options.window_days);
    let q = match options.scheme {
        Scheme::Standard => 5,
        Scheme::Three => 3,
    };
    let active: Vec<bool> = values.recency.iter().map(Option::is_some).collect();
    let only = |v: &[f64]| -> Vec<Option<f64>> { v.iter().zip(&active).map(|(&x, &a)| a.then_some(x)).collect() };
    // Recent customers score high: rank recency descending.
    let r = ntile(&values.recency, q, false);
    let f = ntile(&only(&values.frequency), q, true);
    let m = ntile(&only(&values.monetary), q, true);
    let lost_idx = match options.scheme {
        Scheme::Standard => STANDARD_SEGMENTS.len() - 1,
        Scheme::Three => THREE_SEGMENTS.len() - 1,
    } as u8;
    let segment = (0..r.len())
        .map(|c| {
            let rec = values.recency[c]?;
            if options.lost_after_days.is_some_and(|d| rec > d as f64) {
                return Some(lost_idx);
            }
            Some(match options.scheme {
                Scheme::Standard => standard_segment(r[c], f[c]),
                Scheme::Three => three_segment(r[c], f[c]),
            } as u8)
        })
        .collect();
    RfmScores {
        options: options.clone(),
        values,
        r,
        f,
        m,
        segment,
    }
}

/// One segment's line of the report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentLine {
    pub segment: &'static str,
    pub rule: &'static str,
    pub customers: u64,
    pub share: f64,
    pub revenue: f64,
    pub revenue_share: f64,
    pub avg_monetary: f64,
    pub avg_recency_days: f64,
    pub avg_frequency: f64,
}

/// One cell of the R × F grid.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GridCell {
    pub r: u8,
    pub f: u8,
    pub customers: u64,
    pub revenue: f64,
}

/// The RFM result: the options used, the segments and the R × F grid.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RfmReport {
    pub as_of: String,
    pub window_days: Option<u32>,
    pub scheme: Scheme,
    pub lost_after_days: Option<u32>,
    /// Customers with an order in the window (the scored ones).
    pub customers_scored: u64,
    /// Customers in the table without an order in the window.
    pub customers_unscored: u64,
    pub segments: Vec<SegmentLine>,
    pub grid: Vec<GridCell>,
    pub tie_rule: &'static str,
}

/// Sizes, revenue and averages per segment, and the R × F grid.
pub fn report(s: &RfmScores) -> RfmReport {
    let names = s.segment_names();
    let q: u8 = match s.options.scheme {
        Scheme::Standard => 5,
        Scheme::Three => 3,
    };
    let mut lines: Vec<(u64, f64, f64, f64)> = vec![(0, 0.0, 0.0, 0.0); names.len()];
    let mut grid = vec![(0u64, 0.0f64); q as usize * q as usize];
    let (mut scored, mut revenue_all) = (0u64, 0.0f64);
    for c in 0..s.r.len() {
        let Some(seg) = s.segment[c] else { continue };
        let l = &mut lines[seg as usize];
        let m = s.values.monetary[c];
        l.0 += 1;
        l.1 += m;
        l.2 += s.values.recency[c].unwrap_or(0.0);
        l.3 += s.values.frequency[c];
        scored += 1;
        revenue_all += m;
        let g = &mut grid[(s.r[c] - 1) as usize * q as usize + (s.f[c] - 1) as usize];
        g.0 += 1;
        g.1 += m;
    }
    let div = |a: f64, b: f64| if b == 0.0 { 0.0 } else { a / b };
    RfmReport {
        as_of: date_label(s.options.as_of),
        window_days: s.options.window_days,
        scheme: s.options.scheme,
        lost_after_days: s.options.lost_after_days,
        customers_scored: scored,
        customers_unscored: s.r.len() as u64 - scored,
        segments: names
            .iter()
            .zip(&lines)
            .map(|(&(segment, rule), &(n, rev, rec, freq))| SegmentLine {
                segment,
                rule,
                customers: n,
                share: div(n as f64, scored as f64),
                revenue: rev,
                revenue_share: div(rev, revenue_all),
                avg_monetary: div(rev, n as f64),
                avg_recency_days: div(rec, n as f64),
                avg_frequency: div(freq, n as f64),
            })
            .collect(),
        grid: (0..q * q)
            .map(|i| GridCell {
                r: i / q + 1,
                f: i % q + 1,
                customers: grid[i as usize].0,
                revenue: grid[i as usize].1,
            })
            .collect(),
        tie_rule:
            "quantiles over customers with an order in the window; ties broken by rank (value, then customer row)",
    }
}

/// The customer-table columns of a scoring: `rfm_r`, `rfm_f`, `rfm_m` (null
/// when unscored), `rfm_score` (e.g. "545") and `rfm_segment`.
pub fn columns(s: &RfmScores) -> Vec<Feature> {
    let score = |v: &[u8]| -> Values { Values::Number(v.iter().map(|&x| (x > 0).then_some(x as f64)).collect()) };
    // Both labels come from small fixed sets: build the dictionaries directly
    // (no string per customer, no hashing).
    let q = match s.options.scheme {
        Scheme::Standard => 5u32,
        Scheme::Three => 3,
    };
    let mut codes = Vec::with_capacity((q * q * q) as usize);
    for r in 1..=q {
        for f in 1..=q {
            for m in 1..=q {
                codes.push(format!("{r}{f}{m}"));
            }
        }
    }
    let code_keys: UInt32Array = (0..s.r.len())
        .map(|c| {
            (s.r[c] > 0).then(|| {
                let (r, f, m) = (s.r[c] as u32 - 1, s.f[c] as u32 - 1, s.m[c] as u32 - 1);
                (r * q + f) * q + m
            })
        })
        .collect();
    let names: StringArray = s.segment_names().iter().map(|(n, _)| Some(*n)).collect();
    let segment_keys: UInt32Array = s.segment.iter().map(|x| x.map(u32::from)).collect();
    let dict = |keys: UInt32Array, values: StringArray| -> Values {
        match DictionaryArray::<UInt32Type>::try_new(keys, Arc::new(values)) {
            Ok(d) => Values::Category(d),
            // Keys are built in range above; an error here would be a bug.
            Err(_) => Values::category(std::iter::empty()),
        }
    };
    vec![
        Feature::new("rfm_r", "RFM recency score (high = recent)", score(&s.r)),
        Feature::new("rfm_f", "RFM frequency score", score(&s.f)),
        Feature::new("rfm_m", "RFM monetary score", score(&s.m)),
        Feature::new(
            "rfm_score",
            "R, F and M scores as one code, e.g. 545",
            dict(code_keys, codes.iter().map(|c| Some(c.as_str())).collect()),
        ),
        Feature::new("rfm_segment", "named RFM segment", dict(segment_keys, names)),
    ]
}

/// Who moved from which segment to which between two reference dates.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Movement {
    pub from_date: String,
    pub to_date: String,
    /// Row and column labels: the scheme's segments, then "No orders".
    pub segments: Vec<&'static str>,
    /// `counts[i][j]`: customers in segment `i` on the first date and `j` on the second.
    pub counts: Vec<Vec<u64>>,
}

/// The transition matrix of segments between the reference dates of `a` and `b`.
pub fn movement(a: &RfmScores, b: &RfmScores) -> Movement {
    let names = a.segment_names();
    let none = names.len();
    let mut counts = vec![vec![0u64; none + 1]; none + 1];
    for c in 0..a.r.len().min(b.r.len()) {
        let i = a.segment[c].map_or(none, |s| s as usize);
        let j = b.segment[c].map_or(none, |s| s as usize);
        counts[i][j] += 1;
    }
    Movement {
        from_date: date_label(a.options.as_of),
        to_date: date_label(b.options.as_of),
        segments: names.iter().map(|(n, _)| *n).chain(["No orders"]).collect(),
        counts,
    }
}

#[cfg(test)]
mod tests;
