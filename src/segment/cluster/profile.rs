//! What each cluster looks like: size, share and the mean of each feature
//! against the mean over every clustered customer.

use serde::Serialize;

use super::algorithm::numeric_values;
use crate::table::CustomerTable;

/// Columns profiled whenever the table has them, chosen or not.
pub const ALWAYS_PROFILED: [&str; 3] = ["monetary_total", "order_count", "recency_days"];

/// One feature in one cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeatureMean {
    pub feature: String,
    /// Mean over the cluster's customers that have a value.
    pub mean: Option<f64>,
    /// Mean over every clustered customer that has a value.
    pub overall: Option<f64>,
    /// `mean / overall` (null when the overall mean is 0 or missing).
    pub ratio: Option<f64>,
}

/// One cluster's profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterProfile {
    /// The label in the `cluster` column: "1" is the largest cluster.
    pub cluster: String,
    pub size: usize,
    /// Share of the clustered customers.
    pub share: f64,
    pub means: Vec<FeatureMean>,
}

/// The profile of `k` clusters: `labels[row]` is the 0-based cluster of each
/// customer-table row (`None` when left out). Profiles `chosen` plus
/// [`ALWAYS_PROFILED`] (numbers, bools as 0/1, dates as days).
pub fn profile(table: &CustomerTable, labels: &[Option<u32>], k: usize, chosen: &[String]) -> Vec<ClusterProfile> {
    let mut names: Vec<&str> = chosen.iter().map(String::as_str).collect();
    for extra in ALWAYS_PROFILED {
        if !names.contains(&extra) && table.get(extra).is_some() {
            names.push(extra);
        }
    }
    let mut sizes = vec![0usize; k];
    for l in labels.iter().flatten() {
        sizes[*l as usize] += 1;
    }
    let clustered: usize = sizes.iter().sum();
    let mut out: Vec<ClusterProfile> = (0..k)
        .map(|c| ClusterProfile {
            cluster: (c + 1).to_string(),
            size: sizes[c],
            share: if clustered > 0 {
                sizes[c] as f64 / clustered as f64
            } else {
                0.0
            },
            means: Vec::with_capacity(names.len()),
        })
        .collect();
    for name in names {
        let Some(values) = table.get(name).and_then(numeric_values) else {
            continue;
        };
        let mut sum = vec![0.0f64; k];
        let mut cnt = vec![0usize; k];
        for (v, l) in values.iter().zip(labels) {
            if let (Some(v), Some(l)) = (v, l) {
                sum[*l as usize] += v;
                cnt[*l as usize] += 1;
            }
        }
        let all_n: usize = cnt.iter().sum();
        let overall = (all_n > 0).then(|| sum.iter().sum::<f64>() / all_n as f64);
        for (c, p) in out.iter_mut().enumerate() {
            let mean = (cnt[c] > 0).then(|| sum[c] / cnt[c] as f64);
            let ratio = match (mean, overall) {
                (Some(m), Some(o)) if o != 0.0 => Some(m / o),
                _ => None,
            };
            p.means.push(FeatureMean {
                feature: name.to_string(),
                mean,
                overall,
                ratio,
            });
        }
    }
    out
}
