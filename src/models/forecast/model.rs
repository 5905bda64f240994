//! What every forecasting method provides once fitted, and the seasonal-naive
//! baseline.

use serde::Serialize;

use super::ets::EtsParams;

/// The two-sided 95 % normal quantile, of every method's prediction intervals.
pub(super) const Z95: f64 = 1.959_963_984_540_054;

/// One forecast period: the mean and its 95 % prediction interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Point {
    pub mean: f64,
    pub lo95: f64,
    pub hi95: f64,
}

/// The parameters of a fitted method, tagged by `model`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum ModelParams {
    /// The value one season earlier; σ of the in-sample seasonal differences.
    SeasonalNaive { season: usize, sigma: f64 },
    /// Exponential smoothing (Holt–Winters).
    Ets(EtsParams),
    /// Seasonal ARIMA, order chosen by AICc.
    Arima(super::arima::Params),
}

/// A method fitted to a series.
pub trait FittedModel {
    /// Forecasts for the `h` periods after the series.
    fn forecast(&self, h: usize) -> Vec<Point>;
    /// The fitted parameters.
    fn params(&self) -> ModelParams;
}

/// The seasonal-naive forecast: each period repeats the last observed value of
/// its season (the naive forecast when `season` is 1).
#[derive(Debug, Clone)]
pub struct SeasonalNaive {
    last: Vec<f64>,
    season: usize,
    sigma: f64,
}

impl SeasonalNaive {
    /// The model of `y` (at least one value); `season` ≥ 1.
    pub fn fit(y: &[f64], season: usize) -> SeasonalNaive {
        let m = season.max(1).min(y.len().max(1));
        let diffs: Vec<f64> = y.windows(m + 1).map(|w| w[m] - w[0]).collect();
        let sigma = if diffs.is_empty() {
            0.0
        } else {
            (diffs.iter().map(|d| d * d).sum::<f64>() / diffs.len() as f64).sqrt()
        };
        SeasonalNaive {
            last: y[y.len().saturating_sub(m)..].to_vec(),
            season: m,
            sigma,
        }
    }
}

impl FittedModel for SeasonalNaive {
    fn forecast(&self, h: usize) -> Vec<Point> {
        (0..h)
            .map(|k| {
                let mean = self.last.get(k % self.season).copied().unwrap_or(0.0);
                // Var(h) = σ²(⌊(h − 1)/m⌋ + 1) (Hyndman & Athanasopoulos, table 5.2).
                let half = Z95 * self.sigma * ((k / self.season + 1) as f64).sqrt();
                Point {
                    mean,
                    lo95: mean - half,
                    hi95: mean + half,
                }
            })
            .collect()
    }

    fn params(&self) -> ModelParams {
        ModelParams::SeasonalNaive {
            season: self.season,
            sigma: self.sigma,
        }
    }
}

/// The `q` quantile (0..=1) of sorted values, interpolated linearly (R type 7).
pub(crate) fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (pos - lo as f64) * (sorted[hi] - sorted[lo])
}

impl FittedModel for super::arima::Fitted {
    fn forecast(&self, h: usize) -> Vec<Point> {
        super::arima::Fitted::forecast(self, h)
    }

    fn params(&self) -> ModelParams {
        ModelParams::Arima(super::arima::Fitted::params(self))
    }
}
