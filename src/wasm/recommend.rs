//! `Workspace.productPairs`, `associationRules`, `recommend`,
//! `evaluateRecommendations` and `addNextBestProduct`: recommendations from
//! co-purchases and similar customers.

use wasm_bindgen::prelude::*;

use super::convert::{from_js, js_error, to_js};
use super::customers::today;
use super::workspace::JsWorkspace;
use crate::models::recommend::{self as rec, PairParams, RecommendParams, RuleParams};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Options of `productPairs` (`crate::models::recommend::PairParams`). */
export interface ProductPairOptions {
  /** At most this many pairs (default 20). */
  top?: number;
  /** Pairs bought by fewer distinct customers are left out (default 2). */
  minCount?: number;
  /** Ranking, descending, then count, then ids (default "lift"). */
  by?: "lift" | "count" | "cosine" | "jaccard";
  /** Only pairs among the N products bought by the most customers (ties: id ascending). */
  among?: number;
  /** Only pairs with this product id. */
  product?: string;
}

/** Two products bought by the same customers (`a` < `b`); shares are over customers with any purchase. */
export interface ProductPair {
  a: string; b: string;
  /** Customers who bought both (once per customer, however often). */
  count: number;
  support: number;
  /** count / customers who bought a. */
  confidenceAB: number;
  /** count / customers who bought b. */
  confidenceBA: number;
  lift: number; cosine: number; jaccard: number;
}

/** Options of `associationRules` (`crate::models::recommend::RuleParams`). */
export interface AssociationRuleOptions {
  /** Default 0.01. */
  minSupport?: number;
  /** Default 0.1. */
  minConfidence?: number;
  /** Default 1. */
  minLift?: number;
  /** Default 50. */
  top?: number;
  by?: "lift" | "confidence";
}

/** Customers who bought `antecedent` also bought `consequent`. */
export interface AssociationRule { antecedent: string; consequent: string; count: number; support: number; confidence: number; lift: number; }

/** One recommended product: `reason` is "bought with P001", "customers like you" or "popular". */
export interface Recommendation { productId: string; score: number; reason: string; }

/** Options of the recommender (`crate::models::recommend::RecommendParams`). */
export interface RecommendOptions {
  /** Products per customer (default 10). */
  k?: number;
  /** Customers with fewer distinct products are scored on similar customers' purchases and popularity, half and half (default 1). */
  minHistory?: number;
  /** Similar customers looked at (default 100). */
  neighbours?: number;
  metric?: "cosine" | "euclidean";
  /** First day of the holdout, YYYY-MM-DD (default: the last 90 days; the last 20 % when the orders span under 450 days). */
  split?: string;
}

/** Hit-rate@k and recall@k over a group of customers. */
export interface HitStats { hitRate: number; recall: number; customers: number; }

/** The result of `evaluateRecommendations` (`crate::models::recommend::Evaluation`). */
export interface RecommendationEvaluation {
  k: number; split: string; until: string;
  model: HitStats; popularity: HitStats;
  withHistory: { model: HitStats; popularity: HitStats };
  withoutHistory: { model: HitStats; popularity: HitStats };
}

/** What `addNextBestProduct` did: customers given a product, distinct products, the most given `[product, customers]`. */
export interface NextBestSummary { column: string; customers: number; products: number; top: [string, number][]; }
"#;

#[wasm_bindgen]
extern "C" {
    /// A `ProductPairOptions` object.
    #[wasm_bindgen(typescript_type = "ProductPairOptions")]
    pub type JsProductPairOptions;
    /// An `AssociationRuleOptions` object.
    #[wasm_bindgen(typescript_type = "AssociationRuleOptions")]
    pub type JsAssociationRuleOptions;
    /// A `RecommendOptions` object.
    #[wasm_bindgen(typescript_type = "RecommendOptions")]
    pub type JsRecommendOptions;
}

const RECOMMEND_KEYS: [&str; 5] = ["k", "minHistory", "neighbours", "metric", "split"];

fn recommend_params(options: Option<JsRecommendOptions>) -> Result<rec::RecommendOptions, JsValue> {
    let p: RecommendParams = from_js("options", options.map(JsValue::from), &RECOMMEND_KEYS)?;
    p.check().map_err(js_error)
}

#[wasm_bindgen(js_class = Workspace)]
impl JsWorkspace {
    /// Product pairs bought by the same customers (a pair counts once per
    /// customer; returns and cancelled lines left out) with support,
    /// confidence both ways, lift, cosine and Jaccard.
    ///
    /// @param options - `{ top = 20, minCount = 2, by = "lift", among?, product? }`.
    /// @returns `[{ a, b, count, support, confidenceAB, confidenceBA, lift, cosine, jaccard }]`.
    /// @throws RapportError `OPTIONS` (bad `by`, unknown `product`), `MISSING_DATA` (no orders or no product_id).
    ///
    /// ```js
    /// const [top] = ws.productPairs({ top: 10, by: "lift" });
    /// console.log(`${top.a} + ${top.b}: ${top.count} customers, lift ${top.lift.toFixed(1)}`);
    /// ```
    #[wasm_bindgen(js_name = productPairs, unchecked_return_type = "ProductPair[]")]
    pub fn product_pairs(&self, options: Option<JsProductPairOptions>) -> Result<JsValue, JsValue> {
        let p: PairParams = from_js(
            "options",
            options.map(JsValue::from),
            &["top", "minCount", "by", "among", "product"],
        )?;
        let opts = p.check().map_err(js_error)?;
        to_js(&rec::product_pairs(&*self.ws()?, &opts).map_err(js_error)?)
    }

    /// Association rules A → B (both directions of every pair) with support,
    /// confidence and lift at least the minimums, by lift (or confidence).
    ///
    /// @param options - `{ minSupport = 0.01, minConfidence = 0.1, minLift = 1, top = 50, by = "lift" }`.
    /// @returns `[{ antecedent, consequent, count, support, confidence, lift }]`.
    ///
    /// ```js
    /// ws.associationRules({ minSupport: 0.02, minConfidence: 0.3 });
    /// ```
    #[wasm_bindgen(js_name = associationRules, unchecked_return_type = "AssociationRule[]")]
    pub fn association_rules(&self, options: Option<JsAssociationRuleOptions>) -> Result<JsValue, JsValue> {
        let p: RuleParams = from_js(
            "options",
            options.map(JsValue::from),
            &["minSupport", "minConfidence", "minLift", "top", "by"],
        )?;
        let opts = p.check().map_err(js_error)?;
        to_js(&rec::association_rules(&*self.ws()?, &opts).map_err(js_error)?)
    }

    /// The top `k` products for one customer, not yet bought: co-purchases of
    /// what they bought, blended with similar customers' purchases (and
    /// popularity) when they bought fewer than `minHistory` products.
    ///
    /// @param customerId - the id as in the loaded files.
    /// @param k - how many (default 10).
    /// @param options - `{ minHistory = 1, neighbours = 100, metric = "cosine" }`.
    /// @returns `[{ productId, score, reason }]`, best first.
    /// @throws RapportError `OPTIONS` (field `customerId`) for an unknown id.
    ///
    /// ```js
    /// for (const r of ws.recommend("C000001", 5)) console.log(r.productId, r.reason);
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Recommendation[]")]
    pub fn recommend(
        &mut self,
        #[wasm_bindgen(js_name = customerId)] customer_id: &str,
        k: Option<u32>,
        options: Option<JsRecommendOptions>,
    ) -> Result<JsValue, JsValue> {
        let mut opts = recommend_params(options)?;
        if let Some(k) = k {
            opts.k = RecommendParams {
                k: Some(k as usize),
                ..Default::default()
            }
            .check()
            .map_err(js_error)?
            .k;
        }
        to_js(&rec::recommend(&mut *self.ws()?, customer_id, &opts, today()).map_err(js_error)?)
    }

    /// Hit-rate@k and recall@k on a time-based holdout (fit on the lines
    /// before `split`, score on each customer's new products from it on) for
    /// the model and the popularity baseline, overall and for customers with
    /// and without purchases before the split.
    ///
    /// @param options - `{ k = 10, split?, minHistory, neighbours, metric }`.
    /// @returns `{ k, split, until, model: { hitRate, recall, customers }, popularity, withHistory: { model, popularity }, withoutHistory }`.
    ///
    /// ```js
    /// const e = ws.evaluateRecommendations({ k: 10 });
    /// console.log(e.model.hitRate, e.popularity.hitRate);
    /// ```
    #[wasm_bindgen(js_name = evaluateRecommendations, unchecked_return_type = "RecommendationEvaluation")]
    pub fn evaluate_recommendations(&mut self, options: Option<JsRecommendOptions>) -> Result<JsValue, JsValue> {
        let opts = recommend_params(options)?;
        to_js(&rec::evaluate_workspace(&mut *self.ws()?, &opts, today()).map_err(js_error)?)
    }

    /// Adds the `next_best_product` column (each customer's top recommendation)
    /// to the customer table, for segments and audiences such as
    /// `next_best_product = 'P012'`.
    ///
    /// @param options - `{ minHistory, neighbours, metric }`.
    /// @returns `{ column, customers, products, top: [[productId, customers]] }`.
    ///
    /// ```js
    /// ws.addNextBestProduct();
    /// ws.segmentCount("next_best_product = 'P0012'");
    /// ```
    #[wasm_bindgen(js_name = addNextBestProduct, unchecked_return_type = "NextBestSummary")]
    pub fn add_next_best_product(&mut self, options: Option<JsRecommendOptions>) -> Result<JsValue, JsValue> {
        let opts = recommend_params(options)?;
        to_js(&rec::add_next_best_product(&mut *self.ws()?, &opts, today()).map_err(js_error)?)
    }
}
