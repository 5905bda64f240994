//! Gamma–Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Hardie's
//! note 025): a customer's transaction values are Gamma(p, ν) with ν ~
//! Gamma(q, γ); fitted on repeat customers' mean spend by maximum likelihood.

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::stats::optim::{newton, penalised_on_log_scale, NewtonOptions};
use crate::stats::special::{digamma, ln_gamma, trigamma};
use crate::{Error, Result};

/// p, q and γ (`v` as lifetimes names it).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GgParams {
    pub p: f64,
    pub q: f64,
    pub v: f64,
}

/// A fitted Gamma–Gamma model.
#[derive(Debug, Clone, PartialEq)]
pub struct GgFit {
    pub params: GgParams,
    /// Repeat customers with a positive mean spend it was fitted on.
    pub customers: usize,
    /// Pearson correlation of frequency and mean spend over those customers
    /// (the model assumes they are independent).
    pub correlation: Option<f64>,
    pub converged: bool,
}

/// Fits on (repeat purchases x ≥ 1, mean repeat-purchase value m > 0) pairs;
/// `penalizer` as lifetimes' `penalizer_coef · (p² + q² + v²)` on the mean
/// negative log-likelihood.
pub fn fit(customers: &[(f64, f64)], penalizer: f64) -> Result<GgFit> {
    let data: Vec<(f64, f64)> = customers
        .iter()
        .copied()
        .filter(|&(x, m)| x >= 1.0 && m > 0.0 && m.is_finite())
        .collect();
    if data.len() < 2 {
        return Err(Error::model(
            "gamma_gamma",
            format!(
                "{} repeat customers with a positive spend: at least 2 are needed",
                data.len()
            ),
        ));
    }
    let n = data.len() as f64;
    let spend = SpendData::new(&data);
    // The penalised mean negative log-likelihood over φ = ln(p, q, γ).
    let objective = |phi: &[f64], g: &mut [f64], h: &mut [f64]| -> f64 {
        let th = [phi[0].exp(), phi[1].exp(), phi[2].exp()];
        if th.iter().any(|v| !v.is_finite() || *v <= 0.0) {
            return f64::INFINITY;
        }
        let (ll, grad, hess) = spend.log_likelihood(th[0], th[1], th[2]);
        penalised_on_log_scale(&th, ll, &grad, &hess, n, penalizer, g, h)
    };
    // Start from lifetimes' 0.1 on the log scale with γ moved to the spend's scale.
    let mean_m = data.iter().map(|d| d.1).sum::<f64>() / n;
    let min = newton(objective, &[0.1, 0.1, mean_m.ln()], &NewtonOptions::default());
    if !min.value.is_finite() {
        return Err(Error::model("gamma_gamma", "the likelihood could not be maximised"));
    }
    Ok(GgFit {
        params: GgParams {
            p: min.x[0].exp(),
            q: min.x[1].exp(),
            v: min.x[2].exp(),
        },
        customers: data.len(),
        correlation: pearson(&data),
        converged: min.converged,
    })
}

/// The (x, m) pairs arranged for the likelihood: per customer only
/// ln(x·m + γ) depends on the parameters and on m; the Γ functions depend on
/// x alone and are computed once per distinct x.
struct SpendData {
    /// Distinct x with their customer counts.
    xs: Vec<(f64, f64)>,
    /// Per customer: x and x·m.
    rows: Vec<(f64, f64)>,
    /// Σ x (ln m + ln x) and Σ ln m.
    sum_x_ln_xm: f64,
    sum_ln_m: f64,
}

impl SpendData {
    fn new(data: &[(f64, f64)]) -> SpendData {
        let mut slot: FxHashMap<u64, usize> = FxHashMap::default();
        let mut counted: Vec<(f64, f64)> = Vec::new();
        for &(x, _) in data {
            let i = *slot.entry(x.to_bits()).or_insert_with(|| {
                counted.push((x, 0.0));
                counted.len() - 1
            });
            counted[i].1 += 1.0;
        }
        SpendData {
            xs: counted,
            rows: data.iter().map(|&(x, m)| (x, x * m)).collect(),
            sum_x_ln_xm: data.iter().map(|&(x, m)| x * (m.ln() + x.ln())).sum(),
            sum_ln_m: data.iter().map(|&(_, m)| m.ln()).sum(),
        }
    }

    /// Σ ℓ, its gradient and its Hessian (row-major) in (p, q, γ), ℓ being
    /// Hardie's note 025: ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ +
    /// (px−1) ln m + px ln x − (px+q) ln(xm+γ).
    fn log_likelihood(&self, p: f64, q: f64, v: f64) -> (f64, [f64; 3], [f64; 9]) {
        let (lg_q, dg_q, tg_q, ln_v) = (ln_gamma(q), digamma(q), trigamma(q), v.ln());
        let (mut ll, mut gp, mut gq) = (0.0, 0.0, 0.0);
        let (mut hpp, mut hpq, mut hqq) = (0.0, 0.0, 0.0);
        let mut n = 0.0;
        for &(x, count) in &self.xs {
            let px = p * x;
            let (dg_pxq, tg_pxq) = (digamma(px + q), trigamma(px + q));
            ll += count * (ln_gamma(px + q) - ln_gamma(px) - lg_q + q * ln_v);
            gp += count * x * (dg_pxq - digamma(px));
            gq += count * (dg_pxq - dg_q + ln_v);
            hpp += count * x * x * (tg_pxq - trigamma(px));
            hpq += count * x * tg_pxq;
            hqq += count * (tg_pxq - tg_q);
            n += count;
        }
        // Σ L, Σ x L, Σ 1/(xm+γ), Σ x/(xm+γ) and their squares' sums, L = ln(xm+γ).
        let (mut s0, mut s1, mut t0, mut t1, mut u0, mut u1) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        for &(x, xm) in &self.rows {
            let inv = 1.0 / (xm + v);
            let l = (xm + v).ln();
            s0 += l;
            s1 += x * l;
            t0 += inv;
            t1 += x * inv;
            u0 += inv * inv;
            u1 += x * inv * inv;
        }
        ll += p * self.sum_x_ln_xm - self.sum_ln_m - (p * s1 + q * s0);
        gp += self.sum_x_ln_xm - s1;
        gq -= s0;
        let gv = n * q / v - (p * t1 + q * t0);
        let hpv = -t1;
        let hqv = n / v - t0;
        let hvv = -n * q / (v * v) + p * u1 + q * u0;
        (ll, [gp, gq, gv], [hpp, hpq, hpv, hpq, hqq, hqv, hpv, hqv, hvv])
    }
}

impl GgFit {
    /// E[mean spend | x repeat purchases of mean value m] — the population
    /// mean p·γ/(q − 1) for customers without repeat spend; `None` when q ≤ 1
    /// (the mean is infinite).
    pub fn expected_spend(&self, x: f64, m: f64) -> Option<f64> {
        let GgParams { p, q, v } = self.params;
        if q <= 1.0 {
            return None;
        }
        if x < 1.0 || m <= 0.0 || !m.is_finite() {
            return Some(p * v / (q - 1.0));
        }
        Some(p * (v + x * m) / (p * x + q - 1.0))
    }
}

/// Pearson's r of the pairs; `None` when either side is constant.
pub fn pearson(pairs: &[(f64, f64)]) -> Option<f64> {
    let n = pairs.len() as f64;
    if pairs.len() < 2 {
        return None;
    }
    let (mx, my) = pairs.iter().fold((0.0, 0.0), |(a, b), &(x, y)| (a + x / n, b + y / n));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for &(x, y) in pairs {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}
