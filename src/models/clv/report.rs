//! The small summaries of a fit the page draws: P(alive) over frequency ×
//! recency, the CLV distribution and the most valuable customers.

use serde::Serialize;

use super::bgnbd::{BgFit, History};
use super::fit::CustomerScore;
use super::summary::Summary;

/// P(alive) of a customer as old as the oldest (T = max age) for each
/// frequency (rows) and recency (columns); cells with recency > T do not occur.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AliveMatrix {
    pub frequencies: Vec<u32>,
    pub recencies: Vec<f64>,
    pub age: f64,
    pub p_alive: Vec<Vec<f64>>,
}

/// One bar of the CLV histogram: customers with lo ≤ CLV < hi (the last bar includes hi).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistogramBin {
    pub lo: f64,
    pub hi: f64,
    pub customers: usize,
}

/// One of the most valuable customers.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TopCustomer {
    #[serde(skip)]
    pub key: u32,
    pub customer_id: String,
    pub clv: f64,
    pub p_alive: f64,
    pub expected_purchases: f64,
    pub frequency: u32,
    pub monetary: f64,
}

const GRID: usize = 20;

pub(crate) fn alive_matrix(bg: &BgFit, summary: &Summary) -> AliveMatrix {
    let age = summary.customers.iter().map(|c| c.age).fold(0.0_f64, f64::max);
    let max_f = summary
        .customers
        .iter()
        .map(|c| c.frequency)
        .max()
        .unwrap_or(0)
        .min(GRID as u32 * 2);
    let frequencies: Vec<u32> = (0..=max_f).collect();
    let recencies: Vec<f64> = (0..=GRID).map(|j| age * j as f64 / GRID as f64).collect();
    let p_alive = frequencies
        .iter()
        .map(|&f| {
            recencies
                .iter()
                .map(|&t_x| {
                    bg.p_alive(History {
                        x: f64::from(f),
                        t_x: if f == 0 { 0.0 } else { t_x },
                        t: age,
                    })
                })
                .collect()
        })
        .collect();
    AliveMatrix {
        frequencies,
        recencies,
        age,
        p_alive,
    }
}

/// Twenty equal bars from 0 (or the lowest CLV) to the 99th percentile, and
/// one bar for the top 1 %.
pub(crate) fn clv_histogram(scores: &[CustomerScore]) -> Vec<HistogramBin> {
    let mut v: Vec<f64> = scores.iter().filter_map(|s| s.clv).filter(|c| c.is_finite()).collect();
    if v.is_empty() {
        return Vec::new();
    }
    // The 99th percentile by selection (a million customers need no full sort).
    let rank = ((v.len() - 1) as f64 * 0.99).round() as usize;
    let p99 = *v.select_nth_unstable_by(rank, f64::total_cmp).1;
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min).min(0.0);
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let top = if p99 > lo { p99 } else { max };
    if top <= lo {
        return vec![HistogramBin {
            lo,
            hi: max,
            customers: v.len(),
        }];
    }
    let width = (top - lo) / GRID as f64;
    let mut bins: Vec<HistogramBin> = (0..GRID)
        .map(|i| HistogramBin {
            lo: lo + width * i as f64,
            hi: lo + width * (i + 1) as f64,
            customers: 0,
        })
        .collect();
    if max > top {
        bins.push(HistogramBin {
            lo: top,
            hi: max,
            customers: 0,
        });
    }
    let last = bins.len() - 1;
    for c in v {
        let i = if c >= top && max > top {
            last
        } else {
            (((c - lo) / width) as usize).min(GRID - 1)
        };
        bins[i].customers += 1;
    }
    bins
}

pub(crate) fn top_customers(scores: &[CustomerScore], k: usize) -> Vec<TopCustomer> {
    let mut idx: Vec<usize> = (0..scores.len())
        .filter(|&i| scores[i].clv.is_some_and(f64::is_finite))
        .collect();
    let by_clv = |a: &usize, b: &usize| {
        let (x, y) = (scores[*a].clv.unwrap_or(0.0), scores[*b].clv.unwrap_or(0.0));
        y.total_cmp(&x).then(a.cmp(b))
    };
    if idx.len() > k && k > 0 {
        idx.select_nth_unstable_by(k - 1, by_clv);
    }
    idx.truncate(k);
    idx.sort_unstable_by(by_clv);
    idx.into_iter()
        .map(|i| {
            let s = &scores[i];
            TopCustomer {
                key: s.summary.customer,
                customer_id: String::new(),
                clv: s.clv.unwrap_or(0.0),
                p_alive: s.p_alive,
                expected_purchases: s.expected_purchases,
                frequency: s.summary.frequency,
                monetary: s.summary.monetary_value,
            }
        })
        .collect()
}
