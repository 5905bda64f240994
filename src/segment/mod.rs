//! Segments: the selection language over the customer table, and the segments
//! a workspace saves by name.

pub mod expr;
mod saved;

pub use expr::{complete, count, select, Completion, CompletionKind, Context, Segment, SegmentSummary};
pub use saved::{SavedSegment, SegmentStore};
