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

mod derivatives;
mod lbfgs;
mod nelder_mead;
mod newton;

pub use derivatives::{numeric_gradient, numeric_hessian};
pub use lbfgs::{lbfgs, LbfgsOptions};
pub use nelder_mead::{nelder_mead, NelderMeadOptions};
pub use newton::{newton, penalised_on_log_scale, NewtonOptions};

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

pub(super) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

pub(super) fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    y.iter_mut().zip(x).for_each(|(yi, xi)| *yi += a * xi);
}

pub(super) fn inf_norm(v: &[f64]) -> f64 {
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
