//! `Workspace.propensity` and `explainScore`: churn, response and default
//! propensity by logistic regression, and why a customer has their score.

use wasm_bindgen::prelude::*;

use super::convert::{from_js, js_error, to_js};
use super::customers::today;
use super::workspace::JsWorkspace;
use crate::models::propensity::{self, PropensityParams};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Options of `propensity` (`crate::models::propensity::PropensityParams`). */
export interface PropensityOptions {
  /** "churn" (default: no order in the window after the cut-off), "response" (clicked or converted
   *  when targeted by a campaign) or "default" (an order paid late or defaulted). */
  label?: "churn" | "response" | "default";
  /** Cut-off YYYY-MM-DD: features as of it, the label observed after it (default: the last order
   *  date — last campaign event for "response" — minus the window; for one campaign, the day before it). */
  cutoff?: string;
  /** Days after the cut-off in which the label is observed (default 90). */
  windowDays?: number;
  /** "response" only: the campaign whose targets are modelled. */
  campaign?: string;
  /** Seed of the stratified train/test split (default: drawn, and reported as `seed`). */
  seed?: number;
  /** L2 penalty on the standardised coefficients (default 1; 0 = none). */
  l2?: number;
  /** Share held out for the test metrics (default 0.3). */
  testFraction?: number;
  /** Score column added to the customer table (default "churn_risk", "propensity_response", "propensity_default"). */
  column?: string;
}

/** A single-feature baseline (`crate::models::propensity::Baseline`): a column of the cut-off
 *  table — "p_alive_bgnbd" (P(alive) of a BG/NBD fit at the cut-off), "no_order_log_odds_bgnbd"
 *  (that fit's probability of no order in the window), "recency_days", "share_paid_late" — and
 *  its test-set AUC. */
export interface PropensityBaseline { column: string; higherIsPositive: boolean; auc: number | null; }

/** One of 10 equal-width bins of predicted probability on the test set. */
export interface CalibrationBin {
  lower: number; upper: number; customers: number;
  meanPredicted: number | null; observedRate: number | null;
}

/** One decile of the test set ranked by score, highest first. */
export interface GainDecile {
  decile: number; customers: number; positives: number;
  rate: number; lift: number; cumulativeGain: number; cumulativeLift: number;
}

/** One feature's coefficient: per standard deviation and per unit of the feature (log-odds). */
export interface PropensityCoefficient {
  feature: string; column: string; standardised: number; original: number; mean: number; sd: number;
}

/** The result of `propensity` (`crate::models::propensity::PropensityReport`). */
export interface PropensityReport {
  label: "churn" | "response" | "default";
  /** The score column added to the customer table. */
  column: string;
  campaign: string | null;
  cutoff: string; windowEnd: string; scoredAsOf: string;
  /** Customers scored (all of the customer table). */
  scored: number;
  seed: number; l2: number; testFraction: number;
  nTrain: number; nTest: number; positivesTrain: number; positivesTest: number;
  /** Test-set AUC; null when the test set holds one class. */
  auc: number | null;
  logLoss: number;
  /** AUC of `baseline`. */
  baselineAuc: number | null;
  /** The baseline to beat: for churn P(alive) ("p_alive_bgnbd", lower = more churn), for
   *  response lower "recency_days", for default "share_paid_late". */
  baseline: PropensityBaseline | null;
  /** Every baseline scored, `baseline` first; churn: P(alive), the BG/NBD probability of no
   *  order in the window, then "recency_days". */
  baselines: PropensityBaseline[];
  calibration: CalibrationBin[];
  gains: GainDecile[];
  /** Log-odds of the mean training customer. */
  intercept: number; interceptOriginal: number;
  /** Sorted by |standardised|, largest first. */
  coefficients: PropensityCoefficient[];
  iterations: number;
}

/** One feature's part of a score. */
export interface ScoreContribution { feature: string; value: number; contribution: number; }

/** The result of `explainScore` (`crate::models::propensity::Explanation`). */
export interface ScoreExplanation {
  customerId: string; score: number;
  /** Log-odds of the mean customer; adding every contribution gives this customer's log-odds. */
  baseLogOdds: number;
  /** Sorted by |contribution|, largest first. */
  contributions: ScoreContribution[];
}
"#;

#[wasm_bindgen]
extern "C" {
    /// A `PropensityOptions` object.
    #[wasm_bindgen(typescript_type = "PropensityOptions")]
    pub type JsPropensityOptions;
}

#[wasm_bindgen(js_class = Workspace)]
impl JsWorkspace {
    /// Fits a logistic regression of churn, campaign response or payment
    /// default on the customer-table features as of a cut-off date, reports
    /// test-set AUC, log-loss, calibration and gains against one-feature
    /// baselines (for churn: P(alive) of a BG/NBD fit at the cut-off, and
    /// recency), and adds every customer's score (as of the latest data) to the
    /// customer table, e.g. `churn_risk` — usable in segments
    /// (`ws.segment("churn_risk > 0.3")`).
    ///
    /// @param options - `{ label?, cutoff?, windowDays?, campaign?, seed?, l2?, testFraction?, column? }`.
    /// @returns the report; `seed` is the seed used.
    /// @throws RapportError `OPTIONS` (with `field`) for a bad option, `MISSING_DATA` when the label
    /// cannot be built (no orders, campaign events or payment status), `MODEL` when it cannot be fitted.
    ///
    /// ```js
    /// const r = ws.propensity({ label: "churn", windowDays: 90, seed: 7 });
    /// console.log(r.auc, r.baselineAuc, r.baselines.map((b) => `${b.column} ${b.auc}`));
    /// ```
    #[wasm_bindgen(unchecked_return_type = "PropensityReport")]
    pub fn propensity(&mut self, options: Option<JsPropensityOptions>) -> Result<JsValue, JsValue> {
        let mut guard = self.ws()?;
        let known = [
            "label",
            "cutoff",
            "windowDays",
            "campaign",
            "seed",
            "l2",
            "testFraction",
            "column",
        ];
        let params: PropensityParams = from_js("options", options.map(JsValue::from), &known)?;
        let params = params.check().map_err(js_error)?;
        to_js(&propensity::propensity(&mut guard, &params, today(), None).map_err(js_error)?)
    }

    /// Why a customer has their score: each feature's contribution to the
    /// log-odds (coefficient × standardised value, relative to the mean
    /// customer), largest first.
    ///
    /// @param model - the score column of a fitted model, e.g. `"churn_risk"`.
    /// @param customerId - the id as in the loaded files.
    /// @throws RapportError `OPTIONS` (field `model` or `customerId`) for an unknown one.
    #[wasm_bindgen(js_name = explainScore, unchecked_return_type = "ScoreExplanation")]
    pub fn explain_score(
        &mut self,
        model: &str,
        #[wasm_bindgen(js_name = customerId)] customer_id: &str,
    ) -> Result<JsValue, JsValue> {
        let mut guard = self.ws()?;
        to_js(&propensity::explain_score(&mut guard, model, customer_id, today()).map_err(js_error)?)
    }
}
