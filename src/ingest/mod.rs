//! Ingest: from the bytes of a file to typed columns, with a report of every
//! row and cell that could not be taken as it was.

mod csv;
mod dialect;
mod encoding;
mod entity;
mod fields;
mod load;
mod plan;
mod preview;
mod session;
mod styles;
mod values;

pub use dialect::Dialect;
pub use entity::{field_for_header, normalise_header, recognise, Entity, FieldInfo, FieldSpec, FieldType};
pub use load::{LoadOptions, LoadReport, MappingEntry, ParsedTable, Progress, Reject};
pub use preview::{preview, Preview, PreviewOptions};
pub use session::{LoadSession, Part, PartReport, SAMPLE_TEXT};
pub use styles::{
    infer_date_style, infer_number_style, parse_date_as, parse_number_as, parse_timestamp_as, DateStyle, NumberStyle,
};
pub use values::{parse_bool, parse_date, parse_number, parse_timestamp};
