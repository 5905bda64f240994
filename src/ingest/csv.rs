//! RFC 4180 record reading, written for speed on the common case: an unquoted
//! field is a span of the input found by a table lookup per byte, never copied;
//! only quoted fields are unescaped into a scratch buffer.
//!
//! Leniencies, as spreadsheet tools have them: `\n`, `\r\n` and a lone `\r` end
//! a record; empty lines are skipped (they are not records); a quote inside an
//! unquoted field is a literal; text after a closing quote (`"a"b`) is kept as
//! part of the field; an unterminated quote runs to the end of the input.
//!
//! Input may come in pieces: a reader made with [`Records::streaming`] over a
//! piece that is not the last one hands out only records it has seen end, and
//! stops before the first one that might go on in the next piece.

use super::dialect::Dialect;

#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    in_scratch: bool,
}

/// Reads records one at a time; each comes as its unescaped fields.
pub struct Records<'a> {
    text: &'a [u8],
    pos: usize,
    delimiter: u8,
    quote: u8,
    /// `true` for the bytes that end an unquoted field.
    stops: [bool; 256],
    spans: Vec<Span>,
    scratch: Vec<u8>,
    /// Whether `text` runs to the end of the input (else more may follow it).
    last: bool,
}

impl<'a> Records<'a> {
    /// Records of `text`, the whole input, in `dialect`.
    #[cfg(test)]
    pub fn new(text: &'a [u8], dialect: Dialect) -> Self {
        Self::streaming(text, dialect, true)
    }

    /// Records of `text`, a piece of the input that is the last one when
    /// `last`: otherwise a record running to the end of `text` (or ending in a
    /// `\r` that may be half of a `\r\n`) is not handed out, and reading stops
    /// before it, at [`Records::consumed`].
    pub fn streaming(text: &'a [u8], dialect: Dialect, last: bool) -> Self {
        let delimiter = dialect.delimiter as u8;
        let mut stops = [false; 256];
        for b in [delimiter, b'\n', b'\r'] {
            stops[b as usize] = true;
        }
        Records {
            text,
            pos: 0,
            delimiter,
            quote: dialect.quote as u8,
            stops,
            spans: Vec::new(),
            scratch: Vec::new(),
            last,
        }
    }

    /// Bytes of input consumed so far.
    pub fn consumed(&self) -> usize {
        self.pos
    }

    /// The next record, or `None` at the end of the input (or of the piece,
    /// when the record there may not be complete yet).
    pub fn next_record(&mut self) -> Option<Record<'_>> {
        let text = self.text;
        let blank_from = self.pos;
        while self.pos < text.len() && matches!(text[self.pos], b'\n' | b'\r') {
            self.pos += 1;
        }
        if self.pos >= text.len() {
            if !self.last {
                // A trailing `\r` may be half of a `\r\n`: read the blank lines again with what follows.
                self.pos = blank_from;
            }
            return None;
        }
        let start = self.pos;
        self.spans.clear();
        self.scratch.clear();
        if self.plain_line() {
            return Some(Record {
                text,
                scratch: &self.scratch,
                spans: &self.spans,
                start,
            });
        }
        let ended = loop {
            if self.pos < text.len() && text[self.pos] == self.quote {
                self.quoted_field();
            } else {
                let s = self.pos;
                let mut p = s;
                while p < text.len() && !self.stops[text[p] as usize] {
                    p += 1;
                }
                self.pos = p;
                self.spans.push(Span {
                    start: s,
                    end: p,
                    in_scratch: false,
                });
            }
            match text.get(self.pos) {
                Some(&c) if c == self.delimiter => self.pos += 1,
                Some(b'\r') => {
                    self.pos += 1;
                    if text.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                        break true;
                    }
                    break self.pos < text.len();
                }
                Some(b'\n') => {
                    self.pos += 1;
                    break true;
                }
                _ => break false,
            }
        };
        if !ended && !self.last {
            self.pos = blank_from;
            return None;
        }
        Some(Record {
            text,
            scratch: &self.scratch,
            spans: &self.spans,
            start,
        })
    }

    /// The fast path: when the line holds no quote and no carriage return but
    /// its `\r\n` ending, split it on the delimiter in one pass that looks at
    /// eight bytes at a time. Answers `false` (having consumed nothing) when
    /// the line needs the full reader, which is also the one to tell where a
    /// piece ends mid-line.
    #[inline]
    fn plain_line(&mut self) -> bool {
        let text = self.text;
        let (delimiter, quote) = (self.delimiter, self.quote);
        let mut field = self.pos;
        let mut p = self.pos;
        while p < text.len() {
            let mut hits = structural16(text, p, [delimiter, quote, b'\n', b'\r']);
            while hits != 0 {
                let i = p + hits.trailing_zeros() as usize;
                hits &= hits - 1;
                let b = text[i];
                let next = if b == delimiter {
                    None
                } else if b == b'\n' {
                    Some(i + 1)
                } else if b == b'\r' && text.get(i + 1) == Some(&b'\n') {
                    Some(i + 2)
                } else {
                    // A quote or a lone `\r`: the full reader's work.
                    self.spans.clear();
                    return false;
                };
                self.spans.push(Span {
                    start: field,
                    end: i,
                    in_scratch: false,
                });
                field = i + 1;
                if let Some(next) = next {
                    self.pos = next;
                    return true;
                }
            }
            p += 16;
        }
        if !self.last {
            self.spans.clear();
            return false;
        }
        self.spans.push(Span {
            start: field,
            end: text.len(),
            in_scratch: false,
        });
        self.pos = text.len();
        true
    }

    /// Reads a quoted field starting at the opening quote into the scratch buffer.
    fn quoted_field(&mut self) {
        let text = self.text;
        let s = self.scratch.len();
        self.pos += 1;
        loop {
            let rest = &text[self.pos..];
            match rest.iter().position(|&b| b == self.quote) {
                None => {
                    self.scratch.extend_from_slice(rest);
                    self.pos = text.len();
                    break;
                }
                Some(q) => {
                    self.scratch.extend_from_slice(&rest[..q]);
                    self.pos += q + 1;
                    if text.get(self.pos) == Some(&self.quote) {
                        self.scratch.push(self.quote);
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
            }
        }
        while self.pos < text.len() && !self.stops[text[self.pos] as usize] {
            self.scratch.push(text[self.pos]);
            self.pos += 1;
        }
        self.spans.push(Span {
            start: s,
            end: self.scratch.len(),
            in_scratch: true,
        });
    }
}

/// Bit `k` set when byte `p + k` of `text` (`k < 16`, bytes past the end
/// count as none) is one of `bytes`: WebAssembly SIMD compares sixteen bytes
/// at once where the build has it, two 64-bit words of bit tricks elsewhere.
#[inline(always)]
fn structural16(text: &[u8], p: usize, bytes: [u8; 4]) -> u32 {
    let word = |s: &[u8]| u64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]]);
    let (block, valid) = match text.get(p..p + 16) {
        Some(b) => ([word(&b[..8]), word(&b[8..])], u32::MAX),
        None => {
            let mut tail = [0u8; 16];
            let n = text.len().saturating_sub(p).min(16);
            tail[..n].copy_from_slice(&text[p..p + n]);
            ([word(&tail[..8]), word(&tail[8..])], (1u32 << n) - 1)
        }
    };
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let hits = {
        use core::arch::wasm32::{u64x2, u8x16_bitmask, u8x16_eq, u8x16_splat, v128_or};
        let v = u64x2(block[0], block[1]);
        let eq = |c: u8| u8x16_eq(v, u8x16_splat(c));
        u32::from(u8x16_bitmask(v128_or(
            v128_or(eq(bytes[0]), eq(bytes[1])),
            v128_or(eq(bytes[2]), eq(bytes[3])),
        )))
    };
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let hits = swar_hits(block[0], bytes) | swar_hits(block[1], bytes) << 8;
    hits & valid
}

/// Bit `k` set when byte `k` of `w` is one of `bytes`.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn swar_hits(w: u64, bytes: [u8; 4]) -> u32 {
    let m = bytes
        .iter()
        .fold(0, |m, &b| m | zero_bytes(w ^ u64::from_ne_bytes([b; 8])));
    // The high bit of each byte, gathered into the top byte by one multiply.
    (((m >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56) as u32
}

/// `0x80` in each byte of `w` that is zero, `0` in every other byte (exact:
/// no borrow runs from one byte into the next).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn zero_bytes(w: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    !(((w & LOW7) + LOW7) | w | LOW7)
}

/// One record's unescaped fields.
pub struct Record<'r> {
    text: &'r [u8],
    scratch: &'r [u8],
    spans: &'r [Span],
    /// Byte offset in the input where the record starts.
    pub start: usize,
}

impl<'r> Record<'r> {
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Field `i` (empty when out of range).
    #[inline]
    pub fn field(&self, i: usize) -> &'r [u8] {
        match self.spans.get(i) {
            Some(s) if s.in_scratch => &self.scratch[s.start..s.end],
            Some(s) => &self.text[s.start..s.end],
            None => &[],
        }
    }

    /// True when every field is empty.
    pub fn is_blank(&self) -> bool {
        self.spans.iter().all(|s| s.start == s.end)
    }
}

/// Turns byte offsets into 1-based line numbers, counting forward only as far
/// as asked (so files without problems never pay for it).
#[derive(Debug, Default)]
pub struct LineCounter {
    pos: usize,
    line: u64,
}

impl LineCounter {
    /// The line of `text` on which byte `offset` stands; offsets must not decrease.
    /// Lines end with `\n`, `\r\n` or a lone `\r`, as the reader takes them.
    pub fn line_at(&mut self, text: &[u8], offset: usize) -> u64 {
        let end = offset.min(text.len());
        if self.pos < end {
            for i in memchr::memchr2_iter(b'\n', b'\r', &text[self.pos..end]) {
                let i = self.pos + i;
                let ends_line = text[i] == b'\n' || text.get(i + 1) != Some(&b'\n');
                self.line += u64::from(ends_line);
            }
        }
        self.pos = self.pos.max(end);
        self.line + 1
    }

    /// A counter that has counted `lines` line ends before the text it is given.
    pub fn starting_at(lines: u64) -> Self {
        LineCounter { pos: 0, line: lines }
    }

    /// Line ends counted so far.
    pub fn lines(&self) -> u64 {
        self.line
    }

    /// Counts the lines of `text` up to `consumed`, then forgets those bytes:
    /// offsets are from now on counted from `consumed` (the caller drops the
    /// bytes before it). `text[consumed]` must be there when `text[consumed - 1]`
    /// is a `\r`, so a `\r\n` is never taken for two line ends.
    pub fn rebase(&mut self, text: &[u8], consumed: usize) {
        self.line_at(text, consumed);
        self.pos = self.pos.saturating_sub(consumed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<Vec<String>> {
        let mut r = Records::new(
            text.as_bytes(),
            Dialect {
                delimiter: ',',
                quote: '"',
                header: true,
            },
        );
        let mut rows = Vec::new();
        while let Some(rec) = r.next_record() {
            rows.push(
                (0..rec.len())
                    .map(|i| String::from_utf8_lossy(rec.field(i)).into_owned())
                    .collect(),
            );
        }
        rows
    }

    #[test]
    fn quotes_in_quotes_and_newlines_in_fields_unescape() {
        let rows = all("a,b\n\"say \"\"hi\"\"\",\"two\nlines\"\r\nx,\n");
        assert_eq!(
            rows,
            vec![vec!["a", "b"], vec!["say \"hi\"", "two\nlines"], vec!["x", ""]]
        );
    }

    #[test]
    fn a_last_line_without_newline_is_still_a_record() {
        assert_eq!(all("a\n1\n2"), vec![vec!["a"], vec!["1"], vec!["2"]]);
    }

    #[test]
    fn records_know_the_line_they_start_on() {
        let text = b"a,b\n\n\"x\ny\",1\r\n\nq,2\rz,3\n";
        let mut r = Records::new(
            text,
            Dialect {
                delimiter: ',',
                quote: '"',
                header: true,
            },
        );
        let mut lines = LineCounter::default();
        let mut got = Vec::new();
        while let Some(rec) = r.next_record() {
            got.push(lines.line_at(text, rec.start));
        }
        assert_eq!(got, vec![1, 3, 6, 7]);
    }

    #[test]
    fn corner_cases_of_real_exports() {
        // Trailing delimiter, lone CR line ends, a quote inside an unquoted field,
        // text after a closing quote, and an unterminated quote at the end.
        assert_eq!(all("a,b,\rc,d\r"), vec![vec!["a", "b", ""], vec!["c", "d"]]);
        assert_eq!(all("5\" tall,x\n"), vec![vec!["5\" tall", "x"]]);
        assert_eq!(all("\"a\"b,c\n"), vec![vec!["ab", "c"]]);
        assert_eq!(all("x,\"open\nend"), vec![vec!["x", "open\nend"]]);
        assert_eq!(all("\"\",\"\"\"\"\"\"\n"), vec![vec!["", "\"\""]]);
        assert_eq!(all("a,b\n\n\n"), vec![vec!["a", "b"]]);
        assert_eq!(all(""), Vec::<Vec<String>>::new());
    }

    #[test]
    fn unquoted_text_splits_as_a_plain_reference_does_whole_and_in_pieces() {
        // Random text of delimiters, line ends and letters (no quotes), against a
        // reference: lines end at `\r\n`, `\r` or `\n`, empty lines are no
        // records, fields split at every comma.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in 0..300 {
            let text: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    b"ab,,\n\rxyz"[(seed % 9) as usize]
                })
                .collect();
            let text = String::from_utf8(text).unwrap();
            let expected: Vec<Vec<String>> = text
                .replace("\r\n", "\n")
                .split(['\n', '\r'])
                .filter(|l| !l.is_empty())
                .map(|l| l.split(',').map(String::from).collect())
                .collect();
            assert_eq!(all(&text), expected, "{text:?}");
            let d = Dialect {
                delimiter: ',',
                quote: '"',
                header: true,
            };
            for cut in 0..=text.len() {
                let (head, _) = text.as_bytes().split_at(cut);
                let mut r = Records::streaming(head, d, false);
                let mut got = Vec::new();
                while let Some(rec) = r.next_record() {
                    got.push(
                        (0..rec.len())
                            .map(|i| String::from_utf8_lossy(rec.field(i)).into_owned())
                            .collect::<Vec<_>>(),
                    );
                }
                let consumed = r.consumed();
                let mut r = Records::new(&text.as_bytes()[consumed..], d);
                while let Some(rec) = r.next_record() {
                    got.push(
                        (0..rec.len())
                            .map(|i| String::from_utf8_lossy(rec.field(i)).into_owned())
                            .collect(),
                    );
                }
                assert_eq!(got, expected, "{text:?} cut at {cut}");
            }
        }
    }

    #[test]
    fn long_fields_grow_the_buffers() {
        let long = "x".repeat(100_000);
        let rows = all(&format!("a,b\n{long},1\n"));
        assert_eq!(rows[1][0].len(), 100_000);
    }
}
