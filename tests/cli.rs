//! The native command line, run as a user would: generate a data set, load it,
//! report on it; JSON on stdout with snake_case names, errors on stderr.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn rapport(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(args)
        .output()
        .expect("the rapport binary runs")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rapport-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A fresh folder for one test holding one file; answers the folder and the file's path.
fn folder_with_file(test: &str, name: &str, content: &str) -> (PathBuf, PathBuf) {
    let dir = temp_dir(test);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, content).unwrap();
    (dir, file)
}

fn csv_files(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    files
}

#[test]
fn generate_is_deterministic_and_every_file_loads_with_nothing_lost() {
    let (a, b) = (temp_dir("gen-a"), temp_dir("gen-b"));
    let summary = json(&rapport(&[
        "generate",
        "--customers",
        "300",
        "--seed",
        "7",
        "--out",
        a.to_str().unwrap(),
    ]));
    assert_eq!(summary["seed"], 7);
    json(&rapport(&[
        "generate",
        "--customers",
        "300",
        "--seed",
        "7",
        "--out",
        b.to_str().unwrap(),
    ]));
    for f in ["orders.csv", "customers_shop.csv", "truth/identity.csv"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f} differs"
        );
    }
    let files = csv_files(&a);
    assert_eq!(files.len(), 11);
    let mut args = vec!["load", "--auto"];
    args.extend(files.iter().map(String::as_str));
    let reports = json(&rapport(&args));
    let reports = reports.as_array().unwrap();
    assert_eq!(reports.len(), 11);
    for r in reports {
        let (read, loaded, rejected) = (
            r["rows_read"].as_u64().unwrap(),
            r["rows_loaded"].as_u64().unwrap(),
            r["rows_rejected"].as_u64().unwrap(),
        );
        assert_eq!(read, loaded + rejected, "{}", r["file"]);
        assert!(read > 0, "{}", r["file"]);
    }
    let entity_of = |suffix: &str| {
        reports
            .iter()
            .find(|r| r["file"].as_str().unwrap().ends_with(suffix))
            .unwrap()["entity"]
            .clone()
    };
    assert_eq!(entity_of("customers_support.csv"), "customers");
    assert_eq!(entity_of("campaign_events.csv"), "campaign_events");
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
}

#[test]
fn monthly_prints_json_or_csv_and_bad_input_fails_with_the_place() {
    let orders_csv = "Order,Kund,När,Summa\nO1,K1,2024-01-31,10\nO2,K2,2024-02-01,5.5\n";
    let (dir, orders) = folder_with_file("monthly", "orders.csv", orders_csv);
    let path = orders.to_str().unwrap();
    let m = json(&rapport(&[
        "monthly",
        "--orders",
        path,
        "--map",
        "Order=order_id,Kund=customer_id,När=order_date,Summa=amount",
    ]));
    assert_eq!(m["period"], "month");
    assert_eq!(m["rows"][1]["period"], "2024-02");
    assert_eq!(m["rows"][1]["revenue"], 5.5);
    let out = rapport(&[
        "monthly",
        "--orders",
        path,
        "--format",
        "csv",
        "--map",
        "Order=order_id,Kund=customer_id,När=order_date,Summa=amount",
    ]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "period,orders,revenue,customers\n2024-01,1,10,1\n2024-02,1,5.5,1\n"
    );
    let out = rapport(&["monthly", "--orders", path]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("row 1") && err.contains("customer_id"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn preview_prints_the_head_of_a_file_as_read() {
    let (dir, file) = folder_with_file(
        "preview",
        "kunder.csv",
        "Kundnummer;Namn\nK1;\"Öberg; Åsa\"\nK2;Li\nK3;Wu\n",
    );
    let p = json(&rapport(&["preview", file.to_str().unwrap(), "--rows", "2"]));
    assert_eq!(p["format"], "csv");
    assert_eq!(p["dialect"]["delimiter"], ";");
    assert_eq!(p["encoding"], "utf-8");
    assert_eq!(p["header"], serde_json::json!(["Kundnummer", "Namn"]));
    assert_eq!(p["rows"], serde_json::json!([["K1", "Öberg; Åsa"], ["K2", "Li"]]));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn quality_prints_scores_per_entity() {
    let (dir, customers) = folder_with_file("quality", "customers.csv", "customer_id,email\nC1,a@x.se\nC2,nope\n");
    let q = json(&rapport(&[
        "quality",
        "--customers",
        customers.to_str().unwrap(),
        "--as-of",
        "2024-06-30",
    ]));
    assert_eq!(q["as_of"], "2024-06-30");
    assert_eq!(q["entities"][0]["entity"], "customers");
    assert_eq!(q["entities"][0]["scores"]["correct"], 0.5);
    assert_eq!(q["entities"][0]["issues"][0]["reason"], "not an e-mail address");
    let bad = rapport(&[
        "quality",
        "--customers",
        customers.to_str().unwrap(),
        "--as-of",
        "30/06/2024",
    ]);
    assert!(!bad.status.success());
    assert!(String::from_utf8(bad.stderr).unwrap().contains("asOf"));
    let _ = std::fs::remove_dir_all(&dir);
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/formats/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn load_and_preview_read_parquet_arrow_and_a_named_xlsx_sheet() {
    let parquet = fixture("orders-snappy.parquet");
    let arrow = fixture("orders-lz4.arrows");
    let xlsx = fixture("orders.xlsx");
    let reports = json(&rapport(&[
        "load",
        "--orders",
        &parquet,
        &arrow,
        &xlsx,
        "--sheet",
        "Orders 2024",
    ]));
    let summary: Vec<(String, u64, u64, u64)> = reports
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["format"].as_str().unwrap().to_string(),
                r["rows_read"].as_u64().unwrap(),
                r["rows_loaded"].as_u64().unwrap(),
                r["rows_rejected"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = |f: &str| (f.to_string(), 7, 5, 2);
    assert_eq!(summary, [expected("parquet"), expected("arrow"), expected("xlsx")]);
    assert_eq!(reports[0]["rejected"][0]["row"], 6);
    // The workbook's conversion warnings are part of its report.
    let warnings = reports[2]["warnings"].to_string();
    assert!(warnings.contains("F6 (#N/A)"), "{warnings}");

    let p = json(&rapport(&["preview", &xlsx, "--sheet", "Orders 2024", "--rows", "1"]));
    assert_eq!(p["format"], "xlsx");
    assert_eq!(p["header"][0], "Order ID");
    assert_eq!(p["rows"][0][3], "2024-01-05T09:15:00");

    let missing = rapport(&["preview", &xlsx, "--sheet", "Foo"]);
    assert!(!missing.status.success());
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains("XLSX sheet 'Foo' not found; sheets: Notes, Orders 2024"),
        "{stderr}"
    );
}

#[test]
fn quality_reads_a_parquet_file_transparently() {
    let q = json(&rapport(&[
        "quality",
        "--orders",
        &fixture("orders-zstd.parquet"),
        "--as-of",
        "2024-06-30",
    ]));
    assert_eq!(q["entities"][0]["entity"], "orders");
    assert_eq!(q["entities"][0]["rows"], 5);
}
