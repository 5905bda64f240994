//! k-means on a flat row-major matrix: the standardised data set, k-means++
//! starts (greedy D² sampling), Lloyd iterations with empty-cluster repair, and
//! the silhouette.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::table::{CustomerTable, Feature, Values};
use crate::{Error, Result};

/// The chosen features of the customers that have all of them, z-scored.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// Features kept, in the order asked (constant ones left out).
    pub features: Vec<String>,
    /// Features dropped because every clustered customer has the same value.
    pub dropped: Vec<String>,
    /// Mean and (population) standard deviation of each kept feature, original units.
    pub mean: Vec<f64>,
    pub sd: Vec<f64>,
    /// `n × d` standardised values, row-major.
    pub x: Vec<f64>,
    /// The customer-table row of each point.
    pub rows: Vec<u32>,
    /// Customers of the table, and those left out for a null in a chosen feature.
    pub customers: usize,
    pub left_out: usize,
}

/// A column's values as numbers: bools as 0/1, dates as days since 1970-01-01;
/// `None` for text and category columns. Non-finite numbers count as missing.
pub(crate) fn numeric_values(f: &Feature) -> Option<Vec<Option<f64>>> {
    let finite = |v: f64| v.is_finite().then_some(v);
    Some(match &f.values {
        Values::Number(a) => a.iter().map(|v| v.and_then(finite)).collect(),
        Values::Bool(a) => a.iter().map(|v| v.map(|b| if b { 1.0 } else { 0.0 })).collect(),
        Values::Date(a) => a.iter().map(|v| v.map(f64::from)).collect(),
        Values::Text(_) | Values::Category(_) => return None,
    })
}

impl Dataset {
    /// Reads `features` from the table: an unknown name is an error with the
    /// nearest column suggested, a text or category column is an error; a
    /// customer with a null in any of them is left out.
    pub fn from_table(table: &CustomerTable, features: &[String]) -> Result<Dataset> {
        let mut columns = Vec::with_capacity(features.len());
        for name in features {
            let f = table.get(name).ok_or_else(|| {
                Error::option(
                    "features",
                    name,
                    format!("no such customer column; {}", table.suggest(name)),
                )
            })?;
            let v = numeric_values(f).ok_or_else(|| {
                Error::option(
                    "features",
                    name,
                    format!("a {} column; k-means needs numbers, bools or dates", f.values.kind()),
                )
            })?;
            columns.push(v);
        }
        let customers = table.len();
        let rows: Vec<u32> = (0..customers)
            .filter(|&i| columns.iter().all(|c| c[i].is_some()))
            .map(|i| i as u32)
            .collect();
        if rows.is_empty() {
            return Err(Error::MissingData(format!(
                "no customer has a value in every chosen feature ({})",
                features.join(", ")
            )));
        }
        let n = rows.len();
        let (mut kept, mut dropped, mut mean, mut sd, mut kept_cols) = (vec![], vec![], vec![], vec![], vec![]);
        for (name, col) in features.iter().zip(&columns) {
            let vals: Vec<f64> = rows.iter().map(|&r| col[r as usize].unwrap_or(0.0)).collect();
            let first = vals[0];
            if vals.iter().all(|&v| v == first) {
                dropped.push(name.clone());
                continue;
            }
            let m = vals.iter().sum::<f64>() / n as f64;
            let var = vals.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n as f64;
            kept.push(name.clone());
            mean.push(m);
            sd.push(var.sqrt());
            kept_cols.push(vals);
        }
        if kept.is_empty() {
            return Err(Error::option(
                "features",
                features.join(","),
                "every chosen feature has the same value for every customer; nothing to cluster on",
            ));
        }
        let d = kept.len();
        let mut x = vec![0.0; n * d];
        for (j, col) in kept_cols.iter().enumerate() {
            for (i, v) in col.iter().enumerate() {
                x[i * d + j] = (v - mean[j]) / sd[j];
            }
        }
        Ok(Dataset {
            features: kept,
            dropped,
            mean,
            sd,
            x,
            rows,
            customers,
            left_out: customers - n,
        })
    }

    /// Number of points (customers clustered).
    pub fn n(&self) -> usize {
        self.rows.len()
    }

    /// Number of (kept) features.
    pub fn d(&self) -> usize {
        self.features.len()
    }
}

/// A seeded generator on its own stream, so each use of one seed (the
/// silhouette sample, the scan rows, the fit of each k) is independent of the others.
pub(crate) fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(stream);
    r
}

/// `amount` distinct indices below `n`, in increasing order (all when `amount >= n`).
pub(crate) fn sample_rows(n: usize, amount: usize, rng: &mut ChaCha8Rng) -> Vec<u32> {
    if amount >= n {
        return (0..n as u32).collect();
    }
    let mut v: Vec<u32> = rand::seq::index::sample(rng, n, amount)
        .into_iter()
        .map(|i| i as u32)
        .collect();
    v.sort_unstable();
    v
}

/// The rows `rows` of an `n × d` matrix.
pub(crate) fn take_rows(x: &[f64], d: usize, rows: &[u32]) -> Vec<f64> {
    let mut out = Vec::with_capacity(rows.len() * d);
    for &r in rows {
        out.extend_from_slice(&x[r as usize * d..(r as usize + 1) * d]);
    }
    out
}

/// The result of one k-means fit, in standardised units.
#[derive(Debug, Clone)]
pub struct Fit {
    /// `k × d` centroids, row-major.
    pub centers: Vec<f64>,
    /// Cluster (0-based) of each point.
    pub labels: Vec<u32>,
    /// Sum of squared distances of the points to their centroid.
    pub inertia: f64,
    pub iterations: usize,
    pub converged: bool,
}

/// Lloyd's settings.
#[derive(Debug, Clone, Copy)]
pub struct Lloyd {
    pub max_iter: usize,
    pub tolerance: f64,
    pub n_init: usize,
}

#[inline]
fn sq_dist(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for (p, q) in a.iter().zip(b) {
        let e = p - q;
        s += e * e;
    }
    s
}

/// The nearest centre of `p` and its squared distance.
#[inline]
fn nearest(p: &[f64], centers: &[f64], d: usize) -> (u32, f64) {
    let mut best = (0u32, f64::INFINITY);
    for (j, c) in centers.chunks_exact(d).enumerate() {
        let s = sq_dist(p, c);
        if s < best.1 {
            best = (j as u32, s);
        }
    }
    best
}

/// Best of `n_init` k-means++ starts followed by Lloyd iterations (`k <= n`).
pub fn kmeans(x: &[f64], d: usize, k: usize, opts: Lloyd, rng: &mut ChaCha8Rng) -> Fit {
    let mut best: Option<Fit> = None;
    for _ in 0..opts.n_init.max(1) {
        let centers = kmeans_plus_plus(x, d, k, rng);
        let fit = lloyd(x, d, centers, opts);
        if best.as_ref().is_none_or(|b| fit.inertia < b.inertia) {
            best = Some(fit);
        }
    }
    best.unwrap_or_else(|| lloyd(x, d, x[..k * d].to_vec(), opts))
}

/// k-means++ (Arthur & Vassilvitskii) in its greedy form, as scikit-learn
/// does: each new centre is the best, by total squared distance, of
/// `2 + ln k` candidates drawn with probability proportional to D².
pub fn kmeans_plus_plus(x: &[f64], d: usize, k: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let n = x.len() / d;
    let point = |i: usize| &x[i * d..(i + 1) * d];
    let mut centers = Vec::with_capacity(k * d);
    let first = rng.random_range(0..n);
    centers.extend_from_slice(point(first));
    let mut closest: Vec<f64> = (0..n).map(|i| sq_dist(point(i), point(first))).collect();
    let mut potential: f64 = closest.iter().sum();
    let trials = 2 + (k as f64).ln() as usize;
    let mut cumulative = vec![0.0; n];
    for _ in 1..k {
        let mut acc = 0.0;
        for (c, &v) in cumulative.iter_mut().zip(&closest) {
            acc += v;
            *c = acc;
        }
        let mut best: Option<(usize, f64)> = None;
        for _ in 0..trials {
            let cand = if potential > 0.0 {
                let r = rng.random::<f64>() * acc;
                cumulative.partition_point(|&c| c <= r).min(n - 1)
            } else {
                // Every point sits on a centre already: any point will do.
                rng.random_range(0..n)
            };
            let c = point(cand);
            let pot: f64 = (0..n).map(|i| closest[i].min(sq_dist(point(i), c))).sum();
            if best.is_none_or(|(_, p)| pot < p) {
                best = Some((cand, pot));
            }
        }
        let (cand, pot) = best.unwrap_or((0, potential));
        let c = point(cand);
        for (i, v) in closest.iter_mut().enumerate() {
            *v = v.min(sq_dist(point(i), c));
        }
        potential = pot;
        centers.extend_from_slice(c);
    }
    centers
}

/// Lloyd's iterations from `centers` until the centroids move by at most the
/// tolerance (summed squared shift) or `max_iter`; then a last assignment so
/// labels and inertia belong to the centroids returned. A cluster left empty
/// takes the point farthest from its centroid (from a cluster of two or more).
pub fn lloyd(x: &[f64], d: usize, mut centers: Vec<f64>, opts: Lloyd) -> Fit {
    let n = x.len() / d;
    let k = centers.len() / d;
    let mut labels = vec![0u32; n];
    let mut dist = vec![0.0f64; n];
    let mut sums = vec![0.0f64; k * d];
    let mut counts = vec![0usize; k];
    let mut iterations = 0;
    let mut converged = false;
    while iterations < opts.max_iter {
        iterations += 1;
        sums.fill(0.0);
        counts.fill(0);
        for (i, p) in x.chunks_exact(d).enumerate() {
            let (j, s) = nearest(p, &centers, d);
            labels[i] = j;
            dist[i] = s;
            counts[j as usize] += 1;
            for (acc, v) in sums[j as usize * d..(j as usize + 1) * d].iter_mut().zip(p) {
                *acc += v;
            }
        }
        for j in 0..k {
            if counts[j] > 0 {
                continue;
            }
            let far = (0..n)
                .filter(|&i| counts[labels[i] as usize] > 1)
                .max_by(|&a, &b| dist[a].total_cmp(&dist[b]).then(b.cmp(&a)));
            let Some(i) = far else { break };
            let from = labels[i] as usize;
            let p = &x[i * d..(i + 1) * d];
            for t in 0..d {
                sums[from * d + t] -= p[t];
                sums[j * d + t] += p[t];
            }
            counts[from] -= 1;
            counts[j] = 1;
            labels[i] = j as u32;
            dist[i] = 0.0;
        }
        let mut shift = 0.0;
        for j in 0..k {
            if counts[j] == 0 {
                continue;
            }
            let inv = 1.0 / counts[j] as f64;
            for t in 0..d {
                let c = sums[j * d + t] * inv;
                let e = c - centers[j * d + t];
                shift += e * e;
                centers[j * d + t] = c;
            }
        }
        if shift <= opts.tolerance {
            converged = true;
            break;
        }
    }
    let mut inertia = 0.0;
    for (i, p) in x.chunks_exact(d).enumerate() {
        let (j, s) = nearest(p, &centers, d);
        labels[i] = j;
        inertia += s;
    }
    Fit {
        centers,
        labels,
        inertia,
        iterations,
        converged,
    }
}

/// The mean silhouette (Euclidean) of the points `sample`, computed within the
/// sample as scikit-learn's `silhouette_score(…, sample_size)` does: for each
/// point, `a` = mean distance to the rest of its cluster, `b` = the least mean
/// distance to another cluster, `s = (b − a) / max(a, b)`, and `s = 0` for a
/// point alone in its cluster. `None` when the sample holds fewer than two clusters.
pub fn silhouette(x: &[f64], d: usize, labels: &[u32], k: usize, sample: &[u32]) -> Option<f64> {
    let mut counts = vec![0usize; k];
    for &i in sample {
        counts[labels[i as usize] as usize] += 1;
    }
    if counts.iter().filter(|&&c| c > 0).count() < 2 {
        return None;
    }
    let pts = take_rows(x, d, sample);
    let lab: Vec<usize> = sample.iter().map(|&i| labels[i as usize] as usize).collect();
    let mut sums = vec![0.0f64; k];
    let mut total = 0.0;
    for (i, p) in pts.chunks_exact(d).enumerate() {
        sums.fill(0.0);
        for (j, q) in pts.chunks_exact(d).enumerate() {
            sums[lab[j]] += sq_dist(p, q).sqrt();
        }
        let own = lab[i];
        if counts[own] < 2 {
            continue;
        }
        let a = sums[own] / (counts[own] - 1) as f64;
        let b = (0..k)
            .filter(|&c| c != own && counts[c] > 0)
            .map(|c| sums[c] / counts[c] as f64)
            .fold(f64::INFINITY, f64::min);
        let m = a.max(b);
        if m > 0.0 {
            total += (b - a) / m;
        }
    }
    Some(total / sample.len() as f64)
}
