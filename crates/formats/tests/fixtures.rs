//! Every fixture of tests/fixtures/formats converts to exactly the CSV it holds
//! (see make.py there), and no damaged version of one makes a reader panic.

use rapport_formats::{sniff, to_csv, ConvertOptions, Error, Kind, READER_STOPPED};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../../tests/fixtures/formats/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The seven order lines as every columnar fixture holds them: `created_at` is
/// Stockholm time in the file, written in UTC (CET +1 until 2024-03-31 02:00, then CEST +2).
const COLUMNAR_CSV: &str = "\
order_id,customer_id,order_date,created_at,amount,quantity,category,discount,customer_name
O1001,C001,2024-01-05,2024-01-05T08:15:00Z,129.5,2,books,0.00,Åsa Ångström
O1002,C002,2024-01-17,2024-01-17T17:02:30.250Z,89.99,1,garden,5.50,Jürgen Müller
O1003,C003,2024-02-03,2024-02-02T23:30:00Z,15,,books,,Élodie Lefèvre
O1004,C001,2024-02-29,2024-02-29T11:00:00Z,240,3,,12.25,Åsa Ångström
O1005,C004,2024-03-10,2024-03-10T07:45:00Z,,1,toys,,\"François \"\"FC\"\" Cœur\"
O1006,C002,2024-03-31,2024-03-31T01:30:00Z,-20,1,garden,,\"Müller, Jürgen\"
O1007,,2024-04-02,2024-04-02T08:00:00Z,55.25,4,toys,-1.10,\" Zoë Brontë\"
";

/// The sheet "Orders 2024" of orders.xlsx: spreadsheet time has no zone; the
/// #N/A in F6 is empty.
const XLSX_CSV: &str = "\
Order ID,Customer ID,Order Date,Created at,Amount,Quantity,Category,Customer name
O1001,C001,2024-01-05,2024-01-05T09:15:00,129.5,2,books,Åsa Ångström
O1002,C002,2024-01-17,2024-01-17T18:02:30.250,89.99,1,garden,Jürgen Müller
O1003,C003,2024-02-03,2024-02-03T00:30:00,15,,books,Élodie Lefèvre
O1004,C001,2024-02-29,2024-02-29T12:00:00,240,3,,Åsa Ångström
O1005,C004,2024-03-10,2024-03-10T08:45:00,,1,toys,\"François \"\"FC\"\" Cœur\"
O1006,C002,2024-03-31,2024-03-31T03:30:00,-20,1,garden,\"Müller, Jürgen\"
O1007,,2024-04-02,2024-04-02T10:00:00,55.25,4,toys,\" Zoë Brontë\"
";

const PARQUET: [&str; 5] = [
    "orders-none.parquet",
    "orders-snappy.parquet",
    "orders-gzip.parquet",
    "orders-lz4.parquet",
    "orders-zstd.parquet",
];

#[test]
fn every_parquet_codec_reads_the_same_typed_values() {
    for name in PARQUET {
        let bytes = fixture(name);
        assert_eq!(sniff(&bytes), Some(Kind::Parquet), "{name}");
        let c = to_csv(&bytes, &ConvertOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((c.format, c.rows, c.columns), ("parquet", 7, 9), "{name}");
        assert_eq!(String::from_utf8(c.csv).unwrap(), COLUMNAR_CSV, "{name}");
        assert!(
            c.warnings.is_empty() && c.sheets.is_empty() && c.sheet.is_none(),
            "{name}"
        );
    }
}

#[test]
fn arrow_file_and_lz4_stream_read_the_same_values() {
    for (name, kind) in [
        ("orders.arrow", Kind::ArrowFile),
        ("orders-lz4.arrows", Kind::ArrowStream),
    ] {
        let bytes = fixture(name);
        assert_eq!(sniff(&bytes), Some(kind), "{name}");
        let c = to_csv(&bytes, &ConvertOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((c.format, c.rows, c.columns), ("arrow", 7, 9), "{name}");
        assert_eq!(String::from_utf8(c.csv).unwrap(), COLUMNAR_CSV, "{name}");
    }
}

#[test]
fn the_named_xlsx_sheet_reads_dates_currency_and_errors_with_warnings() {
    let bytes = fixture("orders.xlsx");
    assert_eq!(sniff(&bytes), Some(Kind::Xlsx));
    let opts = ConvertOptions {
        sheet: Some("Orders 2024".into()),
    };
    let c = to_csv(&bytes, &opts).unwrap();
    assert_eq!((c.format, c.rows, c.columns), ("xlsx", 7, 8));
    assert_eq!(c.sheet.as_deref(), Some("Orders 2024"));
    assert_eq!(c.sheets, ["Notes", "Orders 2024"]);
    assert_eq!(String::from_utf8(c.csv).unwrap(), XLSX_CSV);
    assert_eq!(c.warnings.len(), 3, "{:?}", c.warnings);
    assert!(c.warnings[0].contains("header is on row 3") && c.warnings[0].contains("add 2"));
    assert!(c.warnings[1].contains("1 empty row among the data skipped (8)"));
    assert!(c.warnings[2].ends_with("error cells read as empty: F6 (#N/A)"));
}

#[test]
fn without_a_sheet_the_first_is_read_and_a_missing_one_lists_the_sheets() {
    let bytes = fixture("orders.xlsx");
    let c = to_csv(&bytes, &ConvertOptions::default()).unwrap();
    assert_eq!(c.sheet.as_deref(), Some("Notes"));
    assert_eq!(
        String::from_utf8(c.csv).unwrap(),
        "Exported from the shop on 2024-04-03\nOrders are on the next sheet\n"
    );
    let err = to_csv(
        &bytes,
        &ConvertOptions {
            sheet: Some("Foo".into()),
        },
    )
    .unwrap_err();
    assert!(matches!(&err, Error::SheetNotFound { sheet, .. } if sheet == "Foo"));
    assert_eq!(
        err.to_string(),
        "XLSX sheet 'Foo' not found; sheets: Notes, Orders 2024"
    );
}

#[test]
fn a_sheet_option_on_parquet_is_ignored_with_a_warning() {
    let c = to_csv(
        &fixture("orders-none.parquet"),
        &ConvertOptions {
            sheet: Some("x".into()),
        },
    )
    .unwrap();
    assert_eq!(
        c.warnings,
        ["the sheet option ('x') applies to XLSX workbooks only; ignored"]
    );
}

#[test]
fn errors_name_the_format() {
    let parquet = fixture("orders-snappy.parquet");
    let err = to_csv(&parquet[..parquet.len() / 2], &ConvertOptions::default()).unwrap_err();
    assert!(err.to_string().starts_with("this Parquet file is corrupt: "), "{err}");
    let xlsx = fixture("orders.xlsx");
    let err = to_csv(&xlsx[..xlsx.len() - 100], &ConvertOptions::default()).unwrap_err();
    assert!(err.to_string().starts_with("this XLSX file is corrupt: "), "{err}");
    let arrow = fixture("orders.arrow");
    let err = to_csv(&arrow[..arrow.len() - 10], &ConvertOptions::default()).unwrap_err();
    assert!(err.to_string().starts_with("this Arrow IPC file is corrupt: "), "{err}");
    let err = to_csv(b"order_id\n1\n", &ConvertOptions::default()).unwrap_err();
    assert!(matches!(err, Error::NotRecognised(_)), "{err}");
}

/// A tiny deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Damaged copies of every fixture convert or fail with an error; none may
/// abort. A panic deep inside a reader is caught natively and reported as
/// [`READER_STOPPED`]; in wasm32 it would be a trap, so they must stay rare:
/// `validate.rs` turns the common ones (about a fifth of the mutated Arrow
/// files without it) into plain errors.
#[test]
fn truncated_and_mutated_fixtures_give_errors_never_panics() {
    let names = PARQUET
        .iter()
        .copied()
        .chain(["orders.arrow", "orders-lz4.arrows", "orders.xlsx"]);
    let mut rng = Rng(0x5EED_CAFE_F00D);
    let mut outcomes = [0usize; 2];
    for name in names {
        let bytes = fixture(name);
        let opts = ConvertOptions {
            sheet: name.ends_with("xlsx").then(|| "Orders 2024".to_string()),
        };
        for cut in (0..bytes.len()).step_by(bytes.len() / 60 + 1) {
            let r = to_csv(&bytes[..cut], &opts);
            assert!(r.is_err(), "{name} cut to {cut} bytes converted");
        }
        let mut stopped = 0;
        for _ in 0..300 {
            let mut m = bytes.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(m.len());
                m[at] = rng.next() as u8;
            }
            let r = to_csv(&m, &opts);
            stopped += usize::from(matches!(&r, Err(Error::Corrupt { reason, .. }) if reason == READER_STOPPED));
            outcomes[usize::from(r.is_ok())] += 1;
        }
        assert!(
            stopped <= 3,
            "{name}: {stopped} of 300 damaged copies panicked inside the reader"
        );
    }
    // Both outcomes occur: some mutations hit only values, others structure.
    assert!(outcomes[0] > 0 && outcomes[1] > 0, "{outcomes:?}");
}
