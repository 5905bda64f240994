//! Interned identifiers. Customer and order ids are text in the files but dense
//! `u32` indexes in the tables, so per-customer and per-order work is an array
//! pass rather than a hash join. The workspace owns one dictionary per key domain;
//! swapping the customer key for a unified identity later is a re-map of these.

use rustc_hash::FxHashMap;

/// A dictionary of distinct identifiers, each with a dense index.
#[derive(Debug, Default, Clone)]
pub struct KeyDict {
    index: FxHashMap<Box<str>, u32>,
    values: Vec<Box<str>>,
}

impl KeyDict {
    /// The index of `key`, adding it when new.
    pub fn intern(&mut self, key: &str) -> u32 {
        if let Some(&i) = self.index.get(key) {
            return i;
        }
        let i = self.values.len() as u32;
        self.values.push(key.into());
        self.index.insert(key.into(), i);
        i
    }

    /// The index of `key`, if known.
    pub fn get(&self, key: &str) -> Option<u32> {
        self.index.get(key).copied()
    }

    /// The identifier at `index`.
    pub fn value(&self, index: u32) -> &str {
        self.values.get(index as usize).map_or("", |v| v)
    }

    /// Number of distinct identifiers.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True when no identifier was interned.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Every identifier, in index order.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.values.iter().map(|v| v.as_ref())
    }
}

/// Identifiers of one file while it is parsed: a local dictionary, merged into
/// the workspace's [`KeyDict`] only when the whole load succeeds.
#[derive(Debug, Default)]
pub struct LocalKeys {
    index: FxHashMap<Box<[u8]>, u32>,
    pub(crate) values: Vec<Box<str>>,
}

impl LocalKeys {
    /// The local index of `key`.
    pub fn intern(&mut self, key: &str) -> u32 {
        if let Some(&i) = self.index.get(key.as_bytes()) {
            return i;
        }
        let i = self.values.len() as u32;
        self.values.push(key.into());
        self.index.insert(key.as_bytes().into(), i);
        i
    }

    /// For each local index, the index in `global` (interning what is new there).
    pub fn merge_into(&self, global: &mut KeyDict) -> Vec<u32> {
        self.values.iter().map(|v| global.intern(v)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_dense_and_stable() {
        let mut d = KeyDict::default();
        assert_eq!(d.intern("C1"), 0);
        assert_eq!(d.intern("C2"), 1);
        assert_eq!(d.intern("C1"), 0);
        assert_eq!(d.len(), 2);
        assert_eq!(d.value(1), "C2");
        assert_eq!(d.get("C3"), None);
    }

    #[test]
    fn local_keys_merge_onto_existing_global_indexes() {
        let mut global = KeyDict::default();
        global.intern("B");
        let mut local = LocalKeys::default();
        assert_eq!(local.intern("A"), 0);
        assert_eq!(local.intern("B"), 1);
        assert_eq!(local.merge_into(&mut global), vec![1, 0]);
        assert_eq!(global.len(), 2);
    }
}
