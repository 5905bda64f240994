//! `forecast`: options, the series, the backtest, the chosen method's fit and
//! its forecast as one serde-ready report.

use serde::{Deserialize, Serialize};

use super::backtest::{backtest, candidates, Backtest, Method};
use super::model::{ModelParams, Point};
use super::series::series;
use crate::cohort::{Measure, Period};
use crate::stats::seed::seed_or_draw;
use crate::table::Workspace;
use crate::{Error, Result};

/// Forecast options as the caller gives them (camelCase in JS).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ForecastParams {
    /// "week" (ISO), "month" (default) or "quarter".
    pub period: Option<String>,
    /// "revenue" (default, net of returns), "orders" or "customers" (active).
    pub measure: Option<String>,
    /// Periods to forecast (default 12 months, 13 weeks or 4 quarters).
    pub horizon: Option<u32>,
    /// "auto" (default), "ets" or "arima".
    pub method: Option<String>,
    /// Seed of the simulated intervals (drawn and reported when absent).
    pub seed: Option<u64>,
}

/// Checked forecast options.
#[derive(Debug, Clone)]
pub struct ForecastOptions {
    pub period: Period,
    pub measure: Measure,
    pub horizon: usize,
    pub method: Method,
    pub seed: u64,
}

/// Longest horizon accepted.
pub const MAX_HORIZON: u32 = 520;

impl ForecastParams {
    /// Validates the options (draws a seed when none is given).
    pub fn check(&self) -> Result<ForecastOptions> {
        let period = match &self.period {
            Some(p) => Period::parse(p, "period")?,
            None => Period::Month,
        };
        let measure = match self.measure.as_deref().map(str::trim) {
            None | Some("revenue") => Measure::Revenue,
            Some("orders") => Measure::Orders,
            Some("customers") => Measure::Customers,
            Some(other) => {
                return Err(Error::option(
                    "measure",
                    other,
                    "expected \"revenue\", \"orders\" or \"customers\"",
                ))
            }
        };
        let horizon = match self.horizon {
            Some(h) if h == 0 || h > MAX_HORIZON => {
                return Err(Error::option(
                    "horizon",
                    h,
                    format!("expected 1 to {MAX_HORIZON} periods"),
                ))
            }
            Some(h) => h as usize,
            None => default_horizon(period),
        };
        let method = match &self.method {
            Some(m) => Method::parse(m)?,
            None => Method::Auto,
        };
        Ok(ForecastOptions {
            period,
            measure,
            horizon,
            method,
            seed: seed_or_draw(self.seed)?,
        })
    }
}

fn default_horizon(period: Period) -> usize {
    match period {
        Period::Week => 13,
        Period::Month => 12,
        Period::Quarter => 4,
    }
}

/// Periods per year: the season tried.
pub fn season_of(period: Period) -> usize {
    match period {
        Period::Week => 52,
        Period::Month => 12,
        Period::Quarter => 4,
    }
}

/// The forecast of a plain series (no workspace): what [`forecast`] does
/// after building the series.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeriesForecast {
    /// The chosen method's family: "ets" or "seasonal_naive" (or "arima").
    pub method: String,
    /// The chosen candidate, e.g. "ets_multiplicative_damped".
    pub model: String,
    /// The season used (1: the series was too short for one).
    pub season: usize,
    pub params: ModelParams,
    pub forecast: Vec<Point>,
    pub backtest: Backtest,
}

/// Backtests the candidates of `method` on `y`, refits the best on all of
/// `y` and forecasts `horizon` values. The season `season` is used when the
/// shortest backtest training set holds two full seasons.
pub fn forecast_series(y: &[f64], season: usize, horizon: usize, method: Method, seed: u64) -> Result<SeriesForecast> {
    if y.iter().any(|v| !v.is_finite()) {
        return Err(Error::model("forecast", "the series has a missing or infinite value"));
    }
    let (origins, _) = super::backtest::plan(y.len(), horizon)?;
    let shortest = origins.iter().copied().min().unwrap_or(0);
    let season = if season > 1 && shortest >= 2 * season {
        season
    } else {
        1
    };
    let positive = y.iter().all(|&v| v > 0.0);
    let cands = candidates(method, season, positive)?;
    let (bt, chosen) = backtest(y, season, &cands, seed, horizon)?;
    let model = cands[chosen].fit(y, seed)?;
    Ok(SeriesForecast {
        method: cands[chosen].family().into(),
        model: cands[chosen].name(),
        season,
        params: model.params(),
        forecast: model.forecast(horizon),
        backtest: bt,
    })
}

/// One period of history.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryPoint {
    pub period: String,
    pub value: f64,
}

/// One forecast period with its 95 % interval.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ForecastPoint {
    pub period: String,
    pub mean: f64,
    pub lo95: f64,
    pub hi95: f64,
}

/// The result of [`forecast`].
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ForecastReport {
    pub method: String,
    pub model: String,
    pub period: Period,
    pub measure: Measure,
    pub season: usize,
    pub params: ModelParams,
    pub history: Vec<HistoryPoint>,
    /// The trailing period left out of the history because the data ends inside it.
    pub partial_period: Option<String>,
    pub forecast: Vec<ForecastPoint>,
    pub backtest: Backtest,
    /// The seed of anything random (the simulated intervals).
    pub seed: u64,
}

/// Forecasts the measure per period from the loaded order lines.
pub fn forecast(ws: &Workspace, opts: &ForecastOptions) -> Result<ForecastReport> {
    let s = series(ws, opts.period, opts.measure)?;
    let f = forecast_series(&s.values, season_of(opts.period), opts.horizon, opts.method, opts.seed)?;
    let n = s.values.len();
    Ok(ForecastReport {
        method: f.method,
        model: f.model,
        period: opts.period,
        measure: opts.measure,
        season: f.season,
        params: f.params,
        history: s
            .values
            .iter()
            .enumerate()
            .map(|(i, &value)| HistoryPoint {
                period: s.label(i),
                value,
            })
            .collect(),
        partial_period: s.partial_period.clone(),
        forecast: f
            .forecast
            .iter()
            .enumerate()
            .map(|(k, p)| ForecastPoint {
                period: s.label(n + k),
                mean: p.mean,
                lo95: p.lo95,
                hi95: p.hi95,
            })
            .collect(),
        backtest: f.backtest,
        seed: opts.seed,
    })
}
