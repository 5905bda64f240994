//! Cohorts: customers grouped by when (or by what) they first bought, and
//! what each group did in the periods after — retention as Amplitude, Mixpanel
//! and PostHog show it, with orders and revenue added. See README "Cohorts and
//! lifecycle" for the definitions.

mod lines;
mod matrix;
mod params;
mod period;

pub use matrix::{cohorts, Cohort, CohortReport, CohortTotals};
pub use params::{CohortBy, CohortOptions, CohortParams, Measure};
pub use period::Period;

pub(crate) use lines::{each_line, first_line_date, has_cost};
pub(crate) use params::as_of_or_last;
pub(crate) use period::PeriodTable;

#[cfg(test)]
mod tests;
