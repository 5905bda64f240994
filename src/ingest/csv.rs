//! RFC 4180 record reading on top of `csv-core`'s allocation-free state machine.

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

use super::dialect::Dialect;

/// Reads records one at a time; each comes as its unescaped fields.
pub struct Records<'a> {
    reader: Reader,
    input: &'a [u8],
    consumed: usize,
    out: Vec<u8>,
    ends: Vec<usize>,
    done: bool,
}

impl<'a> Records<'a> {
    /// Records of `text` in `dialect`.
    pub fn new(text: &'a [u8], dialect: Dialect) -> Self {
        let reader = ReaderBuilder::new()
            .delimiter(dialect.delimiter as u8)
            .quote(dialect.quote as u8)
            .build();
        Records {
            reader,
            input: text,
            consumed: 0,
            out: vec![0; 4096],
            ends: vec![0; 64],
            done: false,
        }
    }

    /// Bytes of input consumed so far.
    pub fn consumed(&self) -> usize {
        self.consumed
    }

    /// The next record, or `None` at the end of the input.
    pub fn next_record(&mut self) -> Option<Record<'_>> {
        if self.done {
            return None;
        }
        let (mut outlen, mut endlen) = (0usize, 0usize);
        let start = self.consumed
            + self
                .input
                .iter()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .count();
        loop {
            let (res, nin, nout, nend) = self.reader.read_record(
                self.input,
                &mut self.out[outlen..],
                &mut self.ends[endlen..],
            );
            self.input = &self.input[nin..];
            self.consumed += nin;
            outlen += nout;
            endlen += nend;
            match res {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                ReadRecordResult::Record => {
                    return Some(Record {
                        out: &self.out[..outlen],
                        ends: &self.ends[..endlen],
                        start,
                    });
                }
                ReadRecordResult::End => {
                    self.done = true;
                    return None;
                }
            }
        }
    }
}

/// One record's unescaped fields.
pub struct Record<'r> {
    out: &'r [u8],
    ends: &'r [usize],
    /// Byte offset in the input where the record starts.
    pub start: usize,
}

impl<'r> Record<'r> {
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Field `i` (empty when out of range).
    pub fn field(&self, i: usize) -> &'r [u8] {
        match i {
            _ if i >= self.ends.len() => &[],
            0 => &self.out[..self.ends[0]],
            _ => &self.out[self.ends[i - 1]..self.ends[i]],
        }
    }

    /// True when every field is empty (a blank line).
    pub fn is_blank(&self) -> bool {
        self.ends.last().is_none_or(|&e| e == 0)
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
    pub fn line_at(&mut self, text: &[u8], offset: usize) -> u64 {
        let end = offset.min(text.len());
        if end > self.pos {
            self.line += text[self.pos..end].iter().filter(|&&b| b == b'\n').count() as u64;
            self.pos = end;
        }
        self.line + 1
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
            vec![
                vec!["a", "b"],
                vec!["say \"hi\"", "two\nlines"],
                vec!["x", ""]
            ]
        );
    }

    #[test]
    fn a_last_line_without_newline_is_still_a_record() {
        assert_eq!(all("a\n1\n2"), vec![vec!["a"], vec!["1"], vec!["2"]]);
    }

    #[test]
    fn records_know_the_line_they_start_on() {
        let text = b"a,b\n\n\"x\ny\",1\r\n\nq,2\n";
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
        assert_eq!(got, vec![1, 3, 6]);
    }

    #[test]
    fn long_fields_grow_the_buffers() {
        let long = "x".repeat(100_000);
        let rows = all(&format!("a,b\n{long},1\n"));
        assert_eq!(rows[1][0].len(), 100_000);
    }
}
