//! A file read in parts at once: each part by its own session (on a worker
//! with its own module instance), the later parts' rows then appended to the
//! first part's columns.
//!
//! A later part starts after a line break chosen by the caller, which may
//! fall inside a quoted field. So its rows count only when the first part's
//! reader, having read up to that break, stands at the end of a record with
//! nothing left over: then a serial read would start a record there too, and
//! reads from there exactly as the part's session did. Otherwise — or when
//! the text is not plain UTF-8, whose decoding does not depend on the bytes
//! before — the caller reads the file serially instead.
//!
//! Every part's session settles the dialect, header, mapping and column
//! styles on the same first bytes of the file (its head), so every part's
//! columns have the same types and its cells were read the same way.

use std::sync::Arc;

use arrow_array::types::UInt32Type;
use arrow_array::{ArrayRef, DictionaryArray, RecordBatch};
use arrow_buffer::Buffer;
use arrow_ipc::reader::StreamDecoder;
use arrow_schema::{Field, Schema};
use serde::{Deserialize, Serialize};

use super::{builders_for, rows_for, LoadSession, SAMPLE_TEXT};
use crate::ingest::csv::LineCounter;
use crate::ingest::encoding::TextDecoder;
use crate::ingest::load::{converted_format, LoadOptions, Reject};
use crate::ingest::Entity;
use crate::table::{write_ipc, ColumnBuilder, ParsedColumn};
use crate::{Error, Result};

/// What a later part's session read, beside its columns.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartReport {
    /// Bytes of the file in the part.
    pub bytes: u64,
    pub rows_read: u64,
    pub rows_loaded: u64,
    /// Rows rejected, numbered by the part's own lines (its first line is 1).
    pub rejected: Vec<Reject>,
    /// Cells nulled, numbered likewise.
    pub nulled: Vec<Reject>,
    /// Line ends in the part.
    pub lines: u64,
    /// Whether the part ends at the end of a record (its last line break is
    /// outside quotes, on a whole character): a part after it joins only then.
    pub ends_record: bool,
    /// Whether the part goes on from the one before, handed out by the same
    /// session ([`LoadSession::take_part`]): it is then no part of its own in
    /// the load report's `parts`.
    pub continues: bool,
}

/// The columns and report of a later part, as its session answers them.
pub struct Part {
    /// Each of the part's columns as its own Arrow IPC stream (key columns
    /// dictionary-encoded with the part's own ids): one at a time is all
    /// either side holds beside the columns.
    pub columns: Vec<Vec<u8>>,
    pub report: PartReport,
}

fn cannot(file: &str, reason: &str) -> Error {
    Error::Format {
        file: file.to_string(),
        reason: format!("this file cannot be read in parts: {reason}; read it in one"),
    }
}

impl LoadSession {
    /// The session of a later part of a file. `head` is the file's first
    /// bytes (at least [`SAMPLE_TEXT`] of them, plus a byte-order mark if
    /// any): everything is settled on it as the first part's session settles
    /// it. Push only the part's own bytes, which must start right after a line
    /// break, then [`LoadSession::finish_part`]. Answers an error when the
    /// file cannot be read in parts (not plain UTF-8, a converted file, a
    /// header longer than the sample); the caller then reads it in one.
    pub fn part(entity: Option<Entity>, opts: &LoadOptions, head: &[u8], part_bytes: u64) -> Result<LoadSession> {
        let mut s = LoadSession::new(entity, opts, Some(part_bytes));
        s.later = true;
        if converted_format(opts).is_some() {
            return Err(cannot(&s.file, "rows are numbered by record"));
        }
        s.decoder.feed(head, false, &mut s.text)?;
        if !s.decoder.clean_utf8() {
            return Err(cannot(&s.file, "its text is not plain UTF-8"));
        }
        if s.text.len() < SAMPLE_TEXT {
            return Err(cannot(&s.file, "the head given is shorter than the sample"));
        }
        let Some(mut parser) = s.settle(false)? else {
            return Err(cannot(&s.file, "its header row runs past the sample"));
        };
        parser.lines = LineCounter::default();
        s.parser = Some(parser);
        s.text.clear();
        s.decoder = TextDecoder::utf8_part(&s.file);
        s.bytes_done = 0;
        Ok(s)
    }

    /// Ends a later part: answers its columns and report, to be added to the
    /// first part's session with [`LoadSession::add_part`].
    pub fn finish_part(mut self) -> Result<Part> {
        let ends_record = self.read_to_record_end()?;
        self.step(&[], true)?;
        let Some(parser) = self.parser.take() else {
            return Err(self.no_header());
        };
        let lines = parser.lines.lines();
        let (taken, pieces) = (self.taken, self.pieces);
        let (table, report) = parser.finish(self);
        let columns = ipc_columns(table.columns.into_iter().map(|(_, _, col)| col))?;
        Ok(Part {
            columns,
            report: PartReport {
                bytes: report.bytes - taken,
                rows_read: report.rows_read,
                rows_loaded: report.rows_loaded,
                rejected: report.rejected,
                nulled: report.nulled,
                lines,
                ends_record,
                continues: pieces > 0,
            },
        })
    }

    /// Hands out what a later part's session has read so far, every record
    /// complete so far, as a part of its own, and goes on reading into fresh
    /// columns: a long part goes on in pieces, so its module instance never
    /// holds more than about one piece's columns. The session's size (its
    /// `part_bytes`) is then a piece's size: each piece's columns are sized
    /// for it. Parts taken, then the one [`LoadSession::finish_part`] answers,
    /// are added to the first part's session in that order.
    pub fn take_part(&mut self) -> Result<Part> {
        if !self.later {
            return Err(cannot(&self.file, "only a later part's session hands out parts"));
        }
        if let Some(parser) = self.parser.as_mut() {
            parser.retry_at = 0;
        }
        self.step(&[], false)?;
        let Some(parser) = self.parser.as_mut() else {
            return Err(self.no_header());
        };
        let rows = rows_for(self.bytes_total.unwrap_or(0) as f64, parser.sample_record);
        let fresh = builders_for(&parser.plan, &parser.sample_field, rows);
        let builders = std::mem::replace(&mut parser.builders, fresh);
        let report = PartReport {
            bytes: std::mem::take(&mut parser.text_parsed),
            rows_read: std::mem::take(&mut parser.rows_read),
            rows_loaded: std::mem::take(&mut parser.rows_loaded),
            rejected: std::mem::take(&mut parser.rejected),
            nulled: std::mem::take(&mut parser.nulled),
            lines: parser.lines.lines(),
            // Only complete records were handed out: the next part goes on from their end.
            ends_record: true,
            continues: self.pieces > 0,
        };
        parser.lines = LineCounter::default();
        self.taken += report.bytes;
        self.pieces += 1;
        let columns = ipc_columns(builders.into_iter().flatten().map(ColumnBuilder::finish))?;
        Ok(Part { columns, report })
    }

    /// Appends the rows of the next part (parts in file order) to this
    /// session, which read the file's first part; then [`LoadSession::finish`]
    /// as usual. `columns` are the part's columns (as in [`Part`]), taken one
    /// at a time. Answers `false`, leaving the session spent, when the parts
    /// do not join: the first part does not end at the end of a record, or
    /// its text was not plain UTF-8. The caller then reads the file in one.
    pub fn add_part(&mut self, report: PartReport, columns: impl ExactSizeIterator<Item = Vec<u8>>) -> Result<bool> {
        // The part before this one (the first, or one added before) must end
        // where this one starts: at the end of a record.
        if self.failed || self.open_part || !(self.joined || self.end_first_part()?) {
            self.failed = true;
            return Ok(false);
        }
        let Some(parser) = self.parser.as_mut() else {
            return Ok(false);
        };
        self.failed = true;
        let builders: Vec<_> = parser.builders.iter_mut().flatten().collect();
        if builders.len() != columns.len() {
            return Err(cannot(&self.file, "a part's columns do not match the first part's"));
        }
        for (b, ipc) in builders.into_iter().zip(columns) {
            let batch = read_batch(ipc)?;
            if batch.num_columns() != 1 || batch.num_rows() as u64 != report.rows_loaded {
                return Err(cannot(&self.file, "a part's columns do not match its report"));
            }
            b.extend(batch.column(0).as_ref())?;
        }
        let shift = parser.lines.lines();
        let shifted = |v: Vec<Reject>| {
            v.into_iter().map(move |x| Reject {
                row: x.row + shift,
                ..x
            })
        };
        self.open_part = !report.ends_record;
        parser.text_parsed += report.bytes;
        parser.rows_read += report.rows_read;
        parser.rows_loaded += report.rows_loaded;
        parser.rejected.extend(shifted(report.rejected));
        parser.nulled.extend(shifted(report.nulled));
        parser.lines = LineCounter::starting_at(shift + report.lines);
        self.bytes_done += report.bytes;
        self.parts += u32::from(!report.continues);
        self.failed = false;
        Ok(true)
    }
}

impl LoadSession {
    /// Reads every record the first part completed, however long, and marks
    /// the input ended; `false` when the first part does not end at the end
    /// of a record (nothing but blank lines left), was not plain UTF-8 cut
    /// on a whole character, or is numbered by record.
    fn end_first_part(&mut self) -> Result<bool> {
        if converted_format(&self.opts).is_some() || !self.decoder.clean_utf8() || !self.read_to_record_end()? {
            return Ok(false);
        }
        self.joined = true;
        Ok(true)
    }

    /// Reads every record the text so far completes, however long; `true`
    /// when that leaves nothing but blank lines (then dropped: here they end
    /// the text) and no character cut short, i.e. the text read ends at the
    /// end of a record.
    fn read_to_record_end(&mut self) -> Result<bool> {
        if !self.decoder.whole_chars() {
            return Ok(false);
        }
        let Some(parser) = self.parser.as_mut() else {
            return Ok(false);
        };
        parser.retry_at = 0;
        self.step(&[], false)?;
        // Blank lines are left to the next text; here they are the text's end.
        let blank = self.text.iter().all(|&b| b == b'\n' || b == b'\r') && self.text.last() != Some(&b'\r');
        if let (true, Some(parser)) = (blank, self.parser.as_mut()) {
            parser.lines.rebase(&self.text, self.text.len());
            self.text.clear();
        }
        Ok(self.text.is_empty() && self.parser.is_some())
    }
}

/// Each column as its own Arrow IPC stream, ids dictionary-encoded with the
/// part's own dictionary; each column is dropped once written.
fn ipc_columns(columns: impl Iterator<Item = ParsedColumn>) -> Result<Vec<Vec<u8>>> {
    columns
        .map(|col| {
            let array: ArrayRef = match col {
                ParsedColumn::Ready(c) => c.array(),
                ParsedColumn::Keys { keys, local, .. } => Arc::new(DictionaryArray::<UInt32Type>::try_new(
                    keys,
                    Arc::new(local.to_arrow()),
                )?),
            };
            let field = Field::new("c", array.data_type().clone(), true);
            write_ipc(&RecordBatch::try_new(Arc::new(Schema::new(vec![field])), vec![array])?)
        })
        .collect()
}

/// The record batch of a part's IPC stream, its arrays over `ipc`'s own
/// memory (no copy of the columns).
fn read_batch(ipc: Vec<u8>) -> Result<RecordBatch> {
    let mut buffer = Buffer::from_vec(ipc);
    let mut decoder = StreamDecoder::new();
    while !buffer.is_empty() {
        if let Some(batch) = decoder.decode(&mut buffer)? {
            return Ok(batch);
        }
    }
    Err(Error::Arrow(arrow_schema::ArrowError::IpcError(
        "a part's columns hold no record batch".into(),
    )))
}
