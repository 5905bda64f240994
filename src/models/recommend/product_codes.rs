//! The product id of every order line as a dense code. Ids are text in the
//! files; interning a million of them is most of the cost of a co-occurrence
//! count, so the ids of at most 15 bytes (nearly all product ids) go through
//! [`ShortIds`] first: a lookup there is one multiply, a probe and two integer
//! compares, with no trimming, no byte-wise compare and no 128-bit arithmetic
//! (slow in wasm32).

use std::collections::HashMap;

use arrow_array::Array;

use crate::ingest::Entity;
use crate::table::customers::text_at;
use crate::table::{Column, KeyDict, Workspace};
use crate::{Error, Result};

/// No product on the line.
pub(crate) const NONE: u32 = u32::MAX;

/// Every orders file's product ids dictionary-encoded: codes follow first
/// appearance over all rows (returns, cancelled lines and any date included),
/// so analyses of one workspace share codes whatever lines they keep.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProductCodes {
    /// Product ids (trimmed); a product's code is its index.
    pub products: Vec<String>,
    /// Each product's category (the first one seen), when asked for and the files have categories.
    pub product_category: Vec<Option<u32>>,
    /// Category names; a category's code is its index.
    pub categories: Vec<String>,
    /// Per orders file (load order), per row: the product code, [`NONE`] without one.
    pub rows: Vec<Vec<u32>>,
}

impl ProductCodes {
    /// The codes of every orders file (`categories`: with each product's first category).
    ///
    /// Errors with [`Error::MissingData`] when no orders file is loaded or none has a `product_id`.
    pub fn of(ws: &Workspace, categories: bool) -> Result<ProductCodes> {
        let tables: Vec<_> = ws.tables(Entity::Orders).collect();
        if tables.is_empty() {
            return Err(Error::MissingData(
                "recommendations need orders: load an orders file first".into(),
            ));
        }
        if !tables.iter().any(|t| t.field("product_id").is_some()) {
            return Err(Error::MissingData(
                "recommendations need a product_id column in the orders file".into(),
            ));
        }
        let mut out = ProductCodes::default();
        let mut dict = KeyDict::default();
        // The code of every short id as written (untrimmed).
        let mut short = ShortIds::default();
        let mut category_code: HashMap<String, u32> = HashMap::new();
        for t in &tables {
            let (Some(Column::Text(p)), cat) = (t.field("product_id"), t.field("category")) else {
                out.rows.push(Vec::new());
                continue;
            };
            let (offsets, values, nulls) = (p.value_offsets(), p.values().as_slice(), p.nulls());
            let mut codes = Vec::with_capacity(t.rows);
            for i in 0..t.rows.min(p.len()) {
                let start = offsets[i] as usize;
                let len = if nulls.is_none_or(|n| n.is_valid(i)) {
                    offsets[i + 1] as usize - start
                } else {
                    0
                };
                if len == 0 {
                    codes.push(NONE);
                    continue;
                }
                let key = ShortIds::key(values, start, len);
                if let Some(code) = key.and_then(|k| short.get(k)) {
                    codes.push(code);
                    continue;
                }
                let id = p.value(i).trim();
                let before = dict.len();
                let code = if id.is_empty() {
                    NONE
                } else {
                    dict.intern(id.as_bytes())
                };
                if let Some(k) = key {
                    short.insert(k, code);
                }
                codes.push(code);
                if dict.len() > before {
                    out.products.push(id.to_string());
                    let c = text_at(cat, i)
                        .filter(|_| categories)
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|c| {
                            let next = category_code.len() as u32;
                            *category_code.entry(c.to_string()).or_insert_with(|| {
                                out.categories.push(c.to_string());
                                next
                            })
                        });
                    out.product_category.push(c);
                }
            }
            out.rows.push(codes);
        }
        Ok(out)
    }

    /// The product code of `row` of orders file `table`, if it has one.
    pub fn at(&self, table: u32, row: u32) -> Option<u32> {
        self.rows
            .get(table as usize)
            .and_then(|c| c.get(row as usize))
            .copied()
            .filter(|&c| c != NONE)
    }
}

/// An id of 1 to 15 bytes packed in two words: bytes little-endian, the length
/// in the top byte of the second word. Equal keys are equal ids; the second
/// word is never 0.
type Key = [u64; 2];

/// Codes of short ids: open addressing with linear probing over a power-of-two
/// table kept at most half full. (The two words of the keys are kept apart so a
/// probe compares integers, never a 16-byte vector built through memory.)
#[derive(Debug, Clone)]
struct ShortIds {
    lo: Vec<u64>,
    hi: Vec<u64>,
    codes: Vec<u32>,
    /// Keys held.
    len: usize,
    /// 64 − log2(table size): a hash's top bits pick the slot.
    shift: u32,
}

impl Default for ShortIds {
    fn default() -> Self {
        ShortIds::with_slots(256)
    }
}

impl ShortIds {
    fn with_slots(slots: usize) -> ShortIds {
        ShortIds {
            // An empty slot has the key [0, 0], which no id has.
            lo: vec![0; slots],
            hi: vec![0; slots],
            codes: vec![0; slots],
            len: 0,
            shift: 64 - slots.trailing_zeros(),
        }
    }

    /// The key of the id at `values[start..start + len]` (`len` ≥ 1), `None`
    /// past 15 bytes. Read as two 8-byte words of the column's text buffer
    /// (copied byte by byte only at its very end).
    fn key(values: &[u8], start: usize, len: usize) -> Option<Key> {
        if len > 15 {
            return None;
        }
        let word = |at: usize| {
            let mut w = [0u8; 8];
            match values.get(at..at + 8) {
                Some(s) => w.copy_from_slice(s),
                None => {
                    let s = values.get(at..).unwrap_or_default();
                    let n = s.len().min(8);
                    w[..n].copy_from_slice(&s[..n]);
                }
            }
            u64::from_le_bytes(w)
        };
        let (lo, hi) = (word(start), word(start + 8));
        // Keep the id's bytes only: `len` of them, over the two words.
        let keep = |bytes: usize| match bytes {
            0 => 0,
            8.. => u64::MAX,
            n => u64::MAX >> (64 - 8 * n),
        };
        Some([lo & keep(len), (hi & keep(len.saturating_sub(8))) | (len as u64) << 56])
    }

    fn slot(&self, [lo, hi]: Key) -> usize {
        let h = (lo ^ hi.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (h >> self.shift) as usize
    }

    /// The code of `key`, if inserted.
    fn get(&self, key: Key) -> Option<u32> {
        let mask = self.lo.len() - 1;
        let mut s = self.slot(key);
        loop {
            let (lo, hi) = (self.lo[s], self.hi[s]);
            if lo == key[0] && hi == key[1] {
                return Some(self.codes[s]);
            }
            if hi == 0 {
                return None;
            }
            s = (s + 1) & mask;
        }
    }

    /// Records `key`'s code (a key not inserted before).
    fn insert(&mut self, key: Key, code: u32) {
        if 2 * (self.len + 1) > self.lo.len() {
            let mut bigger = ShortIds::with_slots(2 * self.lo.len());
            for s in 0..self.lo.len() {
                if self.hi[s] != 0 {
                    bigger.insert([self.lo[s], self.hi[s]], self.codes[s]);
                }
            }
            *self = bigger;
        }
        let mask = self.lo.len() - 1;
        let mut s = self.slot(key);
        while self.hi[s] != 0 {
            s = (s + 1) & mask;
        }
        (self.lo[s], self.hi[s], self.codes[s]) = (key[0], key[1], code);
        self.len += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_keys_tell_ids_apart_by_bytes_and_length() {
        // The buffer's bytes after an id must not leak into its key.
        let text = b"P1P1\0P12345678ABCDEFP12345678ABCDEG";
        let k = |start, len| ShortIds::key(text, start, len).unwrap();
        assert_eq!(k(0, 2), k(2, 2));
        assert_ne!(k(2, 2), k(2, 3), "P1 and P1\\0");
        assert_ne!(k(5, 14), k(20, 15));
        assert_eq!(k(5, 14), k(20, 14));
        // At the end of the buffer (no 16-byte window) the same keys.
        assert_eq!(k(20, 15), ShortIds::key(&text[20..], 0, 15).unwrap());
        assert_eq!(ShortIds::key(text, 5, 16), None);
        assert_ne!(k(0, 1)[1], 0);
    }

    #[test]
    fn short_ids_keep_every_code_through_growth() {
        let mut ids = ShortIds::default();
        let text: Vec<String> = (0..5_000).map(|i| format!("SKU-{i}")).collect();
        let key = |s: &String| ShortIds::key(s.as_bytes(), 0, s.len()).unwrap();
        for (i, s) in text.iter().enumerate() {
            assert_eq!(ids.get(key(s)), None);
            ids.insert(key(s), i as u32);
        }
        for (i, s) in text.iter().enumerate() {
            assert_eq!(ids.get(key(s)), Some(i as u32), "{s}");
        }
    }
}
