//! A file pushed in pieces of any size loads exactly as the whole file does:
//! same report (row numbers included), same table. Files are made longer than
//! the sample the session settles on, so most records are read after it,
//! across piece boundaries: multi-byte characters, UTF-16 code units, `\r\n`
//! pairs and quoted fields with line breaks cut in two.

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};
use rapport::ingest::SAMPLE_TEXT;
use rapport::{Entity, Error, LoadOptions, LoadReport, LoadSession, Workspace};

const PIECES: [usize; 7] = [1, 2, 3, 7, 64, 4096, 0];

/// Loads `bytes` pushed in pieces of `size` (whole when 0) into a new workspace.
fn load_in(bytes: &[u8], size: usize, total: Option<u64>) -> (LoadReport, Vec<u8>) {
    let (report, ipc, _) = load_in_measured(bytes, size, total);
    (report, ipc)
}

/// As [`load_in`], with the loaded columns' memory (`Workspace::columnar_bytes`).
fn load_in_measured(bytes: &[u8], size: usize, total: Option<u64>) -> (LoadReport, Vec<u8>, usize) {
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
    (report, ipc, ws.columnar_bytes())
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

// A file read in parts, each later part by its own session (as the page's
// workers read one), loads exactly as the whole file does, or not at all.

/// Loads `bytes` split right after the bytes at `splits` (ascending), each
/// later part by its own session fed pieces of 64 KiB; `None` when the parts
/// do not join (a split inside a quoted field, text that is not plain UTF-8).
fn load_in_parts(bytes: &[u8], splits: &[usize]) -> Option<(LoadReport, Vec<u8>, usize)> {
    let opts = LoadOptions::named("orders.csv");
    let head = &bytes[..bytes.len().min(SAMPLE_TEXT + 4096)];
    let mut bounds = vec![0];
    bounds.extend(splits.iter().map(|&s| s + 1));
    bounds.push(bytes.len());
    let mut parts = Vec::new();
    for w in bounds.windows(2).skip(1) {
        let mut s = LoadSession::part(None, &opts, head, (w[1] - w[0]) as u64).ok()?;
        for piece in bytes[w[0]..w[1]].chunks(1 << 16) {
            s.push(piece).ok()?;
        }
        parts.push(s.finish_part().ok()?);
    }
    let mut ws = Workspace::new();
    let mut first = ws.begin_load(None, &opts, Some(bytes.len() as u64));
    for piece in bytes[..bounds[1]].chunks(1 << 16) {
        first.push(piece).unwrap();
    }
    for part in parts {
        if !first.add_part(part.report, part.columns.into_iter()).unwrap() {
            assert!(first.push(b"x").is_err(), "a session whose parts did not join is spent");
            return None;
        }
    }
    let mut report = first.finish(&mut ws).unwrap();
    assert_eq!(report.parts as usize, splits.len() + 1);
    report.parts = 1;
    let ipc = ws.entity_ipc(report.entity, &Default::default()).unwrap();
    Some((report, ipc, ws.columnar_bytes()))
}

/// `bytes` loaded in one call, as the parts' loads are to come out: its
/// report and its table as IPC.
fn load_whole(bytes: &[u8]) -> (LoadReport, Vec<u8>) {
    let mut ws = Workspace::new();
    let whole = ws.load(None, bytes, &LoadOptions::named("orders.csv")).unwrap();
    let ipc = ws.entity_ipc(whole.entity, &Default::default()).unwrap();
    (whole, ipc)
}

/// `bytes` loaded in two parts split after byte `split`, the later part's
/// session handing out its rows every `every` bytes pushed (`take_part`);
/// answers the report, the table as IPC, and the most bytes of columns the
/// later part's session held at once.
fn load_taking_parts(bytes: &[u8], split: usize, every: usize) -> (LoadReport, Vec<u8>, usize) {
    let opts = LoadOptions::named("orders.csv");
    let head = &bytes[..bytes.len().min(SAMPLE_TEXT + 4096)];
    let later = &bytes[split + 1..];
    let mut s = LoadSession::part(None, &opts, head, every as u64).unwrap();
    let mut parts = Vec::new();
    let mut most = 0;
    for piece in later.chunks(every) {
        for bit in piece.chunks(1 << 12) {
            s.push(bit).unwrap();
        }
        let part = s.take_part().unwrap();
        most = most.max(part.columns.iter().map(Vec::len).sum());
        parts.push(part);
    }
    parts.push(s.finish_part().unwrap());
    let mut ws = Workspace::new();
    let mut first = ws.begin_load(None, &opts, Some(bytes.len() as u64));
    first.push(&bytes[..split + 1]).unwrap();
    for part in parts {
        assert!(first.add_part(part.report, part.columns.into_iter()).unwrap());
    }
    let mut report = first.finish(&mut ws).unwrap();
    assert_eq!(report.parts, 2, "pieces of one later part are one part");
    report.parts = 1;
    let ipc = ws.entity_ipc(report.entity, &Default::default()).unwrap();
    (report, ipc, most)
}

#[test]
fn a_later_part_handed_out_in_pieces_loads_as_the_whole_file_does() {
    let (text, bad) = orders_text(120_000);
    let bytes = text.as_bytes();
    let (whole, whole_ipc) = load_whole(bytes);
    let expected = format!("{whole:?}");
    assert!(
        whole.rows_rejected > 0 && !bad.is_empty(),
        "the text has rejects to renumber"
    );
    let split = splits_after(bytes, bytes.len() / 3).0[0];
    // Pieces cut anywhere, inside quoted fields too: a piece hands out only complete records.
    for every in [100_000, 333_333, 1 << 20] {
        let (report, ipc, most) = load_taking_parts(bytes, split, every);
        assert_eq!(format!("{report:?}"), expected, "pieces of {every} bytes");
        assert!(ipc == whole_ipc, "pieces of {every} bytes: the tables differ");
        assert!(
            most < every * 2,
            "pieces of {every} bytes: a piece's columns took {most} bytes"
        );
    }
}

/// Line breaks at or after `from` after which a record starts (the parts join
/// there), and one inside a quoted field (they do not).
fn splits_after(b: &[u8], from: usize) -> (Vec<usize>, usize) {
    let at_record: Vec<usize> = (from..b.len())
        .filter(|&i| b[i] == b'\n' && b.get(i + 1) == Some(&b'O'))
        .take(3)
        .collect();
    let in_quotes = (from..b.len()).find(|&i| b[i..].starts_with(b"\nsecond line")).unwrap();
    (at_record, in_quotes)
}

#[test]
fn a_file_read_in_parts_loads_as_the_whole_file_does() {
    let (text, bad) = orders_text(120_000);
    let bytes = text.as_bytes();
    let (whole, whole_ipc) = load_whole(bytes);
    let expected = format!("{whole:?}");
    assert_eq!(rejected_rows(&whole), bad);

    // Parts are pushed in pieces of 64 KiB: their columns end as big as a serial load's in such pieces.
    let (_, _, serial_memory) = load_in_measured(bytes, 1 << 16, Some(bytes.len() as u64));
    let (halves, inside) = splits_after(bytes, bytes.len() / 2);
    for split in halves.iter().copied() {
        let (report, ipc, columnar) = load_in_parts(bytes, &[split]).expect("the halves join at a record");
        assert_eq!(format!("{report:?}"), expected, "split after byte {split}");
        assert!(
            columnar <= serial_memory,
            "split after byte {split}: the columns take {columnar} bytes, serially {serial_memory}"
        );
        assert!(ipc == whole_ipc, "split after byte {split}: the tables differ");
    }
    let (thirds, _) = splits_after(bytes, 2 * bytes.len() / 3);
    let (report, ipc, _) = load_in_parts(bytes, &[halves[0], thirds[0]]).expect("three parts join");
    assert_eq!(format!("{report:?}"), expected);
    assert!(ipc == whole_ipc);
    assert!(
        load_in_parts(bytes, &[inside]).is_none(),
        "a split inside a quoted field must not join"
    );
    // A later part that ends inside a quoted field: the part after it must not join either.
    let (_, inside_later) = splits_after(bytes, halves[0] + 1);
    assert!(
        load_in_parts(bytes, &[halves[0], inside_later]).is_none(),
        "a third part after a second that ends inside a quoted field must not join"
    );
}

#[test]
fn parts_of_text_that_is_not_plain_utf8_do_not_join() {
    let (text, _) = orders_text(120_000);
    let split = splits_after(text.as_bytes(), text.len() / 2).0[0];
    // Windows-1252 from the start: a later part cannot be read alone.
    let latin: String = text.chars().map(|c| if c.is_ascii() { c } else { 'é' }).collect();
    let (cp1252, _, _) = WINDOWS_1252.encode(&latin);
    let opts = LoadOptions::named("orders.csv");
    assert!(LoadSession::part(None, &opts, &cp1252[..SAMPLE_TEXT + 4096], 1000).is_err());
    let split_1252 = splits_after(&cp1252, cp1252.len() / 2).0[0];
    assert!(load_in_parts(&cp1252, &[split_1252]).is_none());
    // A byte that is not UTF-8 in the second part: its session fails, so the parts do not join.
    let mut broken = text.clone().into_bytes();
    let tail = broken.len() - 10;
    broken[tail] = 0xFC;
    assert!(load_in_parts(&broken, &[split]).is_none());
    // ... and in the first part: the first session warns, so they do not join either.
    let mut broken = text.into_bytes();
    broken[split - 10] = 0xFC;
    assert!(load_in_parts(&broken, &[split]).is_none());
}
