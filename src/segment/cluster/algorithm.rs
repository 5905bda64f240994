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
            let m = vals.iter().sum::<f64>() / n as f64;
            let s = (vals.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n as f64).sqrt();
            // Constant (or, for values near f64's limits, a spread that does not fit).
            if vals.iter().all(|&v| v == first) || !(s > 0.0 && s.is_finite()) {
                dropped.push(name.clone());
                continue;
            }
            kept.push(name.clone());
            mean.push(m);
            sd.push(s);
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
/// `2 + ln k` candidates drawn with probability proportional to D². Two passes
/// over the points per centre: one scores every candidate at once, one takes
/// the winner's distances and the running sums for the next draw.
pub fn kmeans_plus_plus(x: &[f64], d: usize, k: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let n = x.len() / d;
    let point = |i: usize| &x[i * d..(i + 1) * d];
    let mut centers = Vec::with_capacity(k * d);
    let first = rng.random_range(0..n);
    centers.extend_from_slice(point(first));
    let mut closest: Vec<f64> = (0..n).map(|i| sq_dist(point(i), point(first))).collect();
    let mut cumulative = vec![0.0; n];
    let mut acc = 0.0;
    for (c, &v) in cumulative.iter_mut().zip(&closest) {
        acc += v;
        *c = acc;
    }
    let trials = 2 + (k as f64).ln() as usize;
    let mut cand = vec![0usize; trials];
    let mut cand_x = vec![0.0; trials * d];
    let mut pot = vec![0.0f64; trials];
    for _ in 1..k {
        for (t, c) in cand.iter_mut().enumerate() {
            *c = if acc > 0.0 {
                let r = rng.random::<f64>() * acc;
                cumulative.partition_point(|&c| c <= r).min(n - 1)
            } else {
                // Every point sits on a centre already: any point will do.
                rng.random_range(0..n)
            };
            cand_x[t * d..(t + 1) * d].copy_from_slice(point(*c));
        }
        pot.fill(0.0);
        for (p, &near) in x.chunks_exact(d).zip(&closest) {
            for (t, c) in cand_x.chunks_exact(d).enumerate() {
                pot[t] += near.min(sq_dist(p, c));
            }
        }
        let mut best = 0;
        for t in 1..trials {
            if pot[t] < pot[best] {
                best = t;
            }
        }
        let c = &cand_x[best * d..(best + 1) * d];
        acc = 0.0;
        for ((p, near), cum) in x.chunks_exact(d).zip(closest.iter_mut()).zip(cumulative.iter_mut()) {
            *near = near.min(sq_dist(p, c));
            acc += *near;
            *cum = acc;
        }
        centers.extend_from_slice(c);
    }
    centers
}

/// The nearest and second-nearest centre of `p`: (index, squared distance, squared distance of the second).
#[inline]
fn two_nearest(p: &[f64], centers: &[f64], d: usize) -> (u32, f64, f64) {
    let (mut j1, mut d1, mut d2) = (0u32, f64::INFINITY, f64::INFINITY);
    for (j, c) in centers.chunks_exact(d).enumerate() {
        let s = sq_dist(p, c);
        if s < d1 {
            d2 = d1;
            d1 = s;
            j1 = j as u32;
        } else if s < d2 {
            d2 = s;
        }
    }
    (j1, d1, d2)
}

/// Lloyd's iterations from `centers` until the centroids move by at most the
/// tolerance (summed squared shift) or `max_iter`; then a last assignment so
/// labels and inertia belong to the centroids returned. A cluster left empty
/// takes the point farthest from its centroid (from a cluster of two or more).
///
/// The assignment step is Hamerly's (2010): each point keeps an upper bound on
/// the distance to its centroid and a lower bound on the distance to any
/// other, moved by how far the centroids move, and is only measured again when
/// the bounds no longer prove its centroid is the nearest. Same result as
/// plain Lloyd, most distance computations skipped once clusters settle.
pub fn lloyd(x: &[f64], d: usize, mut centers: Vec<f64>, opts: Lloyd) -> Fit {
    let n = x.len() / d;
    let k = centers.len() / d;
    let mut labels = vec![0u32; n];
    let mut upper = vec![0.0f64; n];
    let mut lower = vec![0.0f64; n];
    for (i, p) in x.chunks_exact(d).enumerate() {
        let (j, d1, d2) = two_nearest(p, &centers, d);
        labels[i] = j;
        upper[i] = d1.sqrt();
        lower[i] = d2.sqrt();
    }
    let mut sums = vec![0.0f64; k * d];
    let mut counts = vec![0usize; k];
    let mut shift = vec![0.0f64; k];
    let mut half_gap = vec![0.0f64; k];
    let mut iterations = 0;
    let mut converged = false;
    while iterations < opts.max_iter {
        iterations += 1;
        // Half the distance from each centre to its nearest other centre: a point
        // closer than that to its own centre cannot be nearer another.
        for j in 0..k {
            let cj = &centers[j * d..(j + 1) * d];
            half_gap[j] = 0.5
                * (0..k)
                    .filter(|&o| o != j)
                    .map(|o| sq_dist(cj, &centers[o * d..(o + 1) * d]))
                    .fold(f64::INFINITY, f64::min)
                    .sqrt();
        }
        let (mut top, mut top_at, mut second) = (0.0f64, usize::MAX, 0.0f64);
        for (j, &s) in shift.iter().enumerate() {
            if s > top {
                second = top;
                top = s;
                top_at = j;
            } else if s > second {
                second = s;
            }
        }
        sums.fill(0.0);
        counts.fill(0);
        for (i, p) in x.chunks_exact(d).enumerate() {
            let mut a = labels[i] as usize;
            upper[i] += shift[a];
            lower[i] -= if a == top_at { second } else { top };
            let m = half_gap[a].max(lower[i]);
            if upper[i] > m {
                upper[i] = sq_dist(p, &centers[a * d..(a + 1) * d]).sqrt();
                if upper[i] > m {
                    let (j, d1, d2) = two_nearest(p, &centers, d);
                    a = j as usize;
                    labels[i] = j;
                    upper[i] = d1.sqrt();
                    lower[i] = d2.sqrt();
                }
            }
            counts[a] += 1;
            for (acc, v) in sums[a * d..(a + 1) * d].iter_mut().zip(p) {
                *acc += v;
            }
        }
        if counts.contains(&0) {
            repair_empty(
                x,
                d,
                &centers,
                &mut labels,
                &mut counts,
                &mut sums,
                &mut upper,
                &mut lower,
            );
        }
        let mut total = 0.0;
        for j in 0..k {
            shift[j] = 0.0;
            if counts[j] == 0 {
                continue;
            }
            let inv = 1.0 / counts[j] as f64;
            let mut moved = 0.0;
            for t in 0..d {
                let c = sums[j * d + t] * inv;
                let e = c - centers[j * d + t];
                moved += e * e;
                centers[j * d + t] = c;
            }
            shift[j] = moved.sqrt();
            total += moved;
        }
        if total <= opts.tolerance {
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

/// Gives each empty cluster the point farthest from its centroid among
/// clusters of two or more (ties: the earlier point). Rare, so distances are
/// measured afresh; a moved point's bounds are reset so it is measured again.
#[allow(clippy::too_many_arguments)]
fn repair_empty(
    x: &[f64],
    d: usize,
    centers: &[f64],
    labels: &mut [u32],
    counts: &mut [usize],
    sums: &mut [f64],
    upper: &mut [f64],
    lower: &mut [f64],
) {
    let mut dist: Vec<f64> = x
        .chunks_exact(d)
        .zip(labels.iter())
        .map(|(p, &l)| sq_dist(p, &centers[l as usize * d..(l as usize + 1) * d]))
        .collect();
    for j in 0..counts.len() {
        if counts[j] > 0 {
            continue;
        }
        let far = (0..labels.len())
            .filter(|&i| counts[labels[i] as usize] > 1)
            .max_by(|&a, &b| dist[a].total_cmp(&dist[b]).then(b.cmp(&a)));
        let Some(i) = far else { return };
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
        upper[i] = f64::INFINITY;
        lower[i] = 0.0;
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
