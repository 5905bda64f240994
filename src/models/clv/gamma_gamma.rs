//! Gamma–Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Hardie's
//! note 025): a customer's transaction values are Gamma(p, ν) with ν ~
//! Gamma(q, γ); fitted on repeat customers' mean spend by maximum likelihood.

use serde::Serialize;

use crate::stats::optim::{lbfgs, LbfgsOptions};
use crate::stats::special::{digamma, ln_gamma};
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
    let objective = |phi: &[f64], g: &mut [f64]| -> f64 {
        let (p, q, v) = (phi[0].exp(), phi[1].exp(), phi[2].exp());
        if !(p.is_finite() && q.is_finite() && v.is_finite()) || p <= 0.0 || q <= 0.0 || v <= 0.0 {
            return f64::INFINITY;
        }
        let (lg_q, dg_q, ln_v) = (ln_gamma(q), digamma(q), v.ln());
        let (mut ll, mut gp, mut gq, mut gv) = (0.0, 0.0, 0.0, 0.0);
        for &(x, m) in &data {
            let px = p * x;
            let ln_xmv = (x * m + v).ln();
            let (ln_m, ln_x) = (m.ln(), x.ln());
            ll += ln_gamma(px + q) - ln_gamma(px) - lg_q + q * ln_v + (px - 1.0) * ln_m + px * ln_x - (px + q) * ln_xmv;
            let dg_pxq = digamma(px + q);
            gp += x * (dg_pxq - digamma(px) + ln_m + ln_x - ln_xmv);
            gq += dg_pxq - dg_q + ln_v - ln_xmv;
            gv += q / v - (px + q) / (x * m + v);
        }
        g[0] = p * (-gp / n + 2.0 * penalizer * p);
        g[1] = q * (-gq / n + 2.0 * penalizer * q);
        g[2] = v * (-gv / n + 2.0 * penalizer * v);
        -ll / n + penalizer * (p * p + q * q + v * v)
    };
    // Start from lifetimes' 0.1 on the log scale with γ moved to the spend's scale.
    let mean_m = data.iter().map(|d| d.1).sum::<f64>() / n;
    let min = lbfgs(objective, &[0.1, 0.1, mean_m.ln()], &LbfgsOptions::default());
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
