//! Encoding checks and CSV dialect sniffing.

use serde::Serialize;

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
}
