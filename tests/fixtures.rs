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
