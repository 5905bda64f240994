//! Options of the CLV fit as callers give them, checked once into [`ClvOptions`].

use serde::Deserialize;

use super::bgnbd::TransactionModel;
use super::summary::TimeUnit;
use crate::ingest::parse_date;
use crate::table::customers::last_order_date;
use crate::table::Workspace;
use crate::{Entity, Error, Result};

/// Options of [`fit_clv`](super::fit_clv) as the page and the CLI give them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ClvParams {
    /// Last day (YYYY-MM-DD) of the calibration period (default: the last
    /// order date; required with a holdout).
    pub calibration_end: Option<String>,
    /// Last day of the holdout period used to validate the predictions.
    pub holdout_end: Option<String>,
    /// `"day"` (default) or `"week"`.
    pub time_unit: Option<String>,
    /// CLV horizon in months (default 12).
    pub horizon_months: Option<u32>,
    /// Monthly discount rate of the CLV sum (default 0.01).
    pub discount_rate: Option<f64>,
    /// `"bgnbd"` (default) or `"mbgnbd"`.
    pub model: Option<String>,
    /// L2 penalty on the parameters, lifetimes' `penalizer_coef` (default 0).
    pub penalizer: Option<f64>,
}

/// Checked options.
#[derive(Debug, Clone, PartialEq)]
pub struct ClvOptions {
    /// Days since 1970-01-01.
    pub calibration_end: i32,
    pub holdout_end: Option<i32>,
    pub unit: TimeUnit,
    pub horizon_months: u32,
    pub discount_rate: f64,
    pub model: TransactionModel,
    pub penalizer: f64,
}

fn date(field: &str, text: &str) -> Result<i32> {
    parse_date(text.trim().as_bytes()).ok_or_else(|| Error::option(field, text, "expected a date YYYY-MM-DD"))
}

impl ClvParams {
    /// Checks the options against the workspace (orders must be loaded).
    pub fn check(&self, ws: &Workspace) -> Result<ClvOptions> {
        if ws.tables(Entity::Orders).next().is_none() {
            return Err(Error::MissingData(
                "customer lifetime value needs orders: load an orders file first".into(),
            ));
        }
        let holdout_end = self.holdout_end.as_deref().map(|t| date("holdoutEnd", t)).transpose()?;
        let calibration_end = match (&self.calibration_end, holdout_end) {
            (Some(t), _) => date("calibrationEnd", t)?,
            (None, Some(_)) => {
                return Err(Error::option(
                    "calibrationEnd",
                    "",
                    "a holdout needs the calibration end date before it",
                ))
            }
            (None, None) => last_order_date(ws).ok_or_else(|| Error::MissingData("the orders have no dates".into()))?,
        };
        if let (Some(h), Some(text)) = (holdout_end, &self.holdout_end) {
            if h <= calibration_end {
                return Err(Error::option("holdoutEnd", text, "must be after calibrationEnd"));
            }
        }
        self.settings(calibration_end, holdout_end)
    }

    /// Checks the options of a fit on customers already summarised
    /// ([`fit_summary`](super::fit_summary)): no orders, no holdout; the
    /// calibration end, when given, only labels the report.
    pub fn check_summary(&self) -> Result<ClvOptions> {
        if self.holdout_end.is_some() {
            return Err(Error::option(
                "holdoutEnd",
                self.holdout_end.as_deref().unwrap_or(""),
                "a summary has no holdout purchases: fit the orders for a holdout check",
            ));
        }
        let end = self
            .calibration_end
            .as_deref()
            .map(|t| date("calibrationEnd", t))
            .transpose()?;
        self.settings(end.unwrap_or(0), None)
    }

    /// The options other than the dates, checked.
    fn settings(&self, calibration_end: i32, holdout_end: Option<i32>) -> Result<ClvOptions> {
        let unit = match self.time_unit.as_deref().map(str::trim) {
            None | Some("day") | Some("days") => TimeUnit::Day,
            Some("week") | Some("weeks") => TimeUnit::Week,
            Some(other) => return Err(Error::option("timeUnit", other, "expected \"day\" or \"week\"")),
        };
        let model = match self.model.as_deref().map(str::trim) {
            None | Some("bgnbd") => TransactionModel::Bgnbd,
            Some("mbgnbd") => TransactionModel::Mbgnbd,
            Some(other) => return Err(Error::option("model", other, "expected \"bgnbd\" or \"mbgnbd\"")),
        };
        let horizon_months = self.horizon_months.unwrap_or(12);
        if !(1..=600).contains(&horizon_months) {
            return Err(Error::option(
                "horizonMonths",
                horizon_months,
                "expected 1 to 600 months",
            ));
        }
        let discount_rate = self.discount_rate.unwrap_or(0.01);
        if !(discount_rate.is_finite() && (0.0..1.0).contains(&discount_rate)) {
            return Err(Error::option(
                "discountRate",
                discount_rate,
                "expected a monthly rate from 0 to below 1 (0.01 = 1 %)",
            ));
        }
        let penalizer = self.penalizer.unwrap_or(0.0);
        if !(penalizer.is_finite() && penalizer >= 0.0) {
            return Err(Error::option("penalizer", penalizer, "expected a number ≥ 0"));
        }
        Ok(ClvOptions {
            calibration_end,
            holdout_end,
            unit,
            horizon_months,
            discount_rate,
            model,
            penalizer,
        })
    }
}
