//! L2-regularised logistic regression fit by Newton's method (IRLS): each step
//! solves `H d = g` with a Cholesky factorisation (`stats::linalg`), halving the
//! step until the penalised log-likelihood improves. The intercept is not
//! penalised. The objective is the *sum* of log-losses plus `l2/2 ‖β‖²`, which
//! is scikit-learn's `LogisticRegression(C = 1/l2)`.

use serde::Serialize;

use crate::stats::linalg::{cholesky, cholesky_solve};
use crate::{Error, Result};

const MODEL: &str = "logistic regression";
/// Newton iterations before giving up (it usually takes fewer than 10).
const MAX_ITER: usize = 100;
/// A coefficient past this size means the classes are separated (no finite optimum).
const DIVERGED: f64 = 1e6;
/// Without a penalty, a fitted log-odds past this (P within 1e-15 of 0 or 1)
/// is taken for separation rather than an optimum.
const SATURATED: f64 = 35.0;

/// A fitted model: `P(y = 1 | x) = σ(intercept + coef · x)`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogisticFit {
    pub intercept: f64,
    pub coef: Vec<f64>,
    /// Newton steps taken.
    pub iterations: usize,
    /// The penalised log-likelihood at the optimum (sum over rows, not mean).
    pub objective: f64,
}

impl LogisticFit {
    /// The log-odds of one row of `p` features.
    pub fn log_odds(&self, x: &[f64]) -> f64 {
        self.intercept + self.coef.iter().zip(x).map(|(b, v)| b * v).sum::<f64>()
    }

    /// `P(y = 1)` for every row of a row-major `n × p` matrix.
    pub fn predict(&self, x: &[f64], n: usize) -> Vec<f64> {
        let p = self.coef.len();
        (0..n)
            .map(|i| sigmoid(self.log_odds(x.get(i * p..(i + 1) * p).unwrap_or(&[]))))
            .collect()
    }
}

/// The logistic function, without overflow for large |t|.
pub fn sigmoid(t: f64) -> f64 {
    if t >= 0.0 {
        1.0 / (1.0 + (-t).exp())
    } else {
        let e = t.exp();
        e / (1.0 + e)
    }
}

/// `ln(1 + eᵗ)` without overflow.
fn softplus(t: f64) -> f64 {
    if t > 0.0 {
        t + (-t).exp().ln_1p()
    } else {
        t.exp().ln_1p()
    }
}

/// Penalised negative log-likelihood of `theta = [intercept, β…]`.
fn objective(x: &[f64], y: &[f64], p: usize, l2: f64, theta: &[f64]) -> f64 {
    let loss: f64 = y
        .iter()
        .enumerate()
        .map(|(i, &yi)| {
            let eta = eta(&x[i * p..(i + 1) * p], theta);
            softplus(eta) - yi * eta
        })
        .sum();
    loss + 0.5 * l2 * theta[1..].iter().map(|b| b * b).sum::<f64>()
}

fn eta(row: &[f64], theta: &[f64]) -> f64 {
    theta[0] + theta[1..].iter().zip(row).map(|(b, v)| b * v).sum::<f64>()
}

/// Fits `y ~ σ(b₀ + x β)` minimising `Σ log-loss + l2/2 ‖β‖²`. `x` is row-major
/// `n × p`, `y` holds 0s and 1s. Errors (never panics) on misshapen or
/// non-finite input, a single class, and separated classes without a penalty.
pub fn fit_logistic(x: &[f64], y: &[f64], p: usize, l2: f64) -> Result<LogisticFit> {
    let n = y.len();
    if x.len() != n * p {
        return Err(Error::model(
            MODEL,
            format!("{} values for {n} rows of {p} features", x.len()),
        ));
    }
    if !(l2.is_finite() && l2 >= 0.0) {
        return Err(Error::option("l2", l2, "expected a penalty ≥ 0"));
    }
    if x.iter().any(|v| !v.is_finite()) {
        return Err(Error::model(MODEL, "a feature value is not a finite number"));
    }
    if y.iter().any(|&v| v != 0.0 && v != 1.0) {
        return Err(Error::model(MODEL, "labels must be 0 or 1"));
    }
    let positives = y.iter().filter(|&&v| v == 1.0).count();
    if positives == 0 || positives == n {
        return Err(Error::model(
            MODEL,
            format!("all {n} training rows have the same label: nothing to learn"),
        ));
    }
    let k = p + 1;
    // Start from the intercept-only optimum: the log-odds of the base rate.
    let rate = positives as f64 / n as f64;
    let mut theta = vec![0.0; k];
    theta[0] = (rate / (1.0 - rate)).ln();
    let mut f = objective(x, y, p, l2, &theta);
    let mut grad = vec![0.0; k];
    let mut hess = vec![0.0; k * k];
    let mut xi = vec![0.0; k];
    for iteration in 1..=MAX_ITER {
        grad.iter_mut().for_each(|g| *g = 0.0);
        hess.iter_mut().for_each(|h| *h = 0.0);
        for (i, &yi) in y.iter().enumerate() {
            xi[0] = 1.0;
            xi[1..].copy_from_slice(&x[i * p..(i + 1) * p]);
            let mu = sigmoid(eta(&xi[1..], &theta));
            let w = mu * (1.0 - mu);
            let r = mu - yi;
            for a in 0..k {
                grad[a] += r * xi[a];
                let wa = w * xi[a];
                // Lower triangle only: `cholesky` reads no more.
                for b in 0..=a {
                    hess[a * k + b] += wa * xi[b];
                }
            }
        }
        for j in 1..k {
            grad[j] += l2 * theta[j];
            hess[j * k + j] += l2;
        }
        let l = cholesky(&hess, k).or_else(|| {
            // A singular Hessian (a feature constant over the rows, or weights
            // vanishing under separation): a tiny ridge keeps the step defined.
            let trace: f64 = (0..k).map(|j| hess[j * k + j]).sum();
            let mut h = hess.clone();
            (0..k).for_each(|j| h[j * k + j] += 1e-10 * (1.0 + trace / k as f64));
            cholesky(&h, k)
        });
        let Some(l) = l else {
            return Err(Error::model(
                MODEL,
                "the Hessian is not positive definite (collinear features?)",
            ));
        };
        let step = cholesky_solve(&l, k, &grad);
        // Newton decrement: gᵀ H⁻¹ g / 2 estimates how far the optimum is.
        let decrement: f64 = 0.5 * grad.iter().zip(&step).map(|(g, s)| g * s).sum::<f64>();
        let mut t = 1.0;
        let mut improved = false;
        for _ in 0..50 {
            let trial: Vec<f64> = theta.iter().zip(&step).map(|(a, s)| a - t * s).collect();
            let ft = objective(x, y, p, l2, &trial);
            if ft <= f - 1e-4 * t * decrement.max(0.0) || (ft <= f && decrement < 1e-20) {
                theta = trial;
                f = ft;
                improved = true;
                break;
            }
            t *= 0.5;
        }
        if theta.iter().any(|v| v.abs() > DIVERGED) {
            return Err(separated());
        }
        let step_size = step.iter().fold(0.0f64, |m, s| m.max((t * s).abs()));
        if !improved
            || step_size <= 1e-12 * (1.0 + theta.iter().fold(0.0f64, |m, v| m.max(v.abs())))
            || decrement < 1e-24
        {
            // Without a penalty, separated classes drive some log-odds to ±∞;
            // Newton stops when the loss underflows, not at an optimum.
            let saturated = (0..n).any(|i| eta(&x[i * p..(i + 1) * p], &theta).abs() > SATURATED);
            if l2 == 0.0 && saturated {
                return Err(separated());
            }
            return Ok(LogisticFit {
                intercept: theta[0],
                coef: theta[1..].to_vec(),
                iterations: iteration,
                objective: f,
            });
        }
    }
    if l2 == 0.0 {
        return Err(separated());
    }
    Err(Error::model(
        MODEL,
        format!("Newton's method did not converge in {MAX_ITER} steps"),
    ))
}

fn separated() -> Error {
    Error::model(
        MODEL,
        "the classes are (quasi-)perfectly separated by the features, so the unpenalised fit has no finite \
         optimum: use an L2 penalty l2 > 0",
    )
}

/// Area under the ROC curve (the Mann–Whitney statistic; tied scores count
/// half), or `None` when the labels hold a single class.
pub fn auc(scores: &[f64], labels: &[f64]) -> Option<f64> {
    let n = scores.len().min(labels.len());
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let positives = labels[..n].iter().filter(|&&y| y == 1.0).count();
    let negatives = n - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    // Sum of the (average) ranks of the positives.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && scores[order[j]] == scores[order[i]] {
            j += 1;
        }
        let mean_rank = (i + j + 1) as f64 / 2.0;
        rank_sum += mean_rank * order[i..j].iter().filter(|&&r| labels[r] == 1.0).count() as f64;
        i = j;
    }
    let (np, nn) = (positives as f64, negatives as f64);
    Some((rank_sum - np * (np + 1.0) / 2.0) / (np * nn))
}

/// Mean log-loss of probabilities `p` against 0/1 `labels` (p clipped to
/// [1e-15, 1 − 1e-15] as scikit-learn does).
pub fn log_loss(p: &[f64], labels: &[f64]) -> f64 {
    let n = p.len().min(labels.len());
    if n == 0 {
        return f64::NAN;
    }
    let sum: f64 = p
        .iter()
        .zip(labels)
        .map(|(&q, &y)| {
            let q = q.clamp(1e-15, 1.0 - 1e-15);
            -(y * q.ln() + (1.0 - y) * (1.0 - q).ln())
        })
        .sum();
    sum / n as f64
}
