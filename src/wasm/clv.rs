//! `Workspace.fitClv`: customer lifetime value (BG/NBD or modified BG/NBD,
//! Gamma–Gamma) over the loaded orders.

use wasm_bindgen::prelude::*;

use super::convert::{from_js, js_error, to_js};
use super::customers::today;
use super::workspace::JsWorkspace;
use crate::models::clv::{self, ClvParams};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Options of `fitClv` (`crate::models::clv::ClvParams`). */
export interface ClvOptions {
  /** Last day YYYY-MM-DD of the calibration period (default: the last order date; required with a holdout). */
  calibrationEnd?: string;
  /** Last day of the holdout period: predictions are checked against the purchases in it. */
  holdoutEnd?: string;
  /** Unit of recency, T and the rates (default "day"; "week" = days / 7). */
  timeUnit?: "day" | "week";
  /** CLV horizon in months (default 12). */
  horizonMonths?: number;
  /** Monthly discount rate of the CLV sum (default 0.01). */
  discountRate?: number;
  /** "bgnbd" (default) or "mbgnbd" (one-time buyers may have dropped out). */
  model?: "bgnbd" | "mbgnbd";
  /** L2 penalty on the parameters, lifetimes' penalizer_coef (default 0). */
  penalizer?: number;
}

/** BG/NBD parameters: purchase rate ~ Gamma(r, alpha), dropout ~ Beta(a, b). */
export interface BgNbdParams { r: number; alpha: number; a: number; b: number; }

/** The fitted repeat-purchase model (`crate::models::clv::BgReport`). */
export interface BgNbdReport extends BgNbdParams {
  model: "bgnbd" | "mbgnbd";
  /** Sum over customers, unpenalised, in the time unit. */
  logLikelihood: number;
  /** Standard errors (null when the information matrix is singular). */
  se: BgNbdParams | null;
  converged: boolean; iterations: number;
}

/** The fitted Gamma–Gamma spend model; `correlation` is Pearson's r of frequency and mean spend. */
export interface GammaGammaReport { p: number; q: number; v: number; correlation: number | null; customers: number; converged: boolean; }

/** Repeat purchases in the holdout of customers with one calibration frequency (7 = 7 or more). */
export interface ClvHoldoutBucket { frequency: number; customers: number; actual: number; predicted: number; }

/** Predicted (conditional on each history) against actual repeat purchases in the holdout. */
export interface ClvHoldout { duration: number; actual: number; predicted: number; buckets: ClvHoldoutBucket[]; }

/** P(alive) of a customer of age `age` by frequency (rows) and recency (columns). */
export interface AliveMatrix { frequencies: number[]; recencies: number[]; age: number; pAlive: number[][]; }

/** What the summary left out or flagged. */
export interface ClvCounts {
  customers: number; repeatCustomers: number; returnLines: number;
  nonpositivePurchaseDays: number; nonpositiveMonetaryCustomers: number; newInHoldout: number;
}

/** The result of `fitClv` (`crate::models::clv::ClvReport`). */
export interface ClvReport {
  bgnbd: BgNbdReport;
  gammaGamma: GammaGammaReport | null;
  /** Plain-words warnings: data sufficiency, left-out spend, correlation, convergence. */
  warnings: string[];
  holdout: ClvHoldout | null;
  aliveMatrix: AliveMatrix;
  /** CLV distribution: 20 equal bars to the 99th percentile, then one for the top 1 %. */
  clvHistogram: { lo: number; hi: number; customers: number }[];
  topCustomers: { customerId: string; clv: number; pAlive: number; expectedPurchases: number; frequency: number; monetary: number }[];
  /** Customer-table columns added: p_alive, expected_purchases_90d, clv_<horizon>m, expected_next_order. */
  columns: string[];
  calibrationEnd: string; holdoutEnd: string | null; timeUnit: "day" | "week";
  horizonMonths: number; discountRate: number;
  /** Customers scored (a purchase by the calibration end). */
  customers: number;
  counts: ClvCounts;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// A `ClvOptions` object.
    #[wasm_bindgen(typescript_type = "ClvOptions")]
    pub type JsClvOptions;
}

/// The fields of `ClvOptions` (a summary fit refuses `holdoutEnd` with its reason).
const OPTION_KEYS: &[&str] = &[
    "calibrationEnd",
    "holdoutEnd",
    "timeUnit",
    "horizonMonths",
    "discountRate",
    "model",
    "penalizer",
];

#[wasm_bindgen(js_class = Workspace)]
impl JsWorkspace {
    /// Customer lifetime value: fits BG/NBD (or the modified BG/NBD) and
    /// Gamma–Gamma to the orders up to the calibration end, scores every
    /// customer who bought by then, checks the predictions on the holdout, and
    /// adds `p_alive`, `expected_purchases_90d`, `clv_12m` (`clv_<horizon>m`)
    /// and `expected_next_order` to the customer table.
    ///
    /// @param options - `{ calibrationEnd, holdoutEnd, timeUnit = "day", horizonMonths = 12, discountRate = 0.01, model = "bgnbd", penalizer = 0 }`.
    /// @returns `{ bgnbd: { r, alpha, a, b, logLikelihood, se }, gammaGamma: { p, q, v, correlation }, warnings, holdout, aliveMatrix, clvHistogram, topCustomers, columns, … }`.
    /// @throws RapportError `OPTIONS` (bad date, unit, model, rate), `MISSING_DATA` (no orders),
    ///   `MODEL` (no repeat buyers, no finite optimum).
    ///
    /// ```js
    /// const clv = ws.fitClv({ calibrationEnd: "2024-06-30", holdoutEnd: "2024-12-31", timeUnit: "week" });
    /// console.log(clv.bgnbd.r, clv.holdout.predicted, clv.holdout.actual);
    /// const lapsing = ws.segment("p_alive < 0.3 and clv_12m > 100");
    /// ```
    #[wasm_bindgen(js_name = fitClv, unchecked_return_type = "ClvReport")]
    pub fn fit_clv(&mut self, options: Option<JsClvOptions>) -> Result<JsValue, JsValue> {
        let params: ClvParams = from_js("options", options.map(JsValue::from), OPTION_KEYS)?;
        let mut ws = self.ws()?;
        let opts = params.check(&ws).map_err(js_error)?;
        let fit = clv::fit_clv(&mut ws, &opts, today()).map_err(js_error)?;
        to_js(&fit.report)
    }
}

/// BG/NBD and Gamma–Gamma fitted on customers already summarised — lifetimes'
/// `frequency` (repeat purchases), `recency`, `T` and `monetary_value`, in one
/// time unit, row `i` being customer `i` — for a dashboard that has these
/// columns, and the `clv_fit` benchmark. No workspace, no columns added;
/// `topCustomers` name customers by row number.
///
/// @param options - as `fitClv`, without `holdoutEnd`; `calibrationEnd` only labels the report.
/// @throws RapportError `INGEST` naming the row and column of a value that is not a summary.
#[wasm_bindgen(js_name = fitClvSummary, unchecked_return_type = "ClvReport")]
pub fn fit_clv_summary(
    frequency: &[f64],
    recency: &[f64],
    #[wasm_bindgen(js_name = T)] age: &[f64],
    monetary: &[f64],
    options: Option<JsClvOptions>,
) -> Result<JsValue, JsValue> {
    let params: ClvParams = from_js("options", options.map(JsValue::from), OPTION_KEYS)?;
    let opts = params.check_summary().map_err(js_error)?;
    let summary = clv::summary_from_columns(frequency, recency, age, monetary).map_err(js_error)?;
    let mut fit = clv::fit_summary(summary, &opts).map_err(js_error)?;
    for t in fit.report.top_customers.iter_mut() {
        t.customer_id = t.key.to_string();
    }
    to_js(&fit.report)
}
