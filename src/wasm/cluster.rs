//! `Workspace.chooseK`, `clusters` and `valueTiers`: segments of the customer table.

use wasm_bindgen::prelude::*;

use super::convert::{from_js, js_error, to_js};
use super::workspace::JsWorkspace;
use crate::segment::{self, ClusterParams, ValueTierParams};
use crate::table::customers::CustomerParams;
use crate::table::CustomerTable;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Options of `chooseK` and `clusters` (`crate::segment::ClusterParams`). */
export interface ClusterOptions {
  /** Customer columns to cluster on: numbers, bools (0/1) or dates (days). Standardised (z-score) first. */
  features: string[];
  /** Clusters of `clusters()`; when absent, the k of `kRange` with the best silhouette. At least 2. */
  k?: number;
  /** The ks `chooseK` scans, both ends included (default [2, 10]). */
  kRange?: [number, number];
  /** Seed of every random choice; drawn and reported when absent. */
  seed?: number;
  /** Lloyd iterations at most per start (default 100). */
  maxIter?: number;
  /** Stop when the centroids' summed squared shift (standardised units) is at most this (default 1e-4). */
  tolerance?: number;
  /** Customers the silhouette is computed on, the same for every k (default 2000). */
  sample?: number;
  /** k-means++ starts per fit; the least inertia wins (default 3). */
  nInit?: number;
  /** Customers the k scan fits on: a seeded sample when there are more (default 100000). */
  scanRows?: number;
}

/** One k of the scan (`crate::segment::cluster::KScore`). */
export interface KScore { k: number; inertia: number; silhouette: number | null; iterations: number; converged: boolean; }

/** The result of `chooseK` (`crate::segment::KScan`). */
export interface KScan {
  seed: number; features: string[]; droppedFeatures: string[];
  customers: number; leftOut: number; scannedRows: number; sample: number;
  scores: KScore[];
}

/** One feature of one cluster (`crate::segment::cluster::FeatureMean`). */
export interface FeatureMean { feature: string; mean: number | null; overall: number | null; ratio: number | null; }

/** One cluster (`crate::segment::cluster::ClusterProfile`). `cluster` is its label in the `cluster` column. */
export interface ClusterProfile { cluster: string; size: number; share: number; means: FeatureMean[]; }

/** The result of `clusters` (`crate::segment::Clustering`). */
export interface Clustering {
  k: number; chosenBy: "given" | "silhouette"; seed: number;
  features: string[]; droppedFeatures: string[]; customers: number; leftOut: number;
  /** Customers per cluster: cluster "1" is sizes[0], largest first. */
  sizes: number[];
  /** Per cluster, the centroid in the features' own units (`features` order). */
  centroids: number[][];
  inertia: number; silhouette: number | null; silhouetteSample: number;
  iterations: number; converged: boolean; profile: ClusterProfile[];
  /** The k scan, when k was chosen by it. */
  scan: KScore[] | null;
}

/** Options of `valueTiers` (`crate::segment::ValueTierParams`). */
export interface ValueTierOptions {
  /** The measure (default "monetary_total"; "profit_total" or any number column). */
  by?: string;
  /** Share of customers in the high tier (default 0.2). */
  high?: number;
  /** Share in the mid tier, after high (default 0.3). */
  mid?: number;
}

/** One tier (`crate::segment::tiers::Tier`). */
export interface Tier {
  tier: "high" | "mid" | "low"; customers: number; revenue: number;
  share: number | null; average: number | null; min: number | null; max: number | null;
}

/** The result of `valueTiers` (`crate::segment::ValueTiers`). */
export interface ValueTiers {
  by: string; customers: number; withoutValue: number; zeroOrNegative: number; total: number;
  tiers: Tier[];
  /** Revenue share of the top 20 % of customers (null when the total is not positive). */
  paretoShare: number | null;
  /** 101 points: the top `customers` share of customers holds `revenue` share of the total. */
  curve: { customers: number; revenue: number | null }[];
}
"#;

#[wasm_bindgen]
extern "C" {
    /// A `ClusterOptions` object.
    #[wasm_bindgen(typescript_type = "ClusterOptions")]
    pub type JsClusterOptions;
    /// A `ValueTierOptions` object.
    #[wasm_bindgen(typescript_type = "ValueTierOptions")]
    pub type JsValueTierOptions;
}

const CLUSTER_KEYS: [&str; 9] = [
    "features",
    "k",
    "kRange",
    "seed",
    "maxIter",
    "tolerance",
    "sample",
    "nInit",
    "scanRows",
];

/// The customer table, built with the default reference date.
fn customer_table(ws: &mut crate::Workspace) -> Result<&mut CustomerTable, JsValue> {
    let today = (js_sys::Date::now() / 86_400_000.0).floor() as i32;
    ws.customers(&CustomerParams::default(), today).map_err(js_error)
}

#[wasm_bindgen(js_class = Workspace)]
impl JsWorkspace {
    /// Inertia and silhouette for every k of `kRange`, to help choose the
    /// number of clusters: look for the elbow in inertia and the highest silhouette.
    ///
    /// @param options - `{ features, kRange = [2, 10], seed, sample = 2000, … }`.
    /// @returns `{ seed, scores: [{ k, inertia, silhouette }], leftOut, scannedRows, … }`.
    /// @throws RapportError `OPTIONS` (unknown feature, with the nearest column named; a
    ///   text feature; k below 2 or above the customers), `MISSING_DATA`.
    ///
    /// ```js
    /// const { scores } = ws.chooseK({ features: ["monetary_total", "order_count", "recency_days"], seed: 1 });
    /// ```
    #[wasm_bindgen(js_name = chooseK, unchecked_return_type = "KScan")]
    pub fn choose_k(&mut self, options: JsClusterOptions) -> Result<JsValue, JsValue> {
        let params: ClusterParams = from_js("options", Some(options.into()), &CLUSTER_KEYS)?;
        let mut guard = self.ws()?;
        let table = customer_table(&mut guard)?;
        to_js(&segment::choose_k(table, &params).map_err(js_error)?)
    }

    /// Segments the customers with k-means and adds the category column
    /// `cluster` ("1" = the largest; null for a customer missing a feature).
    ///
    /// @param options - `{ features, k, seed, … }`; without `k`, the best silhouette of `kRange`.
    /// @returns `{ k, seed, sizes, centroids, profile, inertia, silhouette, leftOut, … }`.
    /// @throws RapportError `OPTIONS` or `MISSING_DATA`.
    ///
    /// ```js
    /// const c = ws.clusters({ features: ["monetary_total", "recency_days"], k: 4, seed: 1 });
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Clustering")]
    pub fn clusters(&mut self, options: JsClusterOptions) -> Result<JsValue, JsValue> {
        let params: ClusterParams = from_js("options", Some(options.into()), &CLUSTER_KEYS)?;
        let mut guard = self.ws()?;
        let table = customer_table(&mut guard)?;
        to_js(&segment::clusters(table, &params).map_err(js_error)?)
    }

    /// Low / mid / high value tiers (top 20 %, next 30 %, rest by default),
    /// the Pareto share and curve; adds the category column `value_tier`.
    /// Ties go by customer row; zero or negative values are always low.
    ///
    /// @param options - `{ by = "monetary_total", high = 0.2, mid = 0.3 }`.
    /// @returns `{ by, tiers: [{ tier, customers, revenue, share, average }], paretoShare, curve, … }`.
    /// @throws RapportError `OPTIONS` (unknown or non-number column, bad shares).
    ///
    /// ```js
    /// const { paretoShare } = ws.valueTiers({ by: "profit_total" });
    /// ```
    #[wasm_bindgen(js_name = valueTiers, unchecked_return_type = "ValueTiers")]
    pub fn value_tiers(&mut self, options: Option<JsValueTierOptions>) -> Result<JsValue, JsValue> {
        let params: ValueTierParams = from_js("options", options.map(JsValue::from), &["by", "high", "mid"])?;
        let mut guard = self.ws()?;
        let table = customer_table(&mut guard)?;
        to_js(&segment::value_tiers(table, &params).map_err(js_error)?)
    }
}
