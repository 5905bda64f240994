//! BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way")
//! and the modified BG/NBD (Batislam, Denizel & Filiztekin 2007), fitted by
//! maximum likelihood over log-parameters with an analytic gradient. All
//! likelihood, P(alive) and expectation arithmetic is in log space, so long
//! tenures and frequent buyers neither overflow nor round to 0/1 too early.

use serde::{Deserialize, Serialize};

use super::distinct::DistinctHistories;
use crate::stats::linalg::invert_spd;
use crate::stats::optim::{lbfgs, newton, penalised_on_log_scale, LbfgsOptions, Minimum, NewtonOptions};
use crate::stats::special::{digamma, ln_gamma, trigamma, Hyp2f1};
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

/// The terms of one customer's log-likelihood that depend on x alone.
struct PerX {
    /// ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x+k) − ln B(a, b) (as Γ ratios).
    constant: f64,
    /// ln a − ln(b+x+k−1), the dropout term's constant (unused without it).
    ln_dropout: f64,
    has_dropout: bool,
    /// Gradient parts: ∂/∂r, ∂/∂a and ∂/∂b of `constant`, and 1/(b+x+k−1).
    d_r: f64,
    d_a: f64,
    d_b: f64,
    inv_d: f64,
    /// Second derivatives of `constant`: ∂²/∂r², ∂²/∂a² (= ∂²/∂a∂b) and ∂²/∂b².
    h_rr: f64,
    h_aa: f64,
    h_bb: f64,
}

/// Σ w·ℓ over the rows, times in units × `scale`, with its gradient and
/// Hessian (row-major 4 × 4) with respect to the natural parameters (r, α, a, b).
/// Per row ℓ = c(x) + ln(e^A₃ + e^A₄) with A₃ = −(r+x) ln(α+T) and A₄ =
/// ln a − ln(b+x+k−1) − (r+x) ln(α+tₓ); the log-sum-exp's Hessian is
/// w₃∇²A₃ + w₄∇²A₄ + w₃w₄ δδᵀ, δ = ∇A₃ − ∇A₄, wᵢ = e^(Aᵢ − lse).
fn log_likelihood(
    model: TransactionModel,
    th: [f64; 4],
    data: &DistinctHistories,
    scale: f64,
) -> (f64, [f64; 4], [f64; 16]) {
    let [r, alpha, a, b] = th;
    let k = model.shift();
    let (lg_r, lg_b, lg_ab) = (ln_gamma(r), ln_gamma(b), ln_gamma(a + b));
    let (dg_r, dg_b, dg_ab) = (digamma(r), digamma(b), digamma(a + b));
    let (tg_r, tg_b, tg_ab) = (trigamma(r), trigamma(b), trigamma(a + b));
    let (ln_a, ln_alpha) = (a.ln(), alpha.ln());
    let per_x: Vec<PerX> = data
        .xs
        .iter()
        .map(|&x| {
            let has_dropout = x > 0.0 || k > 0.0;
            let d = b + x + k - 1.0;
            let dg_abx = digamma(a + b + x + k);
            let tg_abx = trigamma(a + b + x + k);
            PerX {
                constant: ln_gamma(r + x) - lg_r + r * ln_alpha + lg_ab + ln_gamma(b + x + k)
                    - lg_b
                    - ln_gamma(a + b + x + k),
                ln_dropout: if has_dropout { ln_a - d.ln() } else { 0.0 },
                has_dropout,
                d_r: digamma(r + x) - dg_r + ln_alpha,
                d_a: dg_ab - dg_abx,
                d_b: dg_ab + digamma(b + x + k) - dg_b - dg_abx,
                inv_d: if has_dropout { 1.0 / d } else { 0.0 },
                h_rr: trigamma(r + x) - tg_r,
                h_aa: tg_ab - tg_abx,
                h_bb: tg_ab + trigamma(b + x + k) - tg_b - tg_abx,
            }
        })
        .collect();
    // ln(α + t) and 1/(α + t) per distinct time.
    let logs: Vec<(f64, f64)> = data
        .times
        .iter()
        .map(|&t| {
            let v = alpha + t * scale;
            (v.ln(), 1.0 / v)
        })
        .collect();
    let mut total = 0.0;
    let mut g = [0.0; 4];
    // The Hessian's upper triangle: rr, rα, ra, rb, αα, αa, αb, aa, ab, bb.
    let mut h = [0.0; 10];
    let mut weight_per_x = vec![0.0; data.xs.len()];
    for row in &data.rows {
        let px = &per_x[row.x as usize];
        let x = data.xs[row.x as usize];
        let rx = r + x;
        let (l_t, inv_t) = logs[row.t as usize];
        let (l_tx, inv_tx) = logs[row.t_x as usize];
        let a3 = -rx * l_t;
        let (lse, w4) = if px.has_dropout {
            let a4 = px.ln_dropout - rx * l_tx;
            // ln(e^a3 + e^a4) and e^(a4 − lse), from one exp.
            // e ≤ 1, so ln(1 + e) needs no log1p: its rounding is 1e-16
            // absolute on a term of order 1.
            let e = (-(a3 - a4).abs()).exp();
            if a4 > a3 {
                (a4 + (1.0 + e).ln(), 1.0 / (1.0 + e))
            } else {
                (a3 + (1.0 + e).ln(), e / (1.0 + e))
            }
        } else {
            (a3, 0.0)
        };
        let w = row.weight;
        let w3 = 1.0 - w4;
        weight_per_x[row.x as usize] += w;
        total += w * (px.constant + lse);
        g[0] += w * (px.d_r - w3 * l_t - w4 * l_tx);
        g[1] += w * (r / alpha - rx * (w3 * inv_t + w4 * inv_tx));
        g[2] += w * (px.d_a + w4 / a);
        g[3] += w * (px.d_b - w4 * px.inv_d);
        h[1] -= w * (w3 * inv_t + w4 * inv_tx);
        h[4] += w * rx * (w3 * inv_t * inv_t + w4 * inv_tx * inv_tx);
        if w4 > 0.0 {
            h[7] -= w * w4 / (a * a);
            h[9] += w * w4 * px.inv_d * px.inv_d;
            let c = w * w3 * w4;
            let delta = [l_tx - l_t, rx * (inv_tx - inv_t), -1.0 / a, px.inv_d];
            let mut n = 0;
            for i in 0..4 {
                for j in i..4 {
                    h[n] += c * delta[i] * delta[j];
                    n += 1;
                }
            }
        }
    }
    for (px, w) in per_x.iter().zip(&weight_per_x) {
        h[0] += w * px.h_rr;
        h[7] += w * px.h_aa;
        h[8] += w * px.h_aa;
        h[9] += w * px.h_bb;
    }
    let n_total: f64 = weight_per_x.iter().sum();
    h[1] += n_total / alpha;
    h[4] -= n_total * r / (alpha * alpha);
    let mut hess = [0.0; 16];
    let mut n = 0;
    for i in 0..4 {
        for j in i..4 {
            hess[i * 4 + j] = h[n];
            hess[j * 4 + i] = h[n];
            n += 1;
        }
    }
    (total, g, hess)
}

/// The penalised mean negative log-likelihood over φ = ln θ with its gradient
/// and Hessian ([`penalised_on_log_scale`]).
fn objective(
    model: TransactionModel,
    data: &DistinctHistories,
    scale: f64,
    penalizer: f64,
    phi: &[f64],
    g: &mut [f64],
    h: &mut [f64],
) -> f64 {
    let th = [phi[0].exp(), phi[1].exp(), phi[2].exp(), phi[3].exp()];
    if th.iter().any(|v| !v.is_finite() || *v <= 0.0) {
        return f64::INFINITY;
    }
    let (ll, grad, hess) = log_likelihood(model, th, data, scale);
    penalised_on_log_scale(&th, ll, &grad, &hess, data.total, penalizer, g, h)
}

/// Fits the model by maximum likelihood. `penalizer` adds lifetimes'
/// `penalizer_coef · Σ θ²` (θ with time scaled so the oldest customer's age
/// is 1) to the mean negative log-likelihood; 0 fits the plain MLE.
pub fn fit(model: TransactionModel, histories: &[History], penalizer: f64) -> Result<BgFit> {
    fit_distinct(model, &DistinctHistories::new(histories), penalizer)
}

/// [`fit`] on histories already reduced to the distinct ones.
pub(crate) fn fit_distinct(model: TransactionModel, data: &DistinctHistories, penalizer: f64) -> Result<BgFit> {
    let name = model.name();
    if data.rows.is_empty() {
        return Err(Error::model(
            name,
            "no customers with a purchase in the calibration period",
        ));
    }
    if data.xs.iter().all(|&x| x == 0.0) {
        return Err(Error::model(
            name,
            "no customer bought twice in the calibration period: repeat behaviour cannot be estimated",
        ));
    }
    let max_t = data.max_age();
    let scale = if max_t > 0.0 { 1.0 / max_t } else { 1.0 };
    let min = maximise(model, data, scale, penalizer, COARSE_ABOVE);
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
    let (log_likelihood, se) = at_optimum(model, params, data);
    Ok(BgFit {
        model,
        params,
        se,
        log_likelihood,
        iterations: min.iterations,
        converged: min.converged,
    })
}

/// Above this many distinct histories the fit starts from a fit on coarser
/// times ([`DistinctHistories::coarsen`]).
const COARSE_ABOVE: usize = 20_000;
/// Steps of the coarse fit's times over the largest age.
const COARSE_TIMES: f64 = 64.0;

/// Minimises the penalised mean negative log-likelihood over log-parameters
/// (time scaled by `scale`). With more than `coarse_above` distinct histories
/// it first tries [`from_coarse`]; otherwise, or should that not converge, [`solve`].
fn maximise(
    model: TransactionModel,
    data: &DistinctHistories,
    scale: f64,
    penalizer: f64,
    coarse_above: usize,
) -> Minimum {
    if data.rows.len() > coarse_above {
        if let Some(min) = from_coarse(model, data, scale, penalizer) {
            return min;
        }
    }
    solve(model, data, scale, penalizer)
}

/// L-BFGS to near the optimum, then Newton's method with the analytic
/// Hessian, which finishes in a few passes where L-BFGS crawls; should Newton
/// not converge, L-BFGS finishes on its own. (Newton alone from a neutral
/// start can run off where the likelihood is not concave.)
fn solve(model: TransactionModel, data: &DistinctHistories, scale: f64, penalizer: f64) -> Minimum {
    let lbfgs_from = |start: &[f64], gradient_tolerance: f64| {
        let mut hess = [0.0; 16];
        lbfgs(
            |phi: &[f64], g: &mut [f64]| objective(model, data, scale, penalizer, phi, g, &mut hess),
            start,
            &LbfgsOptions {
                gradient_tolerance,
                ..LbfgsOptions::default()
            },
        )
    };
    let near = lbfgs_from(&[0.1; 4], 1e-5);
    let polished = newton_from(model, data, scale, penalizer, &near.x);
    if polished.converged && polished.value <= near.value {
        Minimum {
            iterations: near.iterations + polished.iterations,
            ..polished
        }
    } else {
        let rest = lbfgs_from(&near.x, LbfgsOptions::default().gradient_tolerance);
        Minimum {
            iterations: near.iterations + rest.iterations,
            ..rest
        }
    }
}

/// [`solve`] on times rounded to a coarse grid ([`DistinctHistories::coarsen`]: about a tenth of
/// the rows with orders dated in days, and an optimum close to the data's),
/// then Newton on the data from there: two or three passes over the data
/// instead of some twenty. `None` when that does not converge.
fn from_coarse(model: TransactionModel, data: &DistinctHistories, scale: f64, penalizer: f64) -> Option<Minimum> {
    let coarse = solve(model, &data.coarsen(1.0 / (COARSE_TIMES * scale)), scale, penalizer);
    if !(coarse.value.is_finite() && coarse.x.iter().all(|v| v.is_finite())) {
        return None;
    }
    let finished = newton_from(model, data, scale, penalizer, &coarse.x);
    (finished.converged && finished.value.is_finite()).then(|| Minimum {
        iterations: coarse.iterations + finished.iterations,
        ..finished
    })
}

fn newton_from(
    model: TransactionModel,
    data: &DistinctHistories,
    scale: f64,
    penalizer: f64,
    start: &[f64],
) -> Minimum {
    newton(
        |phi: &[f64], g: &mut [f64], h: &mut [f64]| objective(model, data, scale, penalizer, phi, g, h),
        start,
        &NewtonOptions {
            max_iterations: 20,
            ..NewtonOptions::default()
        },
    )
}

/// The log-likelihood at the fitted parameters, in the data's time unit, and
/// the standard errors from the observed information: the analytic Hessian
/// of −Σℓ over the log-parameters, inverted; then SE(θ) = θ · SE(log θ).
fn at_optimum(model: TransactionModel, params: BgParams, data: &DistinctHistories) -> (f64, Option<BgParams>) {
    let th = params.to_vec();
    let (ll, grad, hess) = log_likelihood(model, th, data, 1.0);
    (ll, standard_errors(th, &grad, &hess))
}

fn standard_errors(th: [f64; 4], grad: &[f64; 4], hess: &[f64; 16]) -> Option<BgParams> {
    let mut info = [0.0; 16];
    for i in 0..4 {
        for j in 0..4 {
            info[i * 4 + j] = -th[i] * th[j] * hess[i * 4 + j] - if i == j { th[i] * grad[i] } else { 0.0 };
        }
    }
    let cov = invert_spd(&info, 4)?;
    let se: Vec<f64> = (0..4).map(|i| th[i] * cov[i * 4 + i].max(0.0).sqrt()).collect();
    se.iter().all(|v| v.is_finite()).then(|| BgParams {
        r: se[0],
        alpha: se[1],
        a: se[2],
        b: se[3],
    })
}

impl BgFit {
    /// P(alive | x, t_x, T).
    pub fn p_alive(&self, h: History) -> f64 {
        self.alive_odds(h.x, h.t).p_alive(h.t_x)
    }

    /// P(alive) of the customers with `x` repeat purchases and age `t`, as a
    /// function of their recency: the parts of the dropout odds they share.
    pub fn alive_odds(&self, x: f64, t: f64) -> AliveOdds {
        let BgParams { r, alpha, a, b } = self.params;
        let k = self.model.shift();
        AliveOdds {
            // Under BG/NBD a one-time buyer is alive for sure.
            constant: (x > 0.0 || k > 0.0).then(|| a.ln() - (b + x + k - 1.0).ln()),
            rx: r + x,
            alpha,
            ln_age: (alpha + t).ln(),
        }
    }

    /// Expected repeat purchases in the next `t` time units given the history
    /// (BG/NBD eq. 10; modified BG/NBD as lifetimes' `ModifiedBetaGeoFitter`):
    /// [`purchases_if_alive`](Self::purchases_if_alive) × P(alive).
    pub fn expected_purchases(&self, h: History, t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        self.purchases_if_alive(h.x, h.t, t) * self.p_alive(h)
    }

    /// The factor of the expected purchases in the next `t` that does not
    /// depend on recency: (a+b+x+k−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ·
    /// ₂F₁(r+x, b+x+k; a+b+x+k−1; t/(α+T+t))]. Customers who share x and T
    /// share it, so scoring computes it once per such group.
    pub fn purchases_if_alive(&self, x: f64, age: f64, t: f64) -> f64 {
        self.purchases_if_alive_with(&mut self.series(x), x, age, t)
    }

    /// The hypergeometric series of [`purchases_if_alive`](Self::purchases_if_alive)
    /// for repeat count `x`, to share among the customers with that count.
    pub fn series(&self, x: f64) -> Hyp2f1 {
        let BgParams { r, a, b, .. } = self.params;
        let k = self.model.shift();
        Hyp2f1::new(r + x, b + x + k, a + b + x + k - 1.0)
    }

    /// [`purchases_if_alive`](Self::purchases_if_alive) with the series of `x`
    /// from [`series`](Self::series).
    pub fn purchases_if_alive_with(&self, series: &mut Hyp2f1, x: f64, age: f64, t: f64) -> f64 {
        let BgParams { r, alpha, a, b } = self.params;
        let c = a + b + x + self.model.shift() - 1.0;
        let z = t / (alpha + age + t);
        // ln(1 − z) = ln((α+T)/(α+T+t)).
        let ln_rest = -(t / (alpha + age)).ln_1p();
        if let Some(tail) = series.euler_tail(z) {
            // ₂F₁ = (1−z)^(c−(r+x)−(b+x+k)) (1 + tail), so the bracket is
            // 1 − (1−z)^(a−1) (1 + tail) = −e − tail (1 + e), e = (1−z)^(a−1) − 1:
            // one logarithm and one exponential.
            let e = ((a - 1.0) * ln_rest).exp_m1();
            return c / (a - 1.0) * (-e - tail * (1.0 + e));
        }
        let Some((ln_f, sign)) = series.ln_at(z) else {
            return f64::NAN;
        };
        let ln_term = ln_f + (r + x) * ln_rest;
        let second = if sign > 0.0 {
            -ln_term.exp_m1()
        } else {
            1.0 + ln_term.exp()
        };
        c / (a - 1.0) * second
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
        let p = self.p_alive(h);
        let mut series = self.series(h.x);
        first_step_reaching_one(
            |i| self.purchases_if_alive_with(&mut series, h.x, h.t, step * f64::from(i)) * p,
            cap_steps,
        )
    }
}

/// The first step `i` in 1..=`cap` at which `expected(i)`, non-decreasing in
/// `i` and 0 at 0, reaches 1 (by bisection), or `None`.
pub(crate) fn first_step_reaching_one(mut expected: impl FnMut(u32) -> f64, cap: u32) -> Option<u32> {
    let at_cap = expected(cap);
    if at_cap.is_nan() || at_cap < 1.0 {
        return None;
    }
    let (mut lo, mut hi) = (0u32, cap);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if expected(mid) >= 1.0 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

/// The dropout odds of customers sharing x and T, from [`BgFit::alive_odds`].
#[derive(Debug, Clone, Copy)]
pub struct AliveOdds {
    /// ln a − ln(b + x + k − 1); `None` when alive for sure.
    constant: Option<f64>,
    rx: f64,
    alpha: f64,
    ln_age: f64,
}

impl AliveOdds {
    /// P(alive) at recency `t_x`: 1 / (1 + odds of having dropped out), the
    /// log-odds ln a − ln(b+x+k−1) + (r+x)(ln(α+T) − ln(α+t_x)) kept in log
    /// space until the end.
    pub fn p_alive(&self, t_x: f64) -> f64 {
        match self.constant {
            None => 1.0,
            Some(c) => 1.0 / (1.0 + (c + self.rx * (self.ln_age - (self.alpha + t_x).ln())).exp()),
        }
    }
}

#[cfg(test)]
#[path = "bgnbd_tests.rs"]
mod tests;
