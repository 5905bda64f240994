//! Polynomials of the seasonal ARIMA model: the stationarity transform, the
//! multiplicative expansion of the seasonal factors, differencing and its
//! inverse, ψ weights and ARMA autocovariances.

/// Maps unconstrained reals to the coefficients φ of a stationary AR polynomial
/// `1 − φ₁B − … − φₖBᵏ`: each value becomes a partial autocorrelation
/// `x / √(1 + x²)` in (−1, 1), and the Durbin–Levinson recursion turns those
/// into coefficients (Monahan 1984; Jones 1980; what statsmodels' SARIMAX does).
pub(super) fn to_stationary(x: &[f64]) -> Vec<f64> {
    let n = x.len();
    let mut phi = vec![0.0; n];
    let mut prev = vec![0.0; n];
    for k in 0..n {
        let r = x[k] / (1.0 + x[k] * x[k]).sqrt();
        prev[..k].copy_from_slice(&phi[..k]);
        for i in 0..k {
            phi[i] = prev[i] - r * prev[k - 1 - i];
        }
        phi[k] = r;
    }
    phi
}

/// The inverse of [`to_stationary`]; `None` when `phi` is not stationary.
pub(super) fn from_stationary(phi: &[f64]) -> Option<Vec<f64>> {
    let n = phi.len();
    let mut cur = phi.to_vec();
    let mut x = vec![0.0; n];
    for k in (0..n).rev() {
        let r = cur[k];
        if r.is_nan() || r.abs() >= 1.0 {
            return None;
        }
        let denom = 1.0 - r * r;
        x[k] = r / denom.sqrt();
        let prev: Vec<f64> = (0..k).map(|i| (cur[i] + r * cur[k - 1 - i]) / denom).collect();
        cur[..k].copy_from_slice(&prev);
    }
    Some(x)
}

/// The coefficients `c₁…` of `(1 + Σ aᵢBⁱ)(1 + Σ bⱼB^{sj})` (with the leading 1 dropped).
/// AR factors are passed negated so that one product serves both sides.
pub(super) fn expand(a: &[f64], b: &[f64], season: usize) -> Vec<f64> {
    let len = a.len() + season * b.len();
    let mut out = vec![0.0; len];
    for (i, &ai) in a.iter().enumerate() {
        out[i] += ai;
    }
    for (j, &bj) in b.iter().enumerate() {
        let lag = season * (j + 1);
        out[lag - 1] += bj;
        for (i, &ai) in a.iter().enumerate() {
            out[lag + i] += ai * bj;
        }
    }
    out
}

/// The AR coefficients φ (as in `1 − Σ φᵢBⁱ`) of `φ(B)Φ(Bˢ)`.
pub(super) fn ar_product(ar: &[f64], sar: &[f64], season: usize) -> Vec<f64> {
    let neg = |v: &[f64]| v.iter().map(|c| -c).collect::<Vec<_>>();
    expand(&neg(ar), &neg(sar), season).iter().map(|c| -c).collect()
}

/// The MA coefficients θ (as in `1 + Σ θᵢBⁱ`) of `θ(B)Θ(Bˢ)`.
pub(super) fn ma_product(ma: &[f64], sma: &[f64], season: usize) -> Vec<f64> {
    expand(ma, sma, season)
}

/// The coefficients of `(1 − B)ᵈ(1 − Bˢ)ᴰ`, the first being 1.
pub(super) fn differencing(d: usize, sd: usize, season: usize) -> Vec<f64> {
    let mut poly = vec![1.0];
    let mut times = |lag: usize, count: usize| {
        for _ in 0..count {
            let mut next = vec![0.0; poly.len() + lag];
            for (i, &c) in poly.iter().enumerate() {
                next[i] += c;
                next[i + lag] -= c;
            }
            poly = next;
        }
    };
    times(1, d);
    times(season, sd);
    poly
}

/// `w_t = Σⱼ poly[j]·y_{t−j}` for every t from `poly.len() − 1` on.
pub(super) fn difference(y: &[f64], poly: &[f64]) -> Vec<f64> {
    let lag = poly.len() - 1;
    (lag..y.len())
        .map(|t| poly.iter().enumerate().map(|(j, c)| c * y[t - j]).sum())
        .collect()
}

/// ψ₀…ψ_{len−1} of `(1 + Σ θⱼBʲ) / (1 − Σ φᵢBⁱ)`.
pub(super) fn psi_weights(phi: &[f64], theta: &[f64], len: usize) -> Vec<f64> {
    let mut psi = vec![0.0; len];
    for j in 0..len {
        let mut v = if j == 0 {
            1.0
        } else {
            theta.get(j - 1).copied().unwrap_or(0.0)
        };
        for i in 1..=phi.len().min(j) {
            v += phi[i - 1] * psi[j - i];
        }
        psi[j] = v;
    }
    psi
}

/// Autocovariances γ(0)…γ(len−1) of the ARMA process with unit innovation
/// variance; `None` when the Yule–Walker-type system is singular (a unit root).
pub(super) fn autocovariances(phi: &[f64], theta: &[f64], len: usize) -> Option<Vec<f64>> {
    let p = phi.len();
    let q = theta.len();
    let psi = psi_weights(phi, theta, q + 1);
    let th = |j: usize| if j == 0 { 1.0 } else { theta[j - 1] };
    // rhs_k = Σ_{j=k}^{q} θⱼ ψ_{j−k}
    let rhs = |k: usize| (k..=q).map(|j| th(j) * psi[j - k]).sum::<f64>();
    let n = p + 1;
    let mut m = vec![0.0; n * n];
    let mut b: Vec<f64> = (0..n).map(rhs).collect();
    for k in 0..n {
        m[k * n + k] += 1.0;
        for i in 1..=p {
            let lag = k.abs_diff(i);
            m[k * n + lag] -= phi[i - 1];
        }
    }
    let head = solve_general(&mut m, &mut b, n)?;
    let mut gamma = vec![0.0; len.max(n)];
    gamma[..n].copy_from_slice(&head);
    for k in n..gamma.len() {
        let mut v = (1..=p).map(|i| phi[i - 1] * gamma[k - i]).sum::<f64>();
        if k <= q {
            v += rhs(k);
        }
        gamma[k] = v;
    }
    gamma.truncate(len);
    gamma.iter().all(|g| g.is_finite()).then_some(gamma)
}

/// Solves `m x = b` (row-major `n × n`) by Gaussian elimination with partial
/// pivoting; `None` when `m` is singular.
fn solve_general(m: &mut [f64], b: &mut [f64], n: usize) -> Option<Vec<f64>> {
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| m[i * n + col].abs().total_cmp(&m[j * n + col].abs()))?;
        if m[pivot * n + col].abs() < 1e-14 {
            return None;
        }
        if pivot != col {
            for k in 0..n {
                m.swap(pivot * n + k, col * n + k);
            }
            b.swap(pivot, col);
        }
        for row in col + 1..n {
            let f = m[row * n + col] / m[col * n + col];
            if f != 0.0 {
                for k in col..n {
                    m[row * n + k] -= f * m[col * n + k];
                }
                b[row] -= f * b[col];
            }
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| m[row * n + k] * x[k]).sum();
        x[row] = (b[row] - s) / m[row * n + row];
    }
    Some(x)
}
