//! The retention matrix: two passes over the order lines with a dense customer
//! index. Pass 1 finds each customer's first order (and first line); pass 2
//! adds each line's revenue and order to its (cohort, k) cell and sets the
//! customer's bit k; distinct customers per cell are then read off the bits.

use std::collections::HashMap;

use arrow_array::types::UInt32Type;
use arrow_array::{Array, DictionaryArray};
use serde::Serialize;

use super::lines::{each_line, first_line_date};
use super::params::{CohortBy, CohortOptions, Measure};
use super::period::{Period, PeriodTable};
use crate::calendar::date_label;
use crate::ingest::Entity;
use crate::table::customers::{text_at, CustomerParams, Values};
use crate::table::{Column, Workspace};
use crate::{Error, Result};

/// One cohort's row of the matrix. Every series has one value per period k
/// (k = 0 is the period of each customer's first order) up to the reference date.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cohort {
    /// `1997-01`, `2020-W53`, `2024-Q1`, or the product, category, campaign or
    /// column value (`(none)` for customers without one).
    pub cohort: String,
    /// First day of the cohort's period (acquisition cohorts only).
    pub start: Option<String>,
    /// Customers in the cohort.
    pub size: u64,
    /// Distinct customers with an order in period k after their first.
    pub active: Vec<u64>,
    /// Distinct orders in period k (an order counts once, in the period of its first line).
    pub orders: Vec<u64>,
    /// Revenue in period k, returns netted (a return counts in the period of its own date).
    pub revenue: Vec<f64>,
    /// Customers with an order in period k or later (unbounded retention).
    pub returned_or_later: Vec<u64>,
    /// Customers for whom period k is over by the end of the reference date.
    pub eligible: Vec<u64>,
    /// Period k is not over for some customer of the cohort (Amplitude's dashed cell).
    pub incomplete: Vec<bool>,
    /// By `measure`: `active / size`, `orders[k] / orders[0]` or `revenue[k] / revenue[0]`.
    pub retention: Vec<Option<f64>>,
    /// Net revenue retention: `revenue[k] / revenue[0]` (null when revenue[0] ≤ 0).
    pub nrr: Vec<Option<f64>>,
    /// Cumulative revenue per customer through period k (the LTV curve).
    pub ltv: Vec<f64>,
}

/// Every cohort together, counting only customers whose period k is over
/// (so an unfinished period never lowers a rate).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CohortTotals {
    pub size: u64,
    /// Customers whose period k is over.
    pub eligible: Vec<u64>,
    /// Of those, active in period k.
    pub active: Vec<u64>,
    /// Of those, with an order in period k or later.
    pub returned_or_later: Vec<u64>,
    /// `active / eligible` (null when no customer has completed period k).
    pub retention: Vec<Option<f64>>,
    /// `returnedOrLater / eligible`: unbounded retention.
    pub unbounded_retention: Vec<Option<f64>>,
}

/// The cohort analysis.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CohortReport {
    pub period: Period,
    pub by: String,
    pub as_of: String,
    pub measure: Measure,
    pub cohorts: Vec<Cohort>,
    pub all: CohortTotals,
    /// Customers with lines but no order on or before the reference date (only
    /// returns or cancellations): in no cohort.
    pub without_orders: u64,
}

const NONE: u32 = u32::MAX;
const NO_VALUE: &str = "(none)";
const MAX_BITMAP_BYTES: usize = 64 << 20;

/// Distinct (customer, k) pairs: a bitmap of `words` u64 per customer when it
/// is small enough, else pairs sorted at the end.
struct Seen {
    words: usize,
    bits: Vec<u64>,
    pairs: Vec<u64>,
}

impl Seen {
    fn new(customers: usize, k: usize, force_pairs: bool) -> Self {
        let words = k.div_ceil(64);
        let bitmap = !force_pairs && customers.saturating_mul(words).saturating_mul(8) <= MAX_BITMAP_BYTES;
        Seen {
            words: if bitmap { words } else { 0 },
            bits: if bitmap { vec![0; customers * words] } else { Vec::new() },
            pairs: Vec::new(),
        }
    }

    #[inline]
    fn insert(&mut self, c: u32, k: u32) {
        if self.words > 0 {
            self.bits[c as usize * self.words + (k as usize >> 6)] |= 1u64 << (k & 63);
        } else {
            self.pairs.push((u64::from(c) << 32) | u64::from(k));
        }
    }

    /// Every distinct pair, customer by customer, k ascending.
    fn for_each(mut self, mut f: impl FnMut(usize, usize)) {
        if self.words > 0 {
            for (c, row) in self.bits.chunks_exact(self.words).enumerate() {
                for (j, &word) in row.iter().enumerate() {
                    let mut w = word;
                    while w != 0 {
                        f(c, j * 64 + w.trailing_zeros() as usize);
                        w &= w - 1;
                    }
                }
            }
        } else {
            self.pairs.sort_unstable();
            self.pairs.dedup();
            for p in self.pairs {
                f((p >> 32) as usize, (p & 0xffff_ffff) as usize);
            }
        }
    }
}

/// Cohort sizes and, per period k, active customers, orders, revenue,
/// unbounded retention, NRR and LTV; see README "Cohorts and lifecycle".
pub fn cohorts(ws: &mut Workspace, opts: &CohortOptions) -> Result<CohortReport> {
    compute(ws, opts, false)
}

pub(super) fn compute(ws: &mut Workspace, opts: &CohortOptions, force_pairs: bool) -> Result<CohortReport> {
    let labels_of_column = match &opts.by {
        CohortBy::Column(name) => Some(column_labels(ws, name, opts.as_of)?),
        _ => None,
    };
    let ws: &Workspace = ws;
    let n = ws.customer_keys().len();
    let as_of = opts.as_of;
    let lo = first_line_date(ws).unwrap_or(as_of).min(as_of);
    // Slots cover the data's first day to the day after the reference date
    // (that day's slot tells which periods are over).
    let table = PeriodTable::new(opts.period, lo, as_of + 1);
    let as_of_slot = table.slot(as_of);
    let done_slots = table.slot(as_of + 1); // slots below it are over

    // Pass 1: first order day and first line per customer.
    let mut first = vec![i32::MAX; n];
    let mut first_line = vec![(0u32, 0u32); n];
    let mut with_lines = vec![false; n];
    each_line(ws, as_of, |l| {
        let c = l.customer as usize;
        with_lines[c] = true;
        if !l.is_return && l.day < first[c] {
            first[c] = l.day;
            first_line[c] = (l.table, l.row);
        }
    });
    let first_slot: Vec<u32> = first
        .iter()
        .map(|&d| if d == i32::MAX { NONE } else { table.slot(d) })
        .collect();

    // Cohort of every customer with an order.
    let (labels, starts, cohort_of) = assign(ws, opts, &table, &first_slot, &first_line, labels_of_column)?;
    let n_cohorts = labels.len();
    let min_slot = first_slot
        .iter()
        .copied()
        .filter(|&s| s != NONE)
        .min()
        .unwrap_or(as_of_slot);
    let mut k_len = (as_of_slot - min_slot + 1) as usize;
    if let Some(m) = opts.max_periods {
        k_len = k_len.min(m as usize);
    }

    // Pass 2: revenue and orders per (cohort, k); customer bits per k.
    let cells = n_cohorts * k_len;
    let mut revenue = vec![0.0f64; cells];
    let mut orders = vec![0u64; cells];
    let mut owner = vec![NONE; ws.order_keys().len()];
    let mut seen = Seen::new(n, k_len, force_pairs);
    each_line(ws, as_of, |l| {
        let c = l.customer as usize;
        let coh = cohort_of[c];
        if coh == NONE {
            return;
        }
        let k = table.slot(l.day).wrapping_sub(first_slot[c]);
        // A return before the first order (k < 0 wraps) belongs to no period.
        if k as usize >= k_len {
            return;
        }
        let cell = coh as usize * k_len + k as usize;
        revenue[cell] += l.amount;
        if l.is_return {
            return;
        }
        seen.insert(l.customer, k);
        let fresh = match l.order {
            Some(o) if owner[o as usize] == l.customer => false,
            Some(o) => {
                owner[o as usize] = l.customer;
                true
            }
            None => true,
        };
        orders[cell] += fresh as u64;
    });

    // Distinct customers per cell, the last active k per customer, and the
    // same counts restricted to periods that are over.
    let mut active = vec![0u64; cells];
    let mut last_k = vec![0u32; n];
    let mut all_active = vec![0u64; k_len];
    let done_of = |c: usize| (done_slots - first_slot[c]) as usize; // periods over for c
    seen.for_each(|c, k| {
        active[cohort_of[c] as usize * k_len + k] += 1;
        last_k[c] = k as u32;
        if k < done_of(c) {
            all_active[k] += 1;
        }
    });
    // Difference arrays: a customer adds 1 to every k up to a bound.
    let mut size = vec![0u64; n_cohorts];
    let mut cohort_min_slot = vec![u32::MAX; n_cohorts];
    let mut later = vec![0i64; cells + 1];
    let mut eligible = vec![0i64; cells + 1];
    let mut all_eligible = vec![0i64; k_len + 1];
    let mut all_later = vec![0i64; k_len + 1];
    for c in 0..n {
        let coh = cohort_of[c];
        if coh == NONE {
            continue;
        }
        let coh = coh as usize;
        size[coh] += 1;
        cohort_min_slot[coh] = cohort_min_slot[coh].min(first_slot[c]);
        let base = coh * k_len;
        let upto_later = (last_k[c] as usize + 1).min(k_len);
        later[base] += 1;
        later[base + upto_later] -= 1;
        let done = done_of(c).min(k_len);
        eligible[base] += 1;
        eligible[base + done] -= 1;
        all_eligible[0] += 1;
        all_eligible[done] -= 1;
        let both = upto_later.min(done);
        all_later[0] += 1;
        all_later[both] -= 1;
    }
    let running = |v: &[i64]| -> Vec<u64> {
        let mut acc = 0i64;
        v.iter()
            .map(|&d| {
                acc += d;
                acc.max(0) as u64
            })
            .collect()
    };
    let (later, eligible) = (running(&later), running(&eligible));
    let ratio = |a: f64, b: f64| (b > 0.0).then(|| a / b);

    let mut out = Vec::with_capacity(n_cohorts);
    for coh in 0..n_cohorts {
        if size[coh] == 0 {
            continue;
        }
        let len = ((as_of_slot - cohort_min_slot[coh] + 1) as usize).min(k_len);
        let at = |v: &[u64]| v[coh * k_len..coh * k_len + len].to_vec();
        let revenue: Vec<f64> = revenue[coh * k_len..coh * k_len + len].to_vec();
        let (active, orders, eligible) = (at(&active), at(&orders), at(&eligible));
        // Running sums of the difference array: restart at the cohort's first cell.
        let later: Vec<u64> = at(&later);
        let nrr: Vec<Option<f64>> = revenue.iter().map(|&r| ratio(r, revenue[0])).collect();
        let retention = match opts.measure {
            Measure::Customers => active.iter().map(|&a| ratio(a as f64, size[coh] as f64)).collect(),
            Measure::Orders => orders.iter().map(|&o| ratio(o as f64, orders[0] as f64)).collect(),
            Measure::Revenue => nrr.clone(),
        };
        let mut cum = 0.0;
        let ltv = revenue
            .iter()
            .map(|&r| {
                cum += r;
                cum / size[coh] as f64
            })
            .collect();
        out.push(Cohort {
            cohort: labels[coh].clone(),
            start: starts.get(coh).copied().flatten().map(date_label),
            size: size[coh],
            incomplete: eligible.iter().map(|&e| e < size[coh]).collect(),
            active,
            orders,
            revenue,
            returned_or_later: later,
            eligible,
            retention,
            nrr,
            ltv,
        });
    }
    if !matches!(opts.by, CohortBy::FirstOrder) {
        // Largest first; equal sizes by label; customers without a value last.
        out.sort_by(|a, b| {
            (a.cohort == NO_VALUE)
                .cmp(&(b.cohort == NO_VALUE))
                .then(b.size.cmp(&a.size))
                .then(a.cohort.cmp(&b.cohort))
        });
    }
    let all_eligible = running(&all_eligible[..k_len]);
    let all_later = running(&all_later[..k_len]);
    let all = CohortTotals {
        size: size.iter().sum(),
        retention: all_active
            .iter()
            .zip(&all_eligible)
            .map(|(&a, &e)| ratio(a as f64, e as f64))
            .collect(),
        unbounded_retention: all_later
            .iter()
            .zip(&all_eligible)
            .map(|(&a, &e)| ratio(a as f64, e as f64))
            .collect(),
        eligible: all_eligible,
        active: all_active,
        returned_or_later: all_later,
    };
    Ok(CohortReport {
        period: opts.period,
        by: opts.by.name().to_string(),
        as_of: date_label(as_of),
        measure: opts.measure,
        cohorts: out,
        all,
        without_orders: (0..n).filter(|&c| with_lines[c] && first[c] == i32::MAX).count() as u64,
    })
}

/// Cohort labels, their first days (acquisition cohorts) and each customer's cohort.
type Assignment = (Vec<String>, Vec<Option<i32>>, Vec<u32>);

fn assign(
    ws: &Workspace,
    opts: &CohortOptions,
    table: &PeriodTable,
    first_slot: &[u32],
    first_line: &[(u32, u32)],
    column: Option<Vec<Option<String>>>,
) -> Result<Assignment> {
    let n = first_slot.len();
    if opts.by == CohortBy::FirstOrder {
        let slots = first_slot
            .iter()
            .copied()
            .filter(|&s| s != NONE)
            .max()
            .map_or(0, |m| m as usize + 1);
        let labels = (0..slots as u32).map(|s| table.label(s)).collect();
        let starts = (0..slots as u32).map(|s| Some(table.start(s))).collect();
        return Ok((labels, starts, first_slot.to_vec()));
    }
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut labels: Vec<String> = Vec::new();
    let mut intern = |label: Option<&str>| -> u32 {
        let label = label.map(str::trim).filter(|s| !s.is_empty()).unwrap_or(NO_VALUE);
        if let Some(&i) = ids.get(label) {
            return i;
        }
        labels.push(label.to_string());
        ids.insert(label.to_string(), labels.len() as u32 - 1);
        labels.len() as u32 - 1
    };
    let mut cohort_of = vec![NONE; n];
    match &opts.by {
        CohortBy::FirstProduct | CohortBy::FirstCategory => {
            let field = if opts.by == CohortBy::FirstProduct {
                "product_id"
            } else {
                "category"
            };
            let tables: Vec<_> = ws.tables(Entity::Orders).collect();
            if !tables.iter().any(|t| t.field(field).is_some()) {
                return Err(Error::MissingData(format!(
                    "cohorts by {} need a '{field}' column in the orders",
                    opts.by.name()
                )));
            }
            for c in 0..n {
                if first_slot[c] == NONE {
                    continue;
                }
                let (t, row) = first_line[c];
                let label = tables
                    .get(t as usize)
                    .and_then(|t| text_at(t.field(field), row as usize));
                cohort_of[c] = intern(label);
            }
        }
        CohortBy::FirstCampaign => {
            let campaign = first_conversions(ws, opts.as_of)?;
            for c in 0..n {
                if first_slot[c] != NONE {
                    cohort_of[c] = intern(campaign[c].as_deref());
                }
            }
        }
        CohortBy::Column(_) => {
            let values = column.unwrap_or_default();
            for c in 0..n {
                if first_slot[c] != NONE {
                    cohort_of[c] = intern(values.get(c).and_then(|v| v.as_deref()));
                }
            }
        }
        CohortBy::FirstOrder => {}
    }
    let starts = vec![None; labels.len()];
    Ok((labels, starts, cohort_of))
}

/// Per customer, the campaign of their earliest `converted` event on or before
/// the reference date (events without a time come after timed ones, in file order).
fn first_conversions(ws: &Workspace, as_of: i32) -> Result<Vec<Option<String>>> {
    let n = ws.customer_keys().len();
    let mut best: Vec<(i64, Option<String>)> = vec![(i64::MAX, None); n];
    let mut any = false;
    let end_ms = (i64::from(as_of) + 1) * 86_400_000;
    for t in ws.tables(Entity::CampaignEvents) {
        let (Some(Column::CustomerKey(k)), Some(Column::Text(ev)), Some(camp)) =
            (t.field("customer_id"), t.field("event"), t.field("campaign_id"))
        else {
            continue;
        };
        any = true;
        let when = t.field("timestamp");
        for i in 0..t.rows {
            if !ev.is_valid(i) || !k.is_valid(i) || !ev.value(i).trim().eq_ignore_ascii_case("converted") {
                continue;
            }
            let ms = match when {
                Some(Column::Timestamp(ts)) if ts.is_valid(i) => ts.value(i),
                Some(Column::Date(d)) if d.is_valid(i) => i64::from(d.value(i)) * 86_400_000,
                _ => i64::MAX - 1,
            };
            if ms != i64::MAX - 1 && ms >= end_ms {
                continue;
            }
            let c = k.value(i) as usize;
            if c < n && ms < best[c].0 {
                best[c] = (ms, text_at(Some(camp), i).map(str::to_string));
            }
        }
    }
    if !any {
        return Err(Error::MissingData(
            "cohorts by first_campaign need campaign events: load a campaign_events file first".into(),
        ));
    }
    Ok(best.into_iter().map(|(_, c)| c).collect())
}

/// The values of a text or category column of the customer table, per customer.
fn column_labels(ws: &mut Workspace, name: &str, as_of: i32) -> Result<Vec<Option<String>>> {
    let table = ws.customers(&CustomerParams::default(), as_of)?;
    let Some(feature) = table.get(name) else {
        return Err(Error::option(
            "by",
            name,
            format!(
                "expected first_order, first_product, first_category, first_campaign or a customer column; {}",
                table.suggest(name)
            ),
        ));
    };
    match &feature.values {
        Values::Text(s) => Ok(s.iter().map(|v| v.map(str::to_string)).collect()),
        Values::Category(d) => Ok(category_labels(d)),
        other => Err(Error::option(
            "by",
            name,
            format!("a {} column; cohorts group by a text or category column", other.kind()),
        )),
    }
}

fn category_labels(d: &DictionaryArray<UInt32Type>) -> Vec<Option<String>> {
    let values = d.values();
    let text = values.as_any().downcast_ref::<arrow_array::StringArray>();
    (0..d.len())
        .map(|i| {
            let key = d.key(i)?;
            let t = text?;
            (key < t.len() && t.is_valid(key)).then(|| t.value(key).to_string())
        })
        .collect()
}
