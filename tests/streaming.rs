//! A file pushed in pieces of any size loads exactly as the whole file does:
//! same report (row numbers included), same table. Files are made longer than
//! the sample the session settles on, so most records are read after it,
//! across piece boundaries: multi-byte characters, UTF-16 code units, `\r\n`
//! pairs and quoted fields with line breaks cut in two.

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};
use rapport::ingest::SAMPLE_TEXT;
use rapport::{Entity, Error, LoadOptions, LoadReport, Workspace};

const PIECES: [usize; 7] = [1, 2, 3, 7, 64, 4096, 0];

/// Loads `bytes` pushed in pieces of `size` (whole when 0) into a new workspace.
fn load_in(bytes: &[u8], size: usize, total: Option<u64>) -> (LoadReport, Vec<u8>) {
    let mut ws = Workspace::new();
    let mut session = ws.begin_load(None, &LoadOptions::named("orders.csv"), total);
    let pieces: Vec<&[u8]> = if size == 0 {
        vec![bytes]
    } else {
        bytes.chunks(size).collect()
    };
    for piece in pieces {
        let p = session.push(piece).unwrap();
        assert!(p.bytes_done <= bytes.len() as u64);
    }
    let report = session.finish(&mut ws).unwrap();
    let ipc = ws.entity_ipc(report.entity, &Default::default()).unwrap();
    (report, ipc)
}

/// Every piece size gives the report and the table of `Workspace::load`.
fn same_in_every_piece_size(bytes: &[u8]) -> LoadReport {
    let mut ws = Workspace::new();
    let whole = ws.load(None, bytes, &LoadOptions::named("orders.csv")).unwrap();
    let whole_ipc = ws.entity_ipc(whole.entity, &Default::default()).unwrap();
    let expected = format!("{whole:?}");
    for size in PIECES {
        let totals = if matches!(size, 7 | 0) {
            vec![Some(bytes.len() as u64), None]
        } else {
            vec![Some(bytes.len() as u64)]
        };
        for total in totals {
            let (report, ipc) = load_in(bytes, size, total);
            assert_eq!(format!("{report:?}"), expected, "pieces of {size}, total {total:?}");
            assert!(ipc == whole_ipc, "pieces of {size}, total {total:?}: the tables differ");
        }
    }
    whole
}

/// An orders file a bit longer than the sample, in UTF-8 text: names in
/// several scripts, quoted fields with line breaks, `\r\n` and lone `\r` line
/// ends, blank lines, and bad amounts. Answers the text and the lines on
/// which the rows with bad amounts start.
fn orders_text(rows: usize) -> (String, Vec<u64>) {
    let names = ["Åsa Öberg", "张伟", "مریم", "Иван", "Zoë \"Z\" Smith", "plain"];
    let mut s = String::from("order_id,customer_id,order_date,amount,note\r\n");
    let mut line = 2u64;
    let mut bad = Vec::new();
    for i in 0..rows {
        let amount = if i % 997 == 5 {
            bad.push(line);
            "oops".to_string()
        } else {
            format!("{}.{:02}", i % 500, i % 100)
        };
        let name = names[i % names.len()];
        let (note, breaks) = match i % 11 {
            0 => (format!("\"{}\nsecond line\"", name.replace('"', "\"\"")), 1),
            1 => (format!("\"{}\r\nagain\"", name.replace('"', "\"\"")), 1),
            _ => (format!("\"{}\"", name.replace('"', "\"\"")), 0),
        };
        let end = match i % 5 {
            0 => "\n",
            1 => "\r",
            2 => "\n\n",
            _ => "\r\n",
        };
        s.push_str(&format!(
            "O{},C{},2024-{:02}-{:02},{amount},{note}{end}",
            i / 3,
            i % 1000,
            i % 12 + 1,
            i % 28 + 1
        ));
        line += breaks + if end == "\n\n" { 2 } else { 1 };
    }
    (s, bad)
}

fn big_orders() -> (String, Vec<u64>) {
    let (s, bad) = orders_text(50_000);
    assert!(s.len() > SAMPLE_TEXT + SAMPLE_TEXT / 2, "{}", s.len());
    (s, bad)
}

fn rejected_rows(r: &LoadReport) -> Vec<u64> {
    r.rejected.iter().map(|x| x.row).collect()
}

#[test]
fn utf8_pieces_of_any_size_load_the_same_with_the_right_row_numbers() {
    let (text, bad) = big_orders();
    let r = same_in_every_piece_size(text.as_bytes());
    assert_eq!(r.encoding, "utf-8");
    assert_eq!(rejected_rows(&r), bad);
    assert_eq!(r.rows_read, 50_000);
    assert_eq!(r.rows_read, r.rows_loaded + r.rows_rejected);
}

#[test]
fn utf16_pieces_of_any_size_load_the_same() {
    let (text, bad) = orders_text(36_000);
    for (encoding, name) in [(UTF_16LE, "utf-16le"), (UTF_16BE, "utf-16be")] {
        let mut bytes: Vec<u8> = if encoding == UTF_16LE {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for unit in text.encode_utf16() {
            let b = if encoding == UTF_16LE {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            };
            bytes.extend_from_slice(&b);
        }
        assert!(bytes.len() > 2 * SAMPLE_TEXT + SAMPLE_TEXT / 2);
        let r = same_in_every_piece_size(&bytes);
        assert_eq!(r.encoding, name);
        assert_eq!(rejected_rows(&r), bad);
    }
}

#[test]
fn windows_1252_pieces_of_any_size_load_the_same() {
    let (text, bad) = orders_text(50_000);
    let text = text.replace(['张', '伟', 'م', 'ر', 'ی', 'И', 'в', 'а', 'н'], "é");
    let (bytes, _, unmappable) = WINDOWS_1252.encode(&text);
    assert!(!unmappable);
    let r = same_in_every_piece_size(&bytes);
    assert_eq!(r.encoding, "windows-1252");
    assert_eq!(rejected_rows(&r), bad);
}

#[test]
fn ascii_that_breaks_utf8_after_the_sample_is_read_on_as_windows_1252() {
    let (text, _) = orders_text(50_000);
    let ascii: String = text.chars().map(|c| if c.is_ascii() { c } else { 'x' }).collect();
    let mut bytes = ascii.into_bytes();
    bytes.extend_from_slice(b"O9,C9,2024-01-01,5,J\xFCrgen M\xFCller\n");
    let r = same_in_every_piece_size(&bytes);
    assert_eq!(r.encoding, "windows-1252");
    assert!(r.warnings[0].contains("Windows-1252"));
    let mut ws = Workspace::new();
    ws.load(None, &bytes, &LoadOptions::named("orders.csv")).unwrap();
    let ipc = ws.entity_ipc(Entity::Orders, &Default::default()).unwrap();
    assert!(ipc
        .windows("Jürgen Müller".len())
        .any(|w| w == "Jürgen Müller".as_bytes()));
}

#[test]
fn utf8_that_breaks_after_the_sample_keeps_its_letters_and_warns() {
    let (text, _) = big_orders();
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(b"O9,C9,2024-01-01,5,J\xFCrgen\n");
    let r = same_in_every_piece_size(&bytes);
    assert_eq!(r.encoding, "utf-8");
    assert!(
        r.warnings.iter().any(|w| w.contains("invalid UTF-8")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn dropping_a_session_mid_way_leaves_the_workspace_unchanged() {
    let (text, _) = big_orders();
    let mut ws = Workspace::new();
    ws.load(
        None,
        b"customer_id,email\nC1,a@x.se\n",
        &LoadOptions::named("customers.csv"),
    )
    .unwrap();
    let (before, keys, bytes) = (
        format!("{:?}", ws.summary()),
        ws.customer_keys().len(),
        ws.columnar_bytes(),
    );
    let mut session = ws.begin_load(None, &LoadOptions::named("orders.csv"), None);
    for piece in text.as_bytes()[..text.len() * 3 / 4].chunks(64 * 1024) {
        session.push(piece).unwrap();
    }
    drop(session);
    assert_eq!(format!("{:?}", ws.summary()), before);
    assert_eq!((ws.customer_keys().len(), ws.columnar_bytes()), (keys, bytes));

    let mut calls = 0;
    let err = ws
        .load_with_progress(None, text.as_bytes(), &LoadOptions::named("orders.csv"), &mut |p| {
            calls += 1;
            assert_eq!(p.bytes_total, Some(text.len() as u64));
            p.bytes_done < 2 << 20
        })
        .unwrap_err();
    assert!(matches!(err, Error::Cancelled), "{err}");
    assert_eq!(calls, 2);
    assert_eq!(format!("{:?}", ws.summary()), before);
    assert_eq!(ws.customer_keys().len(), keys);
}

#[test]
fn a_failed_piece_ends_the_session_and_finish_fails_too() {
    let mut ws = Workspace::new();
    let mut session = ws.begin_load(None, &LoadOptions::named("p.parquet"), None);
    let err = session.push(&[b'P', b'A', b'R', b'1'].repeat(300_000)).unwrap_err();
    assert!(err.to_string().contains("Parquet"), "{err}");
    assert!(session.push(b"more").is_err());
    assert!(session.finish(&mut ws).is_err());
    assert!(ws.summary().is_empty());
}

#[test]
fn columns_end_no_bigger_than_their_data_needs() {
    let (text, _) = big_orders();
    let mut ws = Workspace::new();
    ws.load(None, text.as_bytes(), &LoadOptions::named("orders.csv"))
        .unwrap();
    let t = ws.tables(Entity::Orders).next().unwrap();
    let rows = t.rows;
    for (name, _, col) in &t.columns {
        let arr = col.array();
        // Data bytes: values (+ offsets for text); capacity may round up to 64 bytes.
        let used = arrow_array::Array::to_data(arr.as_ref())
            .buffers()
            .iter()
            .map(|b| b.len())
            .sum::<usize>();
        let held = col.memory_bytes();
        assert!(
            held <= used + rows / 8 + 256,
            "{name}: holds {held} bytes for {used} bytes of data"
        );
    }
}

#[test]
fn a_wrong_total_size_changes_nothing_but_how_columns_grow() {
    let (text, _) = big_orders();
    let mut ws = Workspace::new();
    let whole = ws
        .load(None, text.as_bytes(), &LoadOptions::named("orders.csv"))
        .unwrap();
    let whole_ipc = ws.entity_ipc(whole.entity, &Default::default()).unwrap();
    for total in [0, 1, text.len() as u64 / 10, u64::MAX] {
        let (report, ipc) = load_in(text.as_bytes(), 65_536, Some(total));
        assert_eq!(format!("{report:?}"), format!("{whole:?}"), "total {total}");
        assert!(ipc == whole_ipc, "total {total}: the tables differ");
    }
}
