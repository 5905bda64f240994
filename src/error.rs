//! One error type for the whole core. Data errors carry file, row and column so a
//! user can find the cell; the wasm boundary turns each variant into a JS `Error`
//! with a stable `code` (see [`Error::code`]).

use std::fmt;

/// Where in an input a problem sits. `row` counts records as a spreadsheet does:
/// the header is row 1, the first data record row 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub row: Option<u64>,
    pub column: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column '{column}'")?;
        }
        Ok(())
    }
}

/// Every failure the core can report.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The bytes are not a format (or encoding) Rapport reads.
    #[error("{file}: cannot read this file: {reason}")]
    Format { file: String, reason: String },

    /// A file was read but its content cannot be loaded as asked.
    #[error("{at}: {reason}")]
    Ingest { at: Location, reason: String },

    /// An option passed by the caller is invalid.
    #[error("option '{field}' = {value:?}: {reason}")]
    Options {
        field: String,
        value: String,
        reason: String,
    },

    /// An analysis needs data that is not loaded.
    #[error("{0}")]
    MissingData(String),

    /// Writing an Arrow result failed (never expected for well-formed tables).
    #[error("arrow: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),

    /// An I/O error of the native command line or generator.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),

    /// The caller cancelled a long-running operation.
    #[error("cancelled by the caller")]
    Cancelled,

    /// A selection expression does not parse or does not type-check. `at` is the
    /// byte offset in the expression's text; `suggestion` the nearest known name.
    #[error("{message} at {at}{}", did_you_mean(.suggestion))]
    Expr {
        at: usize,
        message: String,
        suggestion: Option<String>,
    },

    /// A model cannot be fitted or used on this data (too few customers, a
    /// likelihood that does not converge, a series too short for its season).
    #[error("{model}: {reason}")]
    Model { model: String, reason: String },
}

fn did_you_mean(suggestion: &Option<String>) -> String {
    suggestion
        .as_ref()
        .map(|s| format!("; did you mean '{s}'?"))
        .unwrap_or_default()
}

impl Error {
    /// A stable, machine-readable code for the kind of error (used as the JS `code`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Format { .. } => "FORMAT",
            Error::Ingest { .. } => "INGEST",
            Error::Options { .. } => "OPTIONS",
            Error::MissingData(_) => "MISSING_DATA",
            Error::Arrow(_) => "ARROW",
            Error::Io(_) => "IO",
            Error::Cancelled => "CANCELLED",
            Error::Expr { .. } => "EXPR",
            Error::Model { .. } => "MODEL",
        }
    }

    /// Shorthand for an [`Error::Expr`] without a suggestion.
    pub fn expr(at: usize, message: impl Into<String>) -> Self {
        Error::Expr {
            at,
            message: message.into(),
            suggestion: None,
        }
    }

    /// Shorthand for an [`Error::Model`].
    pub fn model(model: &str, reason: impl Into<String>) -> Self {
        Error::Model {
            model: model.to_string(),
            reason: reason.into(),
        }
    }

    /// Shorthand for an [`Error::Options`].
    pub fn option(field: &str, value: impl ToString, reason: impl Into<String>) -> Self {
        Error::Options {
            field: field.to_string(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
