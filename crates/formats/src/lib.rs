//! Rapport's readers of columnar and spreadsheet files: Parquet, Arrow IPC (file
//! and stream) and XLSX. Each becomes the CSV text that the Rapport core loads
//! (with `LoadOptions.format` set to the format's name), so every value goes
//! through the same mapping, typing and reject reporting as a CSV would.
//!
//! This crate is built as its own wasm module, which the page fetches only when
//! a dropped file is one of these formats; the main module stays small. Only
//! `wasm.rs` (compiled for wasm32 alone) knows about JavaScript.
//!
//! ```
//! let csv = b"a\n1\n";
//! assert!(rapport_formats::sniff(csv).is_none()); // CSV is the core's business
//! ```
#![warn(clippy::unwrap_used, clippy::panic_in_result_fn)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod columnar;
mod csv_out;
mod error;
mod sniff;
mod text;
mod validate;
mod xlsx;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use error::{Error, Result};
pub use sniff::{sniff, Kind};

use serde::{Deserialize, Serialize};

/// How to convert a file. Every field is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ConvertOptions {
    /// The XLSX sheet to read (default: the first). Ignored, with a warning, for other formats.
    pub sheet: Option<String>,
}

/// A file converted to CSV, and what it was.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Converted {
    /// `"parquet"`, `"arrow"` or `"xlsx"`: what to pass as `LoadOptions.format`.
    pub format: &'static str,
    /// The sheet read (XLSX only).
    pub sheet: Option<String>,
    /// Every sheet of the workbook, in order (empty for other formats).
    pub sheets: Vec<String>,
    /// Data rows written (the header not counted).
    pub rows: usize,
    pub columns: usize,
    /// RFC 4180 CSV in UTF-8: comma-separated, `\n` line ends, header first.
    #[serde(skip)]
    pub csv: Vec<u8>,
    /// What the user should know about how the file was read (skipped rows, error cells …).
    pub warnings: Vec<String>,
}

/// Converts a Parquet, Arrow IPC or XLSX file to CSV text.
///
/// ```
/// let err = rapport_formats::to_csv(b"PAR1 not really", &Default::default()).unwrap_err();
/// assert!(err.to_string().starts_with("this Parquet file is corrupt"));
/// ```
pub fn to_csv(bytes: &[u8], opts: &ConvertOptions) -> Result<Converted> {
    let kind = sniff(bytes).ok_or_else(|| sniff::not_recognised(bytes))?;
    // The readers check what they read, and `validate` what they trust, but a
    // damaged file can still reach a panic inside them (see the fuzz test).
    // Natively that is caught and reported; in wasm32 a panic is a trap,
    // which the page's formats.ts reports the same way.
    #[cfg(not(target_arch = "wasm32"))]
    return std::panic::catch_unwind(|| convert(kind, bytes, opts))
        .unwrap_or_else(|_| Err(Error::corrupt(kind.format_name(), READER_STOPPED)));
    #[cfg(target_arch = "wasm32")]
    convert(kind, bytes, opts)
}

/// The reason given when a reader panicked on a damaged file.
pub const READER_STOPPED: &str = "the reader stopped on damaged data";

fn convert(kind: Kind, bytes: &[u8], opts: &ConvertOptions) -> Result<Converted> {
    let mut converted = match kind {
        Kind::Parquet => columnar::parquet_to_csv(bytes)?,
        Kind::ArrowFile => columnar::arrow_file_to_csv(bytes)?,
        Kind::ArrowStream => columnar::arrow_stream_to_csv(bytes)?,
        Kind::Xlsx => return xlsx::to_csv(bytes, opts.sheet.as_deref()),
    };
    if let Some(sheet) = &opts.sheet {
        converted.warnings.push(format!(
            "the sheet option ('{sheet}') applies to XLSX workbooks only; ignored"
        ));
    }
    Ok(converted)
}
