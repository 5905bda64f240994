//! Deterministic, realistic CRM sample data.
//!
//! [`generate`] writes a small "company" of CSV exports: three customer source
//! systems (shop, e-mail tool, help desk) that describe the same people with
//! planted duplicates and variations, order lines from a BG/NBD-style repeat
//! purchase process, campaigns with a control group and a known uplift, consents,
//! support tickets, surveys, web events, acquisition spend, and the ground truth
//! (`truth/…`) that lets analyses be checked against what was planted.
//!
//! The same [`GenerateOptions`] always give byte-identical files: every person
//! draws from their own random streams derived from the seed (one stream per
//! concern: profile, orders, campaigns, support, web), so changing how tickets
//! are made does not move a single order line. Output is streamed person by
//! person; nothing proportional to the number of order lines is held in memory.
//!
//! The history covers 2023-07-01 to 2026-06-30; there is no clock read anywhere.
//!
//! ```
//! use rapport::generate::{generate, GenerateOptions};
//! let opts = GenerateOptions { customers: 50, seed: 7, lean_orders: true, orders_only: true };
//! let summary = generate(&opts, &mut |name| {
//!     assert_eq!(name, "orders.csv");
//!     Ok(Box::new(std::io::sink()))
//! }).unwrap();
//! assert_eq!(summary.files.len(), 1);
//! assert!(summary.files[0].rows > 0);
//! ```

mod calendar;
mod campaigns;
mod catalogue;
mod csv_out;
mod locale;
mod locale_data;
mod orders;
mod people;
mod records;
mod rng;
mod run;
mod support;
mod text;
mod web;

#[cfg(test)]
mod tests;

pub use run::generate;

/// What to generate.
///
/// ```
/// let opts = rapport::generate::GenerateOptions { customers: 5_000, seed: 42, lean_orders: false, orders_only: false };
/// assert_eq!(opts.customers, 5_000);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateOptions {
    /// Number of distinct people (about 90 % of them have a shop account).
    pub customers: usize,
    /// Seed of every random choice; the same seed gives the same bytes.
    pub seed: u64,
    /// `true`: `orders.csv` has only the 7 columns
    /// `order_id,customer_id,order_date,product_id,category,quantity,amount`.
    pub lean_orders: bool,
    /// `true`: write only `orders.csv` (the same lines as a full run with the
    /// same seed and `lean_orders`), for benchmarks.
    pub orders_only: bool,
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GenerateSummary {
    /// The seed used.
    pub seed: u64,
    /// The number of people asked for.
    pub customers: usize,
    /// Every file written, in the order they were opened.
    pub files: Vec<FileSummary>,
}

/// One written file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileSummary {
    /// Relative path, e.g. `orders.csv` or `truth/identity.csv`.
    pub name: String,
    /// Data rows written (the header row is not counted).
    pub rows: u64,
}
