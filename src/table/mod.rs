//! Entity tables and the workspace that holds them, on Arrow arrays.

mod bytes;
mod column;
pub mod customers;
mod export;
mod keys;
mod workspace;

pub use column::{export_type, Column, ColumnBuilder, ParsedColumn};
pub use customers::{CustomerTable, Feature, Values};
pub(crate) use export::write_ipc;
pub use export::TableQuery;
pub use keys::KeyDict;
pub use workspace::{EntityTable, TableSummary, Workspace};
