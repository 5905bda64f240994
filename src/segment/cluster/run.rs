//! The two entry points: scan k ([`choose_k`]) and segment the customers
//! ([`clusters`]), which adds the `cluster` column.

use serde::Serialize;

use super::algorithm::{kmeans, rng, sample_rows, silhouette, take_rows, Dataset, Fit, Lloyd};
use super::params::{ClusterParams, ValidClusterParams};
use super::profile::{profile, ClusterProfile};
use crate::table::{CustomerTable, Feature, Values};
use crate::{Error, Result};

// Streams of the one seed: each use draws from its own.
const STREAM_SILHOUETTE: u64 = 0;
const STREAM_SCAN_ROWS: u64 = 1;
const STREAM_FIT: u64 = 1_000;

/// One k of the scan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KScore {
    pub k: usize,
    /// Sum of squared distances to the centroids, in standardised units, over the scanned customers.
    pub inertia: f64,
    /// Mean silhouette of the sample (−1..1, higher is better separated); null
    /// when the sample holds fewer than two clusters.
    pub silhouette: Option<f64>,
    pub iterations: usize,
    pub converged: bool,
}

/// The result of [`choose_k`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KScan {
    pub seed: u64,
    /// Features clustered on, and those dropped as constant.
    pub features: Vec<String>,
    pub dropped_features: Vec<String>,
    /// Customers in the table, left out (a null in a chosen feature), and fitted in the scan.
    pub customers: usize,
    pub left_out: usize,
    pub scanned_rows: usize,
    /// Customers the silhouette is computed on (the same for every k).
    pub sample: usize,
    pub scores: Vec<KScore>,
}

/// The result of [`clusters`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Clustering {
    pub k: usize,
    /// `"given"`, or `"silhouette"` when k was the best of the scan.
    pub chosen_by: &'static str,
    pub seed: u64,
    pub features: Vec<String>,
    pub dropped_features: Vec<String>,
    pub customers: usize,
    pub left_out: usize,
    /// Customers per cluster; cluster `i + 1` is `sizes[i]`, largest first.
    pub sizes: Vec<usize>,
    /// Per cluster, the centroid in the features' own units (`features` order).
    pub centroids: Vec<Vec<f64>>,
    /// In standardised units, over every clustered customer.
    pub inertia: f64,
    pub silhouette: Option<f64>,
    pub silhouette_sample: usize,
    pub iterations: usize,
    pub converged: bool,
    pub profile: Vec<ClusterProfile>,
    /// The k scan, when k was chosen by it.
    pub scan: Option<Vec<KScore>>,
    /// The 0-based cluster of each customer-table row (`None` when left out).
    #[serde(skip)]
    pub labels: Vec<Option<u32>>,
}

fn lloyd(p: &ValidClusterParams) -> Lloyd {
    Lloyd {
        max_iter: p.max_iter,
        tolerance: p.tolerance,
        n_init: p.n_init,
    }
}

fn too_many(field: &str, k: usize, n: usize) -> Error {
    Error::option(
        field,
        k,
        format!("more clusters than customers with every chosen feature ({n})"),
    )
}

/// Inertia and silhouette for every k of `params.k_range` (default 2..=10), to
/// help choose k: each k is fitted on the same rows (a seeded sample of
/// `scan_rows` when there are more customers) and scored on the same
/// silhouette sample.
pub fn choose_k(table: &CustomerTable, params: &ClusterParams) -> Result<KScan> {
    let p = params.check()?;
    let data = Dataset::from_table(table, &p.features)?;
    scan(&data, &p)
}

fn scan(data: &Dataset, p: &ValidClusterParams) -> Result<KScan> {
    let (lo, hi) = p.k_range;
    let (n, d) = (data.n(), data.d());
    if hi > n {
        return Err(too_many("kRange", hi, n));
    }
    let rows = sample_rows(n, p.scan_rows, &mut rng(p.seed, STREAM_SCAN_ROWS));
    let sampled;
    let x: &[f64] = if rows.len() < n {
        sampled = take_rows(&data.x, d, &rows);
        &sampled
    } else {
        &data.x
    };
    let m = rows.len();
    let sample = sample_rows(m, p.sample, &mut rng(p.seed, STREAM_SILHOUETTE));
    let scores = (lo..=hi)
        .map(|k| {
            let fit = kmeans(x, d, k, lloyd(p), &mut rng(p.seed, STREAM_FIT + k as u64));
            KScore {
                k,
                inertia: fit.inertia,
                silhouette: silhouette(x, d, &fit.labels, k, &sample),
                iterations: fit.iterations,
                converged: fit.converged,
            }
        })
        .collect();
    Ok(KScan {
        seed: p.seed,
        features: data.features.clone(),
        dropped_features: data.dropped.clone(),
        customers: data.customers,
        left_out: data.left_out,
        scanned_rows: m,
        sample: sample.len(),
        scores,
    })
}

/// Segments the customers with k-means on the standardised `features` and adds
/// the category column `cluster` ("1" = the largest cluster; null for a
/// customer with a null in a chosen feature). Without `k`, k is the best
/// silhouette of the scan over `k_range` (ties go to the smaller k).
pub fn clusters(table: &mut CustomerTable, params: &ClusterParams) -> Result<Clustering> {
    let p = params.check()?;
    let data = Dataset::from_table(table, &p.features)?;
    let (n, d) = (data.n(), data.d());
    let (k, scan) = match p.k {
        Some(k) => (k, None),
        None => {
            let s = scan(&data, &p)?;
            let mut best = (p.k_range.0, f64::NEG_INFINITY);
            for score in &s.scores {
                if let Some(v) = score.silhouette.filter(|&v| v > best.1) {
                    best = (score.k, v);
                }
            }
            (best.0, Some(s.scores))
        }
    };
    if k > n {
        return Err(too_many("k", k, n));
    }
    let fit = kmeans(&data.x, d, k, lloyd(&p), &mut rng(p.seed, STREAM_FIT + k as u64));
    let fit = by_size(fit, k, d);
    let sample = sample_rows(n, p.sample, &mut rng(p.seed, STREAM_SILHOUETTE));
    let sil = silhouette(&data.x, d, &fit.labels, k, &sample);
    let mut labels = vec![None; table.len()];
    let mut sizes = vec![0usize; k];
    for (&row, &l) in data.rows.iter().zip(&fit.labels) {
        labels[row as usize] = Some(l);
        sizes[l as usize] += 1;
    }
    let centroids = fit
        .centers
        .chunks_exact(d)
        .map(|c| (0..d).map(|j| c[j] * data.sd[j] + data.mean[j]).collect())
        .collect();
    let names: Vec<String> = (1..=k).map(|c| c.to_string()).collect();
    table.add(Feature::new(
        "cluster",
        "k-means segment (1 = the largest); null when a clustered feature is missing",
        Values::category(labels.iter().map(|l| l.map(|l| names[l as usize].as_str()))),
    ))?;
    Ok(Clustering {
        k,
        chosen_by: if p.k.is_some() { "given" } else { "silhouette" },
        seed: p.seed,
        features: data.features.clone(),
        dropped_features: data.dropped.clone(),
        customers: data.customers,
        left_out: data.left_out,
        profile: profile(table, &labels, k, &p.features),
        sizes,
        centroids,
        inertia: fit.inertia,
        silhouette: sil,
        silhouette_sample: sample.len(),
        iterations: fit.iterations,
        converged: fit.converged,
        scan,
        labels,
    })
}

/// Renumbers the clusters by size, largest first (ties: the cluster of the
/// earlier customer row), so labels are stable across runs that find the same partition.
fn by_size(mut fit: Fit, k: usize, d: usize) -> Fit {
    let mut sizes = vec![0usize; k];
    let mut first = vec![usize::MAX; k];
    for (i, &l) in fit.labels.iter().enumerate() {
        sizes[l as usize] += 1;
        first[l as usize] = first[l as usize].min(i);
    }
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| sizes[b].cmp(&sizes[a]).then(first[a].cmp(&first[b])));
    let mut new_of = vec![0u32; k];
    for (new, &old) in order.iter().enumerate() {
        new_of[old] = new as u32;
    }
    for l in &mut fit.labels {
        *l = new_of[*l as usize];
    }
    fit.centers = order
        .iter()
        .flat_map(|&old| fit.centers[old * d..(old + 1) * d].to_vec())
        .collect();
    fit
}
