//! Writing RFC 4180 CSV: comma-separated, `\n` line ends, a field quoted when
//! it holds a comma, a quote, a line break or leading/trailing space.

/// A CSV document being written, one record at a time.
#[derive(Debug, Default)]
pub struct CsvWriter {
    out: Vec<u8>,
    fields_in_record: usize,
    line_start: usize,
}

impl CsvWriter {
    pub fn with_capacity(bytes: usize) -> Self {
        CsvWriter {
            out: Vec::with_capacity(bytes),
            ..Default::default()
        }
    }

    /// Appends one field to the current record.
    pub fn field(&mut self, text: &str) {
        if self.fields_in_record > 0 {
            self.out.push(b',');
        }
        self.fields_in_record += 1;
        if needs_quotes(text) {
            self.out.push(b'"');
            for part in text.split('"').enumerate() {
                if part.0 > 0 {
                    self.out.extend_from_slice(b"\"\"");
                }
                self.out.extend_from_slice(part.1.as_bytes());
            }
            self.out.push(b'"');
        } else {
            self.out.extend_from_slice(text.as_bytes());
        }
    }

    /// Ends the current record. A record of one empty field is written as `""`,
    /// since an empty line is not a record to CSV readers.
    pub fn end_record(&mut self) {
        if self.out.len() == self.line_start {
            self.out.extend_from_slice(b"\"\"");
        }
        self.out.push(b'\n');
        self.fields_in_record = 0;
        self.line_start = self.out.len();
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }
}

fn needs_quotes(text: &str) -> bool {
    text.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
        || text.starts_with([' ', '\t'])
        || text.ends_with([' ', '\t'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(fields: &[&str]) -> String {
        let mut w = CsvWriter::default();
        for f in fields {
            w.field(f);
        }
        w.end_record();
        String::from_utf8(w.into_bytes()).unwrap()
    }

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        assert_eq!(record(&["a", "b c", "Müller, Jürgen"]), "a,b c,\"Müller, Jürgen\"\n");
        assert_eq!(
            record(&["say \"hi\"", "two\nlines", "cr\r"]),
            "\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\"\n"
        );
        assert_eq!(
            record(&[" lead", "trail ", "in side"]),
            "\" lead\",\"trail \",in side\n"
        );
    }

    #[test]
    fn a_record_of_one_empty_field_is_not_an_empty_line() {
        assert_eq!(record(&[""]), "\"\"\n");
        assert_eq!(record(&["", ""]), ",\n");
    }
}
