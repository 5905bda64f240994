//! From a file's bytes to UTF-8 text, a piece at a time: UTF-8 (with or
//! without a byte-order mark), UTF-16 LE/BE (by its mark, or recognised from
//! its NUL bytes), and Windows-1252 — what Excel and older Western European
//! systems write — for text that is not UTF-8. UTF-16 and Windows-1252 go
//! through `encoding_rs`'s streaming decoders; UTF-8 is checked here. A
//! character split between two pieces is carried over to the next.
//!
//! The encoding is chosen from the first [`PRELUDE_BYTES`] (or the whole
//! input, when shorter): a mark or NUL bytes, else UTF-8 if those bytes are
//! UTF-8, else Windows-1252. UTF-8 without a mark that breaks later is read on
//! as Windows-1252 when every byte before was ASCII (the same text in both),
//! and otherwise stays UTF-8 with the bad bytes replaced by U+FFFD; either
//! way with a warning.

use encoding_rs::{Decoder, DecoderResult, Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::{Error, Result};

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];
const SNIFF_BYTES: usize = 4096;
/// Bytes read before the encoding is chosen.
pub const PRELUDE_BYTES: usize = 1 << 20;
const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

const WINDOWS_1252_WARNING: &str = "not UTF-8; read as Windows-1252 (Western European, as Excel saves CSV). \
     If letters look wrong, save the file as UTF-8 and load it again";

fn format_error(file: &str, reason: impl Into<String>) -> Error {
    Error::Format {
        file: file.to_string(),
        reason: reason.into(),
    }
}

/// How to read a file of one of the formats the formats module converts.
const CONVERT_FIRST: &str = "convert it to CSV with the formats module first (rapport/formats `toCsv`; the \
     page and the rapport command line do that automatically), then load that CSV with `format` set";

/// Recognises formats that are not text at all, so the error names them.
fn not_text(file: &str, bytes: &[u8]) -> Result<()> {
    let named = if bytes.starts_with(b"PAR1") {
        Some(format!("this is a Parquet file: {CONVERT_FIRST} to \"parquet\""))
    } else if bytes.starts_with(b"PK\x03\x04") {
        Some(format!(
            "this is a ZIP container (an XLSX workbook?): for XLSX, {CONVERT_FIRST} to \"xlsx\""
        ))
    } else if bytes.starts_with(&[0x1F, 0x8B]) {
        Some("the file is gzip-compressed; decompress it first".to_string())
    } else if bytes.starts_with(b"ARROW1") || bytes.starts_with(&[0xFF; 4]) {
        Some(format!("this is an Arrow IPC file: {CONVERT_FIRST} to \"arrow\""))
    } else {
        None
    };
    named.map_or(Ok(()), |reason| Err(format_error(file, reason)))
}

/// UTF-16 without a byte-order mark: in text that is mostly ASCII, every other
/// byte is NUL. Answers the byte order when the sample looks like that.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_nul = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    match (even_nul * 10 < pairs, odd_nul * 10 < pairs) {
        (true, false) if odd_nul * 2 > pairs => Some(UTF_16LE),
        (false, true) if even_nul * 2 > pairs => Some(UTF_16BE),
        _ => None,
    }
}

/// How the bytes after the prelude are decoded.
enum Mode {
    /// Still reading the prelude.
    Undecided,
    /// UTF-8, checked here; `strict` when the file is marked as UTF-8 (a
    /// broken mark is an error, not a guess).
    Utf8 { strict: bool },
    /// UTF-16 or Windows-1252 through `encoding_rs`.
    Other(Box<Decoder>, &'static Encoding),
}

/// What to do about bytes that are not UTF-8.
enum Fix {
    Switched,
    Replaced,
}

/// Decodes a file piece by piece into UTF-8 text.
pub struct TextDecoder {
    file: String,
    mode: Mode,
    /// The prelude, until the encoding is chosen.
    prelude: Vec<u8>,
    /// The start of a UTF-8 character cut at the end of the last piece.
    carry: Vec<u8>,
    encoding: &'static str,
    warnings: Vec<String>,
    /// Offset in the file of the piece being decoded.
    offset: u64,
    /// Bytes of text written so far.
    written: u64,
    /// Whether a byte above 0x7F has been written from UTF-8.
    seen_non_ascii: bool,
    /// Line ends written (counted only for a file marked as UTF-8, for its error message).
    lines: u64,
}

impl TextDecoder {
    /// A decoder for the file named `file` (for messages).
    pub fn new(file: &str) -> Self {
        TextDecoder {
            file: file.to_string(),
            mode: Mode::Undecided,
            prelude: Vec::new(),
            carry: Vec::new(),
            encoding: "utf-8",
            warnings: Vec::new(),
            offset: 0,
            written: 0,
            seen_non_ascii: false,
            lines: 0,
        }
    }

    /// A decoder for text known to be UTF-8 that does not start the file (a
    /// later part of it): no mark is looked for, and bytes that are not UTF-8
    /// are an error rather than a guess (the part cannot know what the bytes
    /// before it would have made of them).
    pub fn utf8_part(file: &str) -> Self {
        TextDecoder {
            mode: Mode::Utf8 { strict: true },
            ..TextDecoder::new(file)
        }
    }

    /// Whether everything fed so far was clean UTF-8 (no mark of another
    /// encoding, nothing replaced or guessed).
    pub fn clean_utf8(&self) -> bool {
        matches!(self.mode, Mode::Utf8 { .. }) && self.warnings.is_empty()
    }

    /// Whether what was fed so far ended on a whole character.
    pub fn whole_chars(&self) -> bool {
        self.carry.is_empty()
    }

    /// `utf-8`, `utf-16le`, `utf-16be` or `windows-1252` (as read so far).
    pub fn encoding(&self) -> &'static str {
        self.encoding
    }

    /// What the user should know about how the text was decoded.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Bytes of text written per byte of input decoded (1 before any).
    pub fn expansion(&self) -> f64 {
        if self.offset == 0 || self.written == 0 {
            1.0
        } else {
            self.written as f64 / self.offset as f64
        }
    }

    /// Decodes `chunk`, appending its text to `out`; `last` when it ends the
    /// input. The prelude is held back (nothing written) until enough of it
    /// has come to choose the encoding.
    pub fn feed(&mut self, chunk: &[u8], last: bool, out: &mut Vec<u8>) -> Result<()> {
        let before = out.len();
        if let Mode::Undecided = self.mode {
            self.prelude.extend_from_slice(chunk);
            if self.prelude.len() < PRELUDE_BYTES && !last {
                return Ok(());
            }
            let prelude = std::mem::take(&mut self.prelude);
            let body = self.decide(&prelude, last)?;
            self.offset = (prelude.len() - body.len()) as u64;
            self.decode(body, last, out)?;
            if out[before..].iter().take(SNIFF_BYTES).any(|&b| b == 0) {
                return Err(format_error(
                    &self.file,
                    "binary content (NUL bytes) where text was expected",
                ));
            }
        } else {
            self.decode(chunk, last, out)?;
        }
        self.written += (out.len() - before) as u64;
        Ok(())
    }

    /// Chooses the encoding from the prelude; answers the bytes after any mark.
    fn decide<'p>(&mut self, prelude: &'p [u8], last: bool) -> Result<&'p [u8]> {
        not_text(&self.file, prelude)?;
        if let Some(body) = prelude.strip_prefix(&[0xFF, 0xFE]) {
            self.switch_to(UTF_16LE);
            Ok(body)
        } else if let Some(body) = prelude.strip_prefix(&[0xFE, 0xFF]) {
            self.switch_to(UTF_16BE);
            Ok(body)
        } else if let Some(body) = prelude.strip_prefix(UTF8_BOM) {
            self.mode = Mode::Utf8 { strict: true };
            Ok(body)
        } else if let Some(encoding) = sniff_utf16(prelude) {
            self.warnings.push(format!(
                "no byte-order mark; read as {} from its NUL bytes",
                encoding.name()
            ));
            self.switch_to(encoding);
            Ok(prelude)
        } else if utf8_so_far(
            &prelude[..prelude.len().min(PRELUDE_BYTES)],
            last && prelude.len() <= PRELUDE_BYTES,
        ) {
            self.mode = Mode::Utf8 { strict: false };
            Ok(prelude)
        } else {
            self.warnings.push(WINDOWS_1252_WARNING.to_string());
            self.switch_to(WINDOWS_1252);
            Ok(prelude)
        }
    }

    fn switch_to(&mut self, encoding: &'static Encoding) {
        self.encoding = if encoding == UTF_16LE {
            "utf-16le"
        } else if encoding == UTF_16BE {
            "utf-16be"
        } else {
            "windows-1252"
        };
        self.mode = Mode::Other(Box::new(encoding.new_decoder_without_bom_handling()), encoding);
    }

    fn decode(&mut self, bytes: &[u8], last: bool, out: &mut Vec<u8>) -> Result<()> {
        let result = match self.mode {
            Mode::Undecided => Ok(()),
            Mode::Utf8 { .. } => self.utf8(bytes, last, out),
            Mode::Other(..) => self.other(bytes, last, out),
        };
        self.offset += bytes.len() as u64;
        result
    }

    /// UTF-16 or Windows-1252 through `encoding_rs`.
    fn other(&mut self, bytes: &[u8], last: bool, out: &mut Vec<u8>) -> Result<()> {
        let Mode::Other(decoder, encoding) = &mut self.mode else {
            return Ok(());
        };
        let encoding = *encoding;
        let utf16 = encoding == UTF_16LE || encoding == UTF_16BE;
        if utf16 && last && (self.offset + bytes.len() as u64) % 2 == 1 {
            return Err(format_error(
                &self.file,
                format!(
                    "{} text with an odd number of bytes: the file is cut short",
                    encoding.name()
                ),
            ));
        }
        let mut src = bytes;
        loop {
            let room = decoder
                .max_utf8_buffer_length_without_replacement(src.len())
                .unwrap_or(src.len().saturating_mul(3).saturating_add(16));
            let at = out.len();
            out.resize(at + room, 0);
            let (result, read, written) = decoder.decode_to_utf8_without_replacement(src, &mut out[at..], last);
            out.truncate(at + written);
            src = &src[read..];
            match result {
                DecoderResult::InputEmpty => return Ok(()),
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(..) if utf16 => {
                    return Err(format_error(
                        &self.file,
                        format!("malformed {} text (an unpaired surrogate)", encoding.name()),
                    ))
                }
                // Windows-1252 maps every byte; kept total all the same.
                DecoderResult::Malformed(..) => out.extend_from_slice(REPLACEMENT),
            }
        }
    }

    /// Writes checked UTF-8 text, noting what the rules need.
    fn emit(&mut self, out: &mut Vec<u8>, text: &[u8], strict: bool) {
        if !self.seen_non_ascii && !text.is_ascii() {
            self.seen_non_ascii = true;
        }
        if strict {
            self.lines += memchr::memchr_iter(b'\n', text).count() as u64;
        }
        out.extend_from_slice(text);
    }

    /// UTF-8, checked; a character cut at the end of `bytes` waits for the next piece.
    fn utf8(&mut self, bytes: &[u8], last: bool, out: &mut Vec<u8>) -> Result<()> {
        let Mode::Utf8 { strict } = self.mode else {
            return Ok(());
        };
        let mut rest = bytes;
        if !self.carry.is_empty() {
            let mut joined = std::mem::take(&mut self.carry);
            let carried = joined.len();
            let take = rest.len().min(4);
            joined.extend_from_slice(&rest[..take]);
            match std::str::from_utf8(&joined) {
                Ok(_) => {
                    self.emit(out, &joined, strict);
                    rest = &rest[take..];
                }
                Err(e) if e.valid_up_to() >= carried => {
                    let v = e.valid_up_to();
                    self.emit(out, &joined[..v], strict);
                    rest = &rest[v - carried..];
                }
                Err(e) => match e.error_len() {
                    None if !last => {
                        // Still cut (this piece is shorter than the character).
                        self.carry = joined;
                        return Ok(());
                    }
                    bad => {
                        let n = bad.unwrap_or(joined.len());
                        let at = self.offset.saturating_sub(carried as u64);
                        match self.not_utf8(at)? {
                            Fix::Switched => {
                                self.other(&joined[..carried], false, out)?;
                                return self.other(rest, last, out);
                            }
                            Fix::Replaced => {
                                out.extend_from_slice(REPLACEMENT);
                                rest = &rest[n.saturating_sub(carried).min(rest.len())..];
                            }
                        }
                    }
                },
            }
        }
        let base = bytes.len() - rest.len();
        let mut done = 0;
        loop {
            let piece = &rest[done..];
            match std::str::from_utf8(piece) {
                Ok(_) => {
                    self.emit(out, piece, strict);
                    return Ok(());
                }
                Err(e) => {
                    let v = e.valid_up_to();
                    self.emit(out, &piece[..v], strict);
                    match e.error_len() {
                        None if !last => {
                            self.carry = piece[v..].to_vec();
                            return Ok(());
                        }
                        bad => {
                            let at = self.offset + (base + done + v) as u64;
                            match self.not_utf8(at)? {
                                Fix::Switched => return self.other(&piece[v..], last, out),
                                Fix::Replaced => {
                                    out.extend_from_slice(REPLACEMENT);
                                    done += v + bad.unwrap_or(piece.len() - v);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The text breaks UTF-8 at file offset `at`: an error when the file is
    /// marked as UTF-8; Windows-1252 from here when all before was ASCII;
    /// else a replacement character, with a warning the first time.
    fn not_utf8(&mut self, at: u64) -> Result<Fix> {
        match self.mode {
            Mode::Utf8 { strict: true } => Err(format_error(
                &self.file,
                format!(
                    "marked as UTF-8 but not valid UTF-8 at line {} (byte {at})",
                    self.lines + 1
                ),
            )),
            _ if !self.seen_non_ascii => {
                self.warnings.push(WINDOWS_1252_WARNING.to_string());
                self.switch_to(WINDOWS_1252);
                Ok(Fix::Switched)
            }
            _ => {
                if !self.warnings.iter().any(|w| w.starts_with("invalid UTF-8")) {
                    self.warnings.push(format!(
                        "invalid UTF-8 at byte {at}, after valid UTF-8 text: read as UTF-8, \
                         each invalid byte sequence replaced by \u{FFFD}"
                    ));
                }
                Ok(Fix::Replaced)
            }
        }
    }
}

/// Whether `bytes` are UTF-8, allowing a character cut at the end unless `last`.
fn utf8_so_far(bytes: &[u8], last: bool) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => !last && e.error_len().is_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Decoded {
        text: Vec<u8>,
        encoding: &'static str,
        warning: Option<String>,
    }

    /// Decodes `bytes` in pieces of `size` bytes (all at once when 0).
    fn decode_in(file: &str, bytes: &[u8], size: usize) -> Result<Decoded> {
        let mut d = TextDecoder::new(file);
        let mut text = Vec::new();
        if size == 0 || bytes.is_empty() {
            d.feed(bytes, true, &mut text)?;
        } else {
            let n = bytes.len().div_ceil(size);
            for (i, piece) in bytes.chunks(size).enumerate() {
                d.feed(piece, i + 1 == n, &mut text)?;
            }
        }
        Ok(Decoded {
            text,
            encoding: d.encoding(),
            warning: d.warnings().first().cloned(),
        })
    }

    /// Decodes `bytes` whole, checking that every way of cutting it in pieces agrees.
    #[allow(clippy::panic_in_result_fn)]
    fn decode(file: &str, bytes: &[u8]) -> Result<Decoded> {
        let whole = decode_in(file, bytes, 0);
        for size in [1, 2, 3, 5] {
            let pieces = decode_in(file, bytes, size);
            match (&whole, &pieces) {
                (Ok(a), Ok(b)) => assert_eq!(
                    (&a.text, a.encoding, &a.warning),
                    (&b.text, b.encoding, &b.warning),
                    "pieces of {size}"
                ),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "pieces of {size}"),
                _ => panic!("pieces of {size} disagree with the whole"),
            }
        }
        whole
    }

    fn text(d: &Decoded) -> String {
        String::from_utf8(d.text.clone()).unwrap()
    }

    #[test]
    fn utf8_with_and_without_a_mark_is_read_as_is() {
        let d = decode("f", "a,b\nÅsa,1\n".as_bytes()).unwrap();
        assert_eq!(text(&d), "a,b\nÅsa,1\n");
        assert_eq!((d.encoding, d.warning.is_none()), ("utf-8", true));
        let d = decode("f", b"\xEF\xBB\xBFa\n").unwrap();
        assert_eq!(text(&d), "a\n");
    }

    #[test]
    fn utf16_by_mark_or_by_its_nul_bytes() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a,Ö\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("a,Ö\n".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(text(&decode("f", &le).unwrap()), "a,Ö\n");
        assert_eq!(decode("f", &be).unwrap().encoding, "utf-16be");
        let bare: Vec<u8> = "name,city\nJürgen,Köln\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let d = decode("f", &bare).unwrap();
        assert_eq!(
            (d.encoding, text(&d).as_str()),
            ("utf-16le", "name,city\nJürgen,Köln\n")
        );
        assert!(d.warning.is_some());
        assert!(decode("f", &le[..le.len() - 1])
            .unwrap_err()
            .to_string()
            .contains("cut short"));
        let surrogate: Vec<u8> = [0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0].to_vec();
        assert!(decode("f", &surrogate)
            .unwrap_err()
            .to_string()
            .contains("unpaired surrogate"));
    }

    #[test]
    fn text_that_is_not_utf8_is_read_as_windows_1252_with_a_warning() {
        let d = decode("f", b"name\nJ\xFCrgen M\xFCller \x80\n").unwrap();
        assert_eq!(text(&d), "name\nJürgen Müller €\n");
        assert_eq!(d.encoding, "windows-1252");
        assert!(d.warning.unwrap().contains("Windows-1252"));
    }

    #[test]
    fn utf8_that_breaks_after_the_prelude_switches_only_if_all_before_was_ascii() {
        let ascii = "a,b\n".repeat(PRELUDE_BYTES / 4 + 10);
        let mut bytes = ascii.clone().into_bytes();
        bytes.extend_from_slice(b"J\xFCrgen\n");
        let d = decode_in("f", &bytes, 4096).unwrap();
        assert_eq!(
            (d.encoding, &d.text[ascii.len()..]),
            ("windows-1252", "Jürgen\n".as_bytes())
        );
        assert!(d.warning.unwrap().contains("Windows-1252"));

        let mut bytes = "Åsa\n".as_bytes().to_vec();
        bytes.extend_from_slice(ascii.as_bytes());
        let at = bytes.len();
        bytes.extend_from_slice(b"J\xFCrgen\n");
        let d = decode_in("f", &bytes, 4096).unwrap();
        assert_eq!(d.encoding, "utf-8");
        assert_eq!(&d.text[at..], "J\u{FFFD}rgen\n".as_bytes());
        let warning = d.warning.unwrap();
        assert!(warning.contains(&format!("byte {}", at + 1)), "{warning}");
        assert_eq!(decode_in("f", &bytes, 7).unwrap().text, d.text);
    }

    #[test]
    fn a_broken_utf8_mark_and_binary_formats_are_named() {
        assert!(decode("f", b"\xEF\xBB\xBFa\n\xFF")
            .unwrap_err()
            .to_string()
            .contains("line 2 (byte 5)"));
        let parquet = decode("p", b"PAR1xxxx").unwrap_err().to_string();
        assert!(parquet
            .contains("a Parquet file: convert it to CSV with the formats module first (rapport/formats `toCsv`"));
        assert!(parquet.ends_with("with `format` set to \"parquet\""), "{parquet}");
        assert!(decode("x", b"PK\x03\x04....")
            .unwrap_err()
            .to_string()
            .ends_with("to \"xlsx\""));
        let arrow = decode("a", &[0xFF, 0xFF, 0xFF, 0xFF, 8, 0, 0, 0])
            .unwrap_err()
            .to_string();
        assert!(
            arrow.contains("Arrow IPC") && arrow.ends_with("to \"arrow\""),
            "{arrow}"
        );
        assert!(decode("b", b"a\x00b\x00\x00\x00\x01").is_err());
    }
}
