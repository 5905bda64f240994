//! A load fed piece by piece: bytes go through the decoder and the CSV reader
//! straight into the column builders, so a file never sits whole in memory.
//!
//! The first [`SAMPLE_TEXT`] bytes of text are held until they are all there
//! (or the file ends): the dialect, the header, the mapping, each column's
//! date and number style and the builders' sizes come from them. After that,
//! every push parses the records it completes; a record cut at the end of a
//! piece (a quoted field with line breaks, a `\r` before its `\n`, a character
//! of several bytes) waits for the next one.

use super::csv::{LineCounter, Records};
use super::dialect::Dialect;
use super::encoding::TextDecoder;
use super::entity::{recognise, Entity, FieldType};
use super::load::{
    converted_format, dialect_for, format_name, read_row, LoadOptions, LoadReport, MappingEntry, ParsedTable, Progress,
    Reject,
};
use super::plan::{column_styles, plan_columns, CellStyle, Target};
use crate::table::{ColumnBuilder, Workspace};
use crate::{Error, Result};

mod parts;
pub use parts::{Part, PartReport};

/// Text read before the dialect, the header, the mapping and the column
/// styles are settled (they are settled on these bytes whatever the pieces).
pub const SAMPLE_TEXT: usize = 1 << 20;

/// Text left unread at the end of a piece beyond which reading waits for more.
const OPEN_RECORD: usize = 64 * 1024;

/// Spare room, as a fraction, when builders are sized from an estimate.
const MARGIN: f64 = 1.0 / 32.0;

/// A load in progress. Push the file's bytes in order with
/// [`LoadSession::push`], then [`LoadSession::finish`] it into a workspace;
/// dropping it instead cancels the load. Nothing reaches a workspace before
/// `finish` succeeds.
pub struct LoadSession {
    file: String,
    opts: LoadOptions,
    entity: Option<Entity>,
    bytes_total: Option<u64>,
    bytes_done: u64,
    decoder: TextDecoder,
    /// Decoded text not parsed yet: the sample, then a record cut at the end of a piece.
    text: Vec<u8>,
    parser: Option<Parser>,
    /// Text to have before settling (the sample; more while the header row goes on).
    settle_at: usize,
    /// Set when a push failed: the session can only be dropped.
    failed: bool,
    /// Set once a later part's rows were added: the input has ended.
    joined: bool,
    /// Parts read: 1, and 1 more per part added.
    parts: u32,
    /// Set when the last part added does not end at the end of a record:
    /// no part can follow it.
    open_part: bool,
    /// Bytes of the file in the parts a later part's session handed out
    /// already ([`LoadSession::take_part`]).
    taken: u64,
    /// Parts a later part's session handed out already.
    pieces: u32,
    /// Set for a later part's session ([`LoadSession::part`]).
    later: bool,
}

/// Everything settled from the sample, and the rows parsed so far.
struct Parser {
    entity: Entity,
    dialect: Dialect,
    headers: Vec<String>,
    plan: Vec<Target>,
    styles: Vec<CellStyle>,
    mapping: Vec<MappingEntry>,
    style_warnings: Vec<String>,
    builders: Vec<Option<ColumnBuilder>>,
    rows_read: u64,
    rows_loaded: u64,
    rejected: Vec<Reject>,
    nulled: Vec<Reject>,
    row_nulled: Vec<Reject>,
    lines: LineCounter,
    /// Number rows by record rather than by line (files converted by rapport-formats).
    by_record: bool,
    /// Text bytes of the records parsed so far (after the header).
    text_parsed: u64,
    /// Text bytes per record in the sample.
    sample_record: f64,
    /// Per column, text bytes per row in the sample.
    sample_field: Vec<f64>,
    /// Text to wait for before reading again, when a long record is still
    /// open (an unclosed quote can run for megabytes): waiting for it to
    /// double keeps re-reading it linear overall.
    retry_at: usize,
}

impl LoadSession {
    /// A load of one file of `entity` (recognised from the headers when
    /// `None`); `bytes_total`, the file's size when known, sizes the columns
    /// up front so they do not grow past what the file needs.
    pub fn new(entity: Option<Entity>, opts: &LoadOptions, bytes_total: Option<u64>) -> Self {
        let file = if opts.file_name.is_empty() {
            "(unnamed)".to_string()
        } else {
            opts.file_name.clone()
        };
        LoadSession {
            decoder: TextDecoder::new(&file),
            file,
            opts: opts.clone(),
            entity,
            bytes_total,
            bytes_done: 0,
            text: Vec::new(),
            parser: None,
            settle_at: SAMPLE_TEXT,
            failed: false,
            joined: false,
            parts: 1,
            open_part: false,
            taken: 0,
            pieces: 0,
            later: false,
        }
    }

    /// How far the load is.
    pub fn progress(&self) -> Progress {
        Progress {
            stage: "parse",
            done: self.bytes_done,
            total: self.bytes_total.unwrap_or(0),
            bytes_done: self.bytes_done,
            bytes_total: self.bytes_total,
        }
    }

    /// Reads the next piece of the file (any size, in order): every record it
    /// completes goes into the columns.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Progress> {
        self.step(chunk, false)?;
        Ok(self.progress())
    }

    /// Ends the input and answers the parsed table and its report, without a
    /// workspace; see [`LoadSession::finish`].
    pub fn finish_parse(mut self) -> Result<(ParsedTable, LoadReport)> {
        self.step(&[], true)?;
        let Some(parser) = self.parser.take() else {
            return Err(self.no_header());
        };
        Ok(parser.finish(self))
    }

    /// Ends the input and adds the file to `ws`; answers the load report.
    /// On an error `ws` is left as it was.
    pub fn finish(self, ws: &mut Workspace) -> Result<LoadReport> {
        let (table, report) = self.finish_parse()?;
        ws.add_parsed(table, &report);
        Ok(report)
    }

    fn no_header(&self) -> Error {
        Error::Format {
            file: self.file.clone(),
            reason: "the file is empty: no header row".into(),
        }
    }

    fn step(&mut self, chunk: &[u8], last: bool) -> Result<()> {
        if self.failed {
            return Err(Error::Format {
                file: self.file.clone(),
                reason: "an earlier piece of this file could not be read; the load has ended".into(),
            });
        }
        if self.joined && !chunk.is_empty() {
            return Err(Error::Format {
                file: self.file.clone(),
                reason: "the parts of this file were joined; nothing can be read after them".into(),
            });
        }
        self.failed = true;
        self.bytes_done += chunk.len() as u64;
        self.decoder.feed(chunk, last, &mut self.text)?;
        if self.parser.is_none() {
            if self.text.len() < self.settle_at && !last {
                self.failed = false;
                return Ok(());
            }
            match self.settle(last)? {
                Some(parser) => self.parser = Some(parser),
                None if last => return Err(self.no_header()),
                None => {
                    // The header row runs past the sample: try again on twice the text.
                    self.settle_at = self.text.len() * 2;
                    self.failed = false;
                    return Ok(());
                }
            }
        }
        if let Some(parser) = &mut self.parser {
            if last || self.text.len() >= parser.retry_at {
                let total_text = self.bytes_total.map(|b| b as f64 * self.decoder.expansion());
                // Once parts were joined nothing is left to read, nor to make room for.
                if !self.joined {
                    parser.reserve(self.text.len(), total_text);
                }
                let consumed = parser.parse(&self.text, last);
                parser.lines.rebase(&self.text, consumed);
                self.text.drain(..consumed);
                let open = self.text.len();
                parser.retry_at = if open > OPEN_RECORD { open * 2 } else { 0 };
            }
        }
        self.failed = false;
        Ok(())
    }

    /// Settles dialect, header, mapping, styles and builders from the first
    /// text; `None` while the header row has not ended.
    fn settle(&mut self, last: bool) -> Result<Option<Parser>> {
        let file = self.file.as_str();
        let opts = &self.opts;
        let sample = &self.text[..self.text.len().min(SAMPLE_TEXT)];
        let sample_last = last && self.text.len() <= SAMPLE_TEXT;
        let dialect = dialect_for(opts, sample)?;
        let mut records = Records::streaming(&self.text, dialect, last);
        let headers: Vec<String> = match records.next_record() {
            Some(rec) if !rec.is_blank() => (0..rec.len())
                .map(|i| String::from_utf8_lossy(rec.field(i)).trim().to_string())
                .collect(),
            Some(_) => return Err(self.no_header()),
            None if !last => return Ok(None),
            None => return Err(self.no_header()),
        };
        let header_end = records.consumed();
        let entity = match self.entity {
            Some(e) => e,
            None => recognise(&headers, file).ok_or_else(|| Error::Ingest {
                at: crate::error::Location {
                    file: file.to_string(),
                    row: Some(1),
                    column: None,
                },
                reason: format!(
                    "cannot tell which entity this is from its headers ({}); name it, e.g. load(\"orders\", …)",
                    headers.join(", ")
                ),
            })?,
        };
        let plan = plan_columns(entity, &headers, opts, file)?;
        let (styles, style_warnings) = column_styles(sample, sample_last, dialect, &plan, &headers, opts)?;
        let mapping = mapping_entries(&plan, &headers, &styles);

        // Sizes: text bytes per record and per text field in the sample.
        let (sample_record, sample_field) = sample_sizes(sample, sample_last, dialect, &plan);
        let total_text = self.bytes_total.map(|b| b as f64 * self.decoder.expansion());
        // A size said is trusted (a float-to-int cast saturates; builders only ask for room).
        let rows = match total_text {
            Some(t) => rows_for(t - header_end as f64, sample_record),
            None => ((self.text.len() as f64 / sample_record * 2.0) as usize).saturating_add(16),
        };
        let builders = builders_for(&plan, &sample_field, rows);
        let mut lines = LineCounter::default();
        lines.rebase(&self.text, header_end);
        self.text.drain(..header_end);
        Ok(Some(Parser {
            entity,
            dialect,
            headers,
            plan,
            styles,
            mapping,
            style_warnings,
            builders,
            rows_read: 0,
            rows_loaded: 0,
            rejected: Vec::new(),
            nulled: Vec::new(),
            row_nulled: Vec::new(),
            lines,
            by_record: converted_format(&self.opts).is_some(),
            text_parsed: 0,
            sample_record,
            sample_field,
            retry_at: 0,
        }))
    }
}

impl Parser {
    /// Makes room in the builders for the records of `pending` more bytes of
    /// text, growing them (exactly, never by doubling) to what the whole file
    /// is projected to need when its size is known.
    fn reserve(&mut self, pending: usize, total_text: Option<f64>) {
        let rows = self.rows_loaded as usize;
        // Records per text byte so far (the sample's until enough rows are in).
        let per_record = if self.rows_read >= 1000 {
            self.text_parsed as f64 / self.rows_read as f64
        } else {
            self.sample_record
        };
        let per_record = per_record.max(1.0);
        let need = rows + (pending as f64 / per_record * 1.25) as usize + 16;
        let projected = total_text.map(|t| ((t / per_record * (1.0 + MARGIN)) as usize).saturating_add(16));
        let grown = |cap: usize, need: usize, projected: Option<usize>| match projected {
            Some(p) if p >= need => p,
            _ => need.max(cap + cap / 2),
        };
        let pending_rows = pending as f64 / per_record * 1.25;
        for (b, &sample_per_row) in self.builders.iter_mut().zip(&self.sample_field) {
            let Some(b) = b else { continue };
            let cap = b.row_capacity();
            let target_rows = if need > cap { grown(cap, need, projected) } else { cap };
            let mut target_text = 0;
            if b.is_text() {
                let per_row = if rows >= 1000 {
                    b.text_len() as f64 / rows as f64
                } else {
                    sample_per_row
                };
                let text_need = b.text_len() + (pending_rows * per_row) as usize + 64;
                if text_need > b.text_capacity() {
                    let text_projected = projected.map(|p| (p as f64 * per_row * (1.0 + MARGIN)) as usize);
                    target_text = grown(b.text_capacity(), text_need, text_projected);
                }
            }
            if target_rows > cap || target_text > 0 {
                b.reserve(target_rows, target_text);
            }
            b.reserve_distinct(projected.unwrap_or(need));
        }
    }

    /// Parses the complete records of `text` (all of it when `last`);
    /// answers the bytes consumed.
    #[inline(never)]
    fn parse(&mut self, text: &[u8], last: bool) -> usize {
        let mut records = Records::streaming(text, self.dialect, last);
        while let Some(rec) = records.next_record() {
            self.rows_read += 1;
            match read_row(
                &rec,
                &self.plan,
                &self.styles,
                &self.headers,
                &mut self.builders,
                &mut self.row_nulled,
            ) {
                Ok(()) => {
                    self.rows_loaded += 1;
                    if !self.row_nulled.is_empty() {
                        let row = if self.by_record {
                            self.rows_read + 1
                        } else {
                            self.lines.line_at(text, rec.start)
                        };
                        self.nulled
                            .extend(self.row_nulled.drain(..).map(|n| Reject { row, ..n }));
                    }
                }
                Err(mut reject) => {
                    reject.row = if self.by_record {
                        self.rows_read + 1
                    } else {
                        self.lines.line_at(text, rec.start)
                    };
                    self.rejected.push(reject);
                    self.row_nulled.clear();
                }
            }
        }
        let consumed = records.consumed();
        self.text_parsed += consumed as u64;
        consumed
    }

    fn finish(self, session: LoadSession) -> (ParsedTable, LoadReport) {
        let entity = self.entity;
        let source = session.opts.source_tag();
        let columns = self
            .headers
            .iter()
            .zip(self.plan.iter())
            .zip(self.builders)
            .filter_map(|((h, t), b)| {
                let b = b?;
                Some(match t {
                    Target::Field(s) => (s.name.to_string(), true, b.finish()),
                    _ => (h.clone(), false, b.finish()),
                })
            })
            .collect();
        let report = LoadReport {
            file: session.file,
            entity,
            source: source.clone(),
            format: format_name(&session.opts, self.dialect),
            encoding: session.decoder.encoding(),
            dialect: self.dialect,
            bytes: session.bytes_done,
            rows_read: self.rows_read,
            rows_loaded: self.rows_loaded,
            rows_rejected: self.rejected.len() as u64,
            mapping: self.mapping,
            rejected: self.rejected,
            nulled: self.nulled,
            warnings: session
                .decoder
                .warnings()
                .iter()
                .cloned()
                .chain(self.style_warnings)
                .collect(),
            parts: session.parts,
        };
        let table = ParsedTable {
            entity,
            source,
            rows: self.rows_loaded as usize,
            columns,
        };
        (table, report)
    }
}

/// Rows to size builders for when `text` bytes of records are to come, at
/// `per_record` bytes each (and some spare).
fn rows_for(text: f64, per_record: f64) -> usize {
    ((text.max(0.0) / per_record * (1.0 + MARGIN)) as usize).saturating_add(16)
}

/// Empty builders for the columns of `plan` (`None` for ignored ones), with
/// room for `rows` rows and, for text, their text at the sample's bytes per row.
fn builders_for(plan: &[Target], sample_field: &[f64], rows: usize) -> Vec<Option<ColumnBuilder>> {
    plan.iter()
        .zip(sample_field)
        .map(|(t, &per_row)| {
            let text_bytes = (rows as f64 * per_row) as usize;
            match t {
                Target::Field(s) => Some(ColumnBuilder::new(s.ty, rows, text_bytes)),
                Target::Attribute => Some(ColumnBuilder::new(FieldType::Text, rows, text_bytes)),
                Target::Ignored => None,
            }
        })
        .collect()
}

/// What each header became, for the report.
fn mapping_entries(plan: &[Target], headers: &[String], styles: &[CellStyle]) -> Vec<MappingEntry> {
    plan.iter()
        .zip(headers)
        .zip(styles)
        .map(|((t, h), style)| match t {
            Target::Field(s) => MappingEntry {
                header: h.clone(),
                field: Some(s.name.to_string()),
                kind: "field",
                ty: Some(s.ty),
                format: style.label(s.ty),
            },
            Target::Attribute => MappingEntry {
                header: h.clone(),
                field: None,
                kind: "attribute",
                ty: Some(FieldType::Text),
                format: None,
            },
            Target::Ignored => MappingEntry {
                header: h.clone(),
                field: None,
                kind: "ignored",
                ty: None,
                format: None,
            },
        })
        .collect()
}

/// Text bytes per record, and per row of each text column, in the sample's
/// complete records (after the header).
fn sample_sizes(sample: &[u8], last: bool, dialect: Dialect, plan: &[Target]) -> (f64, Vec<f64>) {
    let mut records = Records::streaming(sample, dialect, last);
    records.next_record();
    let start = records.consumed();
    let text_column: Vec<bool> = plan
        .iter()
        .map(|t| match t {
            Target::Field(s) => s.ty == FieldType::Text,
            Target::Attribute => true,
            Target::Ignored => false,
        })
        .collect();
    let mut field_bytes = vec![0usize; plan.len()];
    let mut n = 0usize;
    while let Some(rec) = records.next_record() {
        n += 1;
        for (i, _) in text_column.iter().enumerate().filter(|(_, &t)| t) {
            field_bytes[i] += rec.field(i).len();
        }
    }
    let bytes = records.consumed() - start;
    if n == 0 {
        // No complete record in the sample: guess from its length.
        return (sample.len().max(64) as f64, vec![16.0; plan.len()]);
    }
    let per_row = field_bytes.iter().map(|&b| b as f64 / n as f64).collect();
    ((bytes as f64 / n as f64).max(1.0), per_row)
}
