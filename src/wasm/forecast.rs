//! `Workspace.forecast`: revenue, orders or active customers per period,
//! forecast by the method a rolling-origin backtest picks.

use wasm_bindgen::prelude::*;

use super::convert::{from_js, js_error, to_js};
use super::workspace::JsWorkspace;
use crate::models::forecast::{self, ForecastParams};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Options of `forecast` (`crate::models::forecast::ForecastParams`). */
export interface ForecastOptions {
  /** "month" (default), "week" (ISO, Monday start) or "quarter". */
  period?: "week" | "month" | "quarter";
  /** "revenue" (default, net of returns), "orders" (distinct order ids) or "customers" (distinct active customers). */
  measure?: "revenue" | "orders" | "customers";
  /** Periods to forecast (default 12 months, 13 weeks or 4 quarters; at most 520). */
  horizon?: number;
  /** "auto" (default: every candidate, the backtest picks), "ets" (exponential smoothing only) or "arima". */
  method?: "auto" | "ets" | "arima";
  /** Seed of the simulated intervals of multiplicative models (drawn and reported when absent). */
  seed?: number;
}

/** Exponential-smoothing parameters (statsmodels' names: smoothing_level = alpha, …). */
export interface EtsParams {
  model: "ets";
  /** Additive errors (the candidates of `auto` and `ets`); multiplicative ones are fitted by likelihood. */
  error: "additive" | "multiplicative";
  trend: "none" | "additive" | "damped"; seasonal: "none" | "additive" | "multiplicative";
  season: number; alpha: number; beta: number; gamma: number; phi: number;
  level0: number; trend0: number; seasons0: number[];
  /** In-sample sum of squared one-step errors, and √(SSE/n) (relative with multiplicative errors). */
  sse: number; sigma: number;
  /** Gaussian log-likelihood of the one-step errors, and AICc (parameters counted as R's `ets` does). */
  logLikelihood: number; aicc: number;
  /** Seed of the simulated intervals (any multiplicative component). */
  seed?: number;
}

/** A seasonal ARIMA(p,d,q)(sp,sd,sq)[season] fit (`crate::models::forecast::arima::Params`); order chosen by AICc. */
export interface ArimaParams {
  model: "arima";
  order: { p: number; d: number; q: number; sp: number; sd: number; sq: number; season: number; constant: boolean };
  /** φ of 1 − φ₁B − …, θ of 1 + θ₁B + …, and their seasonal counterparts. */
  ar: number[]; ma: number[]; sar: number[]; sma: number[];
  constant: number | null; sigma2: number; logLikelihood: number; aic: number; aicc: number;
}

/** The fitted method's parameters, tagged by `model`. */
export type ForecastModelParams = EtsParams | ArimaParams | { model: "seasonal_naive"; season: number; sigma: number };

/** One candidate in the backtest. */
export interface ForecastCandidate {
  /** e.g. "seasonal_naive", "ets_simple", "ets_holt_damped", "ets_additive", "ets_multiplicative_damped". */
  name: string;
  method: "ets" | "seasonal_naive" | "arima";
  /** Mean absolute percentage error (percent) and mean absolute scaled error; null when not defined or not fitted. */
  mape: number | null; mase: number | null;
  error?: string;
}

/** The result of `forecast` (`crate::models::forecast::ForecastReport`). */
export interface ForecastReport {
  /** The chosen method's family and candidate. */
  method: "ets" | "seasonal_naive" | "arima";
  model: string;
  period: "week" | "month" | "quarter";
  measure: "revenue" | "orders" | "customers";
  /** The season used (1 when the history is shorter than two seasons plus the backtest). */
  season: number;
  params: ForecastModelParams;
  history: { period: string; value: number }[];
  /** The trailing period left out because the data ends inside it. */
  partialPeriod: string | null;
  forecast: { period: string; mean: number; lo95: number; hi95: number }[];
  backtest: {
    /** Values in each origin's training set; each origin forecasts `horizon` periods. */
    origins: number[]; horizon: number;
    mape: number | null; mase: number | null;
    /** MASE of the seasonal-naive forecast on the same origins. */
    baselineMase: number | null;
    candidates: ForecastCandidate[];
  };
  /** The seed used. */
  seed: number;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// A `ForecastOptions` object.
    #[wasm_bindgen(typescript_type = "ForecastOptions")]
    pub type JsForecastOptions;
}

#[wasm_bindgen(js_class = Workspace)]
impl JsWorkspace {
    /// Forecasts revenue, orders or active customers per period from the
    /// loaded order lines: exponential smoothing (simple, damped Holt, additive
    /// and multiplicative Holt–Winters) and the seasonal-naive baseline compete
    /// in a rolling-origin backtest (lowest MASE wins); the winner is refitted
    /// on the whole history and forecasts with 95 % intervals.
    ///
    /// @param options - `{ period = "month", measure = "revenue", horizon = 12, method = "auto", seed }`.
    /// @returns `{ method, model, params, history: [{ period, value }], forecast: [{ period, mean, lo95, hi95 }], backtest: { mape, mase, baselineMase, candidates }, seed, … }`.
    /// @throws RapportError `OPTIONS` (bad period, measure, horizon, method; an unknown method),
    ///   `MISSING_DATA` (no orders), `MODEL` (history too short).
    ///
    /// ```js
    /// const f = ws.forecast({ period: "month", measure: "revenue", horizon: 6, seed: 1 });
    /// console.log(f.model, f.forecast[0].period, f.forecast[0].mean, f.backtest.mase);
    /// ```
    #[wasm_bindgen(unchecked_return_type = "ForecastReport")]
    pub fn forecast(&self, options: Option<JsForecastOptions>) -> Result<JsValue, JsValue> {
        let params: ForecastParams = from_js(
            "options",
            options.map(JsValue::from),
            &["period", "measure", "horizon", "method", "seed"],
        )?;
        let opts = params.check().map_err(js_error)?;
        let ws = self.ws()?;
        to_js(&forecast::forecast(&ws, &opts).map_err(js_error)?)
    }
}
