//! Special functions for the likelihood models: log-gamma, digamma, log-beta
//! and the Gauss hypergeometric function ₂F₁ summed in log space (BG/NBD's
//! conditional expectation overflows a plain series for frequent buyers).

use std::f64::consts::PI;

/// Lanczos coefficients (g = 7, n = 9), relative error below 1e-15 for x ≥ 0.5.
const LANCZOS_G: f64 = 7.0;
const LANCZOS: [f64; 9] = [
    0.999_999_999_999_809_9,
    676.520_368_121_885_1,
    -1_259.139_216_722_402_8,
    771.323_428_777_653_1,
    -176.615_029_162_140_6,
    12.507_343_278_686_905,
    -0.138_571_095_265_720_12,
    9.984_369_578_019_572e-6,
    1.505_632_735_149_311_6e-7,
];

/// ln |Γ(x)|; +∞ at the poles 0, −1, −2, ….
pub fn ln_gamma(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 && x == x.floor() {
        return f64::INFINITY;
    }
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
        return (PI / (PI * x).sin()).abs().ln() - ln_gamma(1.0 - x);
    }
    if x > 1e7 {
        // Stirling with two correction terms is exact to double precision here.
        let inv = 1.0 / x;
        return (x - 0.5) * x.ln() - x + 0.5 * (2.0 * PI).ln() + inv / 12.0 - inv * inv * inv / 360.0;
    }
    let x = x - 1.0;
    let mut sum = LANCZOS[0];
    for (i, c) in LANCZOS.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + LANCZOS_G + 0.5;
    0.5 * (2.0 * PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// ψ(x) = d ln Γ(x) / dx; NaN at the poles.
pub fn digamma(x: f64) -> f64 {
    if x.is_nan() || (x <= 0.0 && x == x.floor()) {
        return f64::NAN;
    }
    if x < 0.0 {
        // Reflection: ψ(1 − x) − ψ(x) = π cot(πx).
        return digamma(1.0 - x) - PI / (PI * x).tan();
    }
    let mut x = x;
    let mut acc = 0.0;
    while x < 12.0 {
        acc -= 1.0 / x;
        x += 1.0;
    }
    let inv2 = 1.0 / (x * x);
    // Asymptotic series: ln x − 1/(2x) − Σ B₂ₖ / (2k x²ᵏ).
    let series =
        inv2 * (1.0 / 12.0 - inv2 * (1.0 / 120.0 - inv2 * (1.0 / 252.0 - inv2 * (1.0 / 240.0 - inv2 * (1.0 / 132.0)))));
    acc + x.ln() - 0.5 / x - series
}

/// ψ₁(x) = d² ln Γ(x) / dx² for x > 0 (NaN otherwise): the recurrence
/// ψ₁(x) = ψ₁(x + 1) + 1/x² up to x ≥ 12, then the asymptotic series.
pub fn trigamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    let mut x = x;
    let mut acc = 0.0;
    while x < 12.0 {
        acc += 1.0 / (x * x);
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    // 1/x + 1/(2x²) + Σ B₂ₖ / x^(2k+1).
    let series =
        inv2 * (1.0 / 6.0 - inv2 * (1.0 / 30.0 - inv2 * (1.0 / 42.0 - inv2 * (1.0 / 30.0 - inv2 * (5.0 / 66.0)))));
    acc + inv + 0.5 * inv2 + inv * series
}

/// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
pub fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// ₂F₁(a, b; c; z) for positive a, b, c and 0 ≤ z < 1: the power series of
/// positive terms summed directly, the common case (BG/NBD's expectations) —
/// without a log and an exp per term. `None` when a term or the sum leaves
/// the comfortable range of `f64`, or after 100,000 terms: the caller then
/// sums in log space.
fn hyp2f1_positive(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    let mut ratios = |k: usize| {
        let k = k as f64;
        (a + k) * (b + k) / ((c + k) * (k + 1.0))
    };
    sum_positive_series(&mut ratios, z)
}

/// 1 + Σₖ Πⱼ≤ₖ (ratio(j) · z): the sum of the positive series whose terms
/// grow by `ratio(k) · z`, to double precision (the tail is bounded
/// geometrically once the ratio falls below 1), or `None` past 1e300 or
/// 100,000 terms.
fn sum_positive_series(ratio: &mut impl FnMut(usize) -> f64, z: f64) -> Option<f64> {
    let (mut term, mut sum) = (1.0_f64, 1.0_f64);
    for k in 0..100_000usize {
        let r = ratio(k) * z;
        term *= r;
        sum += term;
        if sum.is_nan() || sum >= 1e300 {
            return None;
        }
        // Past the turning point the terms fall at least geometrically by q:
        // the tail term·q/(1−q) is below 1e-17 of the sum.
        if r < 1.0 && k > 0 {
            let q = r.max(z);
            if term * q <= 1e-17 * sum * (1.0 - q) {
                return Some(sum);
            }
        }
    }
    None
}

/// ₂F₁(a, b; c; ·) at many z for one (a, b, c), as scoring needs it (every
/// customer with one repeat count shares the parameters). When a + b > c the
/// series is summed after Euler's transformation ₂F₁(a, b; c; z) =
/// (1−z)^(c−a−b) ₂F₁(c−a, c−b; c; z), whose terms fall much faster — for
/// BG/NBD, c−a and c−b stay small however many purchases a customer made.
/// The coefficients' ratios are computed once and kept, so each further z
/// costs two multiplications and an addition per term; a sum that loses
/// digits to cancellation or leaves `f64`'s range falls back to [`ln_hyp2f1`].
#[derive(Debug, Clone)]
pub struct Hyp2f1 {
    a: f64,
    b: f64,
    c: f64,
    /// Euler's transformation applies: sum ₂F₁(c−a, c−b; c; z).
    euler: bool,
    ratios: Vec<f64>,
}

impl Hyp2f1 {
    pub fn new(a: f64, b: f64, c: f64) -> Hyp2f1 {
        Hyp2f1 {
            a,
            b,
            c,
            euler: a + b > c && c > 0.0,
            ratios: Vec::new(),
        }
    }

    /// `(ln |F|, sign of F)` at z, as [`ln_hyp2f1`] gives it.
    pub fn ln_at(&mut self, z: f64) -> Option<(f64, f64)> {
        let (a, b, c) = (self.a, self.b, self.c);
        if let Some(tail) = self.tail(z) {
            let sum = 1.0 + tail;
            let shift = if self.euler { (c - a - b) * (-z).ln_1p() } else { 0.0 };
            return Some((shift + sum.abs().ln(), sum.signum()));
        }
        ln_hyp2f1(a, b, c, z)
    }

    /// With Euler's transformation, the transformed series' sum less 1 — a
    /// caller that multiplies F by a power of (1−z) and subtracts it from 1
    /// then needs no logarithm of the sum and loses no digits near z = 0;
    /// `None` without it, or where the sum would fall back to [`ln_hyp2f1`].
    pub fn euler_tail(&mut self, z: f64) -> Option<f64> {
        if self.euler {
            self.tail(z)
        } else {
            None
        }
    }

    /// The kept series' sum less 1 (transformed or not), `None` outside its reach.
    fn tail(&mut self, z: f64) -> Option<f64> {
        let (a, b, c) = (self.a, self.b, self.c);
        if !((0.0..1.0).contains(&z) && a.is_finite() && b.is_finite() && c.is_finite()) {
            return None;
        }
        let (sa, sb) = if self.euler { (c - a, c - b) } else { (a, b) };
        let ratios = &mut self.ratios;
        let mut ratio = |k: usize| {
            while ratios.len() <= k {
                let j = ratios.len() as f64;
                ratios.push((sa + j) * (sb + j) / ((c + j) * (j + 1.0)));
            }
            ratios[k]
        };
        sum_signed_tail(&mut ratio, z)
    }
}

/// The sum of a series of terms of any sign as [`sum_positive_series`]
/// grows them, less its first term, 1, which is kept apart so that where
/// the sum is close to 1, `1 − sum` keeps its digits. `None` also when the
/// sum keeps less than 10⁻⁸ of the terms' absolute sum (cancellation) or is 0.
fn sum_signed_tail(ratio: &mut impl FnMut(usize) -> f64, z: f64) -> Option<f64> {
    let (mut term, mut tail, mut size) = (1.0_f64, 0.0_f64, 1.0_f64);
    for k in 0..100_000usize {
        let r = ratio(k) * z;
        term *= r;
        tail += term;
        size += term.abs();
        if size.is_nan() || size >= 1e300 {
            return None;
        }
        let q = r.abs().max(z);
        let sum = 1.0 + tail;
        if r.abs() < 1.0 && k > 0 && term.abs() * q <= 1e-17 * sum.abs() * (1.0 - q) {
            return (sum != 0.0 && sum.abs() >= 1e-8 * size).then_some(tail);
        }
    }
    None
}

/// ₂F₁(a, b; c; z) for 0 ≤ z < 1 by its power series, returned as
/// `(ln |F|, sign of F)` so terms far beyond `f64` range still sum. `None` when
/// z is outside [0, 1), c is a pole (0, −1, …) reached by the series, or the
/// series has not converged after a million terms.
pub fn ln_hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Option<(f64, f64)> {
    if !((0.0..1.0).contains(&z) && a.is_finite() && b.is_finite() && c.is_finite()) {
        return None;
    }
    if a > 0.0 && b > 0.0 && c > 0.0 {
        if let Some(sum) = hyp2f1_positive(a, b, c, z) {
            return Some((sum.ln(), 1.0));
        }
    }
    // Sum = s · e^m, the running term = sign · e^ln_t.
    let (mut m, mut s) = (0.0_f64, 1.0_f64);
    let (mut ln_t, mut sign) = (0.0_f64, 1.0_f64);
    if z == 0.0 {
        return Some((0.0, 1.0));
    }
    let ln_z = z.ln();
    for k in 0..1_000_000u32 {
        let k = f64::from(k);
        let (ak, bk, ck) = (a + k, b + k, c + k);
        if ak == 0.0 || bk == 0.0 {
            break; // a terminating (polynomial) series
        }
        if ck == 0.0 {
            return None;
        }
        let ratio = ak * bk / (ck * (k + 1.0));
        ln_t += ratio.abs().ln() + ln_z;
        sign *= ratio.signum();
        if ln_t > m {
            s *= (m - ln_t).exp();
            m = ln_t;
        }
        s += sign * (ln_t - m).exp();
        // Past the turning point the terms fall at least geometrically by `q`.
        let q = (ratio.abs() * z).max(z);
        if ratio.abs() * z < 1.0 && k > 0.0 {
            let tail = (ln_t - m).exp() * q / (1.0 - q);
            if tail <= 1e-17 * s.abs() {
                return if s == 0.0 {
                    None
                } else {
                    Some((m + s.abs().ln(), s.signum()))
                };
            }
        }
    }
    if s == 0.0 || !s.is_finite() {
        return None;
    }
    // Terminating series fall through here.
    Some((m + s.abs().ln(), s.signum()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(x: f64, y: f64, rel: f64) -> bool {
        (x - y).abs() <= rel * y.abs().max(1e-300)
    }

    #[test]
    fn trigamma_matches_known_values() {
        // ψ₁(1) = π²/6, ψ₁(1/2) = π²/2, ψ₁(4) = π²/6 − 1 − 1/4 − 1/9.
        assert!(close(trigamma(1.0), PI * PI / 6.0, 1e-14));
        assert!(close(trigamma(0.5), PI * PI / 2.0, 1e-14));
        assert!(close(trigamma(4.0), PI * PI / 6.0 - 1.0 - 0.25 - 1.0 / 9.0, 1e-14));
        // Large x: ψ₁(x) ≈ 1/x + 1/(2x²); and the derivative of ψ by differences.
        let x = 1234.5;
        assert!(close(
            trigamma(x),
            1.0 / x + 0.5 / (x * x) + 1.0 / (6.0 * x * x * x),
            1e-12
        ));
        let h = 1e-5;
        assert!(close(
            trigamma(3.3),
            (digamma(3.3 + h) - digamma(3.3 - h)) / (2.0 * h),
            1e-8
        ));
        assert!(trigamma(0.0).is_nan() && trigamma(-1.0).is_nan());
    }

    #[test]
    fn ln_gamma_matches_known_values() {
        assert!(close(ln_gamma(1.0), 0.0, 1e-14) || ln_gamma(1.0).abs() < 1e-15);
        assert!(ln_gamma(2.0).abs() < 1e-15);
        assert!(close(ln_gamma(0.5), 0.5 * PI.ln(), 1e-14));
        assert!(close(ln_gamma(10.0), 362_880f64.ln(), 1e-14));
        assert!(close(ln_gamma(100.0), 359.134_205_369_575_4, 1e-14));
        assert!(close(ln_gamma(0.001), 6.907_178_885_383_853, 1e-13));
        assert!(close(ln_gamma(-0.5), (2.0 * PI.sqrt()).ln(), 1e-14));
        assert!(close(ln_gamma(1e8), 1_742_068_066.103_835, 1e-14));
        assert_eq!(ln_gamma(0.0), f64::INFINITY);
        assert_eq!(ln_gamma(-3.0), f64::INFINITY);
    }

    #[test]
    fn digamma_matches_known_values_and_the_derivative_of_ln_gamma() {
        let euler = 0.577_215_664_901_532_9;
        assert!(close(digamma(1.0), -euler, 1e-14));
        assert!(close(digamma(0.5), -euler - 2.0 * 2f64.ln(), 1e-14));
        assert!(close(digamma(10.0), 2.251_752_589_066_721, 1e-14));
        assert!(close(digamma(-0.5), 0.036_489_973_978_576_52, 1e-12));
        for x in [0.3, 1.7, 4.2, 25.0] {
            let h = 1e-5;
            let d = (ln_gamma(x + h) - ln_gamma(x - h)) / (2.0 * h);
            assert!(close(digamma(x), d, 1e-8), "{x}");
        }
        assert!(digamma(0.0).is_nan());
    }

    #[test]
    fn ln_beta_is_symmetric_and_known() {
        assert!(close(ln_beta(2.0, 3.0), (1.0f64 / 12.0).ln(), 1e-14));
        assert_eq!(ln_beta(0.7, 2.5), ln_beta(2.5, 0.7));
    }

    #[test]
    fn shared_series_match_the_single_evaluation() {
        // BG/NBD-like parameters (Euler's transformation applies, c − b < 0),
        // a plain positive case, a closed form and one past f64 (log-space fallback).
        for (a, b, c) in [
            (90.25, 92.5, 92.3),
            (0.24, 2.4, 2.2),
            (1.0, 1.0, 2.0),
            (2000.0, 50.0, 50.0),
        ] {
            let mut shared = Hyp2f1::new(a, b, c);
            for z in [0.9, 0.01, 0.5, 0.96, 0.0, 0.3] {
                let (l1, s1) = shared.ln_at(z).unwrap();
                let (l2, s2) = ln_hyp2f1(a, b, c, z).unwrap();
                assert_eq!(s1, s2);
                assert!(
                    (l1 - l2).abs() <= 1e-12 * l2.abs().max(1.0),
                    "{a} {b} {c} {z}: {l1} vs {l2}"
                );
            }
        }
        // ₂F₁(a, b; b; z) = (1 − z)^(−a) through the transformation.
        let (l, _) = Hyp2f1::new(3.5, 4.0, 2.0).ln_at(0.7).unwrap();
        let (want, _) = ln_hyp2f1(3.5, 4.0, 2.0, 0.7).unwrap();
        assert!(close(l, want, 1e-12));
        assert!(Hyp2f1::new(1.0, 1.0, 2.0).ln_at(1.0).is_none());
    }

    #[test]
    fn hyp2f1_matches_closed_forms() {
        // ₂F₁(1, 1; 2; z) = −ln(1 − z) / z.
        for z in [0.1, 0.5, 0.9, 0.99] {
            let (l, s) = ln_hyp2f1(1.0, 1.0, 2.0, z).unwrap();
            assert_eq!(s, 1.0);
            assert!(close(l.exp(), -(1.0 - z).ln() / z, 1e-12), "{z}");
        }
        // ₂F₁(a, b; b; z) = (1 − z)^(−a).
        let (l, _) = ln_hyp2f1(2.5, 3.0, 3.0, 0.4).unwrap();
        assert!(close(l, -2.5 * 0.6f64.ln(), 1e-13));
        // Far beyond f64: ₂F₁(a, b; b; z) with a = 2000 → ln = −2000 ln(1 − z).
        let (l, _) = ln_hyp2f1(2000.0, 50.0, 50.0, 0.5).unwrap();
        assert!(close(l, -2000.0 * 0.5f64.ln(), 1e-12));
        // Terminating: ₂F₁(−2, 1; 1; z) = (1 − z)².
        let (l, s) = ln_hyp2f1(-2.0, 1.0, 1.0, 0.3).unwrap();
        assert!(close(s * l.exp(), 0.49, 1e-14));
        assert!(ln_hyp2f1(1.0, 1.0, 2.0, 1.0).is_none());
        assert!(ln_hyp2f1(1.0, 1.0, 2.0, -0.1).is_none());
    }
}
