//! Item-to-item co-occurrence over customers: a pair counts once per customer
//! who bought both. Counted in a flat triangular `u32` array while the product
//! count allows (at most [`TRIANGLE_MAX`] cells), else in a hash map.

use std::cmp::Ordering;
use std::collections::HashMap;

use serde::Serialize;

use super::baskets::Baskets;

/// The largest triangular array used (64 MiB of `u32`): about 5,800 products.
pub const TRIANGLE_MAX: usize = 1 << 24;

/// Pair counts over a set of products (all of them, or a chosen subset).
#[derive(Debug, Clone)]
pub struct CoCounts {
    /// Products counted (codes of [`Baskets`]); local index = position here.
    pub products: Vec<u32>,
    /// Distinct buyers per local product.
    pub singles: Vec<u32>,
    /// Customers with at least one product (of any product, not just counted ones).
    pub buyers: u32,
    store: Store,
}

#[derive(Debug, Clone)]
enum Store {
    /// Cell of local pair (i < j): `i * (2n - i - 1) / 2 + (j - i - 1)`.
    Triangle {
        n: usize,
        cells: Vec<u32>,
    },
    Map(HashMap<u64, u32>),
}

fn tri(n: usize, i: usize, j: usize) -> usize {
    i * (2 * n - i - 1) / 2 + (j - i - 1)
}

impl CoCounts {
    /// Counts every pair among `products` (all products when `None`).
    pub fn count(b: &Baskets, products: Option<Vec<u32>>) -> CoCounts {
        Self::count_with(b, products, TRIANGLE_MAX)
    }

    /// [`CoCounts::count`] with a triangular array of at most `triangle_max` cells.
    pub(crate) fn count_with(b: &Baskets, products: Option<Vec<u32>>, triangle_max: usize) -> CoCounts {
        let all = products.is_none();
        let products = products.unwrap_or_else(|| (0..b.products.len() as u32).collect());
        let n = products.len();
        // Code → local index (u32::MAX: not counted).
        let mut local = vec![u32::MAX; b.products.len()];
        for (i, &p) in products.iter().enumerate() {
            local[p as usize] = i as u32;
        }
        let cells = n * n.saturating_sub(1) / 2;
        let mut store = if cells <= triangle_max {
            Store::Triangle {
                n,
                cells: vec![0; cells],
            }
        } else {
            Store::Map(HashMap::new())
        };
        let mut singles = vec![0u32; n];
        let mut buf: Vec<u32> = Vec::new();
        let mut buyers = 0;
        for c in 0..b.customers() {
            let items = b.of(c);
            if items.is_empty() {
                continue;
            }
            buyers += 1;
            buf.clear();
            if all {
                buf.extend_from_slice(items);
            } else {
                buf.extend(items.iter().map(|&p| local[p as usize]).filter(|&l| l != u32::MAX));
                buf.sort_unstable();
            }
            for &i in &buf {
                singles[i as usize] += 1;
            }
            match &mut store {
                Store::Triangle { n, cells } => {
                    for (x, &i) in buf.iter().enumerate() {
                        let base = tri(*n, i as usize, i as usize + 1);
                        for &j in &buf[x + 1..] {
                            cells[base + (j - i - 1) as usize] += 1;
                        }
                    }
                }
                Store::Map(m) => {
                    for (x, &i) in buf.iter().enumerate() {
                        for &j in &buf[x + 1..] {
                            *m.entry(((i as u64) << 32) | j as u64).or_default() += 1;
                        }
                    }
                }
            }
        }
        CoCounts {
            products,
            singles,
            buyers,
            store,
        }
    }

    /// Counts already made: `cells` of local pairs (i < j) in row-major
    /// triangular order, `(0, 1), (0, 2), …, (1, 2), …`.
    pub(crate) fn from_triangle(products: Vec<u32>, singles: Vec<u32>, buyers: u32, cells: Vec<u32>) -> CoCounts {
        let n = products.len();
        debug_assert_eq!(cells.len(), n * n.saturating_sub(1) / 2);
        CoCounts {
            products,
            singles,
            buyers,
            store: Store::Triangle { n, cells },
        }
    }

    /// Customers who bought both local products `i` and `j`.
    pub fn get(&self, i: usize, j: usize) -> u32 {
        let (i, j) = if i < j { (i, j) } else { (j, i) };
        if i == j {
            return self.singles.get(i).copied().unwrap_or(0);
        }
        match &self.store {
            Store::Triangle { n, cells } => cells.get(tri(*n, i, j)).copied().unwrap_or(0),
            Store::Map(m) => m.get(&(((i as u64) << 32) | j as u64)).copied().unwrap_or(0),
        }
    }

    /// Every pair with a count ≥ `min_count` (≥ 1): local `(i, j, count)`, `i < j`.
    pub fn each_pair(&self, min_count: u32, mut f: impl FnMut(usize, usize, u32)) {
        let min_count = min_count.max(1);
        match &self.store {
            Store::Triangle { n, cells } => {
                let mut at = 0;
                for i in 0..*n {
                    for j in i + 1..*n {
                        let c = cells[at];
                        at += 1;
                        if c >= min_count {
                            f(i, j, c);
                        }
                    }
                }
            }
            Store::Map(m) => {
                for (&k, &c) in m {
                    if c >= min_count {
                        f((k >> 32) as usize, (k & 0xffff_ffff) as usize, c);
                    }
                }
            }
        }
    }

    /// The measures of local pair `(i, j)` with count `n_ab`.
    pub fn measures(&self, i: usize, j: usize, n_ab: u32) -> Measures {
        Measures::of(n_ab, self.singles[i], self.singles[j], self.buyers)
    }
}

/// What co-occurrence measures say about a pair A, B.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measures {
    pub count: u32,
    /// n(A and B) / buyers.
    pub support: f64,
    /// n(A and B) / n(A).
    pub confidence_ab: f64,
    /// n(A and B) / n(B).
    pub confidence_ba: f64,
    /// n(A and B) · buyers / (n(A) · n(B)).
    pub lift: f64,
    /// n(A and B) / √(n(A) · n(B)).
    pub cosine: f64,
    /// n(A and B) / (n(A) + n(B) − n(A and B)).
    pub jaccard: f64,
}

impl Measures {
    /// From the counts: both, A, B, and customers with any product.
    pub fn of(n_ab: u32, n_a: u32, n_b: u32, buyers: u32) -> Measures {
        let (ab, a, b, n) = (n_ab as f64, n_a as f64, n_b as f64, buyers as f64);
        let div = |x: f64, y: f64| if y > 0.0 { x / y } else { 0.0 };
        Measures {
            count: n_ab,
            support: div(ab, n),
            confidence_ab: div(ab, a),
            confidence_ba: div(ab, b),
            lift: div(ab * n, a * b),
            cosine: div(ab, (a * b).sqrt()),
            jaccard: div(ab, a + b - ab),
        }
    }
}

/// One product pair (`a` < `b` by product id).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductPair {
    pub a: String,
    pub b: String,
    pub count: u32,
    pub support: f64,
    #[serde(rename = "confidenceAB")]
    pub confidence_ab: f64,
    #[serde(rename = "confidenceBA")]
    pub confidence_ba: f64,
    pub lift: f64,
    pub cosine: f64,
    pub jaccard: f64,
}

impl ProductPair {
    pub(crate) fn new(a: &str, b: &str, m: Measures) -> ProductPair {
        let (a, b, m) = if a <= b {
            (a, b, m)
        } else {
            (
                b,
                a,
                Measures {
                    confidence_ab: m.confidence_ba,
                    confidence_ba: m.confidence_ab,
                    ..m
                },
            )
        };
        ProductPair {
            a: a.to_string(),
            b: b.to_string(),
            count: m.count,
            support: m.support,
            confidence_ab: m.confidence_ab,
            confidence_ba: m.confidence_ba,
            lift: m.lift,
            cosine: m.cosine,
            jaccard: m.jaccard,
        }
    }

    /// The value `by` ranks on.
    pub(crate) fn key(&self, by: PairOrder) -> f64 {
        match by {
            PairOrder::Count => self.count as f64,
            PairOrder::Lift => self.lift,
            PairOrder::Cosine => self.cosine,
            PairOrder::Jaccard => self.jaccard,
        }
    }
}

/// What pairs are ranked by (then by count, then by ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PairOrder {
    #[default]
    Lift,
    Count,
    Cosine,
    Jaccard,
}

/// Ranks pairs: by `by` descending, then count descending, then `a`, `b` ascending.
pub(crate) fn rank_pairs(pairs: &mut [ProductPair], by: PairOrder) {
    pairs.sort_by(|x, y| {
        y.key(by)
            .partial_cmp(&x.key(by))
            .unwrap_or(Ordering::Equal)
            .then(y.count.cmp(&x.count))
            .then_with(|| x.a.cmp(&y.a))
            .then_with(|| x.b.cmp(&y.b))
    });
}

/// The `among` products bought by the most distinct customers (ties: product id ascending).
pub fn most_frequent(b: &Baskets, among: usize) -> Vec<u32> {
    most_bought(&b.product_customers(), &b.products, among)
}

/// The codes of the `among` products with the most `customers` (distinct buyers
/// per code), none without any (ties: product id ascending).
pub(crate) fn most_bought(customers: &[u32], products: &[String], among: usize) -> Vec<u32> {
    let n = customers;
    let mut codes: Vec<u32> = (0..products.len() as u32).filter(|&p| n[p as usize] > 0).collect();
    codes.sort_by(|&x, &y| {
        n[y as usize]
            .cmp(&n[x as usize])
            .then_with(|| products[x as usize].cmp(&products[y as usize]))
    });
    codes.truncate(among);
    codes
}
