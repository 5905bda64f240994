//! A streaming CSV writer: RFC 4180 quoting only where a field needs it, `\n`
//! line ends, one row assembled in memory and then written.

use std::io::{self, BufWriter, Write};

use super::calendar::{self, Day, Instant};
use super::FileSummary;

/// The callback [`super::generate`] receives to create an output file.
pub(crate) type Opener<'a> = dyn FnMut(&str) -> io::Result<Box<dyn Write>> + 'a;

/// One output CSV file being written.
pub(crate) struct CsvFile {
    name: String,
    out: BufWriter<Box<dyn Write>>,
    delimiter: u8,
    row: Vec<u8>,
    fields_in_row: usize,
    rows: u64,
}

impl CsvFile {
    /// Opens `name` through `open` and writes the header row.
    pub(crate) fn create(open: &mut Opener<'_>, name: &str, delimiter: u8, header: &[&str]) -> io::Result<Self> {
        let out = BufWriter::with_capacity(1 << 18, open(name)?);
        let mut file = CsvFile {
            name: name.to_string(),
            out,
            delimiter,
            row: Vec::with_capacity(512),
            fields_in_row: 0,
            rows: 0,
        };
        for column in header {
            file.text(column);
        }
        file.end_row()?;
        file.rows = 0;
        Ok(file)
    }

    fn separate(&mut self) {
        if self.fields_in_row > 0 {
            self.row.push(self.delimiter);
        }
        self.fields_in_row += 1;
    }

    /// A text field, quoted when it holds the delimiter, a quote or a line break.
    pub(crate) fn text(&mut self, value: &str) {
        self.separate();
        let bytes = value.as_bytes();
        let delimiter = self.delimiter;
        if bytes
            .iter()
            .any(|&b| b == delimiter || b == b'"' || b == b'\n' || b == b'\r')
        {
            self.row.push(b'"');
            for &b in bytes {
                if b == b'"' {
                    self.row.push(b'"');
                }
                self.row.push(b);
            }
            self.row.push(b'"');
        } else {
            self.row.extend_from_slice(bytes);
        }
    }

    /// A text field that may be missing (an empty cell).
    pub(crate) fn opt_text(&mut self, value: Option<&str>) {
        self.text(value.unwrap_or(""));
    }

    /// An empty cell.
    pub(crate) fn empty(&mut self) {
        self.separate();
    }

    /// An identifier such as `C000042`: a prefix and a zero-padded number.
    pub(crate) fn id(&mut self, prefix: &str, number: u64, width: usize) {
        self.separate();
        push_id(&mut self.row, prefix, number, width);
    }

    /// A whole number.
    pub(crate) fn int(&mut self, value: i64) {
        self.separate();
        push_int(&mut self.row, value);
    }

    /// An amount of money given in cents, written with two decimals.
    pub(crate) fn cents(&mut self, cents: i64) {
        self.separate();
        if cents < 0 {
            self.row.push(b'-');
        }
        let abs = cents.unsigned_abs();
        push_int(&mut self.row, (abs / 100) as i64);
        self.row.push(b'.');
        calendar::push_digits(&mut self.row, (abs % 100) as u32, 2);
    }

    /// A number with a fixed count of decimals.
    pub(crate) fn decimal(&mut self, value: f64, decimals: usize) {
        self.separate();
        self.row.extend_from_slice(format!("{value:.decimals$}").as_bytes());
    }

    /// A `YYYY-MM-DD` date.
    pub(crate) fn date(&mut self, day: Day) {
        self.separate();
        calendar::push_date(&mut self.row, day);
    }

    /// A date that may be missing.
    pub(crate) fn opt_date(&mut self, day: Option<Day>) {
        match day {
            Some(day) => self.date(day),
            None => self.empty(),
        }
    }

    /// A `YYYY-MM` month.
    pub(crate) fn month(&mut self, day: Day) {
        self.separate();
        calendar::push_month(&mut self.row, day);
    }

    /// A `YYYY-MM-DDTHH:MM:SSZ` timestamp.
    pub(crate) fn timestamp(&mut self, at: Instant) {
        self.separate();
        calendar::push_timestamp(&mut self.row, at);
    }

    /// A timestamp that may be missing.
    pub(crate) fn opt_timestamp(&mut self, at: Option<Instant>) {
        match at {
            Some(at) => self.timestamp(at),
            None => self.empty(),
        }
    }

    /// Ends the current row and writes it.
    pub(crate) fn end_row(&mut self) -> io::Result<()> {
        self.row.push(b'\n');
        self.out.write_all(&self.row)?;
        self.row.clear();
        self.fields_in_row = 0;
        self.rows += 1;
        Ok(())
    }

    /// Flushes the file and reports its data rows.
    pub(crate) fn finish(mut self) -> io::Result<FileSummary> {
        self.out.flush()?;
        Ok(FileSummary {
            name: self.name,
            rows: self.rows,
        })
    }
}

/// Appends `prefix` and `number` zero-padded to `width` digits.
pub(crate) fn push_id(out: &mut Vec<u8>, prefix: &str, number: u64, width: usize) {
    out.extend_from_slice(prefix.as_bytes());
    calendar::push_digits(out, number, width);
}

/// `prefix` and `number` zero-padded to `width` digits, as a `String`.
pub(crate) fn id_string(prefix: &str, number: u64, width: usize) -> String {
    let mut out = Vec::with_capacity(prefix.len() + width);
    push_id(&mut out, prefix, number, width);
    String::from_utf8_lossy(&out).into_owned()
}

fn push_int(out: &mut Vec<u8>, value: i64) {
    if value < 0 {
        out.push(b'-');
    }
    push_id(out, "", value.unsigned_abs(), 1);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    #[derive(Clone, Default)]
    struct Shared(Rc<RefCell<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn fields_with_delimiter_quote_or_newline_are_quoted_and_others_are_not() {
        let sink = Shared::default();
        let handle = sink.clone();
        let mut open = move |_: &str| -> io::Result<Box<dyn Write>> { Ok(Box::new(handle.clone())) };
        let mut file = CsvFile::create(&mut open, "x.csv", b';', &["a", "b"]).unwrap();
        file.text("plain, with comma");
        file.text("semi;colon");
        file.end_row().unwrap();
        file.text("say \"hi\"");
        file.text("two\nlines");
        file.end_row().unwrap();
        file.cents(-1205);
        file.id("C", 42, 6);
        file.end_row().unwrap();
        let summary = file.finish().unwrap();
        assert_eq!(summary.rows, 3);
        let text = String::from_utf8(sink.0.borrow().clone()).unwrap();
        assert_eq!(
            text,
            "a;b\nplain, with comma;\"semi;colon\"\n\"say \"\"hi\"\"\";\"two\nlines\"\n-12.05;C000042\n"
        );
    }
}
