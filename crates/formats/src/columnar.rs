//! Parquet and Arrow IPC: record batches, written row by row as CSV.

use std::io::Cursor;

use arrow_array::RecordBatch;
use arrow_schema::{ArrowError, Schema};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;

use crate::csv_out::CsvWriter;
use crate::text::{supported, write_value};
use crate::validate;
use crate::{Converted, Error, Result};

const PARQUET: &str = "Parquet";
const ARROW: &str = "Arrow IPC";

/// Rows decoded at a time.
const BATCH_ROWS: usize = 8192;

/// The Parquet codecs this build decodes. Zstandard needs a C compiler for the
/// target, which the wasm build does not have: it is read natively only.
fn codec_supported(c: Compression) -> bool {
    match c {
        Compression::UNCOMPRESSED
        | Compression::SNAPPY
        | Compression::GZIP(_)
        | Compression::LZ4
        | Compression::LZ4_RAW => true,
        Compression::ZSTD(_) => cfg!(not(target_arch = "wasm32")),
        Compression::BROTLI(_) | Compression::LZO => false,
    }
}

fn codec_name(c: Compression) -> &'static str {
    match c {
        Compression::UNCOMPRESSED => "no compression",
        Compression::SNAPPY => "Snappy",
        Compression::GZIP(_) => "gzip",
        Compression::LZO => "LZO",
        Compression::BROTLI(_) => "Brotli",
        Compression::LZ4 | Compression::LZ4_RAW => "LZ4",
        Compression::ZSTD(_) => "Zstandard",
    }
}

fn readable_codecs() -> &'static str {
    if cfg!(target_arch = "wasm32") {
        "; in the browser Rapport reads uncompressed, Snappy, gzip and LZ4 Parquet \
         (the rapport command line also reads Zstandard): write the file with one of those"
    } else {
        "; Rapport reads uncompressed, Snappy, gzip, LZ4 and Zstandard Parquet: write the file with one of those"
    }
}

/// Converts a Parquet file.
pub fn parquet_to_csv(bytes: &[u8]) -> Result<Converted> {
    let data = bytes::Bytes::copy_from_slice(bytes);
    let builder = ParquetRecordBatchReaderBuilder::try_new(data).map_err(|e| Error::corrupt(PARQUET, e))?;
    validate::parquet(builder.metadata(), bytes.len())?;
    for rg in builder.metadata().row_groups() {
        if let Some(c) = rg.columns().iter().find(|c| !codec_supported(c.compression())) {
            return Err(Error::Unsupported {
                format: PARQUET,
                what: format!(
                    "{} compression (column '{}')",
                    codec_name(c.compression()),
                    c.column_path()
                ),
                hint: readable_codecs().into(),
            });
        }
    }
    let schema = builder.schema().clone();
    check_types(PARQUET, &schema)?;
    let reader = builder
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(|e| Error::corrupt(PARQUET, e))?;
    write_batches(
        PARQUET,
        "parquet",
        &schema,
        reader.map(|b| b.map_err(|e| Error::corrupt(PARQUET, e))),
    )
}

/// Converts an Arrow IPC file (`ARROW1` … `ARROW1`).
pub fn arrow_file_to_csv(bytes: &[u8]) -> Result<Converted> {
    validate::arrow_file(bytes)?;
    let reader = arrow_ipc::reader::FileReader::try_new(Cursor::new(bytes), None).map_err(arrow_error)?;
    let schema = reader.schema();
    check_types(ARROW, &schema)?;
    write_batches(ARROW, "arrow", &schema, reader.map(|b| b.map_err(arrow_error)))
}

/// Converts an Arrow IPC stream.
pub fn arrow_stream_to_csv(bytes: &[u8]) -> Result<Converted> {
    validate::arrow_stream(bytes)?;
    let reader = arrow_ipc::reader::StreamReader::try_new(Cursor::new(bytes), None).map_err(arrow_error)?;
    let schema = reader.schema();
    check_types(ARROW, &schema)?;
    write_batches(ARROW, "arrow", &schema, reader.map(|b| b.map_err(arrow_error)))
}

fn arrow_error(e: ArrowError) -> Error {
    match e {
        // A body compressed with a codec this build lacks.
        ArrowError::InvalidArgumentError(m) if m.contains("compression") || m.contains("zstd") => Error::Unsupported {
            format: ARROW,
            what: format!("a compression this build cannot decode ({m})"),
            hint: "; write the file uncompressed or with LZ4".into(),
        },
        e => Error::corrupt(ARROW, e),
    }
}

fn check_types(format: &'static str, schema: &Schema) -> Result<()> {
    if schema.fields().is_empty() {
        return Err(Error::corrupt(format, "it has no columns"));
    }
    match schema.fields().iter().find(|f| !supported(f.data_type())) {
        Some(f) => Err(Error::Unsupported {
            format,
            what: format!("the type {} (column '{}')", f.data_type(), f.name()),
            hint: String::new(),
        }),
        None => Ok(()),
    }
}

fn write_batches(
    format: &'static str,
    name: &'static str,
    schema: &Schema,
    batches: impl Iterator<Item = Result<RecordBatch>>,
) -> Result<Converted> {
    let mut csv = CsvWriter::with_capacity(1 << 16);
    for f in schema.fields() {
        csv.field(f.name());
    }
    csv.end_record();
    let mut rows = 0;
    let mut cell = String::new();
    let mut nul_columns: Vec<&str> = Vec::new();
    for batch in batches {
        let batch = batch?;
        if batch.num_columns() != schema.fields().len() {
            return Err(Error::corrupt(format, "a record batch does not match the schema"));
        }
        for i in 0..batch.num_rows() {
            for (column, field) in batch.columns().iter().zip(schema.fields()) {
                cell.clear();
                write_value(&mut cell, column.as_ref(), i, false);
                if cell.contains('\0') {
                    // Text with NUL bytes would read as binary: replace them, and say so once per column.
                    cell = cell.replace('\0', "\u{FFFD}");
                    if !nul_columns.contains(&field.name().as_str()) {
                        nul_columns.push(field.name());
                    }
                }
                csv.field(&cell);
            }
            csv.end_record();
        }
        rows += batch.num_rows();
    }
    let warnings = nul_columns
        .iter()
        .map(|c| format!("column '{c}' holds NUL characters; they were replaced by U+FFFD"))
        .collect();
    Ok(Converted {
        format: name,
        sheet: None,
        sheets: Vec::new(),
        rows,
        columns: schema.fields().len(),
        csv: csv.into_bytes(),
        warnings,
    })
}
