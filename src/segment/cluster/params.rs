//! Options of the k-means segmentation, as callers give them ([`ClusterParams`])
//! and checked once ([`ValidClusterParams`]).

use serde::Deserialize;

use crate::{Error, Result};

/// Options of [`super::choose_k`] and [`super::clusters`] as callers give them
/// (JS: camelCase, unknown keys refused).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ClusterParams {
    /// Customer-table columns to cluster on: numbers, bools (0/1) or dates (days).
    pub features: Vec<String>,
    /// The number of clusters of [`super::clusters`]; when absent, the k of
    /// `k_range` with the best silhouette.
    pub k: Option<usize>,
    /// The ks [`super::choose_k`] scans, both ends included (default 2..=10).
    pub k_range: Option<(usize, usize)>,
    /// Seed of every random choice; drawn (and reported) when absent.
    pub seed: Option<u64>,
    /// Lloyd iterations at most per run (default 100).
    pub max_iter: Option<usize>,
    /// Convergence: the summed squared shift of the centroids, in standardised
    /// units, at or below which a run stops (default 1e-4).
    pub tolerance: Option<f64>,
    /// Customers the silhouette is computed on (default 2,000; the same sample
    /// for every k).
    pub sample: Option<usize>,
    /// k-means++ starts per fit; the one with the least inertia wins (default 3).
    pub n_init: Option<usize>,
    /// Customers the k scan of [`super::choose_k`] fits on (default 100,000; a
    /// seeded sample when there are more). The final fit uses every customer.
    pub scan_rows: Option<usize>,
}

/// [`ClusterParams`] checked: every number in range, defaults filled in, the
/// seed drawn. Whether the features exist is checked against the table by
/// [`super::algorithm::Dataset::from_table`].
#[derive(Debug, Clone, PartialEq)]
pub struct ValidClusterParams {
    pub features: Vec<String>,
    pub k: Option<usize>,
    pub k_range: (usize, usize),
    pub seed: u64,
    pub max_iter: usize,
    pub tolerance: f64,
    pub sample: usize,
    pub n_init: usize,
    pub scan_rows: usize,
}

/// The largest integer a JS number holds exactly: drawn seeds stay below it so
/// the page can pass a reported seed back unchanged.
const JS_SAFE: u64 = (1 << 53) - 1;

impl ClusterParams {
    /// The checked options (draws the seed when none is given).
    pub fn check(&self) -> Result<ValidClusterParams> {
        if self.features.is_empty() {
            return Err(Error::option("features", "[]", "choose at least one customer column"));
        }
        for (i, f) in self.features.iter().enumerate() {
            if self.features[..i].contains(f) {
                return Err(Error::option("features", f, "listed twice"));
            }
        }
        if let Some(k) = self.k {
            if k < 2 {
                return Err(Error::option("k", k, "k must be at least 2 (one cluster is everyone)"));
            }
        }
        let k_range = self.k_range.unwrap_or((2, 10));
        let (lo, hi) = k_range;
        if lo < 2 || hi < lo {
            return Err(Error::option(
                "kRange",
                format!("{lo}..{hi}"),
                "expected 2 <= from <= to",
            ));
        }
        let max_iter = self.max_iter.unwrap_or(100);
        if max_iter == 0 {
            return Err(Error::option("maxIter", max_iter, "at least 1 iteration"));
        }
        let tolerance = self.tolerance.unwrap_or(1e-4);
        if !(tolerance.is_finite() && tolerance >= 0.0) {
            return Err(Error::option("tolerance", tolerance, "expected a number >= 0"));
        }
        let sample = self.sample.unwrap_or(2_000);
        if sample < 2 {
            return Err(Error::option(
                "sample",
                sample,
                "the silhouette needs at least 2 customers",
            ));
        }
        let n_init = self.n_init.unwrap_or(3);
        if n_init == 0 {
            return Err(Error::option("nInit", n_init, "at least 1 start"));
        }
        let scan_rows = self.scan_rows.unwrap_or(100_000);
        if scan_rows < hi {
            return Err(Error::option(
                "scanRows",
                scan_rows,
                format!("fewer rows than the largest k ({hi})"),
            ));
        }
        let seed = match self.seed {
            Some(s) => s,
            None => crate::stats::seed::seed_or_draw(None)? & JS_SAFE,
        };
        Ok(ValidClusterParams {
            features: self.features.clone(),
            k: self.k,
            k_range,
            seed,
            max_iter,
            tolerance,
            sample,
            n_init,
            scan_rows,
        })
    }
}
