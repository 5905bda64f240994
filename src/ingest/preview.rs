//! A file's first rows exactly as the reader splits them, before any typing:
//! what the page shows beside the column mapping and what `rapport preview` prints.

use serde::Serialize;

use super::csv::Records;
use super::dialect::Dialect;
use super::encoding::{TextDecoder, PRELUDE_BYTES};
use super::load::{dialect_for, format_name, LoadOptions};
use super::session::SAMPLE_TEXT;
use crate::Result;

/// The head of a file as read.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    /// `csv` or `tsv`; `parquet`, `arrow` or `xlsx` when the options said so.
    pub format: &'static str,
    pub dialect: Dialect,
    pub encoding: &'static str,
    /// Why the encoding was a guess, if it was.
    pub warnings: Vec<String>,
    pub header: Vec<String>,
    /// The first rows' cells, unescaped, as text.
    pub rows: Vec<Vec<String>>,
}

/// What to preview.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct PreviewOptions {
    /// The file's name, for messages.
    pub file_name: String,
    /// `"csv"` or `"tsv"`; sniffed when absent. `"parquet"`, `"arrow"`, `"xlsx"`:
    /// the CSV made from such a file by `rapport-formats`.
    pub format: Option<String>,
    /// The delimiter, when sniffing should be skipped.
    pub delimiter: Option<char>,
    /// How many rows (default 20).
    pub rows: Option<usize>,
}

/// The header and the first rows of a file, as strings.
pub fn preview(bytes: &[u8], opts: &PreviewOptions) -> Result<Preview> {
    let load = LoadOptions {
        file_name: opts.file_name.clone(),
        format: opts.format.clone(),
        delimiter: opts.delimiter,
        ..Default::default()
    };
    let rows = opts.rows.unwrap_or(20);
    let file = if load.file_name.is_empty() {
        "(unnamed)"
    } else {
        load.file_name.as_str()
    };
    // Only the head is decoded: the first piece, and more only while the rows
    // asked for have not all ended in what was read.
    let mut decoder = TextDecoder::new(file);
    let mut text = Vec::new();
    let mut read = 0;
    let mut piece = PRELUDE_BYTES;
    loop {
        let end = bytes.len().min(read + piece);
        let last = end == bytes.len();
        decoder.feed(&bytes[read..end], last, &mut text)?;
        read = end;
        piece *= 2;
        if last || complete_rows(&text, &load, rows + 1)? {
            break;
        }
    }
    let last = read == bytes.len();
    let dialect = dialect_for(&load, &text[..text.len().min(SAMPLE_TEXT)])?;
    let mut records = Records::streaming(&text, dialect, last);
    let as_strings = |rec: &super::csv::Record<'_>| -> Vec<String> {
        (0..rec.len())
            .map(|i| String::from_utf8_lossy(rec.field(i)).into_owned())
            .collect()
    };
    let header = records.next_record().map(|r| as_strings(&r)).unwrap_or_default();
    let mut out = Vec::with_capacity(rows.min(1000));
    while out.len() < rows {
        let Some(rec) = records.next_record() else { break };
        out.push(as_strings(&rec));
    }
    Ok(Preview {
        format: format_name(&load, dialect),
        dialect,
        encoding: decoder.encoding(),
        warnings: decoder.warnings().to_vec(),
        header,
        rows: out,
    })
}

/// Whether `text` (not the end of the file) holds `n` complete records.
fn complete_rows(text: &[u8], load: &LoadOptions, n: usize) -> Result<bool> {
    let dialect = dialect_for(load, &text[..text.len().min(SAMPLE_TEXT)])?;
    let mut records = Records::streaming(text, dialect, false);
    Ok((0..n).all(|_| records.next_record().is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_shows_cells_unescaped_and_stops_at_n_rows() {
        let opts = PreviewOptions {
            file_name: "f.csv".into(),
            rows: Some(2),
            ..Default::default()
        };
        let p = preview(b"a;b\n\"x;1\";2\n3;4\n5;6\n", &opts).unwrap();
        assert_eq!((p.format, p.dialect.delimiter, p.encoding), ("csv", ';', "utf-8"));
        assert_eq!(p.header, vec!["a", "b"]);
        assert_eq!(p.rows, vec![vec!["x;1", "2"], vec!["3", "4"]]);
        assert!(preview(b"", &PreviewOptions::default()).unwrap().header.is_empty());
    }

    #[test]
    fn preview_reads_only_the_head_of_a_big_file() {
        // Past the first megabyte the file is not even text: never decoded, never noticed.
        let mut bytes = "a,b\n".repeat(300_000).into_bytes();
        bytes.extend_from_slice(b"\xFF\x00\x00 not text");
        let p = preview(
            &bytes,
            &PreviewOptions {
                rows: Some(3),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!((p.encoding, p.rows.len()), ("utf-8", 3));
        assert!(p.warnings.is_empty());
    }
}
