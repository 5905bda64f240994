//! Encoding checks and CSV dialect sniffing.

use serde::Serialize;

use crate::{Error, Result};

/// The CSV dialect found in (or given for) a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dialect {
    /// The field delimiter, e.g. `,` `;` `\t` `|`.
    pub delimiter: char,
    /// The quote character.
    pub quote: char,
    /// Whether the first record is a header row (always true for now).
    pub header: bool,
}

const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
const SNIFF_BYTES: usize = 64 * 1024;
const SNIFF_LINES: usize = 50;

/// Strips a UTF-8 byte-order mark and checks the bytes are UTF-8; answers the
/// text's offset in `bytes` and the encoding's name.
pub fn check_encoding<'a>(file: &str, bytes: &'a [u8]) -> Result<(&'a [u8], &'static str)> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::Format {
            file: file.to_string(),
            reason: "the file is UTF-16 (byte-order mark found); save it as UTF-8 for now".into(),
        });
    }
    if bytes.starts_with(b"PAR1") {
        return Err(Error::Format {
            file: file.to_string(),
            reason: "this is a Parquet file; only CSV/TSV is read for now".into(),
        });
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(Error::Format {
            file: file.to_string(),
            reason: "this is a ZIP container (XLSX?); export the sheet as CSV for now".into(),
        });
    }
    if bytes.starts_with(&[0x1F, 0x8B]) {
        return Err(Error::Format {
            file: file.to_string(),
            reason: "the file is gzip-compressed; decompress it first".into(),
        });
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(body) {
        let at = e.valid_up_to();
        let line = body[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(Error::Format {
            file: file.to_string(),
            reason: format!(
                "the text is not valid UTF-8 (line {line}, byte {}); other encodings are not read yet",
                at + bytes.len() - body.len()
            ),
        });
    }
    if body.iter().take(SNIFF_BYTES).any(|&b| b == 0) {
        return Err(Error::Format {
            file: file.to_string(),
            reason: "binary content (NUL bytes) where text was expected".into(),
        });
    }
    Ok((body, "utf-8"))
}

/// Guesses the delimiter from the first lines: the candidate that appears the
/// same non-zero number of times (outside quotes) on most lines, most often.
pub fn sniff(text: &[u8]) -> Dialect {
    let sample = &text[..text.len().min(SNIFF_BYTES)];
    let mut best = (0usize, 0usize, b',');
    for &d in &CANDIDATES {
        let counts = line_counts(sample, d);
        let Some(&first) = counts.first() else {
            continue;
        };
        if first == 0 {
            continue;
        }
        let consistent = counts.iter().filter(|&&c| c == first).count();
        let score = (consistent, first);
        if score > (best.0, best.1) {
            best = (consistent, first, d);
        }
    }
    Dialect {
        delimiter: char::from(best.2),
        quote: '"',
        header: true,
    }
}

/// Occurrences of `delim` outside quotes on each of the first lines.
fn line_counts(sample: &[u8], delim: u8) -> Vec<usize> {
    let mut counts = Vec::new();
    let (mut in_quotes, mut n) = (false, 0usize);
    for &b in sample {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                counts.push(n);
                n = 0;
                if counts.len() >= SNIFF_LINES {
                    return counts;
                }
            }
            _ if b == delim && !in_quotes => n += 1,
            _ => {}
        }
    }
    if n > 0 {
        counts.push(n);
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_semicolon_tab_and_pipe() {
        assert_eq!(sniff(b"a;b;c\n1;2,5;3\n").delimiter, ';');
        assert_eq!(sniff(b"a\tb\n1\t2\n").delimiter, '\t');
        assert_eq!(sniff(b"a|b\n1|2\n").delimiter, '|');
        assert_eq!(sniff(b"a,b\n\"x;y;z\",2\n").delimiter, ',');
    }

    #[test]
    fn strips_a_utf8_bom_and_rejects_other_encodings_with_the_place() {
        let (body, enc) = check_encoding("f.csv", b"\xEF\xBB\xBFa,b\n").unwrap();
        assert_eq!((body, enc), (&b"a,b\n"[..], "utf-8"));
        let err = check_encoding("f.csv", b"a,b\nJ\xF6rg,1\n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
        assert!(matches!(
            check_encoding("f.csv", b"\xFF\xFEa\x00"),
            Err(Error::Format { .. })
        ));
        assert!(check_encoding("p.parquet", b"PAR1....")
            .unwrap_err()
            .to_string()
            .contains("Parquet"));
    }
}
