//! The one error type of the format readers. Every message names the format.

/// Why a file could not be converted.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The bytes are none of the formats this crate reads.
    #[error("not a Parquet, Arrow IPC or XLSX file: {0}")]
    NotRecognised(String),

    /// The file starts like the format but its content is broken or cut short.
    #[error("this {format} file is corrupt: {reason}")]
    Corrupt { format: &'static str, reason: String },

    /// The file is well-formed but uses a feature not read here (a codec, a type).
    #[error("this {format} file uses {what}, which is not supported{hint}")]
    Unsupported {
        format: &'static str,
        what: String,
        /// Extra advice, starting with "; " when present.
        hint: String,
    },

    /// A password-protected workbook.
    #[error("encrypted XLSX is not supported: remove the password in Excel and save the workbook again")]
    EncryptedXlsx,

    /// The requested sheet is not in the workbook.
    #[error("XLSX sheet '{sheet}' not found; sheets: {}", sheets.join(", "))]
    SheetNotFound { sheet: String, sheets: Vec<String> },
}

/// The result of every conversion.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn corrupt(format: &'static str, reason: impl ToString) -> Self {
        Error::Corrupt {
            format,
            reason: reason.to_string(),
        }
    }
}
