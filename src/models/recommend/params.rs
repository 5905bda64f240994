//! Options of the recommendation analyses, checked once into plain structs.

use serde::Deserialize;

use super::neighbours::Metric;
use super::pairs::PairOrder;
use crate::ingest::parse_date;
use crate::{Error, Result};

/// Options of [`super::product_pairs`] as given (JS `{top, minCount, by, among, product}`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PairParams {
    /// At most this many pairs (default 20).
    pub top: Option<usize>,
    /// Pairs bought by fewer customers are left out (default 2).
    pub min_count: Option<u32>,
    /// "lift" (default), "count", "cosine" or "jaccard".
    pub by: Option<String>,
    /// Only pairs among the `among` products bought by the most customers.
    pub among: Option<usize>,
    /// Only pairs with this product.
    pub product: Option<String>,
}

/// Checked [`PairParams`].
#[derive(Debug, Clone, PartialEq)]
pub struct PairOptions {
    pub top: usize,
    pub min_count: u32,
    pub by: PairOrder,
    pub among: Option<usize>,
    pub product: Option<String>,
}

impl PairParams {
    /// Checks the options.
    pub fn check(&self) -> Result<PairOptions> {
        let by = match self.by.as_deref().map(|s| s.trim().to_ascii_lowercase()).as_deref() {
            None | Some("lift") => PairOrder::Lift,
            Some("count") => PairOrder::Count,
            Some("cosine") => PairOrder::Cosine,
            Some("jaccard") => PairOrder::Jaccard,
            Some(other) => return Err(Error::option("by", other, "expected lift, count, cosine or jaccard")),
        };
        if self.among == Some(0) {
            return Err(Error::option("among", 0, "expected at least 1 product"));
        }
        Ok(PairOptions {
            top: positive(self.top, 20, "top")?,
            min_count: self.min_count.unwrap_or(2).max(1),
            by,
            among: self.among,
            product: self.product.clone(),
        })
    }
}

/// Options of [`super::association_rules`] (JS `{minSupport, minConfidence, minLift, top, by}`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleParams {
    /// Share of buyers who bought both (default 0.01).
    pub min_support: Option<f64>,
    /// Share of A's buyers who bought B (default 0.1).
    pub min_confidence: Option<f64>,
    /// Default 1 (rules at least as likely as chance).
    pub min_lift: Option<f64>,
    /// At most this many rules (default 50).
    pub top: Option<usize>,
    /// "lift" (default) or "confidence".
    pub by: Option<String>,
}

/// Checked [`RuleParams`].
#[derive(Debug, Clone, PartialEq)]
pub struct RuleOptions {
    pub min_support: f64,
    pub min_confidence: f64,
    pub min_lift: f64,
    pub top: usize,
    pub by_confidence: bool,
}

impl RuleParams {
    /// Checks the options.
    pub fn check(&self) -> Result<RuleOptions> {
        let share = |v: Option<f64>, default: f64, field: &str| -> Result<f64> {
            let v = v.unwrap_or(default);
            if (0.0..=1.0).contains(&v) {
                Ok(v)
            } else {
                Err(Error::option(field, v, "expected a share between 0 and 1"))
            }
        };
        let min_lift = self.min_lift.unwrap_or(1.0);
        if !min_lift.is_finite() || min_lift < 0.0 {
            return Err(Error::option("minLift", min_lift, "expected a number ≥ 0"));
        }
        let by_confidence = match self.by.as_deref().map(|s| s.trim().to_ascii_lowercase()).as_deref() {
            None | Some("lift") => false,
            Some("confidence") => true,
            Some(other) => return Err(Error::option("by", other, "expected lift or confidence")),
        };
        Ok(RuleOptions {
            min_support: share(self.min_support, 0.01, "minSupport")?,
            min_confidence: share(self.min_confidence, 0.1, "minConfidence")?,
            min_lift,
            top: positive(self.top, 50, "top")?,
            by_confidence,
        })
    }
}

/// Options of the recommender (JS `{k, minHistory, neighbours, metric}`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecommendParams {
    /// Products per customer (default 10).
    pub k: Option<usize>,
    /// Customers with fewer distinct products than this are scored on neighbours and popularity, half and half (default 1).
    pub min_history: Option<usize>,
    /// Neighbours per customer (default 100).
    pub neighbours: Option<usize>,
    /// "cosine" (default) or "euclidean".
    pub metric: Option<String>,
    /// Evaluation: the first day of the holdout period, YYYY-MM-DD.
    pub split: Option<String>,
}

/// Checked [`RecommendParams`].
#[derive(Debug, Clone, PartialEq)]
pub struct RecommendOptions {
    pub k: usize,
    pub min_history: usize,
    pub neighbours: usize,
    pub metric: Metric,
    pub split: Option<i32>,
}

impl Default for RecommendOptions {
    fn default() -> Self {
        RecommendOptions {
            k: 10,
            min_history: 1,
            neighbours: 100,
            metric: Metric::Cosine,
            split: None,
        }
    }
}

impl RecommendParams {
    /// Checks the options.
    pub fn check(&self) -> Result<RecommendOptions> {
        let d = RecommendOptions::default();
        let metric = match self.metric.as_deref().map(|s| s.trim().to_ascii_lowercase()).as_deref() {
            None | Some("cosine") => Metric::Cosine,
            Some("euclidean") => Metric::Euclidean,
            Some(other) => return Err(Error::option("metric", other, "expected cosine or euclidean")),
        };
        let split = match &self.split {
            None => None,
            Some(s) => Some(
                parse_date(s.trim().as_bytes())
                    .ok_or_else(|| Error::option("split", s, "expected a date YYYY-MM-DD"))?,
            ),
        };
        let k = positive(self.k, d.k, "k")?;
        if k > 1000 {
            return Err(Error::option("k", k, "expected at most 1000"));
        }
        Ok(RecommendOptions {
            k,
            min_history: self.min_history.unwrap_or(d.min_history),
            neighbours: self.neighbours.unwrap_or(d.neighbours),
            metric,
            split,
        })
    }
}

fn positive(v: Option<usize>, default: usize, field: &str) -> Result<usize> {
    match v {
        None => Ok(default),
        Some(0) => Err(Error::option(field, 0, "expected at least 1")),
        Some(n) => Ok(n),
    }
}
