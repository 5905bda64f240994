//! The loyalty scheme: points from configurable rules, tiers, tier movement
//! between two dates and the value (customers, revenue, profit) per tier.
//!
//! With `as_of` the reference date (default: the last order date):
//! - A customer is a **member** from the earlier of their sign-up date and
//!   their first order (on or before `as_of`); others have no points and no tier.
//! - Every order line dated on or before `as_of` (cancelled lines left out)
//!   earns `basis × pointsPerUnit × multiplier(category)` points on its date;
//!   the basis is the line's amount, or its amount minus cost. A return earns
//!   the negative of what it would have earned.
//! - The sign-up bonus is credited on the day membership starts; the birthday
//!   bonus on every birthday (a 29 February falls on the 28th in other years)
//!   after that day, up to `as_of`.
//! - **Expiry** is a window, not FIFO: points dated more than `expiryMonths`
//!   months before `as_of` (before the same day of the month `expiryMonths`
//!   earlier, clamped to the month's last day) have expired. The data has no
//!   redemptions, so FIFO would differ only in how returns offset old credits;
//!   the window nets a return against what is still valid. The balance is
//!   never below 0.
//! - **Tiers**, best first: by thresholds (the best tier whose `minPoints` the
//!   balance reaches), or by rank among members with a positive balance
//!   (largest first, ties in customer-table row order) with cumulative
//!   `topShare` (counts rounded to the nearest customer, halves up) or
//!   `topCount`. Anyone else has no tier (`"none"` in reports).

mod rules;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use arrow_array::{Array, Date32Array};
use serde::Serialize;

pub use rules::{Basis, LoyaltyRules, TierCuts, TierRule, ValidRules};

use crate::calendar::{civil_from_days, date_label, days_from_civil, days_in_month};
use crate::cohort::{as_of_or_last, each_line, has_cost};
use crate::ingest::Entity;
use crate::table::customers::{text_at, CustomerParams};
use crate::table::{Feature, Values, Workspace};
use crate::{Error, Result};

/// The day `months` months before `day`, clamped to the end of a shorter month.
pub fn months_before(day: i32, months: u32) -> i32 {
    let (y, m, d) = civil_from_days(day);
    let idx = y * 12 + m as i32 - 1 - months as i32;
    let (ny, nm) = (idx.div_euclid(12), idx.rem_euclid(12) as u32 + 1);
    days_from_civil(ny, nm, d.min(days_in_month(ny, nm)))
}

/// Points, tiers and value per customer-table row on one reference date.
#[derive(Debug, Clone)]
pub struct Balances {
    pub as_of: i32,
    /// The balance (valid points, at least 0); `None` for non-members.
    pub points: Vec<Option<f64>>,
    /// Points earned up to `as_of`, expired ones included.
    pub earned: Vec<f64>,
    /// Index into the rules' tiers.
    pub tier: Vec<Option<u8>>,
    /// Net revenue and profit (lines up to `as_of`).
    pub revenue: Vec<f64>,
    pub profit: Option<Vec<f64>>,
}

/// The dates of the customer table that membership and birthdays need.
fn profile_dates(ws: &mut Workspace, today: i32) -> Result<(Option<Date32Array>, Option<Date32Array>)> {
    let t = ws.customers(&CustomerParams::default(), today)?;
    let get = |name: &str| match t.get(name).map(|f| &f.values) {
        Some(Values::Date(d)) => Some(d.clone()),
        _ => None,
    };
    Ok((get("signup_date"), get("birth_date")))
}

/// Balances of every customer on `as_of` under `rules`.
pub fn balances(ws: &mut Workspace, rules: &ValidRules, as_of: i32, today: i32) -> Result<Balances> {
    if ws.tables(Entity::Orders).next().is_none() {
        return Err(Error::MissingData(
            "loyalty points need orders: load an orders file first".into(),
        ));
    }
    let cost = has_cost(ws);
    if rules.basis == Basis::Profit && !cost {
        return Err(Error::MissingData(
            "points on profit need a cost column in the orders: load one, or use basis \"revenue\"".into(),
        ));
    }
    let (signup, birth) = profile_dates(ws, today)?;
    let ws = &*ws;
    let n = ws.customer_keys().len();
    let window_start = rules.rules.expiry_months.map_or(i32::MIN, |m| months_before(as_of, m));
    let mut first = vec![i32::MAX; n];
    let mut earned = vec![0.0f64; n];
    let mut valid = vec![0.0f64; n];
    let mut revenue = vec![0.0f64; n];
    let mut profit = vec![0.0f64; n];
    let tables: Vec<_> = ws.tables(Entity::Orders).collect();
    let mut cache: HashMap<(u32, &str), f64> = HashMap::new();
    let per_unit = rules.rules.points_per_unit;
    each_line(ws, as_of, |l| {
        let c = l.customer as usize;
        let line_profit = l.cost.map(|k| l.amount - k);
        revenue[c] += l.amount;
        profit[c] += line_profit.unwrap_or(0.0);
        if !l.is_return {
            first[c] = first[c].min(l.day);
        }
        let base = match rules.basis {
            Basis::Revenue => l.amount,
            Basis::Profit => line_profit.unwrap_or(0.0),
        };
        let mult = if rules.multipliers.is_empty() {
            1.0
        } else {
            match text_at(tables[l.table as usize].field("category"), l.row as usize) {
                None => 1.0,
                Some(cat) => *cache.entry((l.table, cat)).or_insert_with(|| {
                    rules
                        .multipliers
                        .get(&cat.trim().to_lowercase())
                        .copied()
                        .unwrap_or(1.0)
                }),
            }
        };
        let pts = base * per_unit * mult;
        earned[c] += pts;
        if l.day >= window_start {
            valid[c] += pts;
        }
    });
    let date_of =
        |a: &Option<Date32Array>, c: usize| a.as_ref().filter(|a| c < a.len() && a.is_valid(c)).map(|a| a.value(c));
    let mut points = vec![None; n];
    for c in 0..n {
        let start = match date_of(&signup, c) {
            Some(s) => s.min(first[c]),
            None => first[c],
        };
        if start > as_of {
            continue;
        }
        let mut credit = |day: i32, pts: f64| {
            earned[c] += pts;
            if day >= window_start {
                valid[c] += pts;
            }
        };
        if rules.rules.signup_bonus > 0.0 {
            credit(start, rules.rules.signup_bonus);
        }
        if let (true, Some(born)) = (rules.rules.birthday_bonus > 0.0, date_of(&birth, c)) {
            let (_, bm, bd) = civil_from_days(born);
            let (sy, _, _) = civil_from_days(start);
            let (ay, _, _) = civil_from_days(as_of);
            for y in sy..=ay {
                let b = days_from_civil(y, bm, bd.min(days_in_month(y, bm)));
                if b > start && b <= as_of && b > born {
                    credit(b, rules.rules.birthday_bonus);
                }
            }
        }
        points[c] = Some(valid[c].max(0.0));
    }
    let tier = assign_tiers(&points, &rules.cuts);
    Ok(Balances {
        as_of,
        points,
        earned,
        tier,
        revenue,
        profit: cost.then_some(profit),
    })
}

/// The tier of every customer (see the module documentation).
pub fn assign_tiers(points: &[Option<f64>], cuts: &TierCuts) -> Vec<Option<u8>> {
    match cuts {
        TierCuts::Threshold(mins) => points
            .iter()
            .map(|p| p.and_then(|p| mins.iter().position(|&m| p >= m).map(|i| i as u8)))
            .collect(),
        TierCuts::TopShare(_) | TierCuts::TopCount(_) => {
            let mut ranked: Vec<usize> = (0..points.len())
                .filter(|&c| points[c].is_some_and(|p| p > 0.0))
                .collect();
            ranked.sort_by(|&a, &b| {
                let (pa, pb) = (points[a].unwrap_or(0.0), points[b].unwrap_or(0.0));
                pb.total_cmp(&pa).then(a.cmp(&b))
            });
            let n = ranked.len();
            let ends: Vec<usize> = match cuts {
                TierCuts::TopShare(s) => s.iter().map(|&s| ((s * n as f64) + 0.5).floor() as usize).collect(),
                TierCuts::TopCount(k) => k.iter().map(|&k| k.min(n as u64) as usize).collect(),
                TierCuts::Threshold(_) => Vec::new(),
            };
            let mut out = vec![None; points.len()];
            let mut from = 0;
            for (t, &end) in ends.iter().enumerate() {
                let end = end.min(n);
                for &c in &ranked[from.min(end)..end] {
                    out[c] = Some(t as u8);
                }
                from = from.max(end);
            }
            out
        }
    }
}

/// Customers, points, revenue and profit of one tier.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TierValue {
    pub tier: String,
    pub customers: u64,
    pub points: f64,
    /// Net revenue of the tier's customers (lines up to the reference date).
    pub revenue: f64,
    /// Revenue minus cost (null without a cost column).
    pub profit: Option<f64>,
    /// Share of the revenue of every member (null when that is not positive).
    pub revenue_share: Option<f64>,
}

/// The result of [`loyalty`].
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoyaltyReport {
    pub as_of: String,
    pub basis: Basis,
    pub members: u64,
    /// Sum of the balances.
    pub points_outstanding: f64,
    /// Points earned but expired (earned minus valid, over members).
    pub points_expired: f64,
    /// One row per tier, best first, then `"none"` (members without a tier).
    pub tiers: Vec<TierValue>,
    /// The rules used.
    pub rules: LoyaltyRules,
}

/// The report of balances.
pub fn report(b: &Balances, rules: &ValidRules) -> LoyaltyReport {
    let k = rules.names.len();
    let mut rows: Vec<TierValue> = rules
        .names
        .iter()
        .map(String::as_str)
        .chain(["none"])
        .map(|t| TierValue {
            tier: t.to_string(),
            customers: 0,
            points: 0.0,
            revenue: 0.0,
            profit: b.profit.as_ref().map(|_| 0.0),
            revenue_share: None,
        })
        .collect();
    let (mut members, mut outstanding, mut expired, mut total_rev) = (0u64, 0.0, 0.0, 0.0);
    for c in 0..b.points.len() {
        let Some(p) = b.points[c] else { continue };
        members += 1;
        outstanding += p;
        expired += (b.earned[c] - p).max(0.0);
        total_rev += b.revenue[c];
        let row = &mut rows[b.tier[c].map_or(k, usize::from)];
        row.customers += 1;
        row.points += p;
        row.revenue += b.revenue[c];
        if let (Some(acc), Some(pr)) = (row.profit.as_mut(), b.profit.as_ref()) {
            *acc += pr[c];
        }
    }
    for r in &mut rows {
        r.revenue_share = (total_rev > 0.0).then(|| r.revenue / total_rev);
    }
    LoyaltyReport {
        as_of: date_label(b.as_of),
        basis: rules.basis,
        members,
        points_outstanding: outstanding,
        points_expired: expired,
        tiers: rows,
        rules: rules.rules.clone(),
    }
}

/// Computes points and tiers on `as_of` (default: the last order date), adds
/// `loyalty_points` and `loyalty_tier` to the customer table, keeps the rules
/// in the workspace, and returns the value per tier.
pub fn loyalty(ws: &mut Workspace, rules: &ValidRules, as_of: Option<&str>, today: i32) -> Result<LoyaltyReport> {
    let as_of = as_of_or_last(ws, as_of, "loyalty points")?;
    let b = balances(ws, rules, as_of, today)?;
    let table = ws.customers(&CustomerParams::default(), today)?;
    table.add(Feature::new(
        "loyalty_points",
        "loyalty points balance on the loyalty reference date (expired points left out)",
        Values::Number(b.points.iter().copied().collect()),
    ))?;
    table.add(Feature::new(
        "loyalty_tier",
        "loyalty tier by the last loyalty rules used",
        Values::category(b.tier.iter().map(|t| t.map(|t| rules.names[t as usize].as_str()))),
    ))?;
    ws.loyalty_rules = Some(rules.rules.clone());
    Ok(report(&b, rules))
}

/// Customers per tier on one date and another.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TierMovement {
    pub from_date: String,
    pub to_date: String,
    /// Row and column labels: the tiers best first, then `"none"` (no tier or not a member).
    pub tiers: Vec<String>,
    /// `counts[i][j]`: customers in tier `i` on `from_date` and `j` on `to_date`.
    pub counts: Vec<Vec<u64>>,
    /// Customers in a better tier on `to_date` than on `from_date`, in a worse one, in the same.
    pub upgraded: u64,
    pub downgraded: u64,
    pub unchanged: u64,
}

/// The tier transition matrix between two reference dates.
pub fn movement(
    ws: &mut Workspace,
    rules: &ValidRules,
    from: &str,
    to: Option<&str>,
    today: i32,
) -> Result<TierMovement> {
    let from = as_of_or_last(ws, Some(from), "loyalty movement")?;
    let to = as_of_or_last(ws, to, "loyalty movement")?;
    if from > to {
        return Err(Error::option(
            "from",
            date_label(from),
            format!("expected a date before {}", date_label(to)),
        ));
    }
    let a = balances(ws, rules, from, today)?;
    let b = balances(ws, rules, to, today)?;
    let k = rules.names.len();
    let mut counts = vec![vec![0u64; k + 1]; k + 1];
    let (mut up, mut down, mut same) = (0, 0, 0);
    for c in 0..a.tier.len() {
        let (i, j) = (a.tier[c].map_or(k, usize::from), b.tier[c].map_or(k, usize::from));
        counts[i][j] += 1;
        match j.cmp(&i) {
            std::cmp::Ordering::Less => up += 1,
            std::cmp::Ordering::Greater => down += 1,
            std::cmp::Ordering::Equal => same += 1,
        }
    }
    Ok(TierMovement {
        from_date: date_label(from),
        to_date: date_label(to),
        tiers: rules.names.iter().cloned().chain(["none".to_string()]).collect(),
        counts,
        upgraded: up,
        downgraded: down,
        unchanged: same,
    })
}
