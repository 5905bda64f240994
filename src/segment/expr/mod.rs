//! The segment selection language: an expression over customer-table columns
//! and behaviour predicates, checked against the table and evaluated for every
//! customer at once. See the README's "Selection language" for the grammar.

mod ast;
mod bits;
mod check;
mod complete;
mod eval;
mod functions;
mod ir;
mod lexer;
mod parser;
mod predicates;
mod select;

pub use ast::{Arg, BinOp, Duration, Expr, Kind, Unit};
pub use check::{compile, compile_as};
pub use complete::{complete, Completion, CompletionKind};
pub use functions::{FunctionSpec, FUNCTIONS};
pub use ir::Pred;
pub use lexer::{lex, Tok, Token};
pub use parser::parse;
pub use predicates::next_occurrence;
pub use select::{count, select, Context, Segment, SegmentSummary};

#[cfg(test)]
mod tests;
