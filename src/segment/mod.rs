//! Segments: RFM scores and named segments, and selections of customers.

pub mod rfm;

use crate::table::customers::CustomerParams;
use crate::table::Workspace;
use crate::{Error, Result};

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

/// The customer-table rows a segment selects (every customer when `expr` is `None`).
pub fn select(ws: &mut Workspace, expr: Option<&str>, today: i32) -> Result<Vec<u32>> {
    let table = ws.customers(&CustomerParams::default(), today)?;
    match expr.map(str::trim).filter(|e| !e.is_empty()) {
        None => Ok((0..table.len() as u32).collect()),
        Some(e) => Err(Error::option("segment", e, "segment expressions are not read yet")),
    }
}
