//! Rapport: analytical CRM whose core runs in the browser as WebAssembly.
//!
//! The crate is plain Rust: every module below takes and returns Rust types and
//! [`Result`]. The only module that knows about JavaScript is `wasm` (compiled
//! for `wasm32` alone); the native command line (`src/bin/rapport.rs`) drives the
//! same API.
//!
//! ```
//! use rapport::{Entity, LoadOptions, Workspace};
//! let csv = "order_id,customer_id,order_date,amount\nO1,C1,2024-01-05,10.50\nO2,C2,2024-02-01,4\n";
//! let mut ws = Workspace::new();
//! let report = ws.load(Some(Entity::Orders), csv.as_bytes(), &LoadOptions::named("orders.csv")).unwrap();
//! assert_eq!((report.rows_read, report.rows_loaded), (2, 2));
//! let months = rapport::report::monthly_revenue(&ws).unwrap();
//! assert_eq!(months.rows[0].period, "2024-01");
//! ```
#![warn(clippy::unwrap_used, clippy::panic_in_result_fn)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod calendar;
pub mod campaign;
pub mod cohort;
pub mod customer_view;
pub mod error;
pub mod generate;
pub mod ingest;
pub mod lifecycle;
pub mod loyalty;
pub mod models;
pub mod pivot;
pub mod quality;
pub mod report;
pub mod segment;
pub mod stats;
pub mod table;

#[cfg(target_arch = "wasm32")]
mod wasm;

/// The JS-facing API, re-exported for the wasm-bindgen tests of `tests/wasm.rs`.
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod wasm_api {
    pub use crate::wasm::{memory_bytes, version, JsLoader as Loader, JsWorkspace as Workspace};
}

pub use error::{Error, Result};
pub use ingest::{Entity, LoadOptions, LoadReport, LoadSession, Progress};
pub use table::Workspace;
