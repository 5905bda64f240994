//! Seeds: every random choice takes a seed; when the caller gives none, one is
//! drawn from the operating system (the browser's crypto in wasm) and reported.

use crate::{Error, Result};

/// The caller's seed, or a fresh one from `getrandom`.
pub fn seed_or_draw(seed: Option<u64>) -> Result<u64> {
    match seed {
        Some(s) => Ok(s),
        None => getrandom::u64().map_err(|e| Error::MissingData(format!("no random source for a seed: {e}"))),
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
    }
}
