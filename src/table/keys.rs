//! Interned identifiers. Customer and order ids are text in the files but dense
//! `u32` indexes in the tables, so per-customer and per-order work is an array
//! pass rather than a hash join. The workspace owns one dictionary per key domain;
//! swapping the customer key for a unified identity later is a re-map of these.
//!
//! Keys live in one byte arena with an offsets vector (no allocation per key);
//! the hash table holds only indexes into it.

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
}

impl Default for KeyDict {
    fn default() -> Self {
        KeyDict {
            table: HashTable::new(),
            offsets: vec![0],
            bytes: Vec::new(),
        }
    }
}

fn slice<'a>(offsets: &[u32], bytes: &'a [u8], i: u32) -> &'a [u8] {
    let i = i as usize;
    &bytes[offsets[i] as usize..offsets[i + 1] as usize]
}

impl KeyDict {
    /// The index of `key`, adding it when new.
    pub fn intern(&mut self, key: &[u8]) -> u32 {
        let h = hash(key);
        let (offsets, bytes) = (&self.offsets, &self.bytes);
        let entry = self.table.entry(
            h,
            |&i| slice(offsets, bytes, i) == key,
            |&i| hash(slice(offsets, bytes, i)),
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(e) => *e.get(),
            hashbrown::hash_table::Entry::Vacant(e) => {
                let i = (self.offsets.len() - 1) as u32;
                self.bytes.extend_from_slice(key);
                self.offsets.push(self.bytes.len() as u32);
                e.insert(i);
                i
            }
        }
    }

    /// The index of `key`, if known.
    pub fn get(&self, key: &[u8]) -> Option<u32> {
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
        other
            .table
            .reserve(self.len(), |&i| hash(slice(&other.offsets, &other.bytes, i)));
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
