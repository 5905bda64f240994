//! BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way")
//! and the modified BG/NBD (Batislam, Denizel & Filiztekin 2007), fitted by
//! maximum likelihood over log-parameters with an analytic gradient. All
//! likelihood, P(alive) and expectation arithmetic is in log space, so long
//! tenures and frequent buyers neither overflow nor round to 0/1 too early.

use serde::{Deserialize, Serialize};

use crate::stats::linalg::invert_spd;
use crate::stats::optim::{lbfgs, numeric_hessian, LbfgsOptions};
use crate::stats::special::{digamma, ln_gamma, ln_hyp2f1};
use crate::{Error, Result};

/// Which repeat-purchase model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransactionModel {
    /// BG/NBD: a customer may drop out after each repeat purchase; one-time
    /// buyers are alive for sure.
    Bgnbd,
    /// Modified BG/NBD: a customer may also drop out right after the first
    /// purchase, so one-time buyers are not alive for sure.
    Mbgnbd,
}

impl TransactionModel {
    /// `"bgnbd"` or `"mbgnbd"`.
    pub fn name(self) -> &'static str {
        match self {
            TransactionModel::Bgnbd => "bgnbd",
            TransactionModel::Mbgnbd => "mbgnbd",
        }
    }

    /// The shift of the dropout terms: BG/NBD counts dropout chances after
    /// repeat purchases (b + x − 1), the modified model after every purchase (b + x).
    fn shift(self) -> f64 {
        match self {
            TransactionModel::Bgnbd => 0.0,
            TransactionModel::Mbgnbd => 1.0,
        }
    }
}

/// A customer's calibration history in the model's time unit: repeat
/// purchases `x`, time of the last purchase since the first `t_x`, and age `t`
/// (calibration end minus first purchase).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct History {
    pub x: f64,
    pub t_x: f64,
    pub t: f64,
}

/// r, α (purchase rate: Gamma(r, α)) and a, b (dropout: Beta(a, b)).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BgParams {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
}

impl BgParams {
    fn to_vec(self) -> [f64; 4] {
        [self.r, self.alpha, self.a, self.b]
    }
}

/// A fitted BG/NBD or modified BG/NBD model.
#[derive(Debug, Clone, PartialEq)]
pub struct BgFit {
    pub model: TransactionModel,
    pub params: BgParams,
    /// Standard errors of r, α, a, b (inverse observed information, delta
    /// method from the log scale); `None` when the Hessian is not positive definite.
    pub se: Option<BgParams>,
    /// Σ over customers of the log-likelihood, unpenalised, in the fit's time unit.
    pub log_likelihood: f64,
    pub iterations: usize,
    pub converged: bool,
}

/// Distinct (x, t_x, T) with the number of customers sharing them.
struct Compressed {
    rows: Vec<(History, f64)>,
    total: f64,
}

fn compress(histories: &[History]) -> Compressed {
    let mut keys: Vec<(u64, u64, u64)> = histories
        .iter()
        .map(|h| (h.x.to_bits(), h.t_x.to_bits(), h.t.to_bits()))
        .collect();
    keys.sort_unstable();
    let mut rows: Vec<(History, f64)> = Vec::new();
    let mut last = None;
    for k in keys {
        if last == Some(k) {
            if let Some(r) = rows.last_mut() {
                r.1 += 1.0;
            }
            continue;
        }
        last = Some(k);
        let h = History {
            x: f64::from_bits(k.0),
            t_x: f64::from_bits(k.1),
            t: f64::from_bits(k.2),
        };
        rows.push((h, 1.0));
    }
    Compressed {
        rows,
        total: histories.len() as f64,
    }
}

/// Σ w·ℓ over the rows, times in units × `scale`, and its gradient with
/// respect to the natural parameters (r, α, a, b) written into `grad`.
fn log_likelihood(model: TransactionModel, th: [f64; 4], data: &Compressed, scale: f64, grad: &mut [f64; 4]) -> f64 {
    let [r, alpha, a, b] = th;
    let k = model.shift();
    let (lg_r, lg_b, lg_ab) = (ln_gamma(r), ln_gamma(b), ln_gamma(a + b));
    let (dg_r, dg_b, dg_ab) = (digamma(r), digamma(b), digamma(a + b));
    let (ln_a, ln_alpha) = (a.ln(), alpha.ln());
    let mut total = 0.0;
    *grad = [0.0; 4];
    for &(h, w) in &data.rows {
        let (x, t_x, t) = (h.x, h.t_x * scale, h.t * scale);
        let rx = r + x;
        let a1 = ln_gamma(rx) - lg_r + r * ln_alpha;
        let a2 = lg_ab + ln_gamma(b + x + k) - lg_b - ln_gamma(a + b + x + k);
        let (l_t, l_tx) = ((alpha + t).ln(), (alpha + t_x).ln());
        let a3 = -rx * l_t;
        let has_a4 = x > 0.0 || k > 0.0;
        let d = b + x + k - 1.0;
        let (lse, w4) = if has_a4 {
            let a4 = ln_a - d.ln() - rx * l_tx;
            let m = a3.max(a4);
            let lse = m + ((a3 - m).exp() + (a4 - m).exp()).ln();
            (lse, (a4 - lse).exp())
        } else {
            (a3, 0.0)
        };
        let w3 = 1.0 - w4;
        total += w * (a1 + a2 + lse);
        let dg_rx = digamma(rx);
        let dg_abx = digamma(a + b + x + k);
        grad[0] += w * (dg_rx - dg_r + ln_alpha - w3 * l_t - w4 * l_tx);
        grad[1] += w * (r / alpha - w3 * rx / (alpha + t) - w4 * rx / (alpha + t_x));
        grad[2] += w * (dg_ab - dg_abx + w4 / a);
        grad[3] += w * (dg_ab + digamma(b + x + k) - dg_b - dg_abx - if has_a4 { w4 / d } else { 0.0 });
    }
    total
}

/// Fits the model by maximum likelihood. `penalizer` adds lifetimes'
/// `penalizer_coef · Σ θ²` (θ with time scaled so the oldest customer's age
/// is 1) to the mean negative log-likelihood; 0 fits the plain MLE.
pub fn fit(model: TransactionModel, histories: &[History], penalizer: f64) -> Result<BgFit> {
    let name = model.name();
    if histories.is_empty() {
        return Err(Error::model(
            name,
            "no customers with a purchase in the calibration period",
        ));
    }
    if histories.iter().all(|h| h.x == 0.0) {
        return Err(Error::model(
            name,
            "no customer bought twice in the calibration period: repeat behaviour cannot be estimated",
        ));
    }
    let data = compress(histories);
    let max_t = histories.iter().map(|h| h.t).fold(0.0_f64, f64::max);
    let scale = if max_t > 0.0 { 1.0 / max_t } else { 1.0 };
    let objective = |phi: &[f64], g: &mut [f64]| -> f64 {
        let th = [phi[0].exp(), phi[1].exp(), phi[2].exp(), phi[3].exp()];
        if th.iter().any(|v| !v.is_finite() || *v <= 0.0) {
            return f64::INFINITY;
        }
        let mut gr = [0.0; 4];
        let ll = log_likelihood(model, th, &data, scale, &mut gr);
        let pen: f64 = th.iter().map(|v| v * v).sum::<f64>();
        for i in 0..4 {
            g[i] = th[i] * (-gr[i] / data.total + 2.0 * penalizer * th[i]);
        }
        -ll / data.total + penalizer * pen
    };
    let min = lbfgs(objective, &[0.1; 4], &LbfgsOptions::default());
    if !min.value.is_finite() || min.x.iter().any(|v| !v.is_finite()) {
        return Err(Error::model(
            name,
            "the likelihood could not be maximised (no finite optimum)",
        ));
    }
    let params = BgParams {
        r: min.x[0].exp(),
        alpha: min.x[1].exp() / scale,
        a: min.x[2].exp(),
        b: min.x[3].exp(),
    };
    let mut scratch = [0.0; 4];
    let log_likelihood = log_likelihood(model, params.to_vec(), &data, 1.0, &mut scratch);
    let se = standard_errors(model, params, &data);
    Ok(BgFit {
        model,
        params,
        se,
        log_likelihood,
        iterations: min.iterations,
        converged: min.converged,
    })
}

/// Standard errors from the observed information: the Hessian of −Σℓ over the
/// log-parameters by differences of the analytic gradient, inverted; then
/// SE(θ) = θ · SE(log θ).
fn standard_errors(model: TransactionModel, params: BgParams, data: &Compressed) -> Option<BgParams> {
    let phi: Vec<f64> = params.to_vec().iter().map(|v| v.ln()).collect();
    let hessian = numeric_hessian(
        |p: &[f64], g: &mut [f64]| {
            let th = [p[0].exp(), p[1].exp(), p[2].exp(), p[3].exp()];
            let mut gr = [0.0; 4];
            log_likelihood(model, th, data, 1.0, &mut gr);
            for i in 0..4 {
                g[i] = -th[i] * gr[i];
            }
        },
        &phi,
    );
    let cov = invert_spd(&hessian, 4)?;
    let th = params.to_vec();
    let se: Vec<f64> = (0..4).map(|i| th[i] * cov[i * 4 + i].max(0.0).sqrt()).collect();
    se.iter().all(|v| v.is_finite()).then(|| BgParams {
        r: se[0],
        alpha: se[1],
        a: se[2],
        b: se[3],
    })
}

impl BgFit {
    /// ln of the odds of having dropped out; `None` when a one-time buyer under
    /// BG/NBD (alive for sure).
    fn ln_dropout_odds(&self, h: History) -> Option<f64> {
        let BgParams { r, alpha, a, b } = self.params;
        let k = self.model.shift();
        if h.x == 0.0 && k == 0.0 {
            return None;
        }
        Some(a.ln() - (b + h.x + k - 1.0).ln() + (r + h.x) * ((alpha + h.t).ln() - (alpha + h.t_x).ln()))
    }

    /// P(alive | x, t_x, T).
    pub fn p_alive(&self, h: History) -> f64 {
        match self.ln_dropout_odds(h) {
            None => 1.0,
            Some(l) => (-softplus(l)).exp(),
        }
    }

    /// Expected repeat purchases in the next `t` time units given the history
    /// (BG/NBD eq. 10; modified BG/NBD as lifetimes' `ModifiedBetaGeoFitter`).
    pub fn expected_purchases(&self, h: History, t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        let BgParams { r, alpha, a, b } = self.params;
        let k = self.model.shift();
        let x = h.x;
        let c = a + b + x + k - 1.0;
        let z = t / (alpha + h.t + t);
        let Some((ln_f, sign)) = ln_hyp2f1(r + x, b + x + k, c, z) else {
            return f64::NAN;
        };
        let ln_term = ln_f + (r + x) * ((alpha + h.t).ln() - (alpha + h.t + t).ln());
        let second = if sign > 0.0 {
            -ln_term.exp_m1()
        } else {
            1.0 + ln_term.exp()
        };
        c / (a - 1.0) * second * self.p_alive(h)
    }

    /// P(no purchase in the next `t` time units | history): a dead customer
    /// buys nothing; a live one, whose rate given the history is
    /// Gamma(r + x, α + T), buys nothing with E[e^(−λt)] = ((α + T)/(α + T + t))^(r + x)
    /// (dropout happens only right after a purchase, so not before the next one).
    /// So `1 − P(alive) · (1 − ((α + T)/(α + T + t))^(r + x))`.
    pub fn p_no_purchase(&self, h: History, t: f64) -> f64 {
        if t <= 0.0 {
            return 1.0;
        }
        let BgParams { r, alpha, .. } = self.params;
        let ln_quiet = (r + h.x) * ((alpha + h.t).ln() - (alpha + h.t + t).ln());
        1.0 + self.p_alive(h) * ln_quiet.exp_m1()
    }

    /// The first whole time `t ≤ cap` (in `step`s) at which the expected
    /// purchases reach 1, or `None`.
    pub fn time_to_next_purchase(&self, h: History, step: f64, cap_steps: u32) -> Option<u32> {
        let at_cap = self.expected_purchases(h, step * f64::from(cap_steps));
        if at_cap.is_nan() || at_cap < 1.0 {
            return None;
        }
        let (mut lo, mut hi) = (0u32, cap_steps);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.expected_purchases(h, step * f64::from(mid)) >= 1.0 {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Some(hi)
    }
}

/// ln(1 + eˣ) without overflow.
fn softplus(x: f64) -> f64 {
    if x > 30.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}
