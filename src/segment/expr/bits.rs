//! Row bitmaps (`u64` words, bit `i % 64` of word `i / 64` is row `i`) and the
//! three-valued truth of a condition over every row.
//!
//! Invariants: bits at or past the row count are zero in `truth` and `known`;
//! `truth` ⊆ `known`.

use arrow_buffer::{BooleanBuffer, NullBuffer};

/// Words needed for `n` rows.
pub fn words(n: usize) -> usize {
    n.div_ceil(64)
}

/// The mask of the valid bits of the last word for `n` rows.
fn tail_mask(n: usize) -> u64 {
    match n % 64 {
        0 => !0,
        r => (1u64 << r) - 1,
    }
}

fn clear_tail(w: &mut [u64], n: usize) {
    if let Some(last) = w.last_mut() {
        *last &= tail_mask(n);
    }
}

/// A bitmap with the first `n` bits set.
pub fn ones(n: usize) -> Vec<u64> {
    let mut w = vec![!0u64; words(n)];
    clear_tail(&mut w, n);
    w
}

/// The bits of an Arrow boolean buffer (any offset), as words.
pub fn from_buffer(b: &BooleanBuffer) -> Vec<u64> {
    let mut w: Vec<u64> = b.bit_chunks().iter_padded().collect();
    w.resize(words(b.len()), 0);
    clear_tail(&mut w, b.len());
    w
}

/// The validity of an array as words (`None`: every row valid).
pub fn validity(nulls: Option<&NullBuffer>) -> Option<Vec<u64>> {
    nulls.filter(|n| n.null_count() > 0).map(|n| from_buffer(n.inner()))
}

/// `a & b` of two optional validities (`None` = all valid).
pub fn and_valid(a: Option<Vec<u64>>, b: Option<&[u64]>) -> Option<Vec<u64>> {
    match (a, b) {
        (None, None) => None,
        (Some(a), None) => Some(a),
        (None, Some(b)) => Some(b.to_vec()),
        (Some(mut a), Some(b)) => {
            a.iter_mut().zip(b).for_each(|(x, y)| *x &= y);
            Some(a)
        }
    }
}

/// One bit per value: `f(value)`. Written as 64-value blocks the compiler
/// turns into vector compares.
#[inline(always)]
pub fn pack<T: Copy>(values: &[T], f: impl Fn(T) -> bool) -> Vec<u64> {
    let mut out = Vec::with_capacity(words(values.len()));
    let chunks = values.chunks_exact(64);
    let rest = chunks.remainder();
    for c in chunks {
        let mut w = 0u64;
        for (i, &v) in c.iter().enumerate() {
            w |= (f(v) as u64) << i;
        }
        out.push(w);
    }
    if !rest.is_empty() {
        let mut w = 0u64;
        for (i, &v) in rest.iter().enumerate() {
            w |= (f(v) as u64) << i;
        }
        out.push(w);
    }
    out
}

/// One bit per pair of values: `f(a[i], b[i])` (the slices have equal length).
#[inline(always)]
pub fn pack2<T: Copy>(a: &[T], b: &[T], f: impl Fn(T, T) -> bool) -> Vec<u64> {
    let n = a.len().min(b.len());
    let mut out = Vec::with_capacity(words(n));
    for (ca, cb) in a[..n].chunks(64).zip(b[..n].chunks(64)) {
        let mut w = 0u64;
        for (i, (&x, &y)) in ca.iter().zip(cb).enumerate() {
            w |= (f(x, y) as u64) << i;
        }
        out.push(w);
    }
    out
}

/// One bit per row index `0..n`: `f(i)` (for per-row work that is not a slice).
pub fn pack_rows(n: usize, mut f: impl FnMut(usize) -> bool) -> Vec<u64> {
    let mut out = vec![0u64; words(n)];
    for i in 0..n {
        if f(i) {
            out[i / 64] |= 1 << (i % 64);
        }
    }
    out
}

/// The truth of a condition over `n` rows: true, false or unknown (null).
#[derive(Debug, Clone, PartialEq)]
pub struct Tri {
    /// Rows where the condition is true.
    pub truth: Vec<u64>,
    /// Rows where it is known (true or false); `None`: every row.
    pub known: Option<Vec<u64>>,
}

impl Tri {
    /// The same value on every row (`None`: unknown).
    pub fn constant(n: usize, v: Option<bool>) -> Tri {
        match v {
            Some(true) => Tri {
                truth: ones(n),
                known: None,
            },
            Some(false) => Tri {
                truth: vec![0; words(n)],
                known: None,
            },
            None => Tri {
                truth: vec![0; words(n)],
                known: Some(vec![0; words(n)]),
            },
        }
    }

    /// True where `bits` is set, known where `valid` is (`None`: all).
    pub fn new(n: usize, mut bits: Vec<u64>, valid: Option<Vec<u64>>) -> Tri {
        bits.resize(words(n), 0);
        clear_tail(&mut bits, n);
        if let Some(v) = &valid {
            bits.iter_mut().zip(v).for_each(|(b, k)| *b &= k);
        }
        Tri {
            truth: bits,
            known: valid,
        }
    }

    /// Three-valued `and`: false wins over unknown.
    pub fn and(mut self, other: Tri, n: usize) -> Tri {
        let known = match (&self.known, &other.known) {
            (None, None) => None,
            (ka, kb) => {
                let mut k = Vec::with_capacity(self.truth.len());
                for i in 0..self.truth.len() {
                    let (a, b) = (ka.as_ref().map_or(!0, |k| k[i]), kb.as_ref().map_or(!0, |k| k[i]));
                    let (ta, tb) = (self.truth[i], other.truth[i]);
                    k.push((a & b) | (a & !ta) | (b & !tb));
                }
                clear_tail(&mut k, n);
                Some(k)
            }
        };
        self.truth.iter_mut().zip(&other.truth).for_each(|(a, b)| *a &= b);
        self.known = known;
        self
    }

    /// Three-valued `or`: true wins over unknown.
    pub fn or(mut self, other: Tri, n: usize) -> Tri {
        let known = match (&self.known, &other.known) {
            (None, None) => None,
            (ka, kb) => {
                let mut k = Vec::with_capacity(self.truth.len());
                for i in 0..self.truth.len() {
                    let (a, b) = (ka.as_ref().map_or(!0, |k| k[i]), kb.as_ref().map_or(!0, |k| k[i]));
                    k.push((a & b) | self.truth[i] | other.truth[i]);
                }
                clear_tail(&mut k, n);
                Some(k)
            }
        };
        self.truth.iter_mut().zip(&other.truth).for_each(|(a, b)| *a |= b);
        self.known = known;
        self
    }

    /// Three-valued `not`: unknown stays unknown.
    pub fn not(mut self, n: usize) -> Tri {
        match &self.known {
            None => self.truth.iter_mut().for_each(|w| *w = !*w),
            Some(k) => self.truth.iter_mut().zip(k).for_each(|(w, k)| *w = !*w & k),
        }
        clear_tail(&mut self.truth, n);
        self
    }

    /// Rows where the condition is known: all ones when every row is.
    pub fn known_bits(&self, n: usize) -> Vec<u64> {
        self.known.clone().unwrap_or_else(|| ones(n))
    }

    /// How many rows are true.
    pub fn count(&self) -> usize {
        self.truth.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The true rows, ascending.
    pub fn rows(&self) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.count());
        for (k, &w) in self.truth.iter().enumerate() {
            let mut w = w;
            while w != 0 {
                out.push((k * 64) as u32 + w.trailing_zeros());
                w &= w - 1;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows 0..9 as T, F, U, T, F, U, T, F, U.
    fn abc() -> (Tri, Tri) {
        let t = |v: &[Option<bool>]| {
            let bits = pack_rows(v.len(), |i| v[i] == Some(true));
            let known = pack_rows(v.len(), |i| v[i].is_some());
            Tri::new(v.len(), bits, Some(known))
        };
        let (tt, f, u) = (Some(true), Some(false), None);
        (t(&[tt, tt, tt, f, f, f, u, u, u]), t(&[tt, f, u, tt, f, u, tt, f, u]))
    }

    #[test]
    fn and_or_not_follow_kleene_logic() {
        let (a, b) = abc();
        let and = a.clone().and(b.clone(), 9);
        assert_eq!(and.rows(), vec![0]);
        // Known: anything with a false operand, and T and T.
        assert_eq!(Tri::new(9, and.known_bits(9), None).rows(), vec![0, 1, 3, 4, 5, 7]);
        let or = a.clone().or(b.clone(), 9);
        assert_eq!(or.rows(), vec![0, 1, 2, 3, 6]);
        assert_eq!(Tri::new(9, or.known_bits(9), None).rows(), vec![0, 1, 2, 3, 4, 6]);
        let not = a.not(9);
        assert_eq!(not.rows(), vec![3, 4, 5]);
        assert_eq!(not.count(), 3);
    }

    #[test]
    fn packing_handles_a_partial_last_word() {
        let v: Vec<i32> = (0..130).collect();
        let bits = pack(&v, |x| x % 2 == 0);
        assert_eq!(bits.len(), 3);
        assert_eq!(Tri::new(130, bits, None).count(), 65);
        assert_eq!(Tri::constant(130, Some(true)).not(130).count(), 0);
        assert_eq!(Tri::constant(130, Some(false)).not(130).count(), 130);
    }
}
