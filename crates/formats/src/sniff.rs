//! Recognising the formats by their first bytes.

use crate::Error;

/// A format this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Apache Parquet (`PAR1`).
    Parquet,
    /// Arrow IPC file format (`ARROW1`, a.k.a. Feather v2).
    ArrowFile,
    /// Arrow IPC stream format (a continuation marker and a schema message).
    ArrowStream,
    /// An Office Open XML workbook (a ZIP holding `xl/workbook.xml`).
    Xlsx,
}

impl Kind {
    /// The name used as `LoadOptions.format` and in reports: `parquet`, `arrow` or `xlsx`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Parquet => "parquet",
            Kind::ArrowFile | Kind::ArrowStream => "arrow",
            Kind::Xlsx => "xlsx",
        }
    }

    /// The name used in messages: `Parquet`, `Arrow IPC` or `XLSX`.
    pub fn format_name(self) -> &'static str {
        match self {
            Kind::Parquet => "Parquet",
            Kind::ArrowFile | Kind::ArrowStream => "Arrow IPC",
            Kind::Xlsx => "XLSX",
        }
    }
}

const ZIP: &[u8] = b"PK\x03\x04";
const CFB: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Which of the formats `bytes` are, if any (CSV and other text answer `None`).
///
/// ```
/// use rapport_formats::{sniff, Kind};
/// assert_eq!(sniff(b"PAR1...."), Some(Kind::Parquet));
/// assert_eq!(sniff(b"ARROW1\0\0"), Some(Kind::ArrowFile));
/// assert_eq!(sniff(b"order_id,amount\n"), None);
/// ```
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(b"PAR1") {
        Some(Kind::Parquet)
    } else if bytes.starts_with(b"ARROW1") {
        Some(Kind::ArrowFile)
    } else if is_arrow_stream(bytes) {
        Some(Kind::ArrowStream)
    } else if bytes.starts_with(ZIP) && memchr::memmem::find(bytes, b"xl/workbook.xml").is_some() {
        Some(Kind::Xlsx)
    } else {
        None
    }
}

/// The stream format opens with 0xFFFFFFFF, a little-endian length and a
/// flatbuffer `Message` whose header is a schema.
fn is_arrow_stream(bytes: &[u8]) -> bool {
    let Some(len) = bytes.get(4..8).filter(|_| bytes.starts_with(&[0xFF; 4])) else {
        return false;
    };
    let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
    let Some(meta) = bytes.get(8..8usize.saturating_add(len)) else {
        return false;
    };
    arrow_ipc::root_as_message(meta).is_ok_and(|m| m.header_type() == arrow_ipc::MessageHeader::Schema)
}

/// The error for bytes that are none of the formats, naming what they look like.
pub(crate) fn not_recognised(bytes: &[u8]) -> Error {
    let what = if bytes.starts_with(CFB) {
        return if memchr::memmem::find(bytes, &utf16("EncryptedPackage")).is_some() {
            Error::EncryptedXlsx
        } else {
            Error::Unsupported {
                format: "Excel",
                what: "the legacy XLS (Excel 97–2003) format".into(),
                hint: "; save it as XLSX (Excel Workbook) and load that".into(),
            }
        };
    } else if bytes.starts_with(ZIP) {
        "a ZIP archive without xl/workbook.xml (an OpenDocument or Word file?)"
    } else if bytes.is_empty() {
        "the file is empty"
    } else {
        "its first bytes are not PAR1, ARROW1, an Arrow stream schema or a ZIP workbook"
    };
    Error::NotRecognised(what.into())
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zip_is_xlsx_only_with_a_workbook_inside() {
        assert_eq!(sniff(b"PK\x03\x04....xl/workbook.xml...."), Some(Kind::Xlsx));
        assert_eq!(sniff(b"PK\x03\x04....word/document.xml"), None);
        assert!(not_recognised(b"PK\x03\x04....word/document.xml")
            .to_string()
            .contains("without xl/workbook.xml"));
    }

    #[test]
    fn a_stream_needs_a_schema_message_after_the_marker() {
        assert_eq!(
            sniff(&[0xFF, 0xFF, 0xFF, 0xFF, 8, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]),
            None
        );
        assert_eq!(sniff(&[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]), None);
        assert_eq!(sniff(&[0xFF; 3]), None);
    }

    #[test]
    fn compound_files_are_named_encrypted_or_legacy_xls() {
        let mut enc = CFB.to_vec();
        enc.extend(utf16("EncryptedPackage"));
        assert!(matches!(not_recognised(&enc), Error::EncryptedXlsx));
        assert!(not_recognised(CFB).to_string().contains("legacy XLS"));
        assert!(not_recognised(b"").to_string().contains("empty"));
    }
}
