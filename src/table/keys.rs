//! Interned identifiers. Customer and order ids are text in the files but dense
//! `u32` indexes in the tables, so per-customer and per-order work is an array
//! pass rather than a hash join. The workspace owns one dictionary per key domain;
//! swapping the customer key for a unified identity later is a re-map of these.
//!
//! Keys live in one byte arena with an offsets vector (no allocation per key);
//! the hash table holds only indexes into it. Exports often list ids in
//! ascending order (a database's key order): while every new id sorts after
//! the last, the dictionary is a sorted array, searched by bisection, and the
//! hash table is built only when an id arrives out of order.

use std::cmp::Ordering;
use std::hash::Hasher;

use arrow_array::StringArray;
use arrow_buffer::{Buffer, OffsetBuffer, ScalarBuffer};
use hashbrown::HashTable;
use rustc_hash::FxHasher;

fn hash(key: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(key);
    h.finish()
}

/// A dictionary of distinct identifiers, each with a dense index.
#[derive(Debug, Clone)]
pub struct KeyDict {
    table: HashTable<u32>,
    offsets: Vec<u32>,
    bytes: Vec<u8>,
    /// Every id so far came in ascending byte order, and `table` is not built.
    ascending: bool,
    /// Ids the table is to have room for when it is built.
    planned: usize,
}

impl Default for KeyDict {
    fn default() -> Self {
        KeyDict {
            table: HashTable::new(),
            offsets: vec![0],
            bytes: Vec::new(),
            ascending: true,
            planned: 0,
        }
    }
}

fn slice<'a>(offsets: &[u32], bytes: &'a [u8], i: u32) -> &'a [u8] {
    let i = i as usize;
    &bytes[offsets[i] as usize..offsets[i + 1] as usize]
}

/// Byte equality of two ids, eight bytes at a time: ids are short, and a call
/// to `memcmp` per comparison (what `==` on slices becomes) costs more than
/// comparing them.
#[inline]
pub(crate) fn same_id(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut x, mut y) = (a.chunks_exact(8), b.chunks_exact(8));
    for (p, q) in (&mut x).zip(&mut y) {
        let word = |s: &[u8]| u64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]]);
        if word(p) != word(q) {
            return false;
        }
    }
    x.remainder().iter().zip(y.remainder()).all(|(p, q)| p == q)
}

/// The byte order of two ids (as `a.cmp(b)`), eight bytes at a time.
#[inline]
fn id_order(a: &[u8], b: &[u8]) -> Ordering {
    let word = |s: &[u8]| u64::from_be_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]]);
    let mut i = 0;
    while i + 8 <= a.len() && i + 8 <= b.len() {
        match word(&a[i..i + 8]).cmp(&word(&b[i..i + 8])) {
            Ordering::Equal => i += 8,
            other => return other,
        }
    }
    a[i..].cmp(&b[i..])
}

impl KeyDict {
    /// The index of `key`, adding it when new.
    pub fn intern(&mut self, key: &[u8]) -> u32 {
        if self.ascending {
            let n = self.len() as u32;
            if n == 0 || id_order(key, self.key_bytes(n - 1)) == Ordering::Greater {
                return self.push(key);
            }
            if let Some(i) = self.search(key) {
                return i;
            }
            self.build_table();
        }
        let h = hash(key);
        let (offsets, bytes) = (&self.offsets, &self.bytes);
        let entry = self.table.entry(
            h,
            |&i| same_id(slice(offsets, bytes, i), key),
            |&i| hash(slice(offsets, bytes, i)),
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(e) => *e.get(),
            hashbrown::hash_table::Entry::Vacant(e) => {
                e.insert((self.offsets.len() - 1) as u32);
                self.push(key)
            }
        }
    }

    fn push(&mut self, key: &[u8]) -> u32 {
        let i = (self.offsets.len() - 1) as u32;
        super::bytes::push_short(&mut self.bytes, key);
        self.offsets.push(self.bytes.len() as u32);
        i
    }

    /// Bisection over the ids while they are in ascending order.
    fn search(&self, key: &[u8]) -> Option<u32> {
        let (mut lo, mut hi) = (0u32, self.len() as u32);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match id_order(self.key_bytes(mid), key) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// Leaves the ascending mode: hashes every id into the table.
    fn build_table(&mut self) {
        self.ascending = false;
        let n = self.len();
        let (offsets, bytes) = (&self.offsets, &self.bytes);
        let _ = self
            .table
            .try_reserve(self.planned.max(n), |&i| hash(slice(offsets, bytes, i)));
        for i in 0..n as u32 {
            self.table
                .insert_unique(hash(slice(offsets, bytes, i)), i, |&j| hash(slice(offsets, bytes, j)));
        }
    }

    /// Makes room for `additional` more identifiers of about `bytes_each`
    /// bytes, so that interning them does not grow the table step by step
    /// (each growth hashes every key again).
    pub fn reserve(&mut self, additional: usize, bytes_each: usize) {
        // Room is asked for, not demanded: a size estimate beyond the memory
        // there is leaves the dictionary growing as it goes.
        self.planned = self.planned.max(self.len().saturating_add(additional));
        if !self.ascending {
            let (offsets, bytes) = (&self.offsets, &self.bytes);
            let _ = self.table.try_reserve(additional, |&i| hash(slice(offsets, bytes, i)));
        }
        let _ = self.offsets.try_reserve(additional);
        let _ = self.bytes.try_reserve(additional.saturating_mul(bytes_each));
    }

    /// Identifiers there is room for without growing the table (planned
    /// for, while it is not built).
    pub fn capacity(&self) -> usize {
        if self.ascending {
            self.planned
        } else {
            self.table.capacity()
        }
    }

    /// The index of `key`, if known.
    pub fn get(&self, key: &[u8]) -> Option<u32> {
        if self.ascending {
            return self.search(key);
        }
        self.table
            .find(hash(key), |&i| slice(&self.offsets, &self.bytes, i) == key)
            .copied()
    }

    /// The bytes of the identifier at `index` (empty when out of range).
    pub fn key_bytes(&self, index: u32) -> &[u8] {
        if index as usize + 1 >= self.offsets.len() {
            return &[];
        }
        slice(&self.offsets, &self.bytes, index)
    }

    /// The identifier at `index` (empty when out of range).
    pub fn value(&self, index: u32) -> &str {
        if index as usize + 1 >= self.offsets.len() {
            return "";
        }
        std::str::from_utf8(slice(&self.offsets, &self.bytes, index)).unwrap_or("")
    }

    /// Bytes of identifier text held.
    pub fn text_bytes(&self) -> usize {
        self.bytes.len()
    }

    /// Number of distinct identifiers.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Bytes of memory the dictionary holds: its text, offsets and hash table.
    pub fn memory_bytes(&self) -> usize {
        self.bytes.capacity() + self.offsets.capacity() * 4 + self.table.allocation_size()
    }

    /// True when no identifier was interned.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// For each index of `self`, the index in `other` (interning what is new there).
    pub fn merge_into(&self, other: &mut KeyDict) -> Vec<u32> {
        other.reserve(self.len(), self.bytes.len() / self.len().max(1) + 1);
        (0..self.len() as u32)
            .map(|i| other.intern(slice(&self.offsets, &self.bytes, i)))
            .collect()
    }

    /// Every identifier, in index order, as an Arrow string array (the
    /// dictionary of exported key columns).
    pub fn to_arrow(&self) -> StringArray {
        let offsets: Vec<i32> = self.offsets.iter().map(|&o| o as i32).collect();
        let offsets = OffsetBuffer::new(ScalarBuffer::from(offsets));
        StringArray::try_new(offsets, Buffer::from(self.bytes.clone()), None)
            .unwrap_or_else(|_| StringArray::from_iter_values((0..self.len() as u32).map(|i| self.value(i))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;

    #[test]
    fn interning_is_dense_and_stable() {
        let mut d = KeyDict::default();
        assert_eq!(d.intern(b"C1"), 0);
        assert_eq!(d.intern(b"C2"), 1);
        assert_eq!(d.intern(b"C1"), 0);
        assert_eq!(d.len(), 2);
        assert_eq!(d.value(1), "C2");
        assert_eq!(d.get(b"C3"), None);
        assert_eq!(d.get(b"C2"), Some(1));
        assert_eq!(d.value(9), "");
    }

    #[test]
    fn many_keys_survive_rehashing() {
        let mut d = KeyDict::default();
        for i in 0..100_000u32 {
            assert_eq!(d.intern(format!("K{i}").as_bytes()), i);
        }
        for i in (0..100_000u32).step_by(997) {
            assert_eq!(d.get(format!("K{i}").as_bytes()), Some(i));
        }
        let arrow = d.to_arrow();
        assert_eq!(arrow.len(), 100_000);
        assert_eq!(arrow.value(12_345), "K12345");
    }

    #[test]
    fn ascending_ids_bisect_until_one_comes_out_of_order() {
        let mut d = KeyDict::default();
        let ids: Vec<String> = (0..5000).map(|i| format!("ORDER-{i:07}")).collect();
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(d.intern(id.as_bytes()), i as u32);
        }
        assert!(d.ascending && d.table.is_empty());
        // Earlier ids again (a customer seen before) are found, still without the table.
        assert_eq!(d.intern(b"ORDER-0000017"), 17);
        assert_eq!(d.get(b"ORDER-0004999"), Some(4999));
        assert_eq!(d.get(b"ORDER-0004999x"), None);
        assert!(d.ascending);
        // A new id below the last one builds the table; every id keeps its index.
        assert_eq!(d.intern(b"A"), 5000);
        assert!(!d.ascending);
        assert_eq!(d.table.len(), 5001);
        for (i, id) in ids.iter().enumerate().step_by(97) {
            assert_eq!(d.intern(id.as_bytes()), i as u32);
            assert_eq!(d.get(id.as_bytes()), Some(i as u32));
        }
        assert_eq!(d.intern(b"ORDER-9"), 5001);
        assert_eq!(d.len(), 5002);
    }

    #[test]
    fn id_order_is_byte_order() {
        let ids: [&[u8]; 9] = [
            b"",
            b"1",
            b"10",
            b"9",
            b"abcdefgh",
            b"abcdefghi",
            b"abcdefgi",
            b"abcdefg\xff",
            b"\xffa",
        ];
        for a in ids {
            for b in ids {
                assert_eq!(id_order(a, b), a.cmp(b), "{a:?} {b:?}");
                assert_eq!(same_id(a, b), a == b);
            }
        }
    }

    #[test]
    fn merging_maps_onto_existing_indexes() {
        let mut global = KeyDict::default();
        global.intern(b"B");
        let mut local = KeyDict::default();
        local.intern(b"A");
        local.intern(b"B");
        assert_eq!(local.merge_into(&mut global), vec![1, 0]);
        assert_eq!(global.len(), 2);
    }
}
