//! Nelder–Mead with the dimension-adapted coefficients of Gao & Han (2012).

use super::Minimum;

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
