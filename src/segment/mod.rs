//! Segments of the customer table: k-means clusters and value tiers. Each adds
//! a category column to the customer table.

pub mod cluster;
pub mod tiers;

pub use cluster::{choose_k, clusters, ClusterParams, Clustering, KScan};
pub use tiers::{value_tiers, ValueTierParams, ValueTiers};
