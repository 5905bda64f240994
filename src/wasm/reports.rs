//! `Workspace.loyalty`, `loyaltyMovement`, `pivot` and `reportPresets`: the
//! loyalty scheme and pivot reports. (A separate `impl` block of the same JS class.)

use wasm_bindgen::prelude::*;

use super::convert::{from_js, js_error, to_js};
use super::customers::today;
use super::workspace::JsWorkspace;
use crate::loyalty::{self, LoyaltyRules};
use crate::pivot::{self, PivotDefinition};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** One loyalty tier, best first: exactly one of minPoints, topShare (cumulative share of members
 *  with points) or topCount (cumulative count), the same one on every tier. */
export interface LoyaltyTierRule { name: string; minPoints?: number; topShare?: number; topCount?: number; }

/** The rules of a loyalty scheme (`crate::loyalty::LoyaltyRules`); save them and pass them back. */
export interface LoyaltyRules {
  /** "revenue" (default) or "profit" (amount minus cost). */
  basis?: "revenue" | "profit";
  /** Points per unit of currency (default 1). */
  pointsPerUnit?: number;
  /** Multiplier per order-line category (case ignored); 1 otherwise. */
  categoryMultipliers?: Record<string, number>;
  /** Credited when membership starts (sign-up date, else first order). */
  signupBonus?: number;
  /** Credited on every birthday after membership starts. */
  birthdayBonus?: number;
  /** Points dated more than this many months before the reference date expire (window, not FIFO). */
  expiryMonths?: number;
  /** Default: Gold ≥ 2000, Silver ≥ 500, Bronze ≥ 1. */
  tiers?: LoyaltyTierRule[];
}

/** Options of `loyalty`. */
export interface LoyaltyOptions { /** Reference date YYYY-MM-DD (default: the last order date). */ asOf?: string; }

/** Customers, points, revenue and profit of one tier ("none": members without a tier). */
export interface LoyaltyTierValue { tier: string; customers: number; points: number; revenue: number; profit: number | null; revenueShare: number | null; }

/** The result of `loyalty` (`crate::loyalty::LoyaltyReport`). */
export interface LoyaltyReport {
  asOf: string; basis: "revenue" | "profit"; members: number;
  pointsOutstanding: number; pointsExpired: number; tiers: LoyaltyTierValue[]; rules: LoyaltyRules;
}

/** Options of `loyaltyMovement`. */
export interface LoyaltyMovementOptions { from: string; /** Default: the last order date. */ to?: string; rules?: LoyaltyRules; }

/** Customers per tier on `fromDate` (rows) and `toDate` (columns); "none" last. */
export interface LoyaltyMovement { fromDate: string; toDate: string; tiers: string[]; counts: number[][]; upgraded: number; downgraded: number; unchanged: number; }

/** The measures of a pivot (README "Reports" gives each one's definition and grain). */
export type PivotMeasure = "customers" | "orders" | "revenue" | "profit" | "aov" | "revenue_per_customer"
  | "repeat_rate" | "churn_share" | "complaint_rate" | "complaints_per_100_orders" | "resolution_days_mean"
  | "resolution_days_median" | "avg_csat" | "nps" | "late_share";

/** A saved report (`crate::pivot::PivotDefinition`). Dimensions: a customer column (country, age_band,
 *  gender, acquisition_channel, source_systems, rfm_segment, cluster, value_tier, loyalty_tier, tenure_band,
 *  buyer, …) or an order-line one (category, product_id, region, store, sales_rep, channel, payment_method,
 *  year, quarter, month). */
export interface PivotDefinition {
  name?: string;
  rows: string;
  columns?: string;
  /** Default: customers, orders, revenue. */
  measures?: PivotMeasure[];
  /** Keep what each dimension labels with one of `values` (drill-down: filter on a label, pivot by the next level). */
  filters?: { dimension: string; values: string[] }[];
  sort?: { by: "label" | PivotMeasure; descending?: boolean };
  limit?: number;
  /** Days without an order after which a buyer counts as churned (default 180). */
  inactiveDays?: number;
}

/** A cell: one value per measure (null where undefined) and its customers as a selection expression. */
export interface PivotCell { values: (number | null)[]; customers: string | null; }

/** An axis: labels in order, and the next dimension of its drill-down hierarchy. */
export interface PivotAxis { dimension: string; labels: string[]; drill: string | null; }

/** The result of `pivot` (`crate::pivot::PivotResult`). */
export interface PivotResult {
  name: string | null; grain: "customer" | "order_line";
  rows: PivotAxis; columns: PivotAxis | null; measures: PivotMeasure[];
  /** cells[row][column]; one column without a column dimension. */
  cells: PivotCell[][];
  rowTotals: PivotCell[]; columnTotals: PivotCell[] | null; total: PivotCell;
  rowsLeftOut: number; notes: string[];
}

/** A ready-made report and the question it answers. */
export interface ReportPreset { name: string; question: string; definition: PivotDefinition; }
"#;

#[wasm_bindgen]
extern "C" {
    /// A `LoyaltyRules` object.
    #[wasm_bindgen(typescript_type = "LoyaltyRules")]
    pub type JsLoyaltyRules;
    /// A `LoyaltyOptions` object.
    #[wasm_bindgen(typescript_type = "LoyaltyOptions")]
    pub type JsLoyaltyOptions;
    /// A `LoyaltyMovementOptions` object.
    #[wasm_bindgen(typescript_type = "LoyaltyMovementOptions")]
    pub type JsLoyaltyMovementOptions;
    /// A `PivotDefinition` object.
    #[wasm_bindgen(typescript_type = "PivotDefinition")]
    pub type JsPivotDefinition;
}

const RULE_KEYS: [&str; 7] = [
    "basis",
    "pointsPerUnit",
    "categoryMultipliers",
    "signupBonus",
    "birthdayBonus",
    "expiryMonths",
    "tiers",
];

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct LoyaltyOpts {
    as_of: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct MovementOpts {
    from: Option<String>,
    to: Option<String>,
    rules: Option<LoyaltyRules>,
}

#[wasm_bindgen(js_class = Workspace)]
impl JsWorkspace {
    /// Loyalty points and tiers under `rules` on a reference date: adds
    /// `loyalty_points` and `loyalty_tier` to the customer table, keeps the
    /// rules in the workspace, returns customers, points, revenue and profit per tier.
    ///
    /// @param rules - `LoyaltyRules` (every field optional; default: 1 point per unit of revenue, Gold/Silver/Bronze).
    /// @param options - `{ asOf }`.
    /// @throws RapportError `OPTIONS` (the field and value), `MISSING_DATA` (no orders; profit without costs).
    ///
    /// ```js
    /// const r = ws.loyalty({ expiryMonths: 12, categoryMultipliers: { shoes: 2 } });
    /// console.log(r.tiers.map((t) => [t.tier, t.customers, t.revenue]));
    /// ```
    #[wasm_bindgen(unchecked_return_type = "LoyaltyReport")]
    pub fn loyalty(
        &mut self,
        rules: Option<JsLoyaltyRules>,
        options: Option<JsLoyaltyOptions>,
    ) -> Result<JsValue, JsValue> {
        let rules: LoyaltyRules = from_js("rules", rules.map(JsValue::from), &RULE_KEYS)?;
        let opts: LoyaltyOpts = from_js("options", options.map(JsValue::from), &["asOf"])?;
        let valid = rules.check().map_err(js_error)?;
        let mut ws = self.ws()?;
        to_js(&loyalty::loyalty(&mut ws, &valid, opts.as_of.as_deref(), today()).map_err(js_error)?)
    }

    /// The rules last used by `loyalty` (null before), to save with the workspace.
    #[wasm_bindgen(js_name = loyaltyRules, unchecked_return_type = "LoyaltyRules | null")]
    pub fn loyalty_rules(&self) -> Result<JsValue, JsValue> {
        let ws = self.ws()?;
        match ws.loyalty_rules() {
            Some(r) => to_js(r),
            None => Ok(JsValue::NULL),
        }
    }

    /// Tier movement between two reference dates: `counts[i][j]` customers in
    /// tier `i` on `from` and `j` on `to` (tiers best first, "none" last).
    ///
    /// @param options - `{ from, to?, rules? }` (rules: default the last used, else the defaults).
    /// @throws RapportError `OPTIONS` (a missing or bad date, `from` after `to`), `MISSING_DATA`.
    ///
    /// ```js
    /// const m = ws.loyaltyMovement({ from: "2025-01-01", rules });
    /// ```
    #[wasm_bindgen(js_name = loyaltyMovement, unchecked_return_type = "LoyaltyMovement")]
    pub fn loyalty_movement(&mut self, options: JsLoyaltyMovementOptions) -> Result<JsValue, JsValue> {
        let opts: MovementOpts = from_js("options", Some(JsValue::from(options)), &["from", "to", "rules"])?;
        let mut ws = self.ws()?;
        let rules = opts.rules.or_else(|| ws.loyalty_rules().cloned()).unwrap_or_default();
        let valid = rules.check().map_err(js_error)?;
        let from = opts
            .from
            .ok_or_else(|| js_error(crate::Error::option("from", "", "expected a date YYYY-MM-DD")))?;
        to_js(&loyalty::movement(&mut ws, &valid, &from, opts.to.as_deref(), today()).map_err(js_error)?)
    }

    /// A pivot report: one or two dimensions × measures with row, column and
    /// grand totals (recomputed where not additive), each cell's customers as
    /// a selection expression when the language can say it, and the drill-down
    /// dimension of each axis.
    ///
    /// @param definition - `PivotDefinition` (`rows` required).
    /// @throws RapportError `OPTIONS` (unknown dimension or measure with the nearest named), `MISSING_DATA`.
    ///
    /// ```js
    /// const p = ws.pivot({ rows: "region", columns: "category", measures: ["orders", "revenue", "customers"] });
    /// p.cells[0][0].values; p.total.values; ws.segment(p.columnTotals[0].customers);
    /// ```
    #[wasm_bindgen(unchecked_return_type = "PivotResult")]
    pub fn pivot(&mut self, definition: JsPivotDefinition) -> Result<JsValue, JsValue> {
        let def: PivotDefinition = from_js(
            "definition",
            Some(JsValue::from(definition)),
            &[
                "name",
                "rows",
                "columns",
                "measures",
                "filters",
                "sort",
                "limit",
                "inactiveDays",
            ],
        )?;
        let valid = def.check().map_err(js_error)?;
        let mut ws = self.ws()?;
        to_js(&pivot::pivot(&mut ws, &valid, today()).map_err(js_error)?)
    }

    /// The ready-made reports: the questions the CRM literature asks, each a
    /// definition to pass to `pivot`.
    ///
    /// ```js
    /// const p = ws.pivot(ws.reportPresets().find((x) => x.name === "under_35").definition);
    /// ```
    #[wasm_bindgen(js_name = reportPresets, unchecked_return_type = "ReportPreset[]")]
    pub fn report_presets(&self) -> Result<JsValue, JsValue> {
        to_js(&pivot::presets())
    }
}
