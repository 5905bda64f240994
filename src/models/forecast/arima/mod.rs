//! Seasonal ARIMA(p, d, q)(P, D, Q)ₛ by exact maximum likelihood, with the
//! order chosen by AICc ([`auto`], the stepwise search of Hyndman &
//! Khandakar 2008) or given ([`fit`]).
//!
//! The model is `φ(B)Φ(Bˢ)(wₜ − μ) = θ(B)Θ(Bˢ)εₜ` on the differenced series
//! `wₜ = (1 − B)ᵈ(1 − Bˢ)ᴰ yₜ`, εₜ ~ N(0, σ²), μ the optional constant (the mean
//! of the differenced series: a drift when d + D = 1). The likelihood is the
//! exact Gaussian one from the Kalman filter on the differenced series
//! ([`kalman`]) with σ² concentrated out; stationarity and invertibility are
//! enforced by estimating partial autocorrelations (the Monahan transform, as
//! statsmodels' SARIMAX does); the optimiser is [`crate::stats::optim::lbfgs`]
//! with a numeric gradient, started from Hannan–Rissanen regressions.
//! Forecasts and 95 % intervals come from the filter's last state, the ψ
//! weights and the undone differencing — the same numbers as statsmodels'
//! SARIMAX at the same parameters.

mod estimate;
mod kalman;
mod poly;
mod search;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use super::model::Z95;
use crate::{Error, Result};
use kalman::{Filtered, StateSpace};

pub use search::auto;

/// The order of a seasonal ARIMA(p, d, q)(sp, sd, sq)[season] model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Order {
    pub p: usize,
    pub d: usize,
    pub q: usize,
    /// Seasonal AR order (P).
    pub sp: usize,
    /// Seasonal differences (D).
    pub sd: usize,
    /// Seasonal MA order (Q).
    pub sq: usize,
    /// Observations per season; 1 for a non-seasonal model.
    pub season: usize,
    /// Whether the differenced series has a non-zero mean μ.
    pub constant: bool,
}

impl Order {
    /// A non-seasonal ARIMA(p, d, q) without constant.
    pub fn new(p: usize, d: usize, q: usize) -> Self {
        Order {
            p,
            d,
            q,
            sp: 0,
            sd: 0,
            sq: 0,
            season: 1,
            constant: false,
        }
    }

    /// Estimated parameters, σ² included (the k of AIC).
    pub fn parameters(&self) -> usize {
        self.p + self.q + self.sp + self.sq + usize::from(self.constant) + 1
    }

    /// Observations lost to differencing.
    fn lost(&self) -> usize {
        self.d + self.season * self.sd
    }
}

impl std::fmt::Display for Order {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ARIMA({},{},{})", self.p, self.d, self.q)?;
        if self.sp + self.sd + self.sq > 0 {
            write!(f, "({},{},{})[{}]", self.sp, self.sd, self.sq, self.season)?;
        }
        if self.constant {
            write!(f, " with constant")?;
        }
        Ok(())
    }
}

pub use super::model::Point;

/// A fitted model's parameters, as reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Params {
    pub order: Order,
    /// φ₁…φ_p of `1 − φ₁B − …`.
    pub ar: Vec<f64>,
    /// θ₁…θ_q of `1 + θ₁B + …`.
    pub ma: Vec<f64>,
    /// Φ₁…Φ_P (seasonal AR, same sign convention as `ar`).
    pub sar: Vec<f64>,
    /// Θ₁…Θ_Q (seasonal MA).
    pub sma: Vec<f64>,
    /// μ, the mean of the differenced series, when the order has a constant.
    pub constant: Option<f64>,
    /// The innovation variance (its maximum-likelihood estimate).
    pub sigma2: f64,
    pub log_likelihood: f64,
    pub aic: f64,
    pub aicc: f64,
}

/// A fitted seasonal ARIMA model.
#[derive(Debug, Clone)]
pub struct Fitted {
    order: Order,
    ar: Vec<f64>,
    ma: Vec<f64>,
    sar: Vec<f64>,
    sma: Vec<f64>,
    mean: f64,
    sigma2: f64,
    log_likelihood: f64,
    y: Vec<f64>,
    /// Coefficients of (1 − B)ᵈ(1 − Bˢ)ᴰ.
    diff: Vec<f64>,
    space: StateSpace,
    filtered: Filtered,
}

/// Fits the given order by exact maximum likelihood.
///
/// Errors ([`Error::Model`] with model `arima`, or [`Error::Options`]) when the
/// series has a non-finite value, is too short for the order, is constant after
/// differencing, or the order is invalid (seasonal terms with season 1, more
/// than two differences of a kind).
pub fn fit(y: &[f64], order: Order) -> Result<Fitted> {
    check_series(y)?;
    check_order(&order)?;
    let n = y.len();
    let k = order.parameters();
    let lost = order.lost();
    if n < lost + k + 3 {
        return Err(Error::model(
            "arima",
            format!(
                "the series is too short for {order}: {n} observations, {} after differencing, and the model has {k} parameters",
                n.saturating_sub(lost)
            ),
        ));
    }
    let diff = poly::differencing(order.d, order.sd, order.season);
    let w = poly::difference(y, &diff);
    let (lo, hi) = w
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    if hi - lo <= 1e-12 * hi.abs().max(lo.abs()).max(1e-300) {
        return Err(Error::model(
            "arima",
            format!("the series is constant after the differencing of {order}: there is nothing left to model"),
        ));
    }
    let est = estimate::estimate(&w, &order)?;
    let filtered = est.filtered;
    let sigma2 = filtered.sigma2();
    let log_likelihood = filtered.concentrated_log_likelihood();
    Ok(Fitted {
        order,
        ar: est.ar,
        ma: est.ma,
        sar: est.sar,
        sma: est.sma,
        mean: est.mean,
        sigma2,
        log_likelihood,
        y: y.to_vec(),
        diff,
        space: est.space,
        filtered,
    })
}

fn check_series(y: &[f64]) -> Result<()> {
    if y.is_empty() {
        return Err(Error::model("arima", "the series is empty"));
    }
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(Error::model(
            "arima",
            format!(
                "the series has a missing or non-finite value at position {i} ({})",
                y[i]
            ),
        ));
    }
    Ok(())
}

fn check_order(order: &Order) -> Result<()> {
    if order.season == 0 {
        return Err(Error::option("season", 0, "must be at least 1 (1 = not seasonal)"));
    }
    if order.season == 1 && order.sp + order.sd + order.sq > 0 {
        return Err(Error::option("season", 1, "seasonal terms need a season of at least 2"));
    }
    if order.d > 2 || order.sd > 2 {
        return Err(Error::option("order", order, "at most two differences of each kind"));
    }
    if order.p + order.q > 20 || order.sp + order.sq > 6 {
        return Err(Error::option(
            "order",
            order,
            "orders above p + q = 20 or P + Q = 6 are not fitted",
        ));
    }
    let r = (order.p + order.season * order.sp).max(order.q + order.season * order.sq + 1);
    if r > 400 {
        return Err(Error::option(
            "season",
            order.season,
            format!("{order} needs a state of {r} values; use fewer seasonal terms or a shorter season"),
        ));
    }
    Ok(())
}

impl Fitted {
    /// Forecasts `h` steps past the end of the series with 95 % intervals.
    pub fn forecast(&self, h: usize) -> Vec<Point> {
        let r = self.space.dim();
        let sigma2 = self.sigma2;
        // Differenced-series means, then the undone differencing.
        let mut a = self.filtered.a.clone();
        let mut ext = self.y.clone();
        let mut means = Vec::with_capacity(h);
        for _ in 0..h {
            let w = self.mean + a[0];
            let back: f64 = (1..self.diff.len()).map(|j| self.diff[j] * ext[ext.len() - j]).sum();
            let y = w - back;
            ext.push(y);
            means.push(y);
            a = self.space.transition(&a);
        }
        // Error of y_{n+k}: Σᵢ c_{k−i}·e_w(i), with c the weights of 1/δ(B);
        // e_w(i) = ℓᵢ·(α_{n+1} − a) + Σ_{j≥2} ψ_{i−j} ε_{n+j}, ℓᵢ = e₁ᵀT^{i−1}.
        let neg: Vec<f64> = self.diff[1..].iter().map(|c| -c).collect();
        let c = poly::psi_weights(&neg, &[], h);
        let psi = self.space.psi(h);
        let full: Vec<f64> = (0..h).map(|m| (0..=m).map(|i| c[m - i] * psi[i]).sum()).collect();
        let mut rows: Vec<Vec<f64>> = Vec::with_capacity(h);
        let mut l = vec![0.0; r];
        l[0] = 1.0;
        let p = &self.filtered.p;
        let mut innovations = 0.0;
        let mut out = Vec::with_capacity(h);
        for k in 0..h {
            rows.push(l.clone());
            let m: Vec<f64> = (0..r).map(|j| (0..=k).map(|i| c[k - i] * rows[i][j]).sum()).collect();
            let state: f64 = (0..r)
                .map(|i| m[i] * (0..r).map(|j| p[i * r + j] * m[j]).sum::<f64>())
                .sum();
            if k >= 1 {
                innovations += full[k - 1] * full[k - 1];
            }
            let sd = (sigma2 * (state + innovations)).max(0.0).sqrt();
            out.push(Point {
                mean: means[k],
                lo95: means[k] - Z95 * sd,
                hi95: means[k] + Z95 * sd,
            });
            l = self.space.transition_row(&l);
        }
        out
    }

    /// Akaike's information criterion, −2ℓ + 2k (k counts σ²).
    pub fn aic(&self) -> f64 {
        -2.0 * self.log_likelihood + 2.0 * self.order.parameters() as f64
    }

    /// AIC corrected for small samples: AIC + 2k(k + 1)/(n − k − 1), n the
    /// differenced series' length.
    pub fn aicc(&self) -> f64 {
        let k = self.order.parameters() as f64;
        let n = self.filtered.n as f64;
        if n - k - 1.0 <= 0.0 {
            return f64::INFINITY;
        }
        self.aic() + 2.0 * k * (k + 1.0) / (n - k - 1.0)
    }

    pub fn order(&self) -> Order {
        self.order
    }

    pub fn log_likelihood(&self) -> f64 {
        self.log_likelihood
    }

    pub fn params(&self) -> Params {
        Params {
            order: self.order,
            ar: self.ar.clone(),
            ma: self.ma.clone(),
            sar: self.sar.clone(),
            sma: self.sma.clone(),
            constant: self.order.constant.then_some(self.mean),
            sigma2: self.sigma2,
            log_likelihood: self.log_likelihood,
            aic: self.aic(),
            aicc: self.aicc(),
        }
    }

    /// One-step-ahead in-sample predictions, one per observation. The first
    /// d + s·D observations, which only start the differencing, are returned
    /// as observed.
    pub fn fitted(&self) -> Vec<f64> {
        let lost = self.diff.len() - 1;
        let y = &self.y;
        (0..y.len())
            .map(|t| {
                if t < lost {
                    return y[t];
                }
                let back: f64 = (1..self.diff.len()).map(|j| self.diff[j] * y[t - j]).sum();
                self.mean + self.filtered.predictions[t - lost] - back
            })
            .collect()
    }
}

/// The exact log-likelihood of `y` under `order` at given parameters (σ²
/// included), as statsmodels' SARIMAX with `simple_differencing=True` reports
/// it; `None` when the parameters are not stationary.
pub fn log_likelihood_at(y: &[f64], order: Order, params: &Params) -> Option<f64> {
    let diff = poly::differencing(order.d, order.sd, order.season);
    if y.len() < diff.len() {
        return None;
    }
    let w = poly::difference(y, &diff);
    let phi = poly::ar_product(&params.ar, &params.sar, order.season);
    let theta = poly::ma_product(&params.ma, &params.sma, order.season);
    let mean = params.constant.unwrap_or(0.0);
    let x: Vec<f64> = w.iter().map(|v| v - mean).collect();
    let filtered = StateSpace::new(&phi, &theta).filter(&x)?;
    Some(filtered.log_likelihood(params.sigma2))
}

impl Fitted {
    /// The model with other parameters on the same series and order (for
    /// comparisons with another implementation's estimates); σ² is kept from
    /// `params` when positive, else re-estimated. `None` when they are not
    /// stationary.
    pub fn with_params(&self, params: &Params) -> Option<Fitted> {
        let w = poly::difference(&self.y, &self.diff);
        let phi = poly::ar_product(&params.ar, &params.sar, self.order.season);
        let theta = poly::ma_product(&params.ma, &params.sma, self.order.season);
        let mean = params.constant.unwrap_or(0.0);
        let x: Vec<f64> = w.iter().map(|v| v - mean).collect();
        let space = StateSpace::new(&phi, &theta);
        let filtered = space.filter(&x)?;
        let sigma2 = if params.sigma2 > 0.0 {
            params.sigma2
        } else {
            filtered.sigma2()
        };
        Some(Fitted {
            order: self.order,
            ar: params.ar.clone(),
            ma: params.ma.clone(),
            sar: params.sar.clone(),
            sma: params.sma.clone(),
            mean,
            sigma2,
            log_likelihood: filtered.log_likelihood(sigma2),
            y: self.y.clone(),
            diff: self.diff.clone(),
            space,
            filtered,
        })
    }
}
