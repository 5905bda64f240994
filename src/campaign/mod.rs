//! Campaigns: audiences (consent, suppressions, control groups) and their export.

pub mod audience;
mod export;

pub use audience::{build, Audience, AudienceOptions, AudienceParams, Exclusion, Stratum};
pub use export::{csv_cell, export_csv, number_text, ExportOptions};
