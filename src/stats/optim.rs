//! Unconstrained minimisers shared by the models: L-BFGS with a strong-Wolfe
//! line search (Nocedal & Wright, *Numerical Optimization*, algorithms 7.4,
//! 3.5 and 3.6) for smooth objectives with a gradient, Nelder–Mead with the
//! dimension-adapted coefficients of Gao & Han (2012) for derivative-free fits,
//! damped Newton for small fits with an analytic Hessian, and
//! central-difference gradients and Hessians.
//!
//! Written here rather than taken from `argmin` because the models need two
//! small routines, not a framework, and every byte counts in the page's wasm.
//! Objectives may return `+∞` or NaN outside their domain: the line search and
//! the simplex treat such points as worse than any finite one and step back.

use super::linalg::{cholesky, cholesky_solve};

/// Where a minimiser stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Minimum {
    /// The best point found.
    pub x: Vec<f64>,
    /// The objective there.
    pub value: f64,
    /// ‖∇f(x)‖∞ for L-BFGS; for Nelder–Mead the spread of the final simplex's values.
    pub gradient_norm: f64,
    pub iterations: usize,
    /// The tolerance was met (not merely the iteration limit or a failed line search).
    pub converged: bool,
}

/// Options of [`lbfgs`].
#[derive(Debug, Clone, PartialEq)]
pub struct LbfgsOptions {
    pub max_iterations: usize,
    /// Correction pairs kept (m).
    pub memory: usize,
    /// Converged when ‖∇f‖∞ ≤ this × max(1, |f|).
    pub gradient_tolerance: f64,
    /// Also converged when an iteration lowers f by less than this × max(1, |f|)
    /// while ‖∇f‖∞ ≤ 1e3 × `gradient_tolerance` × max(1, |f|).
    pub value_tolerance: f64,
}

impl Default for LbfgsOptions {
    fn default() -> Self {
        LbfgsOptions {
            max_iterations: 1000,
            memory: 10,
            gradient_tolerance: 1e-9,
            value_tolerance: 1e-15,
        }
    }
}

/// Minimises `f`, which returns f(x) and writes ∇f(x) into its second argument,
/// from `x0`.
pub fn lbfgs<F>(mut f: F, x0: &[f64], options: &LbfgsOptions) -> Minimum
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
{
    let n = x0.len();
    let mut x = x0.to_vec();
    let mut g = vec![0.0; n];
    let mut fx = f(&x, &mut g);
    let scale = |v: f64| v.abs().max(1.0);
    if !fx.is_finite() || g.iter().any(|v| !v.is_finite()) {
        return Minimum {
            x,
            value: fx,
            gradient_norm: f64::INFINITY,
            iterations: 0,
            converged: false,
        };
    }
    let mut s_hist: Vec<Vec<f64>> = Vec::new();
    let mut y_hist: Vec<Vec<f64>> = Vec::new();
    let mut rho_hist: Vec<f64> = Vec::new();
    let mut iterations = 0;
    let mut converged = inf_norm(&g) <= options.gradient_tolerance * scale(fx);
    let mut x_new = vec![0.0; n];
    let mut g_new = vec![0.0; n];
    while !converged && iterations < options.max_iterations {
        iterations += 1;
        let mut d = two_loop(&g, &s_hist, &y_hist, &rho_hist);
        let mut slope = dot(&g, &d);
        if slope.is_nan() || slope >= 0.0 {
            // Not a descent direction (curvature information gone bad): restart.
            s_hist.clear();
            y_hist.clear();
            rho_hist.clear();
            d = g.iter().map(|v| -v).collect();
            slope = dot(&g, &d);
        }
        let first_step = if s_hist.is_empty() {
            (1.0 / inf_norm(&g)).min(1.0)
        } else {
            1.0
        };
        let found = wolfe_search(&mut f, &x, fx, slope, &d, first_step, &mut x_new, &mut g_new);
        let Some(f_new) = found else {
            if s_hist.is_empty() {
                break; // Even steepest descent finds no decrease: as good as it gets.
            }
            s_hist.clear();
            y_hist.clear();
            rho_hist.clear();
            continue;
        };
        let s: Vec<f64> = x_new.iter().zip(&x).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = g_new.iter().zip(&g).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &y);
        if sy > 1e-12 * dot(&y, &y).sqrt() * dot(&s, &s).sqrt() {
            if s_hist.len() == options.memory.max(1) {
                s_hist.remove(0);
                y_hist.remove(0);
                rho_hist.remove(0);
            }
            s_hist.push(s);
            y_hist.push(y);
            rho_hist.push(1.0 / sy);
        }
        let decrease = fx - f_new;
        std::mem::swap(&mut x, &mut x_new);
        std::mem::swap(&mut g, &mut g_new);
        fx = f_new;
        let gnorm = inf_norm(&g);
        converged = gnorm <= options.gradient_tolerance * scale(fx)
            || (decrease <= options.value_tolerance * scale(fx)
                && gnorm <= 1e3 * options.gradient_tolerance * scale(fx));
        if decrease <= 0.0 && !converged {
            break;
        }
    }
    Minimum {
        gradient_norm: inf_norm(&g),
        x,
        value: fx,
        iterations,
        converged,
    }
}

/// The L-BFGS two-loop recursion: −H∇f with H the implicit inverse Hessian.
fn two_loop(g: &[f64], s_hist: &[Vec<f64>], y_hist: &[Vec<f64>], rho_hist: &[f64]) -> Vec<f64> {
    let mut q = g.to_vec();
    let mut alpha = vec![0.0; s_hist.len()];
    for i in (0..s_hist.len()).rev() {
        alpha[i] = rho_hist[i] * dot(&s_hist[i], &q);
        axpy(-alpha[i], &y_hist[i], &mut q);
    }
    if let (Some(s), Some(y)) = (s_hist.last(), y_hist.last()) {
        let gamma = dot(s, y) / dot(y, y);
        q.iter_mut().for_each(|v| *v *= gamma);
    }
    for i in 0..s_hist.len() {
        let beta = rho_hist[i] * dot(&y_hist[i], &q);
        axpy(alpha[i] - beta, &s_hist[i], &mut q);
    }
    q.iter_mut().for_each(|v| *v = -*v);
    q
}

const C1: f64 = 1e-4;
const C2: f64 = 0.9;

/// Strong-Wolfe line search along `d` from `x` (N&W algorithm 3.5). On success
/// `x_new`/`g_new` hold the accepted point and its gradient.
#[allow(clippy::too_many_arguments)]
fn wolfe_search<F>(
    f: &mut F,
    x: &[f64],
    f0: f64,
    slope0: f64,
    d: &[f64],
    first_step: f64,
    x_new: &mut [f64],
    g_new: &mut [f64],
) -> Option<f64>
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
{
    let mut eval = |step: f64, x_new: &mut [f64], g_new: &mut [f64]| -> (f64, f64) {
        for i in 0..x.len() {
            x_new[i] = x[i] + step * d[i];
        }
        let value = f(x_new, g_new);
        if !value.is_finite() || g_new.iter().any(|v| !v.is_finite()) {
            return (f64::INFINITY, f64::NAN);
        }
        (value, dot(g_new, d))
    };
    let (mut lo, mut f_lo, mut slope_lo) = (0.0, f0, slope0);
    let mut step = first_step;
    for i in 0..40 {
        let (value, slope) = eval(step, x_new, g_new);
        if !value.is_finite() {
            // Outside the objective's domain: step back towards x.
            step = lo + 0.1 * (step - lo);
            continue;
        }
        if value > f0 + C1 * step * slope0 || (i > 0 && value >= f_lo) {
            return zoom(
                &mut eval,
                f0,
                slope0,
                (lo, f_lo, slope_lo),
                (step, value, slope),
                x_new,
                g_new,
            );
        }
        if slope.abs() <= -C2 * slope0 {
            return Some(value);
        }
        if slope >= 0.0 {
            return zoom(
                &mut eval,
                f0,
                slope0,
                (step, value, slope),
                (lo, f_lo, slope_lo),
                x_new,
                g_new,
            );
        }
        (lo, f_lo, slope_lo) = (step, value, slope);
        step *= 2.0;
    }
    None
}

/// N&W algorithm 3.6 with cubic interpolation, safeguarded by bisection.
fn zoom<E>(
    eval: &mut E,
    f0: f64,
    slope0: f64,
    mut lo: (f64, f64, f64),
    mut hi: (f64, f64, f64),
    x_new: &mut [f64],
    g_new: &mut [f64],
) -> Option<f64>
where
    E: FnMut(f64, &mut [f64], &mut [f64]) -> (f64, f64),
{
    for _ in 0..60 {
        let (a, fa, da) = lo;
        let (b, fb, db) = hi;
        let mut step = cubic_minimiser(a, fa, da, b, fb, db).unwrap_or(0.5 * (a + b));
        let (left, right) = if a < b { (a, b) } else { (b, a) };
        let margin = 0.1 * (right - left);
        if !(step > left + margin && step < right - margin) {
            step = 0.5 * (a + b);
        }
        let (value, slope) = eval(step, x_new, g_new);
        if !value.is_finite() || value > f0 + C1 * step * slope0 || value >= fa {
            hi = (step, value, slope);
        } else {
            if slope.abs() <= -C2 * slope0 {
                return Some(value);
            }
            if slope * (b - a) >= 0.0 {
                hi = lo;
            }
            lo = (step, value, slope);
        }
        if (hi.0 - lo.0).abs() <= 1e-16 * lo.0.abs().max(1.0) {
            break;
        }
    }
    // The interval collapsed: accept the best point if it decreased f at all.
    let (step, value, _) = lo;
    if step > 0.0 && value < f0 {
        let (value, _) = eval(step, x_new, g_new);
        return value.is_finite().then_some(value);
    }
    None
}

fn cubic_minimiser(a: f64, fa: f64, da: f64, b: f64, fb: f64, db: f64) -> Option<f64> {
    if !(fb.is_finite() && db.is_finite()) {
        return None;
    }
    let d1 = da + db - 3.0 * (fa - fb) / (a - b);
    let disc = d1 * d1 - da * db;
    if disc < 0.0 {
        return None;
    }
    let d2 = (b - a).signum() * disc.sqrt();
    let step = b - (b - a) * (db + d2 - d1) / (db - da + 2.0 * d2);
    step.is_finite().then_some(step)
}

/// Options of [`nelder_mead`].
#[derive(Debug, Clone, PartialEq)]
pub struct NelderMeadOptions {
    pub max_iterations: usize,
    /// Stop when the simplex's values differ by at most this × max(1, |f_best|)…
    pub value_tolerance: f64,
    /// …and its vertices by at most this in every coordinate.
    pub x_tolerance: f64,
    /// The initial simplex steps this far along each axis (relative to |x0ᵢ|
    /// when that is not 0: 5 %, as in SciPy).
    pub initial_step: f64,
}

impl Default for NelderMeadOptions {
    fn default() -> Self {
        NelderMeadOptions {
            max_iterations: 5000,
            value_tolerance: 1e-12,
            x_tolerance: 1e-10,
            initial_step: 0.05,
        }
    }
}

/// Minimises `f` without derivatives from `x0` (adaptive Nelder–Mead).
pub fn nelder_mead<F>(mut f: F, x0: &[f64], options: &NelderMeadOptions) -> Minimum
where
    F: FnMut(&[f64]) -> f64,
{
    let n = x0.len();
    let mut value = |x: &[f64]| {
        let v = f(x);
        if v.is_nan() {
            f64::INFINITY
        } else {
            v
        }
    };
    if n == 0 {
        return Minimum {
            x: vec![],
            value: value(&[]),
            gradient_norm: 0.0,
            iterations: 0,
            converged: true,
        };
    }
    let nf = n as f64;
    let (alpha, beta, gamma, delta) = (1.0, 1.0 + 2.0 / nf, 0.75 - 1.0 / (2.0 * nf), 1.0 - 1.0 / nf);
    let mut simplex: Vec<Vec<f64>> = vec![x0.to_vec()];
    for i in 0..n {
        let mut v = x0.to_vec();
        v[i] = if v[i] != 0.0 {
            v[i] * (1.0 + options.initial_step)
        } else {
            options.initial_step * 0.005
        };
        simplex.push(v);
    }
    let mut values: Vec<f64> = simplex.iter().map(|v| value(v)).collect();
    let mut iterations = 0;
    let mut converged = false;
    while iterations < options.max_iterations {
        let mut order: Vec<usize> = (0..=n).collect();
        order.sort_by(|&i, &j| values[i].total_cmp(&values[j]));
        simplex = order.iter().map(|&i| simplex[i].clone()).collect();
        values = order.iter().map(|&i| values[i]).collect();
        let spread = values[n] - values[0];
        let width = (1..=n)
            .flat_map(|i| (0..n).map(move |k| (i, k)))
            .map(|(i, k)| (simplex[i][k] - simplex[0][k]).abs())
            .fold(0.0, f64::max);
        if values[0].is_finite()
            && spread <= options.value_tolerance * values[0].abs().max(1.0)
            && width <= options.x_tolerance
        {
            converged = true;
            break;
        }
        iterations += 1;
        let centroid: Vec<f64> = (0..n)
            .map(|k| simplex[..n].iter().map(|v| v[k]).sum::<f64>() / nf)
            .collect();
        let towards = |t: f64| -> Vec<f64> {
            (0..n)
                .map(|k| centroid[k] + t * (simplex[n][k] - centroid[k]))
                .collect()
        };
        let reflected = towards(-alpha);
        let f_r = value(&reflected);
        if f_r < values[0] {
            let expanded = towards(-alpha * beta);
            let f_e = value(&expanded);
            if f_e < f_r {
                (simplex[n], values[n]) = (expanded, f_e);
            } else {
                (simplex[n], values[n]) = (reflected, f_r);
            }
        } else if f_r < values[n - 1] {
            (simplex[n], values[n]) = (reflected, f_r);
        } else {
            let (contracted, f_c) = if f_r < values[n] {
                let c = towards(-alpha * gamma);
                let fc = value(&c);
                (c, fc)
            } else {
                let c = towards(gamma);
                let fc = value(&c);
                (c, fc)
            };
            if f_c < values[n].min(f_r) {
                (simplex[n], values[n]) = (contracted, f_c);
            } else {
                for i in 1..=n {
                    let shrunk: Vec<f64> = (0..n)
                        .map(|k| simplex[0][k] + delta * (simplex[i][k] - simplex[0][k]))
                        .collect();
                    values[i] = value(&shrunk);
                    simplex[i] = shrunk;
                }
            }
        }
    }
    let best = (0..=n).min_by(|&i, &j| values[i].total_cmp(&values[j])).unwrap_or(0);
    let spread = values.iter().cloned().fold(f64::NEG_INFINITY, f64::max) - values[best];
    Minimum {
        x: simplex[best].clone(),
        value: values[best],
        gradient_norm: spread,
        iterations,
        converged,
    }
}

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

/// The central-difference gradient of `f` at `x` into `g`
/// (step ε^{1/3}·max(1, |xᵢ|)).
pub fn numeric_gradient<F>(mut f: F, x: &[f64], g: &mut [f64])
where
    F: FnMut(&[f64]) -> f64,
{
    let mut probe = x.to_vec();
    for i in 0..x.len() {
        let h = f64::EPSILON.cbrt() * x[i].abs().max(1.0);
        probe[i] = x[i] + h;
        let up = f(&probe);
        probe[i] = x[i] - h;
        let down = f(&probe);
        probe[i] = x[i];
        g[i] = (up - down) / (2.0 * h);
    }
}

/// The Hessian (row-major, symmetrised) by central differences of an analytic
/// gradient `grad(x, g)`.
pub fn numeric_hessian<G>(mut grad: G, x: &[f64]) -> Vec<f64>
where
    G: FnMut(&[f64], &mut [f64]),
{
    let n = x.len();
    let mut hessian = vec![0.0; n * n];
    let mut probe = x.to_vec();
    let (mut up, mut down) = (vec![0.0; n], vec![0.0; n]);
    for j in 0..n {
        let h = f64::EPSILON.cbrt() * x[j].abs().max(1.0);
        probe[j] = x[j] + h;
        grad(&probe, &mut up);
        probe[j] = x[j] - h;
        grad(&probe, &mut down);
        probe[j] = x[j];
        for i in 0..n {
            hessian[i * n + j] = (up[i] - down[i]) / (2.0 * h);
        }
    }
    for i in 0..n {
        for j in 0..i {
            let mean = 0.5 * (hessian[i * n + j] + hessian[j * n + i]);
            hessian[i * n + j] = mean;
            hessian[j * n + i] = mean;
        }
    }
    hessian
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    y.iter_mut().zip(x).for_each(|(yi, xi)| *yi += a * xi);
}

fn inf_norm(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rosenbrock(x: &[f64], g: &mut [f64]) -> f64 {
        let mut value = 0.0;
        g.iter_mut().for_each(|v| *v = 0.0);
        for i in 0..x.len() - 1 {
            let (a, b) = (1.0 - x[i], x[i + 1] - x[i] * x[i]);
            value += a * a + 100.0 * b * b;
            g[i] += -2.0 * a - 400.0 * x[i] * b;
            g[i + 1] += 200.0 * b;
        }
        value
    }

    #[test]
    fn lbfgs_finds_the_rosenbrock_minimum_in_two_and_ten_dimensions() {
        for start in [vec![-1.2, 1.0], vec![-1.2; 10]] {
            let m = lbfgs(rosenbrock, &start, &LbfgsOptions::default());
            assert!(m.converged, "{m:?}");
            assert!(m.x.iter().all(|v| (v - 1.0).abs() < 1e-6), "{:?}", m.x);
            assert!(m.value < 1e-12);
        }
    }

    #[test]
    fn lbfgs_steps_back_from_outside_the_domain() {
        // f(x) = x − ln x: infinite for x ≤ 0, minimum 1 at x = 1; the first
        // steepest-descent step from 10 overshoots below 0.
        let f = |x: &[f64], g: &mut [f64]| {
            if x[0] <= 0.0 {
                return f64::INFINITY;
            }
            g[0] = 1.0 - 1.0 / x[0];
            x[0] - x[0].ln()
        };
        let m = lbfgs(f, &[10.0], &LbfgsOptions::default());
        assert!(m.converged);
        assert!((m.x[0] - 1.0).abs() < 1e-8 && (m.value - 1.0).abs() < 1e-12, "{m:?}");
    }

    #[test]
    fn lbfgs_reports_a_start_outside_the_domain_as_not_converged() {
        let m = lbfgs(|_: &[f64], _: &mut [f64]| f64::NAN, &[1.0], &LbfgsOptions::default());
        assert!(!m.converged);
        assert_eq!(m.iterations, 0);
    }

    #[test]
    fn lbfgs_stops_at_the_iteration_limit_without_claiming_convergence() {
        let options = LbfgsOptions {
            max_iterations: 3,
            ..LbfgsOptions::default()
        };
        let m = lbfgs(rosenbrock, &[-1.2, 1.0], &options);
        assert_eq!(m.iterations, 3);
        assert!(!m.converged);
    }

    /// Rosenbrock in two dimensions with its Hessian.
    fn rosenbrock_2d(x: &[f64], g: &mut [f64], h: &mut [f64]) -> f64 {
        let (a, b) = (x[0], x[1]);
        g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
        g[1] = 200.0 * (b - a * a);
        h.copy_from_slice(&[2.0 - 400.0 * b + 1200.0 * a * a, -400.0 * a, -400.0 * a, 200.0]);
        (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
    }

    #[test]
    fn newton_finds_the_rosenbrock_minimum_through_an_indefinite_hessian() {
        // At (0, 1) the Hessian is indefinite (2 − 400 < 0): the shift must kick in.
        for start in [[-1.2, 1.0], [0.0, 1.0]] {
            let m = newton(rosenbrock_2d, &start, &NewtonOptions::default());
            assert!(m.converged, "{m:?}");
            assert!((m.x[0] - 1.0).abs() < 1e-8 && (m.x[1] - 1.0).abs() < 1e-8, "{m:?}");
            assert!(m.iterations < 40, "{m:?}");
        }
    }

    #[test]
    fn newton_reports_a_start_outside_the_domain_as_not_converged() {
        let m = newton(
            |_: &[f64], _: &mut [f64], _: &mut [f64]| f64::NAN,
            &[1.0],
            &NewtonOptions::default(),
        );
        assert!(!m.converged);
        assert_eq!(m.iterations, 0);
    }

    #[test]
    fn nelder_mead_finds_the_rosenbrock_minimum() {
        let mut g = [0.0; 2];
        let m = nelder_mead(|x| rosenbrock(x, &mut g), &[-1.2, 1.0], &NelderMeadOptions::default());
        assert!(m.converged, "{m:?}");
        assert!(m.x.iter().all(|v| (v - 1.0).abs() < 1e-5), "{:?}", m.x);
    }

    #[test]
    fn nelder_mead_treats_nan_as_worse_than_anything() {
        let f = |x: &[f64]| if x[0] < 0.5 { f64::NAN } else { (x[0] - 2.0).powi(2) };
        let m = nelder_mead(f, &[1.0], &NelderMeadOptions::default());
        assert!((m.x[0] - 2.0).abs() < 1e-5, "{m:?}");
    }

    #[test]
    fn numeric_derivatives_of_a_quadratic_are_exact_to_rounding() {
        // f = x² + 3xy + 5y², ∇f = (2x + 3y, 3x + 10y), H = [[2, 3], [3, 10]].
        let f = |v: &[f64]| v[0] * v[0] + 3.0 * v[0] * v[1] + 5.0 * v[1] * v[1];
        let mut g = [0.0; 2];
        numeric_gradient(f, &[1.0, -2.0], &mut g);
        assert!(
            (g[0] - (2.0 - 6.0)).abs() < 1e-8 && (g[1] - (3.0 - 20.0)).abs() < 1e-8,
            "{g:?}"
        );
        let h = numeric_hessian(
            |v, g| {
                g[0] = 2.0 * v[0] + 3.0 * v[1];
                g[1] = 3.0 * v[0] + 10.0 * v[1];
            },
            &[1.0, -2.0],
        );
        for (got, want) in h.iter().zip([2.0, 3.0, 3.0, 10.0]) {
            assert!((got - want).abs() < 1e-8, "{h:?}");
        }
    }
}
