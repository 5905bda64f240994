//! Damped Newton for small fits with an analytic Hessian, and the chain rule
//! that puts a fit's objective on log-parameters.

use super::{dot, inf_norm, Minimum};
use crate::stats::linalg::{cholesky, cholesky_solve};

/// Options of [`newton`].
#[derive(Debug, Clone, PartialEq)]
pub struct NewtonOptions {
    pub max_iterations: usize,
    /// Converged when ‖∇f‖∞ ≤ this × max(1, |f|).
    pub gradient_tolerance: f64,
}

impl Default for NewtonOptions {
    fn default() -> Self {
        NewtonOptions {
            max_iterations: 100,
            gradient_tolerance: 1e-10,
        }
    }
}

/// Minimises `f` — which returns f(x) and writes ∇f(x) and the Hessian
/// (row-major n × n) into its second and third arguments — by Newton's
/// method: a Levenberg shift λI makes the Hessian positive definite where it
/// is not, and a backtracking (Armijo) search keeps each step a decrease. For
/// small, ill-conditioned fits where L-BFGS crawls (Gamma–Gamma's q and γ
/// trade off almost exactly); each iteration costs one evaluation. Converged
/// when ‖∇f‖∞ is within the tolerance or the Newton decrement (the predicted
/// decrease) is below f's rounding, 10⁻¹⁴ · max(1, |f|).
pub fn newton<F>(mut f: F, x0: &[f64], options: &NewtonOptions) -> Minimum
where
    F: FnMut(&[f64], &mut [f64], &mut [f64]) -> f64,
{
    let n = x0.len();
    let mut x = x0.to_vec();
    let (mut g, mut h) = (vec![0.0; n], vec![0.0; n * n]);
    let mut fx = f(&x, &mut g, &mut h);
    let scale = |v: f64| v.abs().max(1.0);
    let finite = |v: f64, g: &[f64], h: &[f64]| v.is_finite() && g.iter().chain(h).all(|e| e.is_finite());
    let (mut x_new, mut g_new, mut h_new) = (vec![0.0; n], vec![0.0; n], vec![0.0; n * n]);
    let mut iterations = 0;
    let mut converged = finite(fx, &g, &h) && inf_norm(&g) <= options.gradient_tolerance * scale(fx);
    while finite(fx, &g, &h) && !converged && iterations < options.max_iterations {
        iterations += 1;
        let Some(d) = damped_newton_step(&h, &g, n) else {
            break;
        };
        let slope = dot(&g, &d);
        // The Newton decrement −∇f·d / 2 estimates f − min f: below f's own
        // rounding the optimum is reached as well as f can tell.
        if -slope / 2.0 <= 1e-14 * scale(fx) {
            converged = true;
            break;
        }
        let mut step = 1.0;
        let mut accepted = None;
        for _ in 0..50 {
            for i in 0..n {
                x_new[i] = x[i] + step * d[i];
            }
            let value = f(&x_new, &mut g_new, &mut h_new);
            if finite(value, &g_new, &h_new) && value <= fx + 1e-4 * step * slope {
                accepted = Some(value);
                break;
            }
            step *= 0.5;
        }
        let Some(value) = accepted else {
            // No decrease along a descent direction: at the noise floor of f.
            converged = inf_norm(&g) <= 1e3 * options.gradient_tolerance * scale(fx);
            break;
        };
        std::mem::swap(&mut x, &mut x_new);
        std::mem::swap(&mut g, &mut g_new);
        std::mem::swap(&mut h, &mut h_new);
        fx = value;
        converged = inf_norm(&g) <= options.gradient_tolerance * scale(fx);
    }
    Minimum {
        gradient_norm: inf_norm(&g),
        x,
        value: fx,
        iterations,
        converged,
    }
}

/// A fit's objective over log-parameters φ = ln θ — the mean negative
/// log-likelihood plus `penalizer · Σθ²` — with its gradient and Hessian in φ
/// written into `g` and `h`, from the log-likelihood `ll` of `n` observations
/// and its gradient and Hessian (row-major) in θ: ∂/∂φ = θ ∂/∂θ and
/// ∂²/∂φᵢ∂φⱼ = θᵢθⱼ ∂²/∂θᵢ∂θⱼ + [i = j] θᵢ ∂/∂θᵢ.
#[allow(clippy::too_many_arguments)]
pub fn penalised_on_log_scale(
    th: &[f64],
    ll: f64,
    grad: &[f64],
    hess: &[f64],
    n: f64,
    penalizer: f64,
    g: &mut [f64],
    h: &mut [f64],
) -> f64 {
    let k = th.len();
    for i in 0..k {
        let d = -grad[i] / n + 2.0 * penalizer * th[i];
        g[i] = th[i] * d;
        for j in 0..k {
            let pen = if i == j { 2.0 * penalizer } else { 0.0 };
            h[i * k + j] = th[i] * th[j] * (-hess[i * k + j] / n + pen) + if i == j { th[i] * d } else { 0.0 };
        }
    }
    -ll / n + penalizer * th.iter().map(|v| v * v).sum::<f64>()
}

/// −(H + λI)⁻¹ g with the smallest λ ≥ 0 (0, then growing from 10⁻⁸ of the
/// diagonal's scale) that makes the matrix positive definite.
fn damped_newton_step(h: &[f64], g: &[f64], n: usize) -> Option<Vec<f64>> {
    let diag = (0..n).map(|i| h[i * n + i].abs()).fold(0.0_f64, f64::max).max(1e-12);
    let mut lambda = 0.0;
    let mut shifted = h.to_vec();
    for _ in 0..80 {
        for i in 0..n {
            shifted[i * n + i] = h[i * n + i] + lambda;
        }
        if let Some(l) = cholesky(&shifted, n) {
            let step = cholesky_solve(&l, n, g);
            return Some(step.into_iter().map(|v| -v).collect());
        }
        lambda = if lambda == 0.0 { 1e-8 * diag } else { lambda * 4.0 };
    }
    None
}
