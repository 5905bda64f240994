//! Structural checks made before a file is handed to the Parquet and Arrow IPC
//! readers. Those readers trust some lengths and offsets in the file: a
//! damaged one can make them slice past a buffer (a panic, which in wasm32 is
//! a trap) or allocate what a corrupt length claims (an abort). Each check
//! here turns one such case, found by the fuzz test, into an error.

use arrow_ipc::{CompressionType, MessageHeader};
use parquet::file::metadata::ParquetMetaData;

use crate::{Error, Result};

const ARROW: &str = "Arrow IPC";
const PARQUET: &str = "Parquet";

/// Every column chunk lies inside the file.
pub fn parquet(meta: &ParquetMetaData, file_len: usize) -> Result<()> {
    for (r, rg) in meta.row_groups().iter().enumerate() {
        if rg.num_rows() < 0 {
            return Err(Error::corrupt(
                PARQUET,
                format!("row group {r} has a negative row count"),
            ));
        }
        for c in rg.columns() {
            let start = c.dictionary_page_offset().unwrap_or(c.data_page_offset());
            let inside = start >= 0
                && c.data_page_offset() >= start
                && c.compressed_size() >= 0
                && c.num_values() >= 0
                && (start as u64).saturating_add(c.compressed_size() as u64) <= file_len as u64;
            if !inside {
                return Err(Error::corrupt(
                    PARQUET,
                    format!(
                        "column chunk '{}' of row group {r} lies outside the file",
                        c.column_path()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The IPC file format: `ARROW1\0\0`, messages, a footer listing their blocks,
/// the footer's length and `ARROW1`.
pub fn arrow_file(bytes: &[u8]) -> Result<()> {
    let n = bytes.len();
    if n < 18 || !bytes.ends_with(b"ARROW1") {
        return Err(Error::corrupt(ARROW, "it is cut short (no footer)"));
    }
    let footer_len = i32::from_le_bytes([bytes[n - 10], bytes[n - 9], bytes[n - 8], bytes[n - 7]]);
    let footer_start = usize::try_from(footer_len)
        .ok()
        .and_then(|l| (n - 10).checked_sub(l))
        .ok_or_else(|| Error::corrupt(ARROW, "the footer length is out of range"))?;
    let footer = arrow_ipc::root_as_footer(&bytes[footer_start..n - 10]).map_err(|e| Error::corrupt(ARROW, e))?;
    let blocks = footer
        .dictionaries()
        .into_iter()
        .flatten()
        .chain(footer.recordBatches().into_iter().flatten());
    for b in blocks {
        let start = usize::try_from(b.offset()).ok();
        let meta_len = usize::try_from(b.metaDataLength()).ok();
        let body_len = usize::try_from(b.bodyLength()).ok();
        let (Some(start), Some(meta_len), Some(body_len)) = (start, meta_len, body_len) else {
            return Err(Error::corrupt(
                ARROW,
                "a block of the footer has a negative offset or length",
            ));
        };
        let meta_end = start.saturating_add(meta_len);
        if meta_end.saturating_add(body_len) > footer_start || meta_len < 8 {
            return Err(Error::corrupt(ARROW, "a block of the footer lies outside the file"));
        }
        // The metadata is prefixed by the continuation marker and its length.
        let prefix = if bytes[start..].starts_with(&[0xFF; 4]) { 8 } else { 4 };
        message(&bytes[start + prefix..meta_end], &bytes[meta_end..meta_end + body_len])?;
    }
    Ok(())
}

/// The IPC stream format: messages until the end-of-stream marker or the end.
pub fn arrow_stream(bytes: &[u8]) -> Result<()> {
    let mut pos = 0usize;
    while pos + 4 <= bytes.len() {
        let word = |at: usize| {
            bytes
                .get(at..at + 4)
                .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
        };
        let (len, header) = match word(pos) {
            Some(0xFFFF_FFFF) => (word(pos + 4).unwrap_or(0), 8),
            Some(l) => (l, 4),
            None => break,
        };
        if len == 0 {
            break;
        }
        let meta_start = pos + header;
        let meta_end = meta_start.saturating_add(len as usize);
        let meta = bytes
            .get(meta_start..meta_end)
            .ok_or_else(|| Error::corrupt(ARROW, "a message is cut short"))?;
        let msg = arrow_ipc::root_as_message(meta).map_err(|e| Error::corrupt(ARROW, e))?;
        let body_len = usize::try_from(msg.bodyLength())
            .map_err(|_| Error::corrupt(ARROW, "a message has a negative body length"))?;
        let body = bytes
            .get(meta_end..meta_end.saturating_add(body_len))
            .ok_or_else(|| Error::corrupt(ARROW, "a message body is cut short"))?;
        message(meta, body)?;
        pos = meta_end + body_len;
    }
    Ok(())
}

/// One message: every buffer inside its body, and no compressed buffer
/// claiming more bytes than its codec can expand to.
fn message(meta: &[u8], body: &[u8]) -> Result<()> {
    let msg = arrow_ipc::root_as_message(meta).map_err(|e| Error::corrupt(ARROW, e))?;
    let batch = match msg.header_type() {
        MessageHeader::RecordBatch => msg.header_as_record_batch(),
        MessageHeader::DictionaryBatch => msg.header_as_dictionary_batch().and_then(|d| d.data()),
        _ => None,
    };
    let Some(batch) = batch else { return Ok(()) };
    if usize::try_from(msg.bodyLength()).ok() != Some(body.len()) {
        return Err(Error::corrupt(
            ARROW,
            "a message's body length disagrees with its block",
        ));
    }
    if batch.length() < 0
        || batch
            .nodes()
            .into_iter()
            .flatten()
            .any(|n| n.length() < 0 || n.null_count() < 0)
    {
        return Err(Error::corrupt(ARROW, "a record batch has a negative length"));
    }
    let codec = batch.compression().map(|c| c.codec());
    for b in batch.buffers().into_iter().flatten() {
        let (Ok(off), Ok(len)) = (usize::try_from(b.offset()), usize::try_from(b.length())) else {
            return Err(Error::corrupt(ARROW, "a buffer has a negative offset or length"));
        };
        let data = body
            .get(off..off.saturating_add(len))
            .ok_or_else(|| Error::corrupt(ARROW, "a buffer lies outside its message body"))?;
        let (Some(codec), Some(prefix)) = (codec, data.get(..8)) else {
            continue;
        };
        let claimed = i64::from_le_bytes([
            prefix[0], prefix[1], prefix[2], prefix[3], prefix[4], prefix[5], prefix[6], prefix[7],
        ]);
        // -1 marks a buffer stored uncompressed. LZ4 expands at most ~255 times;
        // Zstandard far more, so only an absolute bound (1 GiB) applies to it.
        let limit = match codec {
            CompressionType::LZ4_FRAME => (len as i64).saturating_mul(256).saturating_add(64),
            _ => 1 << 30,
        };
        if claimed != -1 && !(0..=limit).contains(&claimed) {
            return Err(Error::corrupt(
                ARROW,
                format!("a compressed buffer of {len} bytes claims to expand to {claimed}"),
            ));
        }
    }
    Ok(())
}
