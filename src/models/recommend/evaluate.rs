//! Evaluation on a time-based holdout: fit on the lines before the split date,
//! recommend k products per customer, and count hits among the products each
//! customer bought on or after it for the first time.

use serde::Serialize;

use super::baskets::Baskets;
use super::model::Recommender;
use super::params::RecommendOptions;
use crate::calendar::date_label;
use crate::cohort::first_line_date;
use crate::table::customers::{last_order_date, CustomerTable};
use crate::table::Workspace;
use crate::{Error, Result};

/// Hit-rate and recall of one recommender over a group of customers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HitStats {
    /// Share of the customers with at least one recommended product among their new purchases.
    pub hit_rate: f64,
    /// Mean over customers of (new purchases recommended) / (new purchases, at most k).
    pub recall: f64,
    pub customers: usize,
}

/// The model against the popularity baseline over one group of customers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Comparison {
    pub model: HitStats,
    pub popularity: HitStats,
}

/// The result of [`evaluate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    pub k: usize,
    /// First day of the holdout (YYYY-MM-DD); the model sees only earlier lines.
    pub split: String,
    /// Last day of the holdout (the last order date).
    pub until: String,
    pub model: HitStats,
    pub popularity: HitStats,
    /// Customers who bought before the split.
    pub with_history: Comparison,
    /// Customers whose first purchase is in the holdout (cold start).
    pub without_history: Comparison,
}

/// The default split: 90 days before the last order date (the holdout is the
/// last 90 days), or, when the orders span less than 450 days, the point 80 %
/// of the way through them.
pub fn default_split(first: i32, last: i32) -> i32 {
    if last - first >= 450 {
        last - 89
    } else {
        first + ((last - first) as f64 * 0.8).round() as i32
    }
}

#[derive(Default)]
struct Acc {
    hits: usize,
    recall: f64,
    n: usize,
}

impl Acc {
    fn add(&mut self, recommended: &[u32], wanted: &[u32], k: usize) {
        let got = recommended.iter().filter(|p| wanted.binary_search(p).is_ok()).count();
        self.hits += usize::from(got > 0);
        self.recall += got as f64 / wanted.len().min(k) as f64;
        self.n += 1;
    }
    fn stats(&self) -> HitStats {
        let d = self.n.max(1) as f64;
        HitStats {
            hit_rate: self.hits as f64 / d,
            recall: self.recall / d,
            customers: self.n,
        }
    }
}

/// Evaluates the recommender of `opts` (split: `opts.split` or [`default_split`])
/// against the popularity baseline, hit-rate@k and recall@k.
pub fn evaluate(ws: &Workspace, table: Option<&CustomerTable>, opts: &RecommendOptions) -> Result<Evaluation> {
    let (Some(first), Some(last)) = (first_line_date(ws), last_order_date(ws)) else {
        return Err(Error::MissingData(
            "the evaluation needs orders: load an orders file first".into(),
        ));
    };
    let split = opts.split.unwrap_or_else(|| default_split(first, last));
    if split <= first || split > last {
        return Err(Error::option(
            "split",
            date_label(split),
            format!(
                "expected a date after the first order ({}) and on or before the last ({})",
                date_label(first),
                date_label(last)
            ),
        ));
    }
    let train = Baskets::build(ws, None, split - 1)?;
    let test = Baskets::build(ws, Some(split), last)?;
    let model = Recommender::fit(train, table, opts);
    let k = opts.k;
    let (mut all, mut all_pop) = (Acc::default(), Acc::default());
    let mut groups: [(Acc, Acc); 2] = Default::default();
    for c in 0..test.customers().min(model.baskets.customers()) {
        let owned = model.baskets.of(c);
        let wanted: Vec<u32> = test
            .of(c)
            .iter()
            .copied()
            .filter(|p| owned.binary_search(p).is_err())
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let recs: Vec<u32> = model.top(c, k).into_iter().map(|r| r.0).collect();
        let pop = model.popular(c, k);
        let g = &mut groups[usize::from(owned.is_empty())];
        all.add(&recs, &wanted, k);
        g.0.add(&recs, &wanted, k);
        all_pop.add(&pop, &wanted, k);
        g.1.add(&pop, &wanted, k);
    }
    if all.n == 0 {
        return Err(Error::option(
            "split",
            date_label(split),
            "no customer bought a new product on or after it",
        ));
    }
    let cmp = |g: &(Acc, Acc)| Comparison {
        model: g.0.stats(),
        popularity: g.1.stats(),
    };
    Ok(Evaluation {
        k,
        split: date_label(split),
        until: date_label(last),
        model: all.stats(),
        popularity: all_pop.stats(),
        with_history: cmp(&groups[0]),
        without_history: cmp(&groups[1]),
    })
}
