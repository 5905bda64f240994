//! From a file's bytes to UTF-8 text: UTF-8 (with or without a byte-order
//! mark), UTF-16 LE/BE (by its mark, or recognised from its NUL bytes), and
//! Windows-1252 — what Excel and older Western European systems write — for
//! text that is not UTF-8. Decoding is done by `encoding_rs`.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::{Error, Result};

/// A file's text as UTF-8, and what it was.
#[derive(Debug)]
pub struct Decoded<'a> {
    pub text: Cow<'a, [u8]>,
    /// `utf-8`, `utf-16le`, `utf-16be` or `windows-1252`.
    pub encoding: &'static str,
    /// Said to the user when the encoding was a guess.
    pub warning: Option<String>,
}

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];
const SNIFF_BYTES: usize = 4096;

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

fn utf16<'a>(file: &str, body: &[u8], encoding: &'static Encoding, warning: Option<String>) -> Result<Decoded<'a>> {
    if body.len() % 2 == 1 {
        return Err(format_error(
            file,
            format!(
                "{} text with an odd number of bytes: the file is cut short",
                encoding.name()
            ),
        ));
    }
    match encoding.decode_without_bom_handling_and_without_replacement(body) {
        Some(text) => Ok(Decoded {
            text: Cow::Owned(text.into_owned().into_bytes()),
            encoding: if encoding == UTF_16LE { "utf-16le" } else { "utf-16be" },
            warning,
        }),
        None => Err(format_error(
            file,
            format!("malformed {} text (an unpaired surrogate)", encoding.name()),
        )),
    }
}

/// Decodes `bytes` to UTF-8 text, or says why it cannot.
pub fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<Decoded<'a>> {
    not_text(file, bytes)?;
    let decoded = if bytes.starts_with(&[0xFF, 0xFE]) {
        utf16(file, &bytes[2..], UTF_16LE, None)?
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        utf16(file, &bytes[2..], UTF_16BE, None)?
    } else if let Some(body) = bytes.strip_prefix(UTF8_BOM) {
        // A UTF-8 mark is a promise: text that breaks it is an error, not a guess.
        if let Err(e) = std::str::from_utf8(body) {
            let at = e.valid_up_to();
            let line = body[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(format_error(
                file,
                format!("marked as UTF-8 but not valid UTF-8 at line {line} (byte {})", at + 3),
            ));
        }
        Decoded {
            text: Cow::Borrowed(body),
            encoding: "utf-8",
            warning: None,
        }
    } else if let Some(encoding) = sniff_utf16(bytes) {
        let warning = format!("no byte-order mark; read as {} from its NUL bytes", encoding.name());
        utf16(file, bytes, encoding, Some(warning))?
    } else if std::str::from_utf8(bytes).is_ok() {
        Decoded {
            text: Cow::Borrowed(bytes),
            encoding: "utf-8",
            warning: None,
        }
    } else {
        let (text, _, _) = WINDOWS_1252.decode(bytes);
        Decoded {
            text: Cow::Owned(text.into_owned().into_bytes()),
            encoding: "windows-1252",
            warning: Some(
                "not UTF-8; read as Windows-1252 (Western European, as Excel saves CSV). \
                 If letters look wrong, save the file as UTF-8 and load it again"
                    .into(),
            ),
        }
    };
    if decoded.text.iter().take(SNIFF_BYTES).any(|&b| b == 0) {
        return Err(format_error(file, "binary content (NUL bytes) where text was expected"));
    }
    Ok(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(d: &Decoded<'_>) -> String {
        String::from_utf8(d.text.to_vec()).unwrap()
    }

    #[test]
    fn utf8_with_and_without_a_mark_is_borrowed_as_is() {
        let d = decode("f", "a,b\nÅsa,1\n".as_bytes()).unwrap();
        assert!(matches!(d.text, Cow::Borrowed(_)));
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
    }

    #[test]
    fn text_that_is_not_utf8_is_read_as_windows_1252_with_a_warning() {
        let d = decode("f", b"name\nJ\xFCrgen M\xFCller \x80\n").unwrap();
        assert_eq!(text(&d), "name\nJürgen Müller €\n");
        assert_eq!(d.encoding, "windows-1252");
        assert!(d.warning.unwrap().contains("Windows-1252"));
    }

    #[test]
    fn a_broken_utf8_mark_and_binary_formats_are_named() {
        assert!(decode("f", b"\xEF\xBB\xBFa\n\xFF")
            .unwrap_err()
            .to_string()
            .contains("line 2"));
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
