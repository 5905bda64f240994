//! Reports as pivots: one or two dimensions × measures, with totals, sorting,
//! drill-down along hierarchies and the customers behind each cell as a
//! selection expression. README "Reports" defines every measure and its grain:
//!
//! - **Customer grain** (every dimension, and filter, a customer-table column):
//!   each customer falls in one cell; `customers` counts every customer of the
//!   table (buyers or not), orders and revenue are theirs.
//! - **Order-line grain** (any dimension an order-line field: category,
//!   product_id, region, store, sales_rep, channel, payment_method, year,
//!   quarter, month): each line falls in one cell; `customers` counts distinct
//!   customers with an order (not a return) line in the cell, `orders` distinct
//!   orders with such a line. An order with lines in two cells counts in both,
//!   and once in their total: totals are recomputed from the lines, never summed.
//!
//! Lines are taken as the customer table takes them: cancelled lines are left
//! out, a return nets revenue and is not an order.

mod cells;
mod dims;
mod distinct;
mod engine;
mod locate;
mod params;
mod presets;
mod tally;
#[cfg(test)]
mod tests;

pub use dims::{drill_next, LINE_DIMENSIONS, NONE_LABEL};
pub use engine::{pivot, to_csv, Axis, Cell, PivotResult};
pub use params::{Filter, Measure, PivotDefinition, Sort, ValidDefinition};
pub use presets::{preset, presets, Preset};
