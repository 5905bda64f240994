//! Parquet, Arrow IPC and XLSX fixtures, converted by `rapport-formats` and
//! loaded as orders: the report names the format, counts every row, and
//! numbers rejects by record; the loaded values are the file's.

// Native only: rapport-formats is a native dev-dependency (its wasm build is a module of its own).
#![cfg(not(target_arch = "wasm32"))]

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, UInt32Type};
use arrow_array::{Array, RecordBatch};
use arrow_ipc::reader::StreamReader;
use rapport::{Entity, LoadOptions, Workspace};
use rapport_formats::{to_csv, ConvertOptions};

fn load(name: &str, sheet: Option<&str>) -> (Workspace, rapport::LoadReport) {
    let bytes = std::fs::read(format!("{}/tests/fixtures/formats/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let converted = to_csv(
        &bytes,
        &ConvertOptions {
            sheet: sheet.map(String::from),
        },
    )
    .unwrap();
    let mut opts = LoadOptions::named(name);
    opts.format = Some(converted.format.to_string());
    let mut ws = Workspace::new();
    let report = ws.load(None, &converted.csv, &opts).unwrap();
    (ws, report)
}

fn orders(ws: &Workspace) -> RecordBatch {
    let ipc = ws.entity_ipc(Entity::Orders, &Default::default()).unwrap();
    StreamReader::try_new(std::io::Cursor::new(ipc), None)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
}

/// (order_id, customer_id, order_date, amount, quantity) of every loaded row.
fn loaded(ws: &Workspace) -> Vec<(String, String, String, f64, Option<f64>)> {
    let b = orders(ws);
    let s = b.schema();
    let col = |name: &str| b.column(s.index_of(name).unwrap()).clone();
    let key = |name: &str, i: usize| {
        let c = col(name);
        let d = c.as_dictionary::<UInt32Type>();
        d.values()
            .as_string::<i32>()
            .value(d.keys().value(i) as usize)
            .to_string()
    };
    let date = col("order_date");
    let amount = col("amount");
    let quantity = col("quantity");
    (0..b.num_rows())
        .map(|i| {
            let q = quantity.as_primitive::<Float64Type>();
            (
                key("order_id", i),
                key("customer_id", i),
                rapport::calendar::date_label(date.as_primitive::<Date32Type>().value(i)),
                amount.as_primitive::<Float64Type>().value(i),
                (!q.is_null(i)).then(|| q.value(i)),
            )
        })
        .collect()
}

fn expected() -> Vec<(String, String, String, f64, Option<f64>)> {
    [
        ("O1001", "C001", "2024-01-05", 129.5, Some(2.0)),
        ("O1002", "C002", "2024-01-17", 89.99, Some(1.0)),
        ("O1003", "C003", "2024-02-03", 15.0, None),
        ("O1004", "C001", "2024-02-29", 240.0, Some(3.0)),
        ("O1006", "C002", "2024-03-31", -20.0, Some(1.0)),
    ]
    .into_iter()
    .map(|(o, c, d, a, q)| (o.into(), c.into(), d.into(), a, q))
    .collect()
}

fn assert_counts_and_rejects(r: &rapport::LoadReport, format: &str) {
    let name = &r.file;
    assert_eq!((r.entity, r.format), (Entity::Orders, format), "{name}");
    assert_eq!((r.rows_read, r.rows_loaded, r.rows_rejected), (7, 5, 2), "{name}");
    assert_eq!(r.rows_read, r.rows_loaded + r.rows_rejected, "{name}");
    // O1005 has no amount, O1007 no customer: records 6 and 8 (header = 1).
    let rejects: Vec<(u64, Option<&str>)> = r.rejected.iter().map(|j| (j.row, j.column.as_deref())).collect();
    assert_eq!(rejects.len(), 2, "{name}");
    assert_eq!(rejects[0].0, 6, "{name}");
    assert_eq!(rejects[1].0, 8, "{name}");
    assert!(
        rejects[0].1.is_some_and(|c| c.eq_ignore_ascii_case("amount")),
        "{name}: {rejects:?}"
    );
    assert!(rejects[1]
        .1
        .is_some_and(|c| c.eq_ignore_ascii_case("customer id") || c == "customer_id"));
}

#[test]
fn every_parquet_codec_and_both_arrow_formats_load_as_orders() {
    for name in [
        "orders-none.parquet",
        "orders-snappy.parquet",
        "orders-gzip.parquet",
        "orders-lz4.parquet",
        "orders-zstd.parquet",
        "orders.arrow",
        "orders-lz4.arrows",
    ] {
        let (ws, r) = load(name, None);
        assert_counts_and_rejects(&r, if name.contains("parquet") { "parquet" } else { "arrow" });
        assert_eq!(loaded(&ws), expected(), "{name}");
        // Columns that are no canonical field stay as attributes, values as written.
        let b = orders(&ws);
        let names = b
            .column(b.schema().index_of("customer_name").unwrap())
            .as_string::<i32>()
            .clone();
        assert_eq!(names.value(0), "Åsa Ångström", "{name}");
        let created = b
            .column(b.schema().index_of("created_at").unwrap())
            .as_string::<i32>()
            .clone();
        assert_eq!(created.value(1), "2024-01-17T17:02:30.250Z", "{name}");
    }
}

#[test]
fn the_xlsx_orders_sheet_loads_with_dates_and_currency_amounts() {
    let (ws, r) = load("orders.xlsx", Some("Orders 2024"));
    assert_counts_and_rejects(&r, "xlsx");
    let by_header: Vec<(&str, Option<&str>)> = r
        .mapping
        .iter()
        .map(|m| (m.header.as_str(), m.field.as_deref()))
        .collect();
    assert_eq!(
        &by_header[..6],
        [
            ("Order ID", Some("order_id")),
            ("Customer ID", Some("customer_id")),
            ("Order Date", Some("order_date")),
            ("Created at", None),
            ("Amount", Some("amount")),
            ("Quantity", Some("quantity")),
        ]
    );
    assert_eq!(loaded(&ws), expected());
}
