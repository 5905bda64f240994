//! Fitting an exponential-smoothing model: every parameter on an
//! unconstrained (logistic) scale, L-BFGS from the best points of a small
//! grid, by least squares or, with multiplicative errors, R's likelihood.

use super::{ErrorKind, EtsFit, EtsParams, EtsSpec, Seasonal, Trend};
use crate::stats::optim::{lbfgs, numeric_gradient, LbfgsOptions, Minimum};
use crate::{Error, Result};

/// Grid points the fit starts from.
const STARTS: usize = 3;
/// Grid points for a season longer than [`LONG_SEASON`]: one. With 52
/// weeks a damped model has 58 parameters; on the sample's 157 weeks of revenue the three
/// starts of each damped model reached the same optimum (to 1e-9 relative
/// when additive, 1e-5 multiplicative), and those models took three quarters
/// of a weekly forecast's time.
const LONG_SEASON_STARTS: usize = 1;
/// Seasons longer than this (weeks) count as long.
const LONG_SEASON: usize = 24;

const PHI_LO: f64 = 0.8;
const PHI_HI: f64 = 0.995;

fn logistic(u: f64) -> f64 {
    1.0 / (1.0 + (-u).exp())
}

fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln()
}

/// The free parameters of a spec, mapped to and from an unconstrained vector:
/// `[α, β?, γ?, φ?, l₀, b₀?, s₀…]` with states divided by `scale`.
struct Layout {
    spec: EtsSpec,
    scale: f64,
}

impl Layout {
    fn decode(&self, u: &[f64]) -> EtsParams {
        let spec = self.spec;
        let mut i = 0;
        let mut next = || {
            i += 1;
            u[i - 1]
        };
        let alpha = logistic(next());
        let beta = if spec.trend != Trend::None {
            logistic(next())
        } else {
            0.0
        };
        let gamma = if spec.seasonal != Seasonal::None {
            (1.0 - alpha) * logistic(next())
        } else {
            0.0
        };
        let phi = if spec.trend == Trend::Damped {
            PHI_LO + (PHI_HI - PHI_LO) * logistic(next())
        } else if spec.trend == Trend::Additive {
            1.0
        } else {
            0.0
        };
        let level0 = next() * self.scale;
        let trend0 = if spec.trend != Trend::None {
            next() * self.scale
        } else {
            0.0
        };
        let seasons0 = match spec.seasonal {
            Seasonal::None => vec![],
            Seasonal::Additive => (0..spec.m()).map(|_| next() * self.scale).collect(),
            Seasonal::Multiplicative => (0..spec.m()).map(|_| next()).collect(),
        };
        EtsParams::new(spec, alpha, beta, gamma, phi, level0, trend0, seasons0)
    }

    fn encode(&self, p: &EtsParams) -> Vec<f64> {
        let spec = self.spec;
        let mut u = vec![logit(p.alpha)];
        if spec.trend != Trend::None {
            u.push(logit(p.beta));
        }
        if spec.seasonal != Seasonal::None {
            u.push(logit(p.gamma / (1.0 - p.alpha)));
        }
        if spec.trend == Trend::Damped {
            u.push(logit((p.phi - PHI_LO) / (PHI_HI - PHI_LO)));
        }
        u.push(p.level0 / self.scale);
        if spec.trend != Trend::None {
            u.push(p.trend0 / self.scale);
        }
        match spec.seasonal {
            Seasonal::None => {}
            Seasonal::Additive => u.extend(p.seasons0.iter().map(|s| s / self.scale)),
            Seasonal::Multiplicative => u.extend(p.seasons0.iter().copied()),
        }
        u
    }
}

/// statsmodels' "simple" initial states: the first season's mean, the mean
/// change between the first two seasons, the first season's deviations.
fn initial_states(spec: EtsSpec, y: &[f64]) -> (f64, f64, Vec<f64>) {
    let m = spec.m();
    if m == 0 {
        return (y[0], y[1] - y[0], vec![]);
    }
    let first = y[..m].iter().sum::<f64>() / m as f64;
    let second = y[m..2 * m].iter().sum::<f64>() / m as f64;
    let seasons = match spec.seasonal {
        Seasonal::Multiplicative => y[..m].iter().map(|v| v / first).collect(),
        _ => y[..m].iter().map(|v| v - first).collect(),
    };
    (first, (second - first) / m as f64, seasons)
}

/// Fits `spec` to `y` by least squares or, with multiplicative errors, R's
/// likelihood; `seed` drives the simulated intervals of multiplicative models.
pub fn fit(spec: EtsSpec, y: &[f64], seed: u64) -> Result<EtsFit> {
    let model = "forecast (exponential smoothing)";
    if y.len() < spec.min_length() {
        return Err(Error::model(
            model,
            format!(
                "{} periods of history, {} needed for this model",
                y.len(),
                spec.min_length()
            ),
        ));
    }
    if y.iter().any(|v| !v.is_finite()) {
        return Err(Error::model(model, "the series has a missing or infinite value"));
    }
    if spec.needs_positive() && y.iter().any(|&v| v <= 0.0) {
        return Err(Error::model(
            model,
            "multiplicative errors or seasonality need a positive series",
        ));
    }
    let scale = y.iter().map(|v| v.abs()).sum::<f64>() / y.len() as f64;
    let scale = if scale > 0.0 { scale } else { 1.0 };
    let layout = Layout { spec, scale };
    let (l0, b0, s0) = initial_states(spec, y);
    // The SSE in units of `scale`, or R's multiplicative-error objective
    // (less n ln scale², so of the size of n).
    let shift = y.len() as f64 * (scale * scale).ln();
    let objective = |u: &[f64]| {
        let p = layout.decode(u);
        let value = match spec.error {
            ErrorKind::Additive => p.objective_on(y) / (scale * scale),
            ErrorKind::Multiplicative => p.objective_on(y) - shift,
        };
        if value.is_finite() {
            value
        } else {
            f64::INFINITY
        }
    };
    // A coarse grid over the smoothing parameters with the initial states
    // fixed (as statsmodels' brute start), then L-BFGS over everything.
    let mut starts: Vec<(f64, Vec<f64>)> = Vec::new();
    let betas: &[f64] = if spec.trend == Trend::None {
        &[0.0]
    } else {
        &[0.01, 0.1, 0.3]
    };
    let gammas: &[f64] = if spec.seasonal == Seasonal::None {
        &[0.0]
    } else {
        &[0.05, 0.3, 0.6]
    };
    for &alpha in &[0.1, 0.3, 0.5, 0.8] {
        for &beta in betas {
            for &gamma in gammas {
                let start = EtsParams::new(spec, alpha, beta, gamma * (1.0 - alpha), 0.98, l0, b0, s0.clone());
                let u = layout.encode(&start);
                starts.push((objective(&u), u));
            }
        }
    }
    starts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let options = LbfgsOptions {
        max_iterations: 500,
        ..LbfgsOptions::default()
    };
    let mut fg = |u: &[f64], g: &mut [f64]| {
        numeric_gradient(objective, u, g);
        objective(u)
    };
    // L-BFGS from the best STARTS grid points; each optimum is restarted once
    // to refresh the curvature memory.
    let mut best: Option<Minimum> = None;
    let tries = if spec.m() > LONG_SEASON {
        LONG_SEASON_STARTS
    } else {
        STARTS
    };
    for (_, start) in starts.iter().take(tries) {
        let mut min = lbfgs(&mut fg, start, &options);
        let again = lbfgs(&mut fg, &min.x, &options);
        if again.value < min.value {
            min = again;
        }
        if best.as_ref().is_none_or(|b| min.value < b.value) {
            best = Some(min);
        }
    }
    let Some(min) = best else {
        return Err(Error::model(model, "no starting point"));
    };
    if !min.value.is_finite() {
        return Err(Error::model(model, "the fit did not reach a finite error"));
    }
    let mut params = layout.decode(&min.x).evaluate(y);
    if spec.needs_positive() {
        params.seed = Some(seed);
    }
    Ok(EtsFit { params, y: y.to_vec() })
}
