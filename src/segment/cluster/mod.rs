//! Market segments: k-means (k-means++ starts, seeded) on chosen, standardised
//! customer features, a k scan with inertia and sampled silhouette, and a
//! profile of each cluster against the overall means.

mod algorithm;
mod params;
mod profile;
mod run;

pub use algorithm::{kmeans, kmeans_plus_plus, lloyd, silhouette, Dataset, Fit, Lloyd};
pub use params::{ClusterParams, ValidClusterParams};
pub use profile::{profile, ClusterProfile, FeatureMean, ALWAYS_PROFILED};
pub use run::{choose_k, clusters, Clustering, KScan, KScore};

#[cfg(test)]
mod tests;
