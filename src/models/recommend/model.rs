//! The recommender: item-based scores (cosine co-occurrence with what the
//! customer bought) blended with similar customers' purchases, and for
//! customers with little history with popularity instead; top-k excluding
//! what they already own.

use serde::Serialize;

use super::baskets::Baskets;
use super::neighbours::Profiles;
use super::pairs::CoCounts;
use super::params::RecommendOptions;
use crate::table::customers::CustomerTable;

/// Similar products kept per product.
const SIMILAR_MAX: usize = 200;
/// Share of the score from neighbours' purchases for customers with enough
/// history (tuned on the sample's holdout: 0 gave hit-rate@10 0.484, 0.4 0.501).
const NEIGHBOUR_WEIGHT: f32 = 0.4;
/// Popularity's share for customers with enough history: a tie-break.
const POPULARITY_TIE_BREAK: f32 = 0.01;

/// Why a product is recommended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Often bought by customers who bought this product (a code of [`Baskets`]).
    BoughtWith(u32),
    /// Bought by customers similar to this one.
    LikeYou,
    /// Bought by many customers.
    Popular,
}

/// One recommended product.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    pub product_id: String,
    pub score: f64,
    /// "bought with P001", "customers like you" or "popular".
    pub reason: String,
}

/// A fitted recommender over the lines of one date range.
#[derive(Debug, Clone)]
pub struct Recommender {
    pub baskets: Baskets,
    /// Distinct buyers per product.
    pub popularity: Vec<u32>,
    /// Product codes, most bought first (ties: id ascending).
    by_popularity: Vec<u32>,
    /// Per product: its co-purchased products with their cosine, highest first.
    similar: Vec<Vec<(u32, f32)>>,
    profiles: Profiles,
    opts: RecommendOptions,
}

impl Recommender {
    /// Fits on `baskets`; demographics for neighbours from `table` when given.
    pub fn fit(baskets: Baskets, table: Option<&CustomerTable>, opts: &RecommendOptions) -> Recommender {
        let counts = CoCounts::count(&baskets, None);
        let popularity = counts.singles.clone();
        let mut similar: Vec<Vec<(u32, f32)>> = vec![Vec::new(); baskets.products.len()];
        counts.each_pair(1, |i, j, n| {
            let cosine = counts.measures(i, j, n).cosine as f32;
            similar[i].push((j as u32, cosine));
            similar[j].push((i as u32, cosine));
        });
        for s in &mut similar {
            s.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            s.truncate(SIMILAR_MAX);
        }
        let mut by_popularity: Vec<u32> = (0..baskets.products.len() as u32)
            .filter(|&p| popularity[p as usize] > 0)
            .collect();
        by_popularity.sort_by(|&a, &b| {
            popularity[b as usize]
                .cmp(&popularity[a as usize])
                .then_with(|| baskets.products[a as usize].cmp(&baskets.products[b as usize]))
        });
        let profiles = Profiles::build(&baskets, table, opts.metric, 1);
        Recommender {
            baskets,
            popularity,
            by_popularity,
            similar,
            profiles,
            opts: opts.clone(),
        }
    }

    /// The options fitted with.
    pub fn options(&self) -> &RecommendOptions {
        &self.opts
    }

    /// The `k` most popular products customer `c` does not own yet.
    pub fn popular(&self, c: usize, k: usize) -> Vec<u32> {
        let owned = self.baskets.of(c);
        self.by_popularity
            .iter()
            .copied()
            .filter(|p| owned.binary_search(p).is_err())
            .take(k)
            .collect()
    }

    /// The top `k` products for customer key `c` (any key; one without orders
    /// gets neighbours' and popular products), excluding what `c` owns.
    pub fn top(&self, c: usize, k: usize) -> Vec<(u32, f64, Reason)> {
        let owned = self.baskets.of(c);
        let np = self.baskets.products.len();
        let h = owned.len();
        // Item-based: Σ over owned products of the cosine, and the biggest contributor.
        let mut item = vec![0f32; np];
        let mut from = vec![u32::MAX; np];
        let mut best = vec![0f32; np];
        let mut touched: Vec<u32> = Vec::new();
        for &i in owned {
            for &(j, s) in &self.similar[i as usize] {
                let ju = j as usize;
                if item[ju] == 0.0 && from[ju] == u32::MAX {
                    touched.push(j);
                }
                item[ju] += s;
                if s > best[ju] {
                    best[ju] = s;
                    from[ju] = i;
                }
            }
        }
        let max_item = touched.iter().map(|&j| item[j as usize]).fold(0f32, f32::max);
        // Neighbours' purchases, for customers with little history.
        let mut near = vec![0f32; np];
        let mut max_near = 0f32;
        let nbw = NEIGHBOUR_WEIGHT;
        // Weights of the item-based, neighbour and popularity scores.
        let (wi, wn, wp) = if self.opts.neighbours == 0 {
            (1.0, 0.0, POPULARITY_TIE_BREAK)
        } else if h >= self.opts.min_history {
            (1.0 - nbw, nbw, POPULARITY_TIE_BREAK)
        } else {
            let wi = (1.0 - nbw) * h as f32 / self.opts.min_history.max(1) as f32;
            (wi, (1.0 - wi) * 0.5, (1.0 - wi) * 0.5)
        };
        if wn > 0.0 {
            for (n, w) in self.profiles.nearest(c, self.opts.neighbours) {
                for &p in self.baskets.of(n as usize) {
                    if near[p as usize] == 0.0 && item[p as usize] == 0.0 && from[p as usize] == u32::MAX {
                        touched.push(p);
                    }
                    near[p as usize] += w;
                }
            }
            max_near = touched.iter().map(|&j| near[j as usize]).fold(0f32, f32::max);
        }
        let max_pop = self
            .by_popularity
            .first()
            .map_or(1.0, |&p| self.popularity[p as usize] as f32);
        let mut candidates = touched;
        candidates.extend(self.by_popularity.iter().take(k + h));
        candidates.sort_unstable();
        candidates.dedup();
        let mut out: Vec<(u32, f64, Reason)> = candidates
            .into_iter()
            .filter(|p| owned.binary_search(p).is_err())
            .map(|p| {
                let pu = p as usize;
                let si = if max_item > 0.0 { item[pu] / max_item } else { 0.0 };
                let sn = if max_near > 0.0 { near[pu] / max_near } else { 0.0 };
                let sp = self.popularity[pu] as f32 / max_pop;
                let (ci, cn, cp) = (wi * si, wn * sn, wp * sp);
                let reason = if ci >= cn && ci >= cp && from[pu] != u32::MAX {
                    Reason::BoughtWith(from[pu])
                } else if cn >= cp && cn > 0.0 {
                    Reason::LikeYou
                } else {
                    Reason::Popular
                };
                (p, (ci + cn + cp) as f64, reason)
            })
            .collect();
        out.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| self.baskets.products[a.0 as usize].cmp(&self.baskets.products[b.0 as usize]))
        });
        out.truncate(k);
        out
    }

    /// [`Recommender::top`] with product ids and reasons spelt out.
    pub fn recommend(&self, c: usize, k: usize) -> Vec<Recommendation> {
        self.top(c, k)
            .into_iter()
            .map(|(p, score, reason)| Recommendation {
                product_id: self.baskets.products[p as usize].clone(),
                score,
                reason: match reason {
                    Reason::BoughtWith(x) => format!("bought with {}", self.baskets.products[x as usize]),
                    Reason::LikeYou => "customers like you".into(),
                    Reason::Popular => "popular".into(),
                },
            })
            .collect()
    }
}
