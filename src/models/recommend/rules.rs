//! The reports over co-occurrence: top product pairs (overall, per product,
//! among the most frequent products) and association rules A → B.

use std::cmp::Ordering;

use serde::Serialize;

use super::baskets::Baskets;
use super::pairs::{most_bought, most_frequent, rank_pairs, CoCounts, ProductPair};
use super::params::{PairOptions, RuleOptions};
use super::sets::ProductSets;
use crate::{Error, Result};

/// The top pairs of `b` as `opts` asks.
pub fn pairs_of(b: &Baskets, opts: &PairOptions) -> Result<Vec<ProductPair>> {
    let only = product_code(&b.products, opts)?;
    let subset = opts.among.map(|n| most_frequent(b, n));
    top_pairs(&b.products, &CoCounts::count(b, subset), only, opts)
}

/// The top pairs among the `among` products bought by the most customers (at
/// most [`SET_PRODUCTS_MAX`](super::SET_PRODUCTS_MAX)), counted on `sets`: what
/// [`pairs_of`] gives on the same lines.
pub(crate) fn pairs_among(sets: &ProductSets, among: usize, opts: &PairOptions) -> Result<Vec<ProductPair>> {
    let only = product_code(&sets.products, opts)?;
    let subset = most_bought(sets.product_customers(), &sets.products, among);
    top_pairs(&sets.products, &sets.count_among(subset), only, opts)
}

/// The code of `opts.product`, if asked for.
fn product_code(products: &[String], opts: &PairOptions) -> Result<Option<u32>> {
    let Some(id) = &opts.product else {
        return Ok(None);
    };
    // (A linear scan: once per request.)
    match products.iter().position(|p| p == id.trim()) {
        Some(p) => Ok(Some(p as u32)),
        None => Err(Error::option("product", id, "no order line has this product_id")),
    }
}

/// The pairs of `counts` (only those with product code `only`, when given),
/// ranked and cut as `opts` asks.
fn top_pairs(
    products: &[String],
    counts: &CoCounts,
    only: Option<u32>,
    opts: &PairOptions,
) -> Result<Vec<ProductPair>> {
    let only_local = only.and_then(|p| counts.products.iter().position(|&q| q == p));
    if only.is_some() && only_local.is_none() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    counts.each_pair(opts.min_count, |i, j, n| {
        if only_local.is_some_and(|p| p != i && p != j) {
            return;
        }
        let (a, b) = (counts.products[i] as usize, counts.products[j] as usize);
        out.push(ProductPair::new(&products[a], &products[b], counts.measures(i, j, n)));
    });
    rank_pairs(&mut out, opts.by);
    out.truncate(opts.top);
    Ok(out)
}

/// An association rule: customers who bought `antecedent` also bought `consequent`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub antecedent: String,
    pub consequent: String,
    /// Customers who bought both.
    pub count: u32,
    pub support: f64,
    pub confidence: f64,
    pub lift: f64,
}

/// Rules A → B (both directions of every pair) with support, confidence and
/// lift at least the minimums, sorted by lift (or confidence), then count, then ids.
pub fn rules_of(b: &Baskets, opts: &RuleOptions) -> Vec<Rule> {
    let counts = CoCounts::count(b, None);
    let min_count = (opts.min_support * counts.buyers as f64).ceil().max(1.0) as u32;
    let mut out = Vec::new();
    counts.each_pair(min_count, |i, j, n| {
        let m = counts.measures(i, j, n);
        if m.support < opts.min_support || m.lift < opts.min_lift {
            return;
        }
        let (a, c) = (
            &b.products[counts.products[i] as usize],
            &b.products[counts.products[j] as usize],
        );
        for (x, y, conf) in [(a, c, m.confidence_ab), (c, a, m.confidence_ba)] {
            if conf >= opts.min_confidence {
                out.push(Rule {
                    antecedent: x.clone(),
                    consequent: y.clone(),
                    count: n,
                    support: m.support,
                    confidence: conf,
                    lift: m.lift,
                });
            }
        }
    });
    let key = |r: &Rule| {
        if opts.by_confidence {
            (r.confidence, r.lift)
        } else {
            (r.lift, r.confidence)
        }
    };
    out.sort_by(|x, y| {
        let (kx, ky) = (key(x), key(y));
        ky.0.partial_cmp(&kx.0)
            .unwrap_or(Ordering::Equal)
            .then(ky.1.partial_cmp(&kx.1).unwrap_or(Ordering::Equal))
            .then(y.count.cmp(&x.count))
            .then_with(|| x.antecedent.cmp(&y.antecedent))
            .then_with(|| x.consequent.cmp(&y.consequent))
    });
    out.truncate(opts.top);
    out
}
