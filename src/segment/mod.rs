//! Segments: the selection language over the customer table, the segments a
//! workspace saves by name, RFM scores with their named segments, k-means
//! clusters and value tiers. Each analysis adds columns to the customer table.

pub mod cluster;
pub mod expr;
pub mod rfm;
mod saved;
pub mod tiers;

pub use cluster::{choose_k, clusters, ClusterParams, Clustering, KScan};
pub use expr::{complete, count, select, Completion, CompletionKind, Context, Segment, SegmentSummary};
pub use saved::{SavedSegment, SegmentStore};
pub use tiers::{value_tiers, ValueTierParams, ValueTiers};

use crate::table::customers::CustomerParams;
use crate::table::Workspace;
use crate::Result;

/// Adds the columns of analyses that run with defaults when a name refers to
/// one not computed yet: `rfm_*` runs RFM with its defaults. Names that no
/// analysis provides are left for the caller to report.
pub fn derive_missing(ws: &mut Workspace, names: &[&str], today: i32) -> Result<()> {
    let table = ws.customers(&CustomerParams::default(), today)?;
    let wants_rfm = names.iter().any(|n| n.starts_with("rfm_") && table.get(n).is_none());
    if wants_rfm && ws.tables(crate::Entity::Orders).next().is_some() {
        let scores = rfm::score(ws, &rfm::RfmParams::default().check(ws)?);
        let table = ws.customers(&CustomerParams::default(), today)?;
        for f in rfm::columns(&scores) {
            table.add(f)?;
        }
    }
    Ok(())
}

/// The customer-table rows an expression selects (every customer when `expr`
/// is `None` or blank). An expression naming `rfm_…` columns gets them computed
/// with RFM's defaults first, when no RFM has run.
pub fn rows_of(ws: &mut Workspace, expr: Option<&str>, today: i32) -> Result<Vec<u32>> {
    let n = ws.customers(&CustomerParams::default(), today)?.len();
    match expr.map(str::trim).filter(|e| !e.is_empty()) {
        None => Ok((0..n as u32).collect()),
        Some(e) => {
            if e.contains("rfm_") {
                derive_missing(ws, &["rfm_r"], today)?;
            }
            let ctx = ws.segment_context()?;
            Ok(select(&ctx, e)?.rows)
        }
    }
}
