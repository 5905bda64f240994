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
    // The best k so far by CLV (ties: the earlier customer first), kept
    // sorted; one pass, most customers rejected by one comparison.
    let mut best: Vec<(f64, usize)> = Vec::with_capacity(k + 1);
    for (i, s) in scores.iter().enumerate() {
        let Some(c) = s.clv.filter(|c| c.is_finite()) else {
            continue;
        };
        if k == 0 || (best.len() == k && c.total_cmp(&best[k - 1].0).is_le()) {
            continue;
        }
        let at = best.partition_point(|&(b, _)| b.total_cmp(&c).is_ge());
        best.insert(at, (c, i));
        best.truncate(k);
    }
    let idx = best.into_iter().map(|(_, i)| i);
    idx.map(|i| {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::clv::CustomerSummary;

    #[test]
    fn top_customers_are_the_highest_clv_first_ties_by_order() {
        let clvs: Vec<Option<f64>> = (0..500u32)
            .map(|i| match i % 7 {
                0 => None,
                1 => Some(f64::NAN),
                _ => Some(f64::from((i * 37) % 101)),
            })
            .collect();
        let scores: Vec<CustomerScore> = clvs
            .iter()
            .enumerate()
            .map(|(i, &clv)| CustomerScore {
                summary: CustomerSummary {
                    customer: i as u32,
                    frequency: 1,
                    recency: 1.0,
                    age: 2.0,
                    monetary_value: 1.0,
                    first: 0,
                    holdout_purchases: 0,
                },
                p_alive: 0.5,
                expected_purchases: 1.0,
                expected_purchases_90d: 0.5,
                expected_holdout: None,
                expected_spend: Some(1.0),
                clv,
                next_order_in_days: None,
            })
            .collect();
        let mut expected: Vec<(f64, u32)> = clvs
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.filter(|c| c.is_finite()).map(|c| (c, i as u32)))
            .collect();
        expected.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        for k in [0, 1, 20, 1000] {
            let top: Vec<(f64, u32)> = top_customers(&scores, k).iter().map(|t| (t.clv, t.key)).collect();
            assert_eq!(top, expected[..k.min(expected.len())].to_vec(), "k = {k}");
        }
    }
}
