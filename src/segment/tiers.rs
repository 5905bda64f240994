//! Value tiers: customers ranked by a value measure (revenue, profit, any
//! number column) and cut into high / mid / low, with the Pareto share and curve.
//!
//! Rules, in full:
//! - Customers are ranked by the measure, largest first; equal values keep
//!   customer-table row order (the order customers first appear in the loaded
//!   files), so a tie across a cut is broken by row and the result never
//!   depends on sorting luck.
//! - The top `high` share of the ranked customers is `high`, the next `mid`
//!   share is `mid`, the rest `low`; counts are rounded to the nearest customer
//!   (halves up). A customer whose value is zero or negative is always `low`,
//!   even when the cuts would put it higher (so `mid` can hold fewer).
//! - Customers without a value (null) get no tier and count nowhere.
//! - Revenue shares are of the sum over every ranked customer (negative values
//!   included); they are null when that sum is not positive.
//! - The Pareto curve joins (share of customers, share of revenue) at 101
//!   evenly spaced customer shares, interpolating linearly within a customer;
//!   the Pareto share is its value at 20 % of the customers.

use arrow_array::Array;
use serde::{Deserialize, Serialize};

use crate::table::{CustomerTable, Feature, Values};
use crate::{Error, Result};

/// Options of [`value_tiers`] as callers give them (JS: camelCase, unknown keys refused).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ValueTierParams {
    /// The measure: `monetary_total` (default), `profit_total`, or any number column.
    pub by: Option<String>,
    /// Share of the customers in the high tier (default 0.2).
    pub high: Option<f64>,
    /// Share in the mid tier, after the high one (default 0.3).
    pub mid: Option<f64>,
}

/// [`ValueTierParams`] checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidValueTierParams {
    pub by: String,
    pub high: f64,
    pub mid: f64,
}

impl ValueTierParams {
    /// The checked options: shares within 0..1 and together at most 1.
    pub fn check(&self) -> Result<ValidValueTierParams> {
        let high = self.high.unwrap_or(0.2);
        let mid = self.mid.unwrap_or(0.3);
        if !(high > 0.0 && high <= 1.0) {
            return Err(Error::option("high", high, "expected a share of customers in (0, 1]"));
        }
        if !(0.0..=1.0).contains(&mid) {
            return Err(Error::option("mid", mid, "expected a share of customers in [0, 1]"));
        }
        if high + mid > 1.0 + 1e-12 {
            return Err(Error::option(
                "mid",
                mid,
                format!("high ({high}) and mid together exceed every customer"),
            ));
        }
        Ok(ValidValueTierParams {
            by: self.by.clone().unwrap_or_else(|| "monetary_total".into()),
            high,
            mid,
        })
    }
}

/// One tier.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tier {
    /// `"high"`, `"mid"` or `"low"`.
    pub tier: &'static str,
    pub customers: usize,
    /// Sum of the measure over the tier.
    pub revenue: f64,
    /// Share of the total (null when the total is not positive).
    pub share: Option<f64>,
    /// Mean per customer (null for an empty tier).
    pub average: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// A point of the Pareto curve: the top `customers` share holds `revenue` share.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CurvePoint {
    pub customers: f64,
    pub revenue: Option<f64>,
}

/// The result of [`value_tiers`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValueTiers {
    pub by: String,
    /// Customers ranked (with a value), and without one (no tier).
    pub customers: usize,
    pub without_value: usize,
    /// Customers with a value of zero or less (all in `low`).
    pub zero_or_negative: usize,
    /// Sum of the measure over the ranked customers.
    pub total: f64,
    /// high, mid, low.
    pub tiers: Vec<Tier>,
    /// Revenue share of the top 20 % of customers (null when the total is not positive).
    pub pareto_share: Option<f64>,
    /// 101 points from 0 to 1 customers.
    pub curve: Vec<CurvePoint>,
    /// The tier of each customer-table row: 0 high, 1 mid, 2 low, `None` without value.
    #[serde(skip)]
    pub labels: Vec<Option<u8>>,
}

const NAMES: [&str; 3] = ["high", "mid", "low"];

/// Customers of `n` in a share, rounded to the nearest customer (halves up; a
/// hair of tolerance so 0.3 × 5 counts as the 1.5 it means).
fn count(share: f64, n: usize) -> usize {
    ((share * n as f64 + 0.5 + 1e-9).floor() as usize).min(n)
}

/// Ranks the customers by `params.by`, cuts them into tiers and adds the
/// category column `value_tier` (high / mid / low; null without a value). See
/// the module documentation for ties, zero values and rounding.
pub fn value_tiers(table: &mut CustomerTable, params: &ValueTierParams) -> Result<ValueTiers> {
    let p = params.check()?;
    let f = table.get(&p.by).ok_or_else(|| {
        Error::option(
            "by",
            &p.by,
            format!("no such customer column; {}", table.suggest(&p.by)),
        )
    })?;
    let Values::Number(values) = &f.values else {
        return Err(Error::option(
            "by",
            &p.by,
            format!("a {} column; value tiers need a number column", f.values.kind()),
        ));
    };
    let value = |i: usize| -> Option<f64> { values.is_valid(i).then(|| values.value(i)).filter(|v| v.is_finite()) };
    let mut ranked: Vec<(u32, f64)> = (0..table.len())
        .filter_map(|i| value(i).map(|v| (i as u32, v)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let n = ranked.len();
    let n_high = count(p.high, n);
    let n_top = count(p.high + p.mid, n).max(n_high);
    let total: f64 = ranked.iter().map(|r| r.1).sum();
    let share = |x: f64| (total > 0.0).then(|| x / total);

    let mut labels = vec![None; table.len()];
    let mut sums = [0.0f64; 3];
    let mut counts = [0usize; 3];
    let mut min = [f64::INFINITY; 3];
    let mut max = [f64::NEG_INFINITY; 3];
    for (rank, &(row, v)) in ranked.iter().enumerate() {
        let t = if v <= 0.0 {
            2
        } else if rank < n_high {
            0
        } else if rank < n_top {
            1
        } else {
            2
        };
        labels[row as usize] = Some(t as u8);
        sums[t] += v;
        counts[t] += 1;
        min[t] = min[t].min(v);
        max[t] = max[t].max(v);
    }
    let tiers = (0..3)
        .map(|t| Tier {
            tier: NAMES[t],
            customers: counts[t],
            revenue: sums[t],
            share: share(sums[t]),
            average: (counts[t] > 0).then(|| sums[t] / counts[t] as f64),
            min: (counts[t] > 0).then_some(min[t]),
            max: (counts[t] > 0).then_some(max[t]),
        })
        .collect();

    // cumulative[i] = revenue of the top i customers.
    let mut cumulative = Vec::with_capacity(n + 1);
    let mut acc = 0.0;
    cumulative.push(0.0);
    for r in &ranked {
        acc += r.1;
        cumulative.push(acc);
    }
    let top = |q: f64| -> f64 {
        let pos = q * n as f64;
        let i = (pos.floor() as usize).min(n);
        let frac = pos - i as f64;
        cumulative[i] + if i < n { frac * ranked[i].1 } else { 0.0 }
    };
    let curve = (0..=100)
        .map(|t| {
            let q = t as f64 / 100.0;
            CurvePoint {
                customers: q,
                revenue: share(top(q)),
            }
        })
        .collect();

    table.add(Feature::new(
        "value_tier",
        &format!(
            "high / mid / low by {} (top {} %, next {} %, rest)",
            p.by,
            p.high * 100.0,
            p.mid * 100.0
        ),
        Values::category(labels.iter().map(|t| t.map(|t| NAMES[t as usize]))),
    ))?;
    Ok(ValueTiers {
        by: p.by,
        customers: n,
        without_value: table.len() - n,
        zero_or_negative: ranked.iter().filter(|r| r.1 <= 0.0).count(),
        total,
        tiers,
        pareto_share: share(top(0.2)),
        curve,
        labels,
    })
}

#[cfg(test)]
mod tests;
