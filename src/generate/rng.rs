//! Independent random streams and the few samplers the generator needs.
//!
//! Every concern draws from its own ChaCha8 stream, keyed by (seed, stream,
//! index): person 17's orders come from `sub_rng(seed, Stream::Orders, 17)` and
//! nothing else touches that stream, so editing how tickets are drawn leaves the
//! orders byte for byte as they were.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, Gamma, StandardNormal};

/// The generator's random number generator.
pub(crate) type GenRng = ChaCha8Rng;

/// One concern of the generator, with its own family of random streams.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stream {
    /// Which systems a person is in, country, signup dates (shared by all modes).
    Plan = 1,
    /// Names, addresses, contact details and their variations.
    Profile = 2,
    /// The purchase process.
    Orders = 3,
    /// Consents and campaign events.
    Campaigns = 4,
    /// Tickets and surveys.
    Support = 5,
    /// Web events of known customers.
    Web = 6,
    /// Anonymous web visitors.
    Anonymous = 7,
    /// Products, stores and sales reps (index 0 only).
    Catalogue = 8,
    /// Campaign definitions (index 0 only).
    CampaignSetup = 9,
    /// Acquisition spend, one index per month.
    Acquisition = 10,
}

/// The random stream of `stream` for entity `index` under `seed`.
pub(crate) fn sub_rng(seed: u64, stream: Stream, index: u64) -> GenRng {
    let key = splitmix(splitmix(seed ^ (stream as u64).wrapping_mul(0xA24B_AED4_963E_E407)) ^ index);
    GenRng::seed_from_u64(key)
}

fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `true` with probability `p` (any `p`; ≤ 0 never, ≥ 1 always).
pub(crate) fn chance(rng: &mut GenRng, p: f64) -> bool {
    rng.random::<f64>() < p
}

/// A uniform number in `[low, high)`.
pub(crate) fn uniform(rng: &mut GenRng, low: f64, high: f64) -> f64 {
    low + (high - low) * rng.random::<f64>()
}

/// An integer in `[low, high]` (inclusive); `low` when the range is empty.
pub(crate) fn int_between(rng: &mut GenRng, low: i64, high: i64) -> i64 {
    if high <= low {
        return low;
    }
    rng.random_range(low..=high)
}

/// An index in `0..len`; 0 when `len` is 0.
pub(crate) fn index(rng: &mut GenRng, len: usize) -> usize {
    if len <= 1 {
        return 0;
    }
    rng.random_range(0..len)
}

/// One element of a non-empty slice.
pub(crate) fn pick<'a, T>(rng: &mut GenRng, items: &'a [T]) -> &'a T {
    &items[index(rng, items.len())]
}

/// One string of a non-empty list of static strings.
pub(crate) fn pick_str(rng: &mut GenRng, items: &[&'static str]) -> &'static str {
    items[index(rng, items.len())]
}

/// An index drawn with probability proportional to `weights` (the last index
/// when rounding leaves some mass over).
pub(crate) fn weighted(rng: &mut GenRng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut target = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if target < *w {
            return i;
        }
        target -= w;
    }
    weights.len().saturating_sub(1)
}

/// An exponential waiting time with the given mean.
pub(crate) fn exponential(rng: &mut GenRng, mean: f64) -> f64 {
    let u: f64 = rng.random();
    -mean * (1.0 - u).ln()
}

/// A standard normal draw.
pub(crate) fn normal(rng: &mut GenRng) -> f64 {
    rng.sample(StandardNormal)
}

/// A log-normal draw with the given median and log-scale spread.
pub(crate) fn log_normal(rng: &mut GenRng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// A Gamma(shape, scale) draw (mean `shape * scale`); the mean if the
/// parameters are not positive.
pub(crate) fn gamma(rng: &mut GenRng, shape: f64, scale: f64) -> f64 {
    match Gamma::new(shape, scale) {
        Ok(dist) => dist.sample(rng),
        Err(_) => shape * scale,
    }
}

/// A Beta(a, b) draw; the mean if the parameters are not positive.
pub(crate) fn beta(rng: &mut GenRng, a: f64, b: f64) -> f64 {
    match Beta::new(a, b) {
        Ok(dist) => dist.sample(rng),
        Err(_) => a / (a + b).max(f64::MIN_POSITIVE),
    }
}

/// A Poisson draw for a small mean (multiplication method; fine below ~30).
pub(crate) fn poisson(rng: &mut GenRng, mean: f64) -> u32 {
    if mean <= 0.0 {
        return 0;
    }
    let limit = (-mean).exp();
    let mut product: f64 = rng.random();
    let mut count = 0;
    while product > limit && count < 1_000 {
        product *= rng.random::<f64>();
        count += 1;
    }
    count
}

/// A random lowercase hexadecimal string of `len` digits.
pub(crate) fn hex(rng: &mut GenRng, len: usize) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    (0..len).map(|_| DIGITS[index(rng, 16)] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_of_different_concerns_or_people_differ() {
        let a: u64 = sub_rng(1, Stream::Orders, 5).random();
        let b: u64 = sub_rng(1, Stream::Orders, 5).random();
        let c: u64 = sub_rng(1, Stream::Support, 5).random();
        let d: u64 = sub_rng(1, Stream::Orders, 6).random();
        let e: u64 = sub_rng(2, Stream::Orders, 5).random();
        assert_eq!(a, b);
        assert!(a != c && a != d && a != e);
    }

    #[test]
    fn poisson_and_gamma_have_the_asked_means() {
        let mut rng = sub_rng(3, Stream::Plan, 0);
        let n = 20_000;
        let p: f64 = (0..n).map(|_| f64::from(poisson(&mut rng, 2.5))).sum::<f64>() / n as f64;
        let g: f64 = (0..n).map(|_| gamma(&mut rng, 2.0, 3.0)).sum::<f64>() / n as f64;
        assert!((p - 2.5).abs() < 0.1, "poisson mean {p}");
        assert!((g - 6.0).abs() < 0.2, "gamma mean {g}");
    }

    #[test]
    fn weighted_never_picks_a_zero_weight() {
        let mut rng = sub_rng(4, Stream::Plan, 0);
        for _ in 0..1_000 {
            assert_ne!(weighted(&mut rng, &[1.0, 0.0, 2.0]), 1);
        }
    }
}
