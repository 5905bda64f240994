//! Who bought what: product ids dictionary-encoded, and per customer the sorted
//! distinct products bought (one flat array with offsets), from the cohort line
//! pass (cancelled lines and returns left out).

use std::collections::HashMap;

use crate::cohort::each_line;
use crate::ingest::Entity;
use crate::table::customers::text_at;
use crate::table::Workspace;
use crate::{Error, Result};

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
        let customers = ws.customer_keys().len();
        let mut b = Baskets {
            frequency: vec![0; customers],
            monetary: vec![0.0; customers],
            ..Default::default()
        };
        let mut product_code: HashMap<String, u32> = HashMap::new();
        let mut category_code: HashMap<String, u32> = HashMap::new();
        // Codes for every product, in file order, so ranges share them.
        for t in &tables {
            let (Some(p), cat) = (t.field("product_id"), t.field("category")) else {
                continue;
            };
            for i in 0..t.rows {
                let Some(id) = text_at(Some(p), i).map(str::trim).filter(|s| !s.is_empty()) else {
                    continue;
                };
                if product_code.contains_key(id) {
                    continue;
                }
                product_code.insert(id.to_string(), b.products.len() as u32);
                b.products.push(id.to_string());
                let c = text_at(cat, i).map(str::trim).filter(|s| !s.is_empty()).map(|c| {
                    let next = category_code.len() as u32;
                    *category_code.entry(c.to_string()).or_insert_with(|| {
                        b.categories.push(c.to_string());
                        next
                    })
                });
                b.product_category.push(c);
            }
        }
        // (customer, product) of every kept line, and the customer's order days.
        let mut lines: Vec<(u32, u32)> = Vec::new();
        let mut days: Vec<(u32, i32)> = Vec::new();
        let columns: Vec<_> = tables.iter().map(|t| t.field("product_id")).collect();
        each_line(ws, to, |l| {
            if from.is_some_and(|f| l.day < f) || l.customer as usize >= customers {
                return;
            }
            b.monetary[l.customer as usize] += l.amount;
            if l.is_return {
                return;
            }
            days.push((l.customer, l.day));
            let col = columns.get(l.table as usize).copied().flatten();
            if let Some(code) = text_at(col, l.row as usize).and_then(|id| product_code.get(id.trim())) {
                lines.push((l.customer, *code));
            }
        });
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
        lines.sort_unstable();
        lines.dedup();
        b.offsets = Vec::with_capacity(customers + 1);
        b.offsets.push(0);
        let mut at = 0;
        for c in 0..customers as u32 {
            while at < lines.len() && lines[at].0 == c {
                at += 1;
            }
            b.offsets.push(at as u32);
        }
        b.items = lines.into_iter().map(|(_, p)| p).collect();
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
        self.products.iter().position(|p| p == id).map(|i| i as u32)
    }
}
