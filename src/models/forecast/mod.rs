//! Forecasts of revenue, orders or active customers per week or month:
//! Holt–Winters exponential smoothing (simple, damped Holt, additive and
//! multiplicative seasonality) and the seasonal-naive baseline, chosen by a
//! rolling-origin backtest (MASE on the seasonal-naive scale), with 95 %
//! prediction intervals. See README "Forecasts".

pub mod arima;
mod backtest;
pub mod ets;
mod model;
mod report;
mod series;

pub use backtest::{mase, naive_scale, Backtest, Candidate, CandidateScore, Method};
pub use model::{FittedModel, ModelParams, Point, SeasonalNaive};
pub use report::{
    forecast, forecast_series, season_of, ForecastOptions, ForecastParams, ForecastPoint, ForecastReport, HistoryPoint,
    SeriesForecast, MAX_HORIZON,
};
pub use series::{series, Series};

#[cfg(test)]
mod tests;
