//! The exact Gaussian likelihood of a (differenced, demeaned) ARMA series by
//! the Kalman filter on Harvey's state-space form (Durbin & Koopman, *Time
//! Series Analysis by State Space Methods*, §3.4): state dimension
//! `r = max(p, q + 1)`, transition the companion matrix of φ, disturbance
//! loading `(1, θ₁, …, θ_{r−1})`, observation the first state. Everything is in
//! units of σ², so σ² is concentrated out. The initial state covariance is the
//! stationary one, built from the ARMA autocovariances (no Lyapunov solve),
//! and every product with the companion matrix costs O(r²).

use super::poly::{autocovariances, psi_weights};

/// The state-space form of an ARMA(p, q) with expanded coefficients.
#[derive(Debug, Clone)]
pub(super) struct StateSpace {
    /// φ padded to r.
    phi: Vec<f64>,
    /// (1, θ₁, …) padded to r.
    loading: Vec<f64>,
    r: usize,
}

/// What one pass of the filter leaves.
#[derive(Debug, Clone)]
pub(super) struct Filtered {
    /// Σ v²/F (in σ² units).
    pub sum_v2f: f64,
    /// Σ ln F.
    pub sum_log_f: f64,
    pub n: usize,
    /// The one-step predictions of each observation.
    pub predictions: Vec<f64>,
    /// The predicted state a_{n+1|n} and its covariance P_{n+1|n} (σ² units).
    pub a: Vec<f64>,
    pub p: Vec<f64>,
}

impl Filtered {
    /// σ² that maximises the likelihood.
    pub fn sigma2(&self) -> f64 {
        self.sum_v2f / self.n as f64
    }

    /// The log-likelihood with σ² concentrated out.
    pub fn concentrated_log_likelihood(&self) -> f64 {
        let n = self.n as f64;
        -0.5 * n * ((2.0 * std::f64::consts::PI).ln() + 1.0 + self.sigma2().ln()) - 0.5 * self.sum_log_f
    }

    /// The log-likelihood at a given σ².
    pub fn log_likelihood(&self, sigma2: f64) -> f64 {
        let n = self.n as f64;
        -0.5 * n * (2.0 * std::f64::consts::PI * sigma2).ln() - 0.5 * self.sum_log_f - 0.5 * self.sum_v2f / sigma2
    }
}

impl StateSpace {
    pub fn new(phi: &[f64], theta: &[f64]) -> Self {
        let r = phi.len().max(theta.len() + 1);
        let mut p = vec![0.0; r];
        p[..phi.len()].copy_from_slice(phi);
        let mut loading = vec![0.0; r];
        loading[0] = 1.0;
        loading[1..=theta.len()].copy_from_slice(theta);
        StateSpace { phi: p, loading, r }
    }

    pub fn dim(&self) -> usize {
        self.r
    }

    /// ψ₀…ψ_{len−1} of the ARMA part.
    pub fn psi(&self, len: usize) -> Vec<f64> {
        psi_weights(&self.phi, &self.loading[1..], len)
    }

    /// `T a` for the companion transition.
    pub fn transition(&self, a: &[f64]) -> Vec<f64> {
        let r = self.r;
        (0..r)
            .map(|i| self.phi[i] * a[0] + if i + 1 < r { a[i + 1] } else { 0.0 })
            .collect()
    }

    /// `ℓ T` for a row vector ℓ.
    pub fn transition_row(&self, l: &[f64]) -> Vec<f64> {
        (0..self.r)
            .map(|j| {
                if j == 0 {
                    l.iter().zip(&self.phi).map(|(a, b)| a * b).sum()
                } else {
                    l[j - 1]
                }
            })
            .collect()
    }

    /// `T P Tᵀ + R Rᵀ` (row-major r × r) into `out`.
    fn predict_cov(&self, p: &[f64], tp: &mut [f64], out: &mut [f64]) {
        let r = self.r;
        for i in 0..r {
            for j in 0..r {
                let below = if i + 1 < r { p[(i + 1) * r + j] } else { 0.0 };
                tp[i * r + j] = self.phi[i] * p[j] + below;
            }
        }
        for i in 0..r {
            for j in 0..r {
                let right = if j + 1 < r { tp[i * r + j + 1] } else { 0.0 };
                out[i * r + j] = tp[i * r] * self.phi[j] + right + self.loading[i] * self.loading[j];
            }
        }
    }

    /// The stationary covariance of the state; `None` on a unit root.
    pub fn initial_cov(&self) -> Option<Vec<f64>> {
        let r = self.r;
        let gamma = autocovariances(&self.phi, &self.loading[1..], r)?;
        let psi = self.psi(r);
        // α_t[i] = Σ_j phi[i+j]·w_{t−1−j} + loading[i+j]·ε_{t−j}
        let nonzero = |v: &[f64], i: usize| -> Vec<(usize, f64)> {
            (0..r - i).filter(|&j| v[i + j] != 0.0).map(|j| (j, v[i + j])).collect()
        };
        let a: Vec<Vec<(usize, f64)>> = (0..r).map(|i| nonzero(&self.phi, i)).collect();
        let b: Vec<Vec<(usize, f64)>> = (0..r).map(|i| nonzero(&self.loading, i)).collect();
        let mut p = vec![0.0; r * r];
        for i in 0..r {
            for l in i..r {
                let mut s = 0.0;
                for &(j, x) in &a[i] {
                    for &(m, y) in &a[l] {
                        s += x * y * gamma[j.abs_diff(m)];
                    }
                    for &(m, y) in &b[l] {
                        if m > j {
                            s += x * y * psi[m - 1 - j];
                        }
                    }
                }
                for &(j, x) in &b[i] {
                    for &(m, y) in &a[l] {
                        if j > m {
                            s += x * y * psi[j - 1 - m];
                        }
                    }
                    for &(m, y) in &b[l] {
                        if m == j {
                            s += x * y;
                        }
                    }
                }
                p[i * r + l] = s;
                p[l * r + i] = s;
            }
        }
        p.iter().all(|v| v.is_finite()).then_some(p)
    }

    /// Runs the filter over `x` (the demeaned differenced series). `None` when
    /// the model is not stationary or a prediction variance is not positive.
    pub fn filter(&self, x: &[f64]) -> Option<Filtered> {
        let r = self.r;
        let mut p = self.initial_cov()?;
        let mut a = vec![0.0; r];
        let mut tp = vec![0.0; r * r];
        let mut next = vec![0.0; r * r];
        let mut pc = vec![0.0; r];
        let mut prev = vec![0.0; r * r];
        let (mut sum_v2f, mut sum_log_f) = (0.0, 0.0);
        let mut predictions = Vec::with_capacity(x.len());
        // Once P stops changing, the gain and F are fixed: only a is updated.
        let mut steady: Option<(Vec<f64>, f64)> = None;
        for &obs in x {
            predictions.push(a[0]);
            let v = obs - a[0];
            if let Some((gain, f)) = &steady {
                sum_v2f += v * v / f;
                sum_log_f += f.ln();
                for i in 0..r {
                    a[i] += gain[i] * v;
                }
                a = self.transition(&a);
                continue;
            }
            prev.copy_from_slice(&p);
            let f = p[0];
            if f.is_nan() || f <= 1e-12 {
                return None;
            }
            sum_v2f += v * v / f;
            sum_log_f += f.ln();
            for i in 0..r {
                pc[i] = p[i * r];
            }
            for i in 0..r {
                a[i] += pc[i] * v / f;
                for j in 0..r {
                    p[i * r + j] -= pc[i] * pc[j] / f;
                }
            }
            a = self.transition(&a);
            self.predict_cov(&p, &mut tp, &mut next);
            std::mem::swap(&mut p, &mut next);
            let change = p.iter().zip(&prev).map(|(u, w)| (u - w).abs()).fold(0.0, f64::max);
            if change < 1e-13 {
                let f_next = p[0];
                if f_next.is_nan() || f_next <= 1e-12 {
                    return None;
                }
                let gain: Vec<f64> = (0..r).map(|i| p[i * r] / f_next).collect();
                steady = Some((gain, f_next));
            }
        }
        let ok = sum_v2f.is_finite() && sum_log_f.is_finite();
        ok.then_some(Filtered {
            sum_v2f,
            sum_log_f,
            n: x.len(),
            predictions,
            a,
            p,
        })
    }
}
