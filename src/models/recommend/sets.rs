//! Who bought what as one bitset of product codes per customer, filled in one
//! pass over the order lines: the quick way to pairs among a few products.
//! Nothing is sorted or hashed per line (beyond interning the product id), and
//! a customer's pairs among the chosen products are the set bits of one word.
//! [`Baskets`](super::Baskets) (sorted lists per customer) stays the general
//! structure: the sets are used while customers × products is small.

use super::pairs::CoCounts;
use super::product_codes::ProductCodes;
use crate::cohort::each_line;
use crate::table::customers::last_order_date;
use crate::table::Workspace;
use crate::{Error, Result};

/// Pairs among at most this many products are counted on [`ProductSets`]: one bit each in a `u64`.
pub const SET_PRODUCTS_MAX: usize = 64;

/// The largest bitset table built (customers × ⌈products / 64⌉ words): 32 MiB,
/// e.g. a million customers and 256 products.
pub const SET_WORDS_MAX: usize = 1 << 22;

/// Per customer key, the distinct products bought (cancelled lines and returns
/// left out), as bits of the product codes.
#[derive(Debug, Clone)]
pub struct ProductSets {
    /// Product ids; a product's code is its index (the codes of [`Baskets`](super::Baskets)).
    pub products: Vec<String>,
    /// `u64` words per customer.
    words: usize,
    /// Customer `c`'s set: `bits[c * words..(c + 1) * words]`, product `p` at bit `p % 64` of word `p / 64`.
    bits: Vec<u64>,
    /// Distinct buyers per product.
    product_buyers: Vec<u32>,
}

impl ProductSets {
    /// The sets of every line up to the last order date, or `None` when the
    /// table would pass `max_words` words (use [`Baskets`](super::Baskets) then).
    ///
    /// Errors like [`Baskets::build`](super::Baskets::build) when there are no
    /// orders or no `product_id` column.
    pub fn build(ws: &Workspace, max_words: usize) -> Result<Option<ProductSets>> {
        let last = last_order_date(ws)
            .ok_or_else(|| Error::MissingData("recommendations need orders: load an orders file first".into()))?;
        let codes = ProductCodes::of(ws, false)?;
        let customers = ws.customer_keys().len();
        let words = codes.products.len().div_ceil(64);
        if customers.saturating_mul(words) > max_words {
            return Ok(None);
        }
        let mut bits = vec![0u64; customers * words];
        let mut product_buyers = vec![0u32; codes.products.len()];
        each_line(ws, last, |l| {
            if l.is_return || l.customer as usize >= customers {
                return;
            }
            if let Some(p) = codes.at(l.table, l.row) {
                let (word, bit) = (&mut bits[l.customer as usize * words + p as usize / 64], 1 << (p % 64));
                // A buyer more when the bit was not set yet (no branch).
                product_buyers[p as usize] += u32::from(*word & bit == 0);
                *word |= bit;
            }
        });
        Ok(Some(ProductSets {
            products: codes.products,
            words,
            bits,
            product_buyers,
        }))
    }

    /// The customer sets, one slice of words each.
    fn sets(&self) -> impl Iterator<Item = &[u64]> {
        // `words` is 0 only without products, when no set has a bit.
        self.bits.chunks_exact(self.words.max(1))
    }

    /// Distinct buyers per product.
    pub fn product_customers(&self) -> &[u32] {
        &self.product_buyers
    }

    /// Pair counts among `products` (codes, at most [`SET_PRODUCTS_MAX`]; local
    /// index = position), as [`CoCounts::count`] gives them.
    ///
    /// # Panics
    /// When `products` holds more than [`SET_PRODUCTS_MAX`] codes or one out of range.
    pub(crate) fn count_among(&self, products: Vec<u32>) -> CoCounts {
        assert!(
            products.len() <= SET_PRODUCTS_MAX,
            "at most {SET_PRODUCTS_MAX} products"
        );
        let n = products.len();
        // Per word of a customer set: which of its bits are counted, and each bit's local index.
        let mut chosen = vec![0u64; self.words];
        let mut local = vec![0u8; self.words * 64];
        for (i, &p) in products.iter().enumerate() {
            chosen[p as usize / 64] |= 1 << (p % 64);
            local[p as usize] = i as u8;
        }
        let mut singles = vec![0u32; n];
        // Row-major n × n; only cells (i < j) are counted.
        let mut square = vec![0u32; n * n];
        let mut buyers = 0;
        for set in self.sets() {
            let mut mine = 0u64;
            let mut any = 0u64;
            for (w, &word) in set.iter().enumerate() {
                any |= word;
                each_bit(word & chosen[w], |b| mine |= 1 << local[w * 64 + b]);
            }
            buyers += u32::from(any != 0);
            each_bit(mine, |i| {
                singles[i] += 1;
                let row = &mut square[i * n..(i + 1) * n];
                // The local products after i.
                each_bit(mine & !(u64::MAX >> (63 - i)), |j| row[j] += 1);
            });
        }
        let cells = (0..n)
            .flat_map(|i| square[i * n + i + 1..(i + 1) * n].iter().copied())
            .collect();
        CoCounts::from_triangle(products, singles, buyers, cells)
    }
}

/// Calls `f` with the index of every set bit of `word`, lowest first.
#[inline]
fn each_bit(mut word: u64, mut f: impl FnMut(usize)) {
    while word != 0 {
        f(word.trailing_zeros() as usize);
        word &= word - 1;
    }
}
