//! Seeds: every random choice takes a seed; when the caller gives none, one is
//! drawn from the operating system (the browser's crypto in wasm) and reported.

use crate::{Error, Result};

/// Largest seed drawn: 2^53 - 1, so a reported seed survives a round trip
/// through a JavaScript number exactly.
pub const MAX_DRAWN_SEED: u64 = (1 << 53) - 1;

/// The caller's seed, or a fresh one from `getrandom` (at most [`MAX_DRAWN_SEED`]).
pub fn seed_or_draw(seed: Option<u64>) -> Result<u64> {
    match seed {
        Some(s) => Ok(s),
        None => getrandom::u64()
            .map(|s| s & MAX_DRAWN_SEED)
            .map_err(|e| Error::MissingData(format!("no random source for a seed: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_given_seed_is_kept_and_a_drawn_one_varies() {
        assert_eq!(seed_or_draw(Some(7)).unwrap(), 7);
        let a = seed_or_draw(None).unwrap();
        let b = seed_or_draw(None).unwrap();
        assert_ne!(a, b);
        assert!(a <= MAX_DRAWN_SEED && b <= MAX_DRAWN_SEED);
    }
}
