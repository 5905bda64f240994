//! Recommendations: item-to-item co-occurrence over customers (counts,
//! support, confidence, lift, cosine, Jaccard), association rules, "customers
//! like this one" neighbours for customers with little history, top-k per
//! customer with the `next_best_product` customer-table column, and an
//! evaluation on a time-based holdout against a popularity baseline. See README
//! "Recommendations".

mod baskets;
mod evaluate;
mod model;
mod neighbours;
mod pairs;
mod params;
mod product_codes;
mod rules;
mod sets;

use serde::Serialize;

pub use baskets::Baskets;
pub use evaluate::{default_split, evaluate, Comparison, Evaluation, HitStats};
pub use model::{Reason, Recommendation, Recommender};
pub use neighbours::{Metric, Profiles, DEMOGRAPHICS};
pub use pairs::{most_frequent, CoCounts, Measures, PairOrder, ProductPair, TRIANGLE_MAX};
pub use params::{PairOptions, PairParams, RecommendOptions, RecommendParams, RuleOptions, RuleParams};
pub use rules::{pairs_of, rules_of, Rule};
pub use sets::{ProductSets, SET_PRODUCTS_MAX, SET_WORDS_MAX};

use crate::table::customers::{last_order_date, CustomerParams, Feature, Values};
use crate::table::Workspace;
use crate::{Error, Result};

/// Every line up to the last order date (`profile`: with frequency, spend and categories).
fn all_baskets(ws: &Workspace, profile: bool) -> Result<Baskets> {
    let last = last_order_date(ws)
        .ok_or_else(|| Error::MissingData("recommendations need orders: load an orders file first".into()))?;
    Baskets::build_with(ws, None, last, profile)
}

/// The top product pairs bought by the same customers.
///
/// Among at most [`SET_PRODUCTS_MAX`] products (`opts.among`), counted on
/// [`ProductSets`] while they fit in [`SET_WORDS_MAX`] words, else (and for
/// all products) on [`Baskets`]: the same pairs either way.
///
/// ```
/// # use rapport::{LoadOptions, Workspace};
/// use rapport::models::recommend::{product_pairs, PairParams};
/// let mut ws = Workspace::new();
/// let csv = "order_id,customer_id,order_date,amount,product_id\nO1,C1,2024-01-05,5,A\nO1,C1,2024-01-05,5,B\nO2,C2,2024-01-06,5,A\nO2,C2,2024-01-06,5,B\n";
/// ws.load(None, csv.as_bytes(), &LoadOptions::named("orders.csv"))?;
/// let pairs = product_pairs(&ws, &PairParams::default().check()?)?;
/// assert_eq!((pairs[0].a.as_str(), pairs[0].b.as_str(), pairs[0].count), ("A", "B", 2));
/// # Ok::<(), rapport::Error>(())
/// ```
pub fn product_pairs(ws: &Workspace, opts: &PairOptions) -> Result<Vec<ProductPair>> {
    if let Some(among) = opts.among.filter(|&n| n <= SET_PRODUCTS_MAX) {
        if let Some(sets) = ProductSets::build(ws, SET_WORDS_MAX)? {
            return rules::pairs_among(&sets, among, opts);
        }
    }
    pairs_of(&all_baskets(ws, false)?, opts)
}

/// Association rules A → B over every line.
pub fn association_rules(ws: &Workspace, opts: &RuleOptions) -> Result<Vec<Rule>> {
    Ok(rules_of(&all_baskets(ws, false)?, opts))
}

/// Fits the recommender on every line (the customer table, built if needed, gives demographics).
pub fn fit(ws: &mut Workspace, opts: &RecommendOptions, today: i32) -> Result<Recommender> {
    let baskets = all_baskets(ws, true)?;
    let table = ws.customers(&CustomerParams::default(), today)?;
    Ok(Recommender::fit(baskets, Some(table), opts))
}

/// The top `opts.k` products for one customer id.
pub fn recommend(
    ws: &mut Workspace,
    customer_id: &str,
    opts: &RecommendOptions,
    today: i32,
) -> Result<Vec<Recommendation>> {
    let c = ws
        .customer_keys()
        .get(customer_id.trim().as_bytes())
        .ok_or_else(|| Error::option("customerId", customer_id, "no such customer in the loaded files"))?;
    let model = fit(ws, opts, today)?;
    Ok(model.recommend(c as usize, opts.k))
}

/// Top `opts.k` products of every customer with at least one recommendation:
/// `(customer id, recommendations)`, in customer-table order.
pub fn recommend_all(
    ws: &mut Workspace,
    opts: &RecommendOptions,
    today: i32,
) -> Result<Vec<(String, Vec<Recommendation>)>> {
    let model = fit(ws, opts, today)?;
    let keys = ws.customer_keys();
    Ok((0..model.baskets.customers())
        .filter_map(|c| {
            let r = model.recommend(c, opts.k);
            (!r.is_empty()).then(|| (keys.value(c as u32).to_string(), r))
        })
        .collect())
}

/// What [`add_next_best_product`] did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NextBestSummary {
    pub column: String,
    /// Customers given a product.
    pub customers: usize,
    /// Distinct products recommended, and the most recommended ones with their customer counts.
    pub products: usize,
    pub top: Vec<(String, usize)>,
}

/// Adds the `next_best_product` column (each customer's top-1 recommendation) to the customer table.
pub fn add_next_best_product(ws: &mut Workspace, opts: &RecommendOptions, today: i32) -> Result<NextBestSummary> {
    let model = fit(ws, opts, today)?;
    let table = ws.customers(&CustomerParams::default(), today)?;
    let best: Vec<Option<u32>> = (0..table.len())
        .map(|c| {
            if c < model.baskets.customers() {
                model.top(c, 1).first().map(|r| r.0)
            } else {
                None
            }
        })
        .collect();
    let mut counts = vec![0usize; model.baskets.products.len()];
    for p in best.iter().flatten() {
        counts[*p as usize] += 1;
    }
    let labels = best
        .iter()
        .map(|p| p.map(|p| model.baskets.products[p as usize].as_str()));
    table.add(Feature::new(
        "next_best_product",
        "the product most recommended for the customer (co-purchases, similar customers; not yet bought)",
        Values::category(labels),
    ))?;
    let mut top: Vec<(String, usize)> = counts
        .iter()
        .enumerate()
        .filter(|(_, &n)| n > 0)
        .map(|(p, &n)| (model.baskets.products[p].clone(), n))
        .collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let products = top.len();
    top.truncate(10);
    Ok(NextBestSummary {
        column: "next_best_product".into(),
        customers: best.iter().flatten().count(),
        products,
        top,
    })
}

/// [`evaluate`] over the workspace, demographics from the customer table.
pub fn evaluate_workspace(ws: &mut Workspace, opts: &RecommendOptions, today: i32) -> Result<Evaluation> {
    ws.customers(&CustomerParams::default(), today)?;
    evaluate(ws, ws.customer_table(), opts)
}

#[cfg(test)]
mod tests;
