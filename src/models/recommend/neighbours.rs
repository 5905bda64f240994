//! "Customers like this one": each customer as a vector of demographics (age
//! band, gender, country, acquisition channel from the customer table, one-hot)
//! and purchase profile (category shares, log frequency, log spend —
//! standardised), compared by cosine similarity or Euclidean distance.

use arrow_array::Array;

use super::baskets::Baskets;
use crate::table::customers::{CustomerTable, Values};

/// The customer-table columns used as demographics, when present.
pub const DEMOGRAPHICS: [&str; 4] = ["age_band", "gender", "country", "acquisition_channel"];

/// How neighbours are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    #[default]
    Cosine,
    Euclidean,
}

/// One row of features per customer, and the pool of customers neighbours are drawn from.
#[derive(Debug, Clone)]
pub struct Profiles {
    dims: usize,
    features: Vec<f32>,
    /// Customers with at least `min_pool` products (at most `POOL_MAX`, evenly spread).
    pool: Vec<u32>,
    norms: Vec<f32>,
    metric: Metric,
}

/// The most customers one search looks at (every k-th when there are more).
pub const POOL_MAX: usize = 4000;

fn label(v: &Values, row: usize) -> Option<String> {
    match v {
        Values::Category(d) if d.is_valid(row) => {
            let key = d.keys().value(row) as usize;
            let dict = d.values().as_any().downcast_ref::<arrow_array::StringArray>()?;
            (key < dict.len()).then(|| dict.value(key).to_string())
        }
        Values::Text(s) if s.is_valid(row) => Some(s.value(row).to_string()),
        _ => None,
    }
}

impl Profiles {
    /// Features of every customer of `b`; demographics from `table` when given.
    pub fn build(b: &Baskets, table: Option<&CustomerTable>, metric: Metric, min_pool: usize) -> Profiles {
        let n = b.customers();
        // Demographics: one-hot per label, each attribute weighted to unit length.
        let mut onehots: Vec<Vec<Option<usize>>> = Vec::new();
        let mut widths: Vec<usize> = Vec::new();
        for name in DEMOGRAPHICS {
            let Some(f) = table.and_then(|t| t.get(name)) else {
                continue;
            };
            let mut labels: Vec<String> = Vec::new();
            let col: Vec<Option<usize>> = (0..n)
                .map(|r| {
                    let l = if r < f.values.len() { label(&f.values, r) } else { None }?;
                    let l = l.trim().to_lowercase();
                    if l.is_empty() {
                        return None;
                    }
                    Some(match labels.iter().position(|x| *x == l) {
                        Some(i) => i,
                        None => {
                            labels.push(l);
                            labels.len() - 1
                        }
                    })
                })
                .collect();
            if labels.len() > 1 && labels.len() <= 64 {
                widths.push(labels.len());
                onehots.push(col);
            }
        }
        let nc = b.categories.len();
        let demo: usize = widths.iter().sum();
        let dims = demo + nc + 2;
        let mut features = vec![0f32; n * dims];
        for c in 0..n {
            let row = &mut features[c * dims..(c + 1) * dims];
            let mut at = 0;
            for (col, w) in onehots.iter().zip(&widths) {
                if let Some(i) = col[c] {
                    row[at + i] = 1.0;
                }
                at += w;
            }
            let lines = b.category_lines.get(c * nc..(c + 1) * nc).unwrap_or(&[]);
            let total: u32 = lines.iter().sum();
            if total > 0 {
                for (k, &x) in lines.iter().enumerate() {
                    row[demo + k] = x as f32 / total as f32;
                }
            }
            if !b.of(c).is_empty() {
                row[demo + nc] = (b.frequency[c] as f32).ln_1p();
                row[demo + nc + 1] = (b.monetary[c].max(0.0) as f32).ln_1p();
            }
        }
        // Standardise the purchase profile over buyers; non-buyers stay at 0 (the mean).
        let buyers: Vec<usize> = (0..n).filter(|&c| !b.of(c).is_empty()).collect();
        if buyers.len() > 1 {
            for d in demo..dims {
                let m = buyers.iter().map(|&c| features[c * dims + d] as f64).sum::<f64>() / buyers.len() as f64;
                let v = buyers
                    .iter()
                    .map(|&c| (features[c * dims + d] as f64 - m).powi(2))
                    .sum::<f64>()
                    / (buyers.len() - 1) as f64;
                let s = if v > 0.0 { v.sqrt() } else { 1.0 };
                for &c in &buyers {
                    let x = &mut features[c * dims + d];
                    *x = ((*x as f64 - m) / s) as f32;
                }
            }
        }
        let mut pool: Vec<u32> = (0..n as u32)
            .filter(|&c| b.of(c as usize).len() >= min_pool.max(1))
            .collect();
        if pool.len() > POOL_MAX {
            let step = pool.len() as f64 / POOL_MAX as f64;
            pool = (0..POOL_MAX).map(|i| pool[(i as f64 * step) as usize]).collect();
        }
        let norms = (0..n)
            .map(|c| {
                features[c * dims..(c + 1) * dims]
                    .iter()
                    .map(|x| x * x)
                    .sum::<f32>()
                    .sqrt()
            })
            .collect();
        Profiles {
            dims,
            features,
            pool,
            norms,
            metric,
        }
    }

    fn row(&self, c: usize) -> &[f32] {
        &self.features[c * self.dims..(c + 1) * self.dims]
    }

    /// Up to `k` most similar pool customers to `c` (never `c`), with a weight
    /// in (0, 1]: the cosine, or 1 / (1 + distance).
    pub fn nearest(&self, c: usize, k: usize) -> Vec<(u32, f32)> {
        if c * self.dims >= self.features.len() || k == 0 {
            return Vec::new();
        }
        let me = self.row(c);
        let mut out: Vec<(u32, f32)> = self
            .pool
            .iter()
            .filter(|&&o| o as usize != c)
            .filter_map(|&o| {
                let other = self.row(o as usize);
                let w = match self.metric {
                    Metric::Cosine => {
                        let d: f32 = me.iter().zip(other).map(|(a, b)| a * b).sum();
                        let n = self.norms[c] * self.norms[o as usize];
                        if n > 0.0 {
                            d / n
                        } else {
                            0.0
                        }
                    }
                    Metric::Euclidean => {
                        let d: f32 = me.iter().zip(other).map(|(a, b)| (a - b) * (a - b)).sum();
                        1.0 / (1.0 + d.sqrt())
                    }
                };
                (w > 0.0).then_some((o, w))
            })
            .collect();
        let by_weight = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if out.len() > k {
            out.select_nth_unstable_by(k - 1, by_weight);
            out.truncate(k);
        }
        out.sort_by(by_weight);
        out
    }
}
