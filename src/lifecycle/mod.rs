//! Lifecycle flows per period — new, retained, reactivated, returning and
//! churned customers with their revenue — and the business trend (revenue,
//! orders, active customers, average order value, margin) with
//! period-over-period change.
//!
//! With `W` the inactivity window in days (default 90), `as_of` the reference
//! date, and only orders (not returns, not cancelled lines) dated on or
//! before `as_of`:
//!
//! - A customer is **active** in a period when they have an order in it. Every
//!   active customer is in exactly one of the four states below, decided by the
//!   first order of the period, in this order:
//!   - **new**: the first order of their history is in the period;
//!   - **reactivated**: the previous order is more than `W` days before the
//!     first order of the period (they had churned: see below);
//!   - **retained**: they also ordered in the previous period;
//!   - **returning**: they did not order in the previous period, but came back
//!     within `W` days of their previous order (only possible when `W` is
//!     longer than a period).
//! - A customer **churns** on day `L + W` when `L` is an order day and no
//!   order follows within `W` days (the next is more than `W` days later, or
//!   there is none); the churn is counted in the period holding `L + W`, when
//!   that day is on or before `as_of` (not yet otherwise). A customer is
//!   counted at most once per period as churned. A customer can be new and
//!   churn within the data (new in the period of their only order, churned `W`
//!   days later), churn again after a reactivation, and — when `W` is shorter
//!   than a period — churn and come back within one period: the churn is
//!   counted and the period's state follows its first order.
//! - Revenue of a state is the net revenue (returns dated in the period
//!   netted) of its customers in the period. **Churned revenue** is the net
//!   revenue of the churned customers in the period of their last order before
//!   churning: what the business lost.
//! - The first period of the data has only new customers (history before the
//!   data is unknown). Periods run from the period of the first order line to
//!   the period of `as_of`; a period not over by the end of `as_of` is
//!   `incomplete`.
//! - The trend's revenue counts every line (returns of customers not active
//!   in the period too), so it can differ from the sum of the states' revenue.
//!   An order counts once, in the period of its first line.

#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::calendar::date_label;
use crate::cohort::{as_of_or_last, each_line, first_line_date, has_cost, Period, PeriodTable};
use crate::table::Workspace;
use crate::{Error, Result};

/// Lifecycle options as callers give them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct LifecycleParams {
    /// `"week"` (ISO, Monday start), `"month"` (default) or `"quarter"`.
    pub period: Option<String>,
    /// Days without an order after which a customer has churned (default 90).
    pub inactive_days: Option<u32>,
    /// Reference date `YYYY-MM-DD` (default: the last order date).
    pub as_of: Option<String>,
}

/// Checked lifecycle options.
#[derive(Debug, Clone)]
pub struct LifecycleOptions {
    pub period: Period,
    pub inactive_days: u32,
    pub as_of: i32,
}

impl LifecycleParams {
    /// Checks the options (orders must be loaded).
    pub fn check(&self, ws: &Workspace) -> Result<LifecycleOptions> {
        let period = match &self.period {
            Some(p) => Period::parse(p, "period")?,
            None => Period::Month,
        };
        let inactive_days = self.inactive_days.unwrap_or(90);
        if !(1..=36_500).contains(&inactive_days) {
            return Err(Error::option(
                "inactiveDays",
                inactive_days,
                "expected a number of days from 1 to 36500",
            ));
        }
        if ws.tables(crate::Entity::Orders).next().is_none() {
            return Err(Error::MissingData(
                "lifecycle flows need orders: load an orders file first".into(),
            ));
        }
        Ok(LifecycleOptions {
            period,
            inactive_days,
            as_of: as_of_or_last(ws, self.as_of.as_deref(), "lifecycle flows")?,
        })
    }
}

/// Customers in one state in one period, and their revenue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StateCount {
    pub customers: u64,
    pub revenue: f64,
}

/// Period-over-period change of the trend: relative (`0.1` = +10 %; null when
/// the previous value is 0 or there is no previous period), the margin's in points.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrendChange {
    pub revenue: Option<f64>,
    pub orders: Option<f64>,
    pub active: Option<f64>,
    pub average_order_value: Option<f64>,
    /// Margin minus the previous period's margin.
    pub margin: Option<f64>,
}

/// One period of the lifecycle report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LifecyclePeriod {
    pub period: String,
    /// First day of the period.
    pub start: String,
    /// The period is not over by the end of the reference date.
    pub incomplete: bool,
    pub new: StateCount,
    pub retained: StateCount,
    pub reactivated: StateCount,
    pub returning: StateCount,
    pub churned: StateCount,
    /// Net revenue of every line in the period.
    pub revenue: f64,
    /// Distinct orders.
    pub orders: u64,
    /// Customers with an order (new + retained + reactivated + returning).
    pub active: u64,
    /// `revenue / orders`.
    pub average_order_value: Option<f64>,
    /// Revenue minus cost (lines without a cost count as all profit), when the orders have costs.
    pub profit: Option<f64>,
    /// `profit / revenue`.
    pub margin: Option<f64>,
    pub change: TrendChange,
}

/// Lifecycle flows and the business trend per period.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lifecycle {
    pub period: Period,
    pub inactive_days: u32,
    pub as_of: String,
    pub periods: Vec<LifecyclePeriod>,
}

#[derive(Clone, Copy)]
struct Line {
    day: i32,
    amount: f64,
    is_return: bool,
}

const NONE: u32 = u32::MAX;

/// Lifecycle states and the trend per period; see the module documentation for the rules.
pub fn lifecycle(ws: &Workspace, opts: &LifecycleOptions) -> Lifecycle {
    let as_of = opts.as_of;
    let w = opts.inactive_days as i32;
    let lo = first_line_date(ws).unwrap_or(as_of).min(as_of);
    let table = PeriodTable::new(opts.period, lo, as_of + 1);
    let slots = table.slot(as_of) as usize + 1;
    let n = ws.customer_keys().len();
    let with_cost = has_cost(ws);

    // Pass 1: the trend, and lines per customer (counting sort by customer).
    let mut revenue = vec![0.0f64; slots];
    let mut cost = vec![0.0f64; slots];
    let mut orders = vec![0u64; slots];
    let mut owner = vec![NONE; ws.order_keys().len()];
    let mut per_customer = vec![0u32; n + 1];
    each_line(ws, as_of, |l| {
        let s = table.slot(l.day) as usize;
        revenue[s] += l.amount;
        cost[s] += l.cost.unwrap_or(0.0);
        per_customer[l.customer as usize + 1] += 1;
        if !l.is_return {
            let fresh = match l.order {
                Some(o) if owner[o as usize] == l.customer => false,
                Some(o) => {
                    owner[o as usize] = l.customer;
                    true
                }
                None => true,
            };
            orders[s] += fresh as u64;
        }
    });
    for c in 0..n {
        per_customer[c + 1] += per_customer[c];
    }
    let mut fill = per_customer.clone();
    let mut lines = vec![
        Line {
            day: 0,
            amount: 0.0,
            is_return: false
        };
        per_customer[n] as usize
    ];
    each_line(ws, as_of, |l| {
        let at = &mut fill[l.customer as usize];
        lines[*at as usize] = Line {
            day: l.day,
            amount: l.amount,
            is_return: l.is_return,
        };
        *at += 1;
    });

    // Pass 2: each customer's history in date order.
    let mut states = vec![[StateCount::default(); 5]; slots];
    const NEW: usize = 0;
    const RETAINED: usize = 1;
    const REACTIVATED: usize = 2;
    const RETURNING: usize = 3;
    const CHURNED: usize = 4;
    for c in 0..n {
        let history = &mut lines[per_customer[c] as usize..per_customer[c + 1] as usize];
        if history.is_empty() {
            continue;
        }
        history.sort_unstable_by_key(|l| l.day);
        let mut prev_day: Option<i32> = None; // last order day so far
        let mut prev_slot = NONE; // its period
        let mut prev_revenue = 0.0; // the customer's revenue in that period
        let mut last_churn = NONE;
        let mut churn = |states: &mut [[StateCount; 5]], day: i32, lost: f64| {
            let s = table.slot(day);
            if s != last_churn {
                last_churn = s;
                states[s as usize][CHURNED].customers += 1;
                states[s as usize][CHURNED].revenue += lost;
            }
        };
        let mut i = 0;
        while i < history.len() {
            let s = table.slot(history[i].day);
            let mut j = i;
            while j < history.len() && table.slot(history[j].day) == s {
                j += 1;
            }
            let group = &history[i..j];
            i = j;
            let net: f64 = group.iter().map(|l| l.amount).sum();
            let Some(first) = group.iter().find(|l| !l.is_return).map(|l| l.day) else {
                continue; // only returns: in the trend, in no state
            };
            let state = match prev_day {
                None => NEW,
                Some(last) if first - last > w => {
                    churn(&mut states, last + w, prev_revenue);
                    REACTIVATED
                }
                Some(_) if prev_slot + 1 == s => RETAINED,
                Some(_) => RETURNING,
            };
            states[s as usize][state].customers += 1;
            states[s as usize][state].revenue += net;
            // Churns between orders of this same period.
            let mut last = first;
            for l in group.iter().filter(|l| !l.is_return) {
                if l.day - last > w {
                    churn(&mut states, last + w, net);
                }
                last = l.day;
            }
            prev_day = Some(last);
            prev_slot = s;
            prev_revenue = net;
        }
        if let Some(last) = prev_day {
            if last + w <= as_of {
                churn(&mut states, last + w, prev_revenue);
            }
        }
    }

    let done = table.slot(as_of + 1) as usize; // slots below it are over
    let rel = |now: f64, before: Option<f64>| before.filter(|&b| b != 0.0).map(|b| (now - b) / b.abs());
    let mut out: Vec<LifecyclePeriod> = Vec::with_capacity(slots);
    for s in 0..slots {
        let st = states[s];
        let active = st[NEW].customers + st[RETAINED].customers + st[REACTIVATED].customers + st[RETURNING].customers;
        let aov = (orders[s] > 0).then(|| revenue[s] / orders[s] as f64);
        let profit = with_cost.then(|| revenue[s] - cost[s]);
        let margin = profit.filter(|_| revenue[s] != 0.0).map(|p| p / revenue[s]);
        let prev = s.checked_sub(1).map(|p| &out[p]);
        let change = TrendChange {
            revenue: rel(revenue[s], prev.map(|p| p.revenue)),
            orders: rel(orders[s] as f64, prev.map(|p| p.orders as f64)),
            active: rel(active as f64, prev.map(|p| p.active as f64)),
            average_order_value: aov.and_then(|a| rel(a, prev.and_then(|p| p.average_order_value))),
            margin: margin.and_then(|m| prev.and_then(|p| p.margin).map(|b| m - b)),
        };
        out.push(LifecyclePeriod {
            period: table.label(s as u32),
            start: date_label(table.start(s as u32)),
            incomplete: s >= done,
            new: st[NEW],
            retained: st[RETAINED],
            reactivated: st[REACTIVATED],
            returning: st[RETURNING],
            churned: st[CHURNED],
            revenue: revenue[s],
            orders: orders[s],
            active,
            average_order_value: aov,
            profit,
            margin,
            change,
        });
    }
    Lifecycle {
        period: opts.period,
        inactive_days: opts.inactive_days,
        as_of: date_label(as_of),
        periods: out,
    }
}
