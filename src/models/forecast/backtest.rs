//! Candidate methods, the rolling-origin backtest that scores them (MAPE and
//! MASE scaled by the in-sample seasonal-naive error) and the choice among them.

use serde::Serialize;

use super::ets::{self, ErrorKind, EtsSpec, Seasonal, Trend};
use super::model::{FittedModel, SeasonalNaive};
use crate::{Error, Result};

/// Which methods compete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Every candidate; the backtest picks.
    Auto,
    /// Exponential-smoothing candidates only; the backtest picks.
    Ets,
    /// ARIMA (wired when the ARIMA module is merged).
    Arima,
}

impl Method {
    /// `"auto"`, `"ets"` or `"arima"`.
    pub fn parse(text: &str) -> Result<Method> {
        match text.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Method::Auto),
            "ets" => Ok(Method::Ets),
            "arima" => Ok(Method::Arima),
            _ => Err(Error::option("method", text, "expected \"auto\", \"ets\" or \"arima\"")),
        }
    }
}

/// One forecasting method with its settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidate {
    SeasonalNaive(usize),
    Ets(EtsSpec),
    /// Seasonal ARIMA with this season, order chosen by AICc (`arima::auto`).
    Arima(usize),
}

impl Candidate {
    /// The family reported as `method`: `"seasonal_naive"`, `"ets"` (or `"arima"`).
    pub fn family(&self) -> &'static str {
        match self {
            Candidate::SeasonalNaive(_) => "seasonal_naive",
            Candidate::Ets(_) => "ets",
            Candidate::Arima(_) => "arima",
        }
    }

    /// A name for the backtest table, e.g. `"ets_additive_damped"`.
    pub fn name(&self) -> String {
        match self {
            Candidate::SeasonalNaive(1) => "naive".into(),
            Candidate::SeasonalNaive(_) => "seasonal_naive".into(),
            Candidate::Arima(_) => "arima".into(),
            Candidate::Ets(spec) => {
                let trend = match spec.trend {
                    Trend::None => "",
                    Trend::Additive => "_trend",
                    Trend::Damped => "_damped",
                };
                let error = match spec.error {
                    ErrorKind::Additive => "",
                    ErrorKind::Multiplicative => "_multiplicative_error",
                };
                match spec.seasonal {
                    Seasonal::None if spec.trend == Trend::None => format!("ets_simple{error}"),
                    Seasonal::None => format!("ets_holt{trend}{error}"),
                    Seasonal::Additive => format!("ets_additive{trend}{error}"),
                    Seasonal::Multiplicative => format!("ets_multiplicative{trend}{error}"),
                }
            }
        }
    }

    /// Fits the candidate to `y`.
    pub fn fit(&self, y: &[f64], seed: u64) -> Result<Box<dyn FittedModel>> {
        match *self {
            Candidate::SeasonalNaive(m) => {
                if y.is_empty() {
                    return Err(Error::model("forecast", "an empty series"));
                }
                Ok(Box::new(SeasonalNaive::fit(y, m)))
            }
            Candidate::Ets(spec) => Ok(Box::new(ets::fit(spec, y, seed)?)),
            Candidate::Arima(m) => Ok(Box::new(super::arima::auto(y, m)?)),
        }
    }

    /// Whether the candidate can be fitted on `n` values.
    fn fits_in(&self, n: usize) -> bool {
        match self {
            Candidate::SeasonalNaive(m) => n > *m,
            Candidate::Ets(spec) => n >= spec.min_length(),
            // auto() needs 4 values; below 8 its unit-root tests say little.
            Candidate::Arima(_) => n >= 8,
        }
    }
}

/// The candidates of `method` for a series with this season (1: none).
pub fn candidates(method: Method, season: usize, positive: bool) -> Result<Vec<Candidate>> {
    let ets = |trend, seasonal| {
        Candidate::Ets(EtsSpec {
            error: ErrorKind::Additive,
            trend,
            seasonal,
            season,
        })
    };
    let mut out = Vec::new();
    match method {
        Method::Arima => return Ok(vec![Candidate::Arima(season)]),
        Method::Auto => out.push(Candidate::SeasonalNaive(season)),
        Method::Ets => {}
    }
    if method == Method::Auto {
        out.push(Candidate::Arima(season));
    }
    out.push(ets(Trend::None, Seasonal::None));
    out.push(ets(Trend::Damped, Seasonal::None));
    if season > 1 {
        out.push(ets(Trend::None, Seasonal::Additive));
        out.push(ets(Trend::Damped, Seasonal::Additive));
        if positive {
            out.push(ets(Trend::None, Seasonal::Multiplicative));
            out.push(ets(Trend::Damped, Seasonal::Multiplicative));
        }
    }
    Ok(out)
}

/// One candidate's backtest errors (`None` when it could not be fitted or
/// the error is undefined, e.g. MAPE of an all-zero window).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CandidateScore {
    pub name: String,
    pub method: String,
    /// Mean absolute percentage error, in percent.
    pub mape: Option<f64>,
    /// Mean absolute scaled error.
    pub mase: Option<f64>,
    /// Why the candidate has no score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The rolling-origin backtest: each candidate is fitted on the history up to
/// each origin and forecasts the `horizon` periods after it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Backtest {
    /// Number of values each origin's training set holds.
    pub origins: Vec<usize>,
    pub horizon: usize,
    /// The chosen candidate's MAPE (percent) and MASE.
    pub mape: Option<f64>,
    pub mase: Option<f64>,
    /// The seasonal-naive baseline's MASE.
    pub baseline_mase: Option<f64>,
    pub candidates: Vec<CandidateScore>,
}

/// Mean |y_t − y_{t−m}| over `y`: the MASE scale.
pub fn naive_scale(y: &[f64], m: usize) -> Option<f64> {
    let m = m.max(1);
    (y.len() > m).then(|| y.windows(m + 1).map(|w| (w[m] - w[0]).abs()).sum::<f64>() / (y.len() - m) as f64)
}

/// MASE of `forecast` against `actual`, scaled on `train`.
pub fn mase(train: &[f64], actual: &[f64], forecast: &[f64], m: usize) -> Option<f64> {
    let scale = naive_scale(train, m).filter(|s| *s > 0.0)?;
    let mae = actual.iter().zip(forecast).map(|(a, f)| (a - f).abs()).sum::<f64>() / actual.len() as f64;
    Some(mae / scale)
}

/// Backtest settings for a series of `n` values and a horizon `h`: the
/// training lengths of the 3 origins (spaced by ⌈h/3⌉) and the horizon used.
pub fn plan(n: usize, h: usize) -> Result<(Vec<usize>, usize)> {
    let h = h.min(n.saturating_sub(6) / 2).max(1);
    let step = h.div_ceil(3);
    let last = n.saturating_sub(h);
    if last < 4 + 2 * step {
        return Err(Error::model(
            "forecast",
            format!("{n} complete periods of history: at least 8 are needed to backtest a forecast"),
        ));
    }
    Ok(((0..3).rev().map(|k| last - k * step).collect(), h))
}

/// Scores every candidate on the origins and picks the lowest mean MASE
/// (MAPE when no MASE is defined). Returns the backtest and the chosen index.
pub fn backtest(y: &[f64], season: usize, candidates: &[Candidate], seed: u64, h: usize) -> Result<(Backtest, usize)> {
    let (origins, h) = plan(y.len(), h)?;
    let mut scores = Vec::with_capacity(candidates.len());
    for c in candidates {
        let mut mapes = Vec::new();
        let mut mases = Vec::new();
        let mut error = None;
        for &o in &origins {
            let (train, test) = (&y[..o], &y[o..(o + h).min(y.len())]);
            if !c.fits_in(train.len()) {
                error = Some(format!(
                    "{} values before an origin: too few for this model",
                    train.len()
                ));
                break;
            }
            match c.fit(train, seed) {
                Ok(model) => {
                    let f: Vec<f64> = model.forecast(test.len()).iter().map(|p| p.mean).collect();
                    if f.iter().any(|v| !v.is_finite()) {
                        error = Some("the forecast is not finite".into());
                        break;
                    }
                    if let Some(v) = mase(train, test, &f, season) {
                        mases.push(v);
                    }
                    for (a, f) in test.iter().zip(&f) {
                        if *a != 0.0 {
                            mapes.push(100.0 * ((a - f) / a).abs());
                        }
                    }
                }
                Err(e) => {
                    error = Some(e.to_string());
                    break;
                }
            }
        }
        let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
        let failed = error.is_some();
        scores.push(CandidateScore {
            name: c.name(),
            method: c.family().into(),
            mape: if failed { None } else { mean(&mapes) },
            mase: if failed { None } else { mean(&mases) },
            error,
        });
    }
    let key = |s: &CandidateScore| s.mase.or(s.mape);
    let chosen = scores
        .iter()
        .enumerate()
        .filter_map(|(i, s)| key(s).map(|k| (i, k)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
        .ok_or_else(|| {
            // Say why: each candidate's own error (e.g. ARIMA on a series with no noise).
            let why: Vec<String> = scores
                .iter()
                .filter_map(|s| s.error.as_ref().map(|e| format!("{}: {e}", s.name)))
                .collect();
            Error::model(
                "forecast",
                format!(
                    "no candidate method could be fitted on the backtest origins ({})",
                    why.join("; ")
                ),
            )
        })?;
    let baseline_mase = candidates
        .iter()
        .position(|c| matches!(c, Candidate::SeasonalNaive(_)))
        .and_then(|i| scores[i].mase)
        .or_else(|| {
            // Not a candidate (method "ets"): score the baseline alone.
            let mut v = Vec::new();
            for &o in &origins {
                let (train, test) = (&y[..o], &y[o..(o + h).min(y.len())]);
                let f: Vec<f64> = SeasonalNaive::fit(train, season)
                    .forecast(test.len())
                    .iter()
                    .map(|p| p.mean)
                    .collect();
                v.extend(mase(train, test, &f, season));
            }
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
        });
    Ok((
        Backtest {
            origins,
            horizon: h,
            mape: scores[chosen].mape,
            mase: scores[chosen].mase,
            baseline_mase,
            candidates: scores,
        },
        chosen,
    ))
}
