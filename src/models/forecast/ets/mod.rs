//! Holt–Winters exponential smoothing in the component form of statsmodels'
//! `ExponentialSmoothing` (and Hyndman et al. 2008): level, optionally an
//! additive (possibly damped) trend and additive or multiplicative seasonality.
//!
//! With `ŷ_t = l_{t−1} + φ b_{t−1}` (times or plus `s_{t−m}`):
//!
//! ```text
//! l_t = α (y_t − s_{t−m}) + (1 − α)(l_{t−1} + φ b_{t−1})        (additive season; y_t / s_{t−m} when multiplicative)
//! b_t = β (l_t − l_{t−1}) + (1 − β) φ b_{t−1}
//! s_t = γ (y_t − l_{t−1} − φ b_{t−1}) + (1 − γ) s_{t−m}         (y_t / (l_{t−1} + φ b_{t−1}) when multiplicative)
//! ```
//!
//! The updates are the same whether the error is additive or multiplicative
//! (Hyndman et al. 2008, tables 2.2 and 2.3, in error-correction form); the
//! error type changes the likelihood and the prediction intervals only. With
//! additive errors (`e_t = y_t − ŷ_t`) the Gaussian likelihood is maximised by
//! the least in-sample SSE; with multiplicative errors (`e_t = (y_t − ŷ_t)/ŷ_t`)
//! the fit minimises `n ln Σe_t² + 2 Σ ln |ŷ_t|`, the objective of R's `ets`.
//!
//! Every parameter — α, β, γ, φ and the initial states l₀, b₀, s₀…s_{m−1} — is
//! fitted (statsmodels' `initialization_method="estimated"`) with L-BFGS on a
//! logistic transform under statsmodels' bounds: α, β ∈ (0, 1),
//! γ ∈ (0, 1 − α), φ ∈ (0.8, 0.995). (R's β* is our αβ.)

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use serde::Serialize;

use super::model::{quantile, FittedModel, ModelParams, Point, Z95};

mod fit;
pub use fit::fit;

/// The trend component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    None,
    Additive,
    /// Additive and damped by φ.
    Damped,
}

/// The seasonal component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Seasonal {
    None,
    Additive,
    Multiplicative,
}

/// The error component: `y_t = ŷ_t + e_t` or `y_t = ŷ_t (1 + e_t)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Additive,
    Multiplicative,
}

/// Which exponential-smoothing model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EtsSpec {
    pub error: ErrorKind,
    pub trend: Trend,
    pub seasonal: Seasonal,
    /// Periods per season (ignored without a seasonal component).
    pub season: usize,
}

impl EtsSpec {
    fn m(&self) -> usize {
        if self.seasonal == Seasonal::None {
            0
        } else {
            self.season
        }
    }

    /// Observations needed to fit: two full seasons, else 4.
    pub fn min_length(&self) -> usize {
        (2 * self.m()).max(4)
    }

    /// Whether the model needs a positive series (a multiplicative component).
    pub fn needs_positive(&self) -> bool {
        self.error == ErrorKind::Multiplicative || self.seasonal == Seasonal::Multiplicative
    }

    /// Estimated parameters, counting σ and m − 1 seasonal states (one is
    /// redundant with the level), as R's `ets` does.
    pub fn parameter_count(&self) -> usize {
        let trend = match self.trend {
            Trend::None => 0,
            Trend::Additive => 2,
            Trend::Damped => 3,
        };
        3 + trend + self.m()
    }
}

/// Smoothing parameters and initial states (statsmodels' names in brackets).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EtsParams {
    pub error: ErrorKind,
    pub trend: Trend,
    pub seasonal: Seasonal,
    /// Periods per season (1 without a seasonal component).
    pub season: usize,
    /// α (`smoothing_level`).
    pub alpha: f64,
    /// β (`smoothing_trend`), 0 without a trend.
    pub beta: f64,
    /// γ (`smoothing_seasonal`), 0 without a season.
    pub gamma: f64,
    /// φ (`damping_trend`), 1 when not damped.
    pub phi: f64,
    /// l₀ (`initial_level`).
    pub level0: f64,
    /// b₀ (`initial_trend`), 0 without a trend.
    pub trend0: f64,
    /// s₀…s_{m−1} (`initial_seasons`), empty without a season.
    pub seasons0: Vec<f64>,
    /// In-sample sum of squared one-step errors `y_t − ŷ_t`.
    pub sse: f64,
    /// Standard deviation of the errors √(Σe²/n): absolute with additive
    /// errors, relative (`(y_t − ŷ_t)/ŷ_t`) with multiplicative ones.
    pub sigma: f64,
    /// Gaussian log-likelihood of the one-step errors (with the Jacobian
    /// term −Σ ln |ŷ_t| when they are multiplicative).
    pub log_likelihood: f64,
    /// Akaike's criterion corrected for small samples, with
    /// [`EtsSpec::parameter_count`] parameters.
    pub aicc: f64,
    /// Seed of the simulated intervals (any multiplicative component).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// The states after the last observation and the one-step fitted values.
struct Run {
    level: f64,
    trend: f64,
    /// The last m seasonal states, oldest first.
    seasons: Vec<f64>,
    fitted: Vec<f64>,
}

impl EtsParams {
    /// Parameters with given values (SSE and σ are filled in by [`EtsParams::evaluate`]).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        spec: EtsSpec,
        alpha: f64,
        beta: f64,
        gamma: f64,
        phi: f64,
        level0: f64,
        trend0: f64,
        seasons0: Vec<f64>,
    ) -> Self {
        EtsParams {
            error: spec.error,
            trend: spec.trend,
            seasonal: spec.seasonal,
            season: spec.m().max(1),
            alpha,
            beta,
            gamma,
            phi,
            level0,
            trend0,
            seasons0,
            sse: f64::NAN,
            sigma: f64::NAN,
            log_likelihood: f64::NAN,
            aicc: f64::NAN,
            seed: None,
        }
    }

    /// The spec these parameters belong to.
    pub fn spec(&self) -> EtsSpec {
        EtsSpec {
            error: self.error,
            trend: self.trend,
            seasonal: self.seasonal,
            season: self.season,
        }
    }

    fn damping(&self) -> f64 {
        match self.trend {
            Trend::None => 0.0,
            Trend::Additive => 1.0,
            Trend::Damped => self.phi,
        }
    }

    /// The one-step forecast from the states (`base` = l + φb) and its
    /// seasonal state `s`.
    fn mean(&self, base: f64, s: f64) -> f64 {
        match self.seasonal {
            Seasonal::None => base,
            Seasonal::Additive => base + s,
            Seasonal::Multiplicative => base * s,
        }
    }

    /// Updates level, trend and the seasonal state `s` with the observation
    /// `y` (`base` = l + φb before the update).
    fn update(&self, y: f64, base: f64, level: &mut f64, trend: &mut f64, s: &mut f64) {
        let (a, b, g) = (self.alpha, self.beta, self.gamma);
        let new_level = match self.seasonal {
            Seasonal::None => a * y + (1.0 - a) * base,
            Seasonal::Additive => a * (y - *s) + (1.0 - a) * base,
            Seasonal::Multiplicative => a * y / *s + (1.0 - a) * base,
        };
        if self.trend != Trend::None {
            *trend = b * (new_level - *level) + (1.0 - b) * self.damping() * *trend;
        }
        match self.seasonal {
            Seasonal::None => {}
            Seasonal::Additive => *s = g * (y - base) + (1.0 - g) * *s,
            Seasonal::Multiplicative => *s = g * y / base + (1.0 - g) * *s,
        }
        *level = new_level;
    }

    /// Runs the recursions over `y`.
    fn run(&self, y: &[f64]) -> Run {
        let m = self.seasons0.len();
        let phi = self.damping();
        let mut level = self.level0;
        let mut trend = if self.trend != Trend::None { self.trend0 } else { 0.0 };
        let mut seasons = self.seasons0.clone();
        let mut none = 0.0;
        let mut fitted = Vec::with_capacity(y.len());
        for (t, &yt) in y.iter().enumerate() {
            let base = level + phi * trend;
            let s = if m > 0 { &mut seasons[t % m] } else { &mut none };
            fitted.push(self.mean(base, *s));
            self.update(yt, base, &mut level, &mut trend, s);
        }
        // Rotate so the season of the next period comes first.
        if m > 0 {
            seasons.rotate_left(y.len() % m);
        }
        Run {
            level,
            trend,
            seasons,
            fitted,
        }
    }

    /// Σe² and Σ ln |ŷ_t| of the one-step errors — absolute with additive
    /// errors (the log sum is then 0), relative with multiplicative ones —
    /// and whether every ŷ_t is positive.
    fn error_sums(&self, y: &[f64], fitted: &[f64]) -> (f64, f64, bool) {
        match self.error {
            ErrorKind::Additive => (y.iter().zip(fitted).map(|(a, f)| (a - f) * (a - f)).sum(), 0.0, true),
            ErrorKind::Multiplicative => y
                .iter()
                .zip(fitted)
                .fold((0.0, 0.0, true), |(q, l, positive), (a, &f)| {
                    let e = (a - f) / f;
                    (q + e * e, l + f.abs().ln(), positive && f > 0.0)
                }),
        }
    }

    /// The fitting objective on `y`: the SSE with additive errors; with
    /// multiplicative ones R's `n ln Σe² + 2 Σ ln |ŷ|` (e relative), +∞ where
    /// a one-step forecast is not positive.
    pub fn objective_on(&self, y: &[f64]) -> f64 {
        let run = self.run(y);
        let (squares, logs, positive) = self.error_sums(y, &run.fitted);
        match self.error {
            ErrorKind::Additive => squares,
            ErrorKind::Multiplicative if positive => y.len() as f64 * squares.ln() + 2.0 * logs,
            ErrorKind::Multiplicative => f64::INFINITY,
        }
    }

    /// These parameters with SSE, σ, log-likelihood and AICc computed on `y`.
    pub fn evaluate(mut self, y: &[f64]) -> Self {
        let run = self.run(y);
        let n = y.len().max(1) as f64;
        let (squares, logs, _) = self.error_sums(y, &run.fitted);
        self.sse = match self.error {
            ErrorKind::Additive => squares,
            ErrorKind::Multiplicative => y.iter().zip(&run.fitted).map(|(a, f)| (a - f) * (a - f)).sum(),
        };
        self.sigma = (squares / n).sqrt();
        self.log_likelihood = -0.5 * n * ((2.0 * std::f64::consts::PI * squares / n).ln() + 1.0) - logs;
        let k = self.spec().parameter_count() as f64;
        self.aicc = if n - k - 1.0 > 0.0 {
            -2.0 * self.log_likelihood + 2.0 * k + 2.0 * k * (k + 1.0) / (n - k - 1.0)
        } else {
            f64::INFINITY
        };
        self
    }

    /// The point forecasts for 1..=h periods after `y` (the statsmodels `forecast`).
    pub fn point_forecast(&self, y: &[f64], h: usize) -> Vec<f64> {
        let run = self.run(y);
        point_path(self, &run, h)
    }
}

fn point_path(p: &EtsParams, run: &Run, h: usize) -> Vec<f64> {
    let phi = p.damping();
    let m = run.seasons.len();
    let mut damp = 0.0;
    let mut pow = 1.0;
    (0..h)
        .map(|k| {
            pow *= phi;
            damp += pow;
            let base = run.level + damp * run.trend;
            p.mean(base, if m > 0 { run.seasons[k % m] } else { 0.0 })
        })
        .collect()
}

/// A fitted exponential-smoothing model: parameters and the series it was fitted on.
#[derive(Debug, Clone)]
pub struct EtsFit {
    pub params: EtsParams,
    y: Vec<f64>,
}

const PATHS: usize = 2000;

impl FittedModel for EtsFit {
    fn forecast(&self, h: usize) -> Vec<Point> {
        let p = &self.params;
        let run = p.run(&self.y);
        let mean = point_path(p, &run, h);
        if p.spec().needs_positive() {
            return self.simulated(&run, mean);
        }
        // Hyndman et al. (2008), class 1: Var(h) = σ²(1 + Σ_{j<h} c_j²), with
        // c_j = α + αβ(φ + … + φ^j) + γ·[j ≡ 0 mod m].
        let phi = p.damping();
        let m = p.seasons0.len();
        let mut var = 0.0;
        let mut damp = 0.0;
        let mut pow = 1.0;
        mean.iter()
            .enumerate()
            .map(|(k, &mu)| {
                if k > 0 {
                    pow *= phi;
                    damp += pow;
                    let season = if m > 0 && k.is_multiple_of(m) { p.gamma } else { 0.0 };
                    let c = p.alpha + p.alpha * p.beta * damp + season;
                    var += c * c;
                }
                let half = Z95 * p.sigma * (1.0 + var).sqrt();
                Point {
                    mean: mu,
                    lo95: mu - half,
                    hi95: mu + half,
                }
            })
            .collect()
    }

    fn params(&self) -> ModelParams {
        ModelParams::Ets(self.params.clone())
    }
}

impl EtsFit {
    /// Intervals of a model with a multiplicative component: 2.5 % and 97.5 %
    /// quantiles of simulated paths with N(0, σ²) errors, added or (with
    /// multiplicative errors) relative, seeded.
    fn simulated(&self, run: &Run, mean: Vec<f64>) -> Vec<Point> {
        let p = &self.params;
        let h = mean.len();
        let mut rng = ChaCha8Rng::seed_from_u64(p.seed.unwrap_or(0));
        let noise = Normal::new(0.0, p.sigma.max(0.0)).ok();
        let mut paths = vec![Vec::with_capacity(PATHS); h];
        let phi = p.damping();
        let m = run.seasons.len();
        let mut none = 0.0;
        for _ in 0..PATHS {
            let (mut level, mut trend, mut seasons) = (run.level, run.trend, run.seasons.clone());
            for (k, path) in paths.iter_mut().enumerate() {
                let base = level + phi * trend;
                let s = if m > 0 { &mut seasons[k % m] } else { &mut none };
                let mu = p.mean(base, *s);
                let e = noise.map_or(0.0, |n| n.sample(&mut rng));
                let y = match p.error {
                    ErrorKind::Additive => mu + e,
                    ErrorKind::Multiplicative => mu * (1.0 + e),
                };
                p.update(y, base, &mut level, &mut trend, s);
                path.push(y);
            }
        }
        mean.into_iter()
            .zip(paths.iter_mut())
            .map(|(mu, path)| {
                path.sort_unstable_by(f64::total_cmp);
                Point {
                    mean: mu,
                    lo95: quantile(path, 0.025),
                    hi95: quantile(path, 0.975),
                }
            })
            .collect()
    }
}

/// A model with given parameters (no fitting), e.g. to check the recursions.
pub fn with_params(params: EtsParams, y: &[f64]) -> EtsFit {
    EtsFit {
        params: params.evaluate(y),
        y: y.to_vec(),
    }
}
