//! Fixture files load to exactly the values they hold, whatever their encoding
//! and dialect.

use arrow_array::cast::AsArray;
use arrow_array::types::UInt32Type;
use arrow_array::{Array, RecordBatch};
use arrow_ipc::reader::StreamReader;
use rapport::{Entity, LoadOptions, Workspace};

const EXPECTED: [[&str; 5]; 4] = [
    ["SE1", "Åsa", "Ångström", "Göteborg", "SE"],
    ["DE1", "Jürgen", "Müller", "Köln", "DE"],
    ["FR1", "Élodie", "Lefèvre", "Besançon", "FR"],
    ["FR2", "François", "Cœur", "Orléans", "FR"],
];

fn rows(batch: &RecordBatch) -> Vec<Vec<String>> {
    let ids = batch.column(0).as_dictionary::<UInt32Type>();
    let id_values = ids.values().as_string::<i32>();
    (0..batch.num_rows())
        .map(|i| {
            let mut row = vec![id_values.value(ids.keys().value(i) as usize).to_string()];
            for c in 1..5 {
                let col = batch.column(c).as_string::<i32>();
                row.push(if col.is_null(i) {
                    String::new()
                } else {
                    col.value(i).to_string()
                });
            }
            row
        })
        .collect()
}

#[test]
fn every_encoding_fixture_loads_the_same_names() {
    let cases = [
        ("customers-utf8-bom.csv", "utf-8", ','),
        ("customers-utf16le-bom.csv", "utf-16le", ','),
        ("customers-utf16be-bom.csv", "utf-16be", ','),
        ("customers-utf16le-nobom.tsv", "utf-16le", '\t'),
        ("customers-windows1252.csv", "windows-1252", ';'),
    ];
    for (name, encoding, delimiter) in cases {
        let bytes = std::fs::read(format!(
            "{}/tests/fixtures/encodings/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let mut ws = Workspace::new();
        let r = ws.load(None, &bytes, &LoadOptions::named(name)).unwrap();
        assert_eq!(
            (r.entity, r.encoding, r.dialect.delimiter),
            (Entity::Customers, encoding, delimiter),
            "{name}"
        );
        assert_eq!((r.rows_read, r.rows_loaded, r.rows_rejected), (4, 4, 0), "{name}");
        assert_eq!(r.warnings.is_empty(), name.contains("-bom"), "{name}: {:?}", r.warnings);
        let ipc = ws.entity_ipc(Entity::Customers, &Default::default()).unwrap();
        let batch = StreamReader::try_new(std::io::Cursor::new(ipc), None)
            .unwrap()
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(
            rows(&batch),
            EXPECTED.map(|r| r.map(String::from).to_vec()).to_vec(),
            "{name}"
        );
    }
}

fn load_fixture(name: &str) -> (Workspace, rapport::LoadReport) {
    let bytes = std::fs::read(format!("{}/tests/fixtures/dialects/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut ws = Workspace::new();
    let r = ws.load(None, &bytes, &LoadOptions::named(name)).unwrap();
    (ws, r)
}

fn dates_and_amounts(ws: &Workspace) -> Vec<(String, f64)> {
    let ipc = ws.entity_ipc(Entity::Orders, &Default::default()).unwrap();
    let batch = StreamReader::try_new(std::io::Cursor::new(ipc), None)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let schema = batch.schema();
    let date = batch
        .column(schema.index_of("order_date").unwrap())
        .as_primitive::<arrow_array::types::Date32Type>();
    let amount = batch
        .column(schema.index_of("amount").unwrap())
        .as_primitive::<arrow_array::types::Float64Type>();
    (0..batch.num_rows())
        .map(|i| (rapport::calendar::date_label(date.value(i)), amount.value(i)))
        .collect()
}

/// The three fixture orders' dates (the same in every file) with the given amounts.
fn three_orders(a: f64, b: f64, c: f64) -> Vec<(String, f64)> {
    vec![
        ("2024-03-05".into(), a),
        ("2024-12-31".into(), b),
        ("2024-02-29".into(), c),
    ]
}

#[test]
fn dates_and_numbers_are_read_as_each_tool_writes_them() {
    let (ws, r) = load_fixture("orders-de.csv");
    assert_eq!((r.dialect.delimiter, r.rows_loaded, r.rows_rejected), (';', 3, 0));
    let formats: Vec<Option<&str>> = r.mapping.iter().map(|m| m.format).collect();
    assert_eq!(formats, vec![None, None, Some("DD/MM/YYYY"), Some("1.234,56")]);
    assert_eq!(dates_and_amounts(&ws), three_orders(1234.5, 12.5, -3.25));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);

    let (ws, r) = load_fixture("orders-us.csv");
    assert_eq!(r.mapping[2].format, Some("MM/DD/YYYY"));
    assert_eq!(dates_and_amounts(&ws), three_orders(1234.5, 12.5, -3.25));

    let (ws, r) = load_fixture("orders-excel.tsv");
    assert_eq!(r.mapping[2].format, Some("Excel serial day"));
    assert_eq!(dates_and_amounts(&ws), three_orders(10.0, 20.0, 30.0));
}

#[test]
fn an_ambiguous_date_column_is_read_day_first_with_a_warning_and_can_be_overridden() {
    let (ws, r) = load_fixture("orders-ambiguous.csv");
    assert_eq!(r.warnings.len(), 1);
    assert!(
        r.warnings[0].starts_with("column 'order_date': every day in the sample is 12 or less"),
        "{:?}",
        r.warnings
    );
    assert_eq!(dates_and_amounts(&ws)[0].0, "2024-02-01");
    let bytes = std::fs::read(format!(
        "{}/tests/fixtures/dialects/orders-ambiguous.csv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut opts = LoadOptions::named("orders-ambiguous.csv");
    opts.formats.insert("order_date".into(), "MM/DD/YYYY".into());
    let mut ws = Workspace::new();
    let r = ws.load(None, &bytes, &opts).unwrap();
    assert!(r.warnings.is_empty());
    assert_eq!(dates_and_amounts(&ws)[0].0, "2024-01-02");
    opts.formats.insert("order_date".into(), "YYYY/DD/MM".into());
    assert!(Workspace::new()
        .load(None, &bytes, &opts)
        .unwrap_err()
        .to_string()
        .contains("formats"));
}
