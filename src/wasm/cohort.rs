//! `Workspace.cohorts` and `lifecycle`: retention by acquisition cohort and
//! lifecycle flows per period.

use wasm_bindgen::prelude::*;

use super::convert::{from_js, js_error, to_js};
use super::workspace::JsWorkspace;
use crate::cohort::{self, CohortParams};
use crate::lifecycle::{self, LifecycleParams};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A period length: ISO weeks (Monday start, labelled "2020-W53"), months ("2024-02") or quarters ("2024-Q1"). */
export type PeriodName = "week" | "month" | "quarter";

/** Options of `cohorts` (`crate::cohort::CohortParams`). */
export interface CohortOptions {
  /** Length of period k and of acquisition cohorts (default "month"). */
  period?: PeriodName;
  /** "first_order" (default), "first_product", "first_category", "first_campaign" (first `converted`
   *  campaign event) or a text/category customer column such as "acquisition_channel". */
  by?: string;
  /** Reference date YYYY-MM-DD (default: the last order date): later lines are ignored,
   *  periods not over by its end are incomplete. */
  asOf?: string;
  /** At most this many periods k per cohort. */
  maxPeriods?: number;
  /** What `retention` measures (default "customers"). */
  measure?: "customers" | "orders" | "revenue";
}

/** One cohort (`crate::cohort::Cohort`); every series has one value per period k, k = 0 the first order's period. */
export interface Cohort {
  cohort: string; start: string | null; size: number;
  /** Distinct customers with an order in period k. */
  active: number[];
  orders: number[];
  /** Net revenue in period k (returns netted). */
  revenue: number[];
  /** Customers with an order in period k or later (unbounded retention). */
  returnedOrLater: number[];
  /** Customers whose period k is over. */
  eligible: number[];
  /** Period k is not over for some customer (draw it dashed). */
  incomplete: boolean[];
  retention: (number | null)[];
  /** revenue[k] / revenue[0]. */
  nrr: (number | null)[];
  /** Cumulative revenue per customer through period k. */
  ltv: number[];
}

/** Every cohort together, over customers whose period k is over (`crate::cohort::CohortTotals`). */
export interface CohortTotals {
  size: number; eligible: number[]; active: number[]; returnedOrLater: number[];
  retention: (number | null)[]; unboundedRetention: (number | null)[];
}

/** The result of `cohorts` (`crate::cohort::CohortReport`). */
export interface CohortReport {
  period: PeriodName; by: string; asOf: string; measure: "customers" | "orders" | "revenue";
  cohorts: Cohort[]; all: CohortTotals;
  /** Customers with only returns or cancelled lines: in no cohort. */
  withoutOrders: number;
}

/** Options of `lifecycle` (`crate::lifecycle::LifecycleParams`). */
export interface LifecycleOptions {
  period?: PeriodName;
  /** Days without an order after which a customer has churned (default 90). */
  inactiveDays?: number;
  /** Reference date YYYY-MM-DD (default: the last order date). */
  asOf?: string;
}

/** Customers in one state and their net revenue in the period. */
export interface StateCount { customers: number; revenue: number; }

/** One period (`crate::lifecycle::LifecyclePeriod`). */
export interface LifecyclePeriod {
  period: string; start: string; incomplete: boolean;
  new: StateCount; retained: StateCount; reactivated: StateCount; returning: StateCount;
  /** Customers whose inactivity window ran out in the period; revenue: theirs in the period of their last order. */
  churned: StateCount;
  revenue: number; orders: number; active: number;
  averageOrderValue: number | null; profit: number | null; margin: number | null;
  /** Relative change from the previous period (margin: in points). */
  change: { revenue: number | null; orders: number | null; active: number | null; averageOrderValue: number | null; margin: number | null };
}

/** The result of `lifecycle` (`crate::lifecycle::Lifecycle`). */
export interface Lifecycle { period: PeriodName; inactiveDays: number; asOf: string; periods: LifecyclePeriod[]; }
"#;

#[wasm_bindgen]
extern "C" {
    /// A `CohortOptions` object.
    #[wasm_bindgen(typescript_type = "CohortOptions")]
    pub type JsCohortOptions;
    /// A `LifecycleOptions` object.
    #[wasm_bindgen(typescript_type = "LifecycleOptions")]
    pub type JsLifecycleOptions;
}

#[wasm_bindgen(js_class = Workspace)]
impl JsWorkspace {
    /// Acquisition cohorts and their retention: per cohort its size and, per
    /// period k after each customer's first order, active customers, orders,
    /// revenue, unbounded retention, NRR and cumulative revenue per customer.
    ///
    /// @param options - `{ period = "month", by = "first_order", asOf, maxPeriods, measure = "customers" }`.
    /// @returns `{ period, cohorts: [{ cohort, size, active, revenue, incomplete, … }], all, … }`.
    /// @throws RapportError `OPTIONS` (bad period, measure, date, unknown column with the
    ///   nearest named), `MISSING_DATA` (no orders; campaign events for `first_campaign`).
    ///
    /// ```js
    /// const { cohorts } = ws.cohorts({ period: "month" });
    /// console.log(cohorts[0].cohort, cohorts[0].size, cohorts[0].active);
    /// ```
    #[wasm_bindgen(unchecked_return_type = "CohortReport")]
    pub fn cohorts(&mut self, options: Option<JsCohortOptions>) -> Result<JsValue, JsValue> {
        let params: CohortParams = from_js(
            "options",
            options.map(JsValue::from),
            &["period", "by", "asOf", "maxPeriods", "measure"],
        )?;
        let mut ws = self.ws()?;
        let opts = params.check(&ws).map_err(js_error)?;
        to_js(&cohort::cohorts(&mut ws, &opts).map_err(js_error)?)
    }

    /// Lifecycle flows per period — new, retained, reactivated, returning and
    /// churned customers with their revenue — and the trend (revenue, orders,
    /// active customers, average order value, margin) with period-over-period change.
    ///
    /// @param options - `{ period = "month", inactiveDays = 90, asOf }`.
    /// @returns `{ period, inactiveDays, asOf, periods: [{ period, new, retained, reactivated, returning, churned, revenue, … }] }`.
    /// @throws RapportError `OPTIONS` or `MISSING_DATA`.
    ///
    /// ```js
    /// const { periods } = ws.lifecycle({ period: "quarter", inactiveDays: 180 });
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Lifecycle")]
    pub fn lifecycle(&self, options: Option<JsLifecycleOptions>) -> Result<JsValue, JsValue> {
        let params: LifecycleParams = from_js(
            "options",
            options.map(JsValue::from),
            &["period", "inactiveDays", "asOf"],
        )?;
        let ws = self.ws()?;
        let opts = params.check(&ws).map_err(js_error)?;
        to_js(&lifecycle::lifecycle(&ws, &opts))
    }
}
