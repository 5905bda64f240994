//! Propensity options as callers give them, checked once.

use super::labels::Label;
use crate::ingest::parse_date;
use crate::{Error, Result};

/// Options of `ws.propensity(options)` / `rapport propensity`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct PropensityParams {
    /// `"churn"` (default), `"response"` or `"default"`.
    pub label: Option<String>,
    /// The cut-off date `YYYY-MM-DD`: features as of it, the label observed after
    /// it (default: the last order date, or the last campaign event for
    /// `response`, minus the window; for one campaign, the day before it).
    pub cutoff: Option<String>,
    /// Days after the cut-off in which the label is observed (default 90).
    pub window_days: Option<u32>,
    /// `response` only: the campaign whose targets are modelled (default: every
    /// campaign with events in the window).
    pub campaign: Option<String>,
    /// Seed of the train/test split (default: drawn, and reported).
    pub seed: Option<u64>,
    /// L2 penalty on the standardised coefficients (default 1; 0 = none).
    pub l2: Option<f64>,
    /// Share of the population held out for the test metrics (default 0.3).
    pub test_fraction: Option<f64>,
    /// Name of the score column (default `churn_risk`, `propensity_response`,
    /// `propensity_default`).
    pub column: Option<String>,
}

/// Checked options.
#[derive(Debug, Clone)]
pub struct ValidParams {
    pub label: Label,
    pub cutoff: Option<i32>,
    pub window_days: i32,
    pub campaign: Option<String>,
    pub seed: Option<u64>,
    pub l2: f64,
    pub test_fraction: f64,
    pub column: String,
}

impl PropensityParams {
    /// Checks every option once; errors name the option and value.
    pub fn check(&self) -> Result<ValidParams> {
        let label = Label::parse(self.label.as_deref().unwrap_or("churn"))?;
        let cutoff = self
            .cutoff
            .as_deref()
            .map(|t| {
                parse_date(t.trim().as_bytes()).ok_or_else(|| Error::option("cutoff", t, "expected a date YYYY-MM-DD"))
            })
            .transpose()?;
        let window_days = self.window_days.unwrap_or(90);
        if !(1..=3660).contains(&window_days) {
            return Err(Error::option("windowDays", window_days, "expected 1 to 3660 days"));
        }
        if self.campaign.is_some() && label != Label::Response {
            return Err(Error::option(
                "campaign",
                self.campaign.as_deref().unwrap_or_default(),
                "only the label 'response' takes a campaign",
            ));
        }
        let l2 = self.l2.unwrap_or(1.0);
        if !(l2.is_finite() && l2 >= 0.0) {
            return Err(Error::option("l2", l2, "expected a penalty ≥ 0"));
        }
        let test_fraction = self.test_fraction.unwrap_or(0.3);
        if !(test_fraction > 0.0 && test_fraction < 1.0) {
            return Err(Error::option(
                "testFraction",
                test_fraction,
                "expected a share strictly between 0 and 1",
            ));
        }
        let column = match &self.column {
            Some(c) if c.trim().is_empty() || c.trim() == "customer_id" => {
                return Err(Error::option(
                    "column",
                    c,
                    "expected a column name other than customer_id",
                ))
            }
            Some(c) => c.trim().to_string(),
            None => label.default_column().to_string(),
        };
        Ok(ValidParams {
            label,
            cutoff,
            window_days: window_days as i32,
            campaign: self.campaign.clone(),
            seed: self.seed,
            l2,
            test_fraction,
            column,
        })
    }
}
