//! Who bought what: product ids dictionary-encoded, and per customer the sorted
//! distinct products bought (one flat array with offsets), from the cohort line
//! pass (cancelled lines and returns left out).

use super::product_codes::{ProductCodes, NONE};
use crate::cohort::each_line;
use crate::table::Workspace;
use crate::Result;

/// The products each customer bought within a date range.
#[derive(Debug, Clone, Default)]
pub struct Baskets {
    /// Product ids; a product's code is its index.
    pub products: Vec<String>,
    /// Each product's category (the first one seen), when the files have categories.
    pub product_category: Vec<Option<u32>>,
    /// Category names; a category's code is its index.
    pub categories: Vec<String>,
    /// `items[offsets[c]..offsets[c + 1]]`: customer key `c`'s distinct products, ascending.
    offsets: Vec<u32>,
    items: Vec<u32>,
    /// Per customer: distinct order days and net spend of the kept lines.
    pub frequency: Vec<u32>,
    pub monetary: Vec<f64>,
    /// Per customer and category (row-major, `categories.len()` wide): line count.
    pub category_lines: Vec<u32>,
}

impl Baskets {
    /// The baskets of lines dated in `from..=to` (`from = None`: from the start).
    /// Product codes follow first appearance over the whole file (whatever the
    /// range), so two ranges of one workspace share codes.
    pub fn build(ws: &Workspace, from: Option<i32>, to: i32) -> Result<Baskets> {
        Self::build_with(ws, from, to, true)
    }

    /// [`Baskets::build`]; without `profile`, frequency, spend and category
    /// counts stay empty (all co-occurrence needs is who bought what).
    pub fn build_with(ws: &Workspace, from: Option<i32>, to: i32, profile: bool) -> Result<Baskets> {
        let mut codes = ProductCodes::of(ws, true)?;
        let customers = ws.customer_keys().len();
        let mut b = Baskets {
            products: std::mem::take(&mut codes.products),
            product_category: std::mem::take(&mut codes.product_category),
            categories: std::mem::take(&mut codes.categories),
            frequency: vec![0; customers],
            monetary: vec![0.0; customers],
            ..Default::default()
        };
        // (customer, product) of every kept line; order days when profiles are wanted.
        let mut lines: Vec<(u32, u32)> = Vec::new();
        let mut days: Vec<(u32, i32)> = Vec::new();
        each_line(ws, to, |l| {
            if from.is_some_and(|f| l.day < f) || l.customer as usize >= customers {
                return;
            }
            if profile {
                b.monetary[l.customer as usize] += l.amount;
            }
            if l.is_return {
                return;
            }
            if profile {
                days.push((l.customer, l.day));
            }
            if let Some(code) = codes.at(l.table, l.row) {
                lines.push((l.customer, code));
            }
        });
        if profile {
            days.sort_unstable();
            days.dedup();
            for (c, _) in days {
                b.frequency[c as usize] += 1;
            }
            let nc = b.categories.len();
            b.category_lines = vec![0; customers * nc];
            for &(c, p) in &lines {
                if let Some(k) = b.product_category[p as usize] {
                    b.category_lines[c as usize * nc + k as usize] += 1;
                }
            }
        }
        // Counting sort by customer, then each customer's few products sorted and deduplicated.
        let mut starts = vec![0u32; customers + 1];
        for &(c, _) in &lines {
            starts[c as usize + 1] += 1;
        }
        for c in 0..customers {
            starts[c + 1] += starts[c];
        }
        let mut fill = starts.clone();
        let mut items = vec![0u32; lines.len()];
        for &(c, p) in &lines {
            items[fill[c as usize] as usize] = p;
            fill[c as usize] += 1;
        }
        b.offsets = Vec::with_capacity(customers + 1);
        b.offsets.push(0);
        let mut kept = 0usize;
        for c in 0..customers {
            let (a, e) = (starts[c] as usize, starts[c + 1] as usize);
            items[a..e].sort_unstable();
            let mut last = NONE;
            for i in a..e {
                let p = items[i];
                if p != last {
                    items[kept] = p;
                    kept += 1;
                    last = p;
                }
            }
            b.offsets.push(kept as u32);
        }
        items.truncate(kept);
        b.items = items;
        Ok(b)
    }

    /// Number of customer rows (every customer key, buyers or not).
    pub fn customers(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Customer `c`'s distinct products, ascending codes.
    pub fn of(&self, c: usize) -> &[u32] {
        match (self.offsets.get(c), self.offsets.get(c + 1)) {
            (Some(&a), Some(&b)) => &self.items[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Customers who bought at least one product.
    pub fn buyers(&self) -> usize {
        (0..self.customers()).filter(|&c| !self.of(c).is_empty()).count()
    }

    /// Distinct buyers per product.
    pub fn product_customers(&self) -> Vec<u32> {
        let mut n = vec![0u32; self.products.len()];
        for &p in &self.items {
            n[p as usize] += 1;
        }
        n
    }

    /// The code of a product id.
    pub fn code(&self, id: &str) -> Option<u32> {
        // (A linear scan: called once per request.)
        self.products.iter().position(|p| p == id).map(|i| i as u32)
    }
}
