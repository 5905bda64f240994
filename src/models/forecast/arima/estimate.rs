//! Maximum-likelihood estimation of one order: Hannan–Rissanen starting
//! values, then L-BFGS (numeric gradient) on the unconstrained parameters.

use super::kalman::{Filtered, StateSpace};
use super::poly::{ar_product, from_stationary, ma_product, to_stationary};
use super::Order;
use crate::stats::linalg::solve_spd;
use crate::stats::optim::{lbfgs, numeric_gradient, LbfgsOptions};
use crate::{Error, Result};

/// The estimates of one order on a differenced series.
pub(super) struct Estimate {
    pub ar: Vec<f64>,
    pub ma: Vec<f64>,
    pub sar: Vec<f64>,
    pub sma: Vec<f64>,
    pub mean: f64,
    pub space: StateSpace,
    pub filtered: Filtered,
}

/// Unconstrained vector → coefficients, in the order ar, ma, sar, sma, mean.
struct Layout {
    order: Order,
    /// μ = centre + scale·u.
    centre: f64,
    scale: f64,
}

impl Layout {
    fn len(&self) -> usize {
        let o = &self.order;
        o.p + o.q + o.sp + o.sq + usize::from(o.constant)
    }

    #[allow(clippy::type_complexity)]
    fn unpack(&self, u: &[f64]) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>, f64) {
        let o = &self.order;
        let mut at = 0;
        let mut take = |k: usize| {
            let s = &u[at..at + k];
            at += k;
            s
        };
        let ar = to_stationary(take(o.p));
        let ma: Vec<f64> = to_stationary(take(o.q)).iter().map(|c| -c).collect();
        let sar = to_stationary(take(o.sp));
        let sma: Vec<f64> = to_stationary(take(o.sq)).iter().map(|c| -c).collect();
        let mean = if o.constant {
            self.centre + self.scale * take(1)[0]
        } else {
            0.0
        };
        (ar, ma, sar, sma, mean)
    }

    fn evaluate(&self, w: &[f64], u: &[f64]) -> Option<(StateSpace, Filtered)> {
        let (ar, ma, sar, sma, mean) = self.unpack(u);
        let space = StateSpace::new(
            &ar_product(&ar, &sar, self.order.season),
            &ma_product(&ma, &sma, self.order.season),
        );
        let x: Vec<f64> = w.iter().map(|v| v - mean).collect();
        let filtered = space.filter(&x)?;
        let s2 = filtered.sigma2();
        (s2 > 0.0 && s2.is_finite()).then_some((space, filtered))
    }

    /// −ℓ/n with σ² concentrated out (+∞ where the filter fails).
    fn objective(&self, w: &[f64], u: &[f64]) -> f64 {
        match self.evaluate(w, u) {
            Some((_, f)) => {
                let v = -f.concentrated_log_likelihood() / f.n as f64;
                if v.is_finite() {
                    v
                } else {
                    f64::INFINITY
                }
            }
            None => f64::INFINITY,
        }
    }
}

/// Fits `order` to the differenced series `w` (already checked: long enough,
/// not constant).
pub(super) fn estimate(w: &[f64], order: &Order) -> Result<Estimate> {
    let n = w.len() as f64;
    let centre = w.iter().sum::<f64>() / n;
    let scale = (w.iter().map(|v| (v - centre).powi(2)).sum::<f64>() / n)
        .sqrt()
        .max(1e-300);
    let layout = Layout {
        order: *order,
        centre,
        scale,
    };
    let zero = vec![0.0; layout.len()];
    let mut u0 = zero.clone();
    if layout.len() > 0 {
        let start = hannan_rissanen(w, order, if order.constant { centre } else { 0.0 }, &layout);
        if layout.objective(w, &start) <= layout.objective(w, &zero) {
            u0 = start;
        }
        let options = LbfgsOptions {
            max_iterations: 200,
            gradient_tolerance: 1e-8,
            value_tolerance: 1e-13,
            ..LbfgsOptions::default()
        };
        let f = |u: &[f64]| layout.objective(w, u);
        let best = lbfgs(
            |u, g| {
                let v = f(u);
                numeric_gradient(f, u, g);
                v
            },
            &u0,
            &options,
        );
        if best.value.is_finite() {
            u0 = best.x;
        }
    }
    let Some((space, filtered)) = layout.evaluate(w, &u0) else {
        return Err(Error::model(
            "arima",
            format!("the likelihood of {order} cannot be evaluated on this series"),
        ));
    };
    let (ar, ma, sar, sma, mean) = layout.unpack(&u0);
    Ok(Estimate {
        ar,
        ma,
        sar,
        sma,
        mean,
        space,
        filtered,
    })
}

/// Starting values: a long autoregression gives residuals, then w is
/// regressed on its own lags and the residuals' lags (seasonal lags taken as
/// plain additive lags). Falls back to zeros where the series is too short
/// or the estimates are not stationary / invertible.
fn hannan_rissanen(w: &[f64], order: &Order, mean: f64, layout: &Layout) -> Vec<f64> {
    let s = order.season;
    let x: Vec<f64> = w.iter().map(|v| v - mean).collect();
    let n = x.len();
    let mut u = vec![0.0; layout.len()];
    let max_lag = (order.p + s * order.sp).max(order.q + s * order.sq);
    let needs_residuals = order.q + order.sq > 0;
    let long = if needs_residuals {
        (max_lag + 3).max(8).min(n / 3)
    } else {
        0
    };
    if needs_residuals && long < max_lag.max(1) {
        return u;
    }
    let mut e = vec![0.0; n];
    if needs_residuals {
        let lags: Vec<usize> = (1..=long).collect();
        let Some(beta) = ols(&x, &[], &lags, &[], long) else {
            return u;
        };
        for t in long..n {
            e[t] = x[t] - lags.iter().zip(&beta).map(|(&l, b)| b * x[t - l]).sum::<f64>();
        }
    }
    let ar_lags: Vec<usize> = (1..=order.p).chain((1..=order.sp).map(|k| k * s)).collect();
    let ma_lags: Vec<usize> = (1..=order.q).chain((1..=order.sq).map(|k| k * s)).collect();
    let start = long + max_lag;
    if n < start + ar_lags.len() + ma_lags.len() + 5 {
        return u;
    }
    let Some(beta) = ols(&x, &e, &ar_lags, &ma_lags, start) else {
        return u;
    };
    let (ar, rest) = beta.split_at(order.p);
    let (sar, rest) = rest.split_at(order.sp);
    let (ma, sma) = rest.split_at(order.q);
    let mut at = 0;
    let mut put = |coefs: &[f64], negate: bool| {
        let c: Vec<f64> = coefs.iter().map(|v| if negate { -v } else { *v }).collect();
        let x = shrink_to_stationary(&c);
        u[at..at + x.len()].copy_from_slice(&x);
        at += x.len();
    };
    put(ar, false);
    put(ma, true);
    put(sar, false);
    put(sma, true);
    u
}

/// The unconstrained values of `c`, shrunk towards 0 until stationary.
fn shrink_to_stationary(c: &[f64]) -> Vec<f64> {
    let mut c = c.to_vec();
    for _ in 0..20 {
        if let Some(x) = from_stationary(&c) {
            if x.iter().all(|v| v.is_finite() && v.abs() < 10.0) {
                return x;
            }
        }
        c.iter_mut().for_each(|v| *v *= 0.8);
    }
    vec![0.0; c.len()]
}

/// Least squares of x_t (t ≥ start) on x at `x_lags` and e at `e_lags`.
fn ols(x: &[f64], e: &[f64], x_lags: &[usize], e_lags: &[usize], start: usize) -> Option<Vec<f64>> {
    let k = x_lags.len() + e_lags.len();
    let mut xtx = vec![0.0; k * k];
    let mut xty = vec![0.0; k];
    let mut row = vec![0.0; k];
    for t in start..x.len() {
        for (i, &l) in x_lags.iter().enumerate() {
            row[i] = x[t - l];
        }
        for (i, &l) in e_lags.iter().enumerate() {
            row[x_lags.len() + i] = e[t - l];
        }
        for i in 0..k {
            xty[i] += row[i] * x[t];
            for j in 0..k {
                xtx[i * k + j] += row[i] * row[j];
            }
        }
    }
    // A whisper of ridge keeps collinear lags solvable.
    let trace = (0..k).map(|i| xtx[i * k + i]).sum::<f64>() / k.max(1) as f64;
    for i in 0..k {
        xtx[i * k + i] += 1e-10 * trace.max(1e-300);
    }
    solve_spd(&xtx, k, &xty)
}
