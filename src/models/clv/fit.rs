//! The whole CLV analysis over a workspace: summary, sufficiency check,
//! BG/NBD (or modified BG/NBD), Gamma–Gamma, per-customer scores, holdout
//! validation and the customer-table columns.

use arrow_array::{Date32Array, Float64Array};
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::bgnbd::{self, first_step_reaching_one, AliveOdds, BgFit, BgParams, History, TransactionModel};
use super::distinct::DistinctHistories;
use super::gamma_gamma::{self, GgFit};
use super::params::ClvOptions;
use super::report::{alive_matrix, clv_histogram, top_customers, AliveMatrix, HistogramBin, TopCustomer};
use super::summary::{summarise, CustomerSummary, Summary, SummaryCounts, TimeUnit};
use crate::calendar::date_label;
use crate::stats::special::Hyp2f1;
use crate::table::customers::{CustomerParams, Feature, Values};
use crate::table::Workspace;
use crate::Result;

/// Days within which the expected next order is searched.
pub const NEXT_ORDER_CAP_DAYS: u32 = 730;

/// Frequency buckets of the holdout check: 0, 1, …, 6 and 7 or more.
pub const LAST_BUCKET: u32 = 7;

/// The transaction model's parameters and fit.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BgReport {
    /// `"bgnbd"` or `"mbgnbd"`.
    pub model: TransactionModel,
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
    /// Σ over customers, unpenalised, in the time unit.
    pub log_likelihood: f64,
    /// Standard errors (null when the information matrix is singular).
    pub se: Option<BgParams>,
    pub converged: bool,
    pub iterations: usize,
}

/// The spend model's parameters.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GgReport {
    pub p: f64,
    pub q: f64,
    pub v: f64,
    /// Pearson r of frequency and mean spend over the repeat customers it was fitted on.
    pub correlation: Option<f64>,
    pub customers: usize,
    pub converged: bool,
}

/// Repeat purchases in the holdout of the customers of one calibration frequency.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HoldoutBucket {
    /// Calibration repeat purchases; the last bucket (7) holds 7 or more.
    pub frequency: u32,
    pub customers: usize,
    pub actual: f64,
    pub predicted: f64,
}

/// Predicted (conditional on each history) against actual repeat purchases in the holdout.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HoldoutReport {
    /// Holdout length in the time unit.
    pub duration: f64,
    pub actual: f64,
    pub predicted: f64,
    pub buckets: Vec<HoldoutBucket>,
}

/// The result of [`fit_clv`] a caller sees.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClvReport {
    pub bgnbd: BgReport,
    pub gamma_gamma: Option<GgReport>,
    /// Plain-words warnings: data sufficiency, left-out spend, correlation, convergence.
    pub warnings: Vec<String>,
    pub holdout: Option<HoldoutReport>,
    pub alive_matrix: AliveMatrix,
    pub clv_histogram: Vec<HistogramBin>,
    pub top_customers: Vec<TopCustomer>,
    /// Customer-table columns added.
    pub columns: Vec<String>,
    pub calibration_end: String,
    pub holdout_end: Option<String>,
    pub time_unit: TimeUnit,
    pub horizon_months: u32,
    pub discount_rate: f64,
    /// Customers scored (a purchase by the calibration end).
    pub customers: usize,
    pub counts: SummaryCounts,
}

/// One scored customer.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerScore {
    pub summary: CustomerSummary,
    pub p_alive: f64,
    /// Expected repeat purchases over the CLV horizon.
    pub expected_purchases: f64,
    pub expected_purchases_90d: f64,
    /// Expected purchases over the holdout (with a holdout).
    pub expected_holdout: Option<f64>,
    /// E[mean spend] from Gamma–Gamma.
    pub expected_spend: Option<f64>,
    pub clv: Option<f64>,
    /// Days after the calibration end at which expected purchases reach 1.
    pub next_order_in_days: Option<u32>,
}

/// A fit: the report and every scored customer.
#[derive(Debug, Clone)]
pub struct ClvFit {
    pub report: ClvReport,
    pub scores: Vec<CustomerScore>,
    pub transactions: BgFit,
    pub spend: Option<GgFit>,
}

fn history(s: &CustomerSummary) -> History {
    History {
        x: f64::from(s.frequency),
        t_x: s.recency,
        t: s.age,
    }
}

/// Plain-words warnings about whether the data can carry the model.
pub fn sufficiency_warnings(summary: &Summary, unit: TimeUnit) -> Vec<String> {
    let mut w = Vec::new();
    let n = summary.customers.len();
    let max_age = summary.customers.iter().map(|c| c.age).fold(0.0_f64, f64::max);
    let days = max_age * unit.days();
    if days < 180.0 {
        w.push(format!(
            "The history is {:.0} {} long (under six months): BG/NBD needs several purchase cycles per customer; treat the figures as rough.",
            max_age,
            if unit == TimeUnit::Week { "weeks" } else { "days" }
        ));
    }
    if n < 200 {
        w.push(format!(
            "Only {n} customers bought in the calibration period: estimates will be loose."
        ));
    }
    let repeat = summary.counts.repeat_customers;
    if repeat < 50 {
        w.push(format!(
            "Only {repeat} customers bought more than once: dropout and spend are estimated from few repeat buyers."
        ));
    }
    if n > 0 {
        let one_time = 1.0 - repeat as f64 / n as f64;
        if one_time > 0.9 {
            w.push(format!(
                "{:.0} % of the customers bought only once: the model mostly extrapolates.",
                100.0 * one_time
            ));
        }
    }
    let c = &summary.counts;
    if c.return_lines > 0 {
        w.push(format!(
            "{} return lines were not counted as purchases and not included in spend.",
            c.return_lines
        ));
    }
    if c.nonpositive_purchase_days > 0 {
        w.push(format!(
            "{} purchase days had a value of 0 or less: counted as purchases, left out of spend where the mean is not positive.",
            c.nonpositive_purchase_days
        ));
    }
    if c.nonpositive_monetary_customers > 0 {
        w.push(format!(
            "{} repeat customers with a mean spend of 0 or less were left out of the spend model (their CLV uses the average customer's spend).",
            c.nonpositive_monetary_customers
        ));
    }
    w
}

/// Fits the models over the workspace's orders, scores every customer who
/// bought by the calibration end and adds `p_alive`, `expected_purchases_90d`,
/// `clv_<horizon>m` and `expected_next_order` to the customer table.
pub fn fit_clv(ws: &mut Workspace, opts: &ClvOptions, today: i32) -> Result<ClvFit> {
    let summary = summarise(ws, opts.calibration_end, opts.holdout_end, opts.unit);
    let mut fit = fit_summary(summary, opts)?;
    let names: Vec<String> = fit.report.columns.clone();
    let keys = ws.customer_keys();
    for t in fit.report.top_customers.iter_mut() {
        if (t.key as usize) < keys.len() {
            t.customer_id = keys.value(t.key).to_string();
        }
    }
    let table = ws.customers(&CustomerParams::default(), today)?;
    let rows = table.len();
    let mut p_alive = vec![None; rows];
    let mut e90 = vec![None; rows];
    let mut clv = vec![None; rows];
    let mut next = vec![None; rows];
    for s in &fit.scores {
        let i = s.summary.customer as usize;
        if i < rows {
            p_alive[i] = Some(s.p_alive);
            e90[i] = Some(s.expected_purchases_90d);
            clv[i] = s.clv;
            next[i] = s.next_order_in_days.map(|d| opts.calibration_end + d as i32);
        }
    }
    let about = [
        "Probability the customer is still active (BG/NBD) at the calibration end",
        "Expected repeat purchases in the 90 days after the calibration end",
        "Customer lifetime value over the horizon: discounted expected purchases × expected spend",
        "First day at which the expected purchases since the calibration end reach one (null: not within two years)",
    ];
    table.add(Feature::new(
        &names[0],
        about[0],
        Values::Number(Float64Array::from(p_alive)),
    ))?;
    table.add(Feature::new(
        &names[1],
        about[1],
        Values::Number(Float64Array::from(e90)),
    ))?;
    table.add(Feature::new(
        &names[2],
        about[2],
        Values::Number(Float64Array::from(clv)),
    ))?;
    table.add(Feature::new(&names[3], about[3], Values::Date(Date32Array::from(next))))?;
    Ok(fit)
}

/// [`fit_clv`] without the workspace: fits and scores a summary.
pub fn fit_summary(summary: Summary, opts: &ClvOptions) -> Result<ClvFit> {
    let mut warnings = sufficiency_warnings(&summary, opts.unit);
    let histories: Vec<History> = summary.customers.iter().map(history).collect();
    let distinct = DistinctHistories::new(&histories);
    drop(histories);
    let bg = bgnbd::fit_distinct(opts.model, &distinct, opts.penalizer)?;
    if !bg.converged {
        warnings.push(format!(
            "The {} likelihood did not fully converge after {} iterations: check the figures.",
            opts.model.name(),
            bg.iterations
        ));
    }
    if bg.se.is_none() {
        warnings.push("Standard errors are not available: the likelihood is flat in some direction.".into());
    }
    let spend_data: Vec<(f64, f64)> = summary
        .customers
        .iter()
        .filter(|c| c.frequency > 0)
        .map(|c| (f64::from(c.frequency), c.monetary_value))
        .collect();
    let gg = match gamma_gamma::fit(&spend_data, opts.penalizer) {
        Ok(g) => {
            if let Some(r) = g.correlation.filter(|r| r.abs() > 0.3) {
                warnings.push(format!(
                    "Frequency and spend are correlated (r = {r:.2}): Gamma–Gamma assumes they are independent, so CLV is biased."
                ));
            }
            if g.params.q <= 1.0 {
                warnings.push("Gamma–Gamma's q ≤ 1: the expected spend is infinite, CLV is not computed.".into());
            }
            Some(g)
        }
        Err(e) => {
            warnings.push(format!("{e}; CLV is not computed."));
            None
        }
    };
    let unit_days = opts.unit.days();
    let horizon = f64::from(opts.horizon_months) * opts.unit.per_month();
    let holdout_duration = opts
        .holdout_end
        .map(|h| f64::from(h - opts.calibration_end) / unit_days);
    let scores = score_all(
        &bg,
        gg.as_ref(),
        &summary.customers,
        &distinct,
        opts,
        horizon,
        holdout_duration,
    );
    let holdout = holdout_duration.map(|duration| holdout_report(&scores, duration));
    let report = ClvReport {
        bgnbd: BgReport {
            model: opts.model,
            r: bg.params.r,
            alpha: bg.params.alpha,
            a: bg.params.a,
            b: bg.params.b,
            log_likelihood: bg.log_likelihood,
            se: bg.se,
            converged: bg.converged,
            iterations: bg.iterations,
        },
        gamma_gamma: gg.as_ref().map(|g| GgReport {
            p: g.params.p,
            q: g.params.q,
            v: g.params.v,
            correlation: g.correlation,
            customers: g.customers,
            converged: g.converged,
        }),
        warnings,
        holdout,
        alive_matrix: alive_matrix(&bg, &summary),
        clv_histogram: clv_histogram(&scores),
        top_customers: top_customers(&scores, 20),
        columns: vec![
            "p_alive".into(),
            "expected_purchases_90d".into(),
            format!("clv_{}m", opts.horizon_months),
            "expected_next_order".into(),
        ],
        calibration_end: date_label(opts.calibration_end),
        holdout_end: opts.holdout_end.map(date_label),
        time_unit: opts.unit,
        horizon_months: opts.horizon_months,
        discount_rate: opts.discount_rate,
        customers: scores.len(),
        counts: summary.counts,
    };
    Ok(ClvFit {
        report,
        scores,
        transactions: bg,
        spend: gg,
    })
}

/// lifetimes' `customer_lifetime_value`: Σ over months i of the expected
/// purchases in month i × expected spend / (1 + rate)^i, a month being 30 days
/// or 4.345 weeks.
pub fn discounted_value(bg: &BgFit, h: History, spend: f64, months: u32, rate: f64, per_month: f64) -> f64 {
    let factors: Vec<f64> = (1..=months)
        .map(|i| bg.purchases_if_alive(h.x, h.t, f64::from(i) * per_month))
        .collect();
    spend * bg.p_alive(h) * discounted_purchases(&factors, &discounts(months, rate))
}

/// (1 + rate)^i for the months i = 1, 2, …
fn discounts(months: u32, rate: f64) -> Vec<f64> {
    (1..=months).map(|i| (1.0 + rate).powi(i as i32)).collect()
}

/// Σ over months of the purchases-if-alive in the month, discounted, from
/// the cumulative purchases-if-alive at each month end: CLV is this × P(alive) × spend.
fn discounted_purchases(factors: &[f64], discounts: &[f64]) -> f64 {
    let mut total = 0.0;
    let mut before = 0.0;
    for (f, d) in factors.iter().zip(discounts) {
        total += (f - before) / d;
        before = *f;
    }
    total
}

/// What the customers sharing a frequency and an age share: their dropout
/// odds, and purchases-if-alive over the horizon (discounted by month, for
/// CLV), at the horizon, at 90 days, over the holdout and at the next-order cap.
struct GroupTerms {
    frequency: u32,
    age: f64,
    odds: AliveOdds,
    discounted: f64,
    at_horizon: f64,
    at_90d: f64,
    at_holdout: Option<f64>,
    at_cap: f64,
}

/// Scores every customer. The expected purchases factor into P(alive), which
/// needs the customer's recency, and a part that depends only on frequency
/// and age ([`BgFit::purchases_if_alive`], a hypergeometric series): that part
/// is computed once per group of customers sharing both — with orders dated
/// in days, some ten thousand groups for a million customers — from one
/// series per frequency. P(alive) and the next-order day are computed once
/// per distinct history; the day is searched, group by group, only for the
/// histories whose expected purchases reach 1 by the cap.
fn score_all(
    bg: &BgFit,
    gg: Option<&GgFit>,
    customers: &[CustomerSummary],
    distinct: &DistinctHistories,
    opts: &ClvOptions,
    horizon: f64,
    holdout: Option<f64>,
) -> Vec<CustomerScore> {
    let unit_days = opts.unit.days();
    let per_month = opts.unit.per_month();
    let cap_time = f64::from(NEXT_ORDER_CAP_DAYS) / unit_days;
    let discounts = discounts(opts.horizon_months, opts.discount_rate);
    let mut series: FxHashMap<u32, Hyp2f1> = FxHashMap::default();
    let terms: Vec<GroupTerms> = (0..distinct.groups())
        .map(|g| {
            let first = distinct.group(g).1[0];
            let x = distinct.xs[first.x as usize];
            let (frequency, age) = (x as u32, distinct.times[first.t as usize]);
            let series = series.entry(frequency).or_insert_with(|| bg.series(x));
            let mut if_alive = |t: f64| bg.purchases_if_alive_with(series, x, age, t);
            let months: Vec<f64> = (1..=opts.horizon_months)
                .map(|m| if_alive(f64::from(m) * per_month))
                .collect();
            GroupTerms {
                frequency,
                age,
                odds: bg.alive_odds(x, age),
                discounted: discounted_purchases(&months, &discounts),
                at_horizon: if_alive(horizon),
                at_90d: if_alive(90.0 / unit_days),
                at_holdout: holdout.map(&mut if_alive),
                at_cap: if_alive(cap_time),
            }
        })
        .collect();
    let p_alive: Vec<f64> = terms
        .iter()
        .enumerate()
        .flat_map(|(g, t)| {
            let rows = distinct.group(g).1;
            rows.iter().map(|r| t.odds.p_alive(distinct.times[r.t_x as usize]))
        })
        .collect();
    let next_order = next_orders(bg, &terms, distinct, &p_alive, &mut series, unit_days);
    let group_of: Vec<u32> = (0..distinct.groups())
        .flat_map(|g| std::iter::repeat_n(g as u32, distinct.group(g).1.len()))
        .collect();
    customers
        .iter()
        .zip(&distinct.row_of)
        .map(|(c, &row)| {
            let row = row as usize;
            let t = &terms[group_of[row] as usize];
            let p = p_alive[row];
            let expected_spend = gg.and_then(|g| g.expected_spend(f64::from(c.frequency), c.monetary_value));
            CustomerScore {
                summary: c.clone(),
                p_alive: p,
                expected_purchases: t.at_horizon * p,
                expected_purchases_90d: t.at_90d * p,
                expected_holdout: t.at_holdout.map(|f| f * p),
                expected_spend,
                clv: expected_spend.map(|m| m * p * t.discounted),
                next_order_in_days: next_order[row],
            }
        })
        .collect()
}

/// The next-order day of each distinct history (row): the first day whose
/// expected purchases reach 1, searched only for the rows that reach 1 by the
/// cap, group by group, each day's purchases-if-alive computed once per group.
fn next_orders(
    bg: &BgFit,
    terms: &[GroupTerms],
    distinct: &DistinctHistories,
    p_alive: &[f64],
    series: &mut FxHashMap<u32, Hyp2f1>,
    unit_days: f64,
) -> Vec<Option<u32>> {
    let mut next = vec![None; p_alive.len()];
    // Purchases-if-alive by day, filled lazily per group.
    let mut by_day = vec![f64::NAN; NEXT_ORDER_CAP_DAYS as usize + 1];
    let mut filled: Vec<usize> = Vec::new();
    for (g, t) in terms.iter().enumerate() {
        let (rows, _) = distinct.group(g);
        let x = f64::from(t.frequency);
        let series = series.entry(t.frequency).or_insert_with(|| bg.series(x));
        by_day[NEXT_ORDER_CAP_DAYS as usize] = t.at_cap;
        filled.push(NEXT_ORDER_CAP_DAYS as usize);
        for row in rows {
            let p = p_alive[row];
            if t.at_cap * p < 1.0 {
                continue;
            }
            next[row] = first_step_reaching_one(
                |day| {
                    let slot = &mut by_day[day as usize];
                    if slot.is_nan() {
                        *slot = bg.purchases_if_alive_with(series, x, t.age, f64::from(day) / unit_days);
                        filled.push(day as usize);
                    }
                    *slot * p
                },
                NEXT_ORDER_CAP_DAYS,
            );
        }
        for day in filled.drain(..) {
            by_day[day] = f64::NAN;
        }
    }
    next
}

fn holdout_report(scores: &[CustomerScore], duration: f64) -> HoldoutReport {
    let mut buckets: Vec<HoldoutBucket> = (0..=LAST_BUCKET)
        .map(|f| HoldoutBucket {
            frequency: f,
            customers: 0,
            actual: 0.0,
            predicted: 0.0,
        })
        .collect();
    for s in scores {
        let b = &mut buckets[s.summary.frequency.min(LAST_BUCKET) as usize];
        b.customers += 1;
        b.actual += f64::from(s.summary.holdout_purchases);
        b.predicted += s.expected_holdout.unwrap_or(0.0);
    }
    HoldoutReport {
        duration,
        actual: buckets.iter().map(|b| b.actual).sum(),
        predicted: buckets.iter().map(|b| b.predicted).sum(),
        buckets,
    }
}
