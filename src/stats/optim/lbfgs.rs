//! L-BFGS with a strong-Wolfe line search (Nocedal & Wright, *Numerical
//! Optimization*, algorithms 7.4, 3.5 and 3.6).

use super::{axpy, dot, inf_norm, Minimum};

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
