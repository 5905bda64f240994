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
fn map_overrides_apply_only_to_files_with_that_exact_column() {
    let (dir, orders) = folder_with_file("map", "orders.csv", "Order,Kund,Datum,Summa\nO1,K1,2024-01-31,10\n");
    // "Kundnamn" contains "Kund" but is another column: the override must not touch this file.
    let customers = dir.join("customers.csv");
    std::fs::write(&customers, "customer_id;Kundnamn\nK1;Åsa\n").unwrap();
    let reports = json(&rapport(&[
        "load",
        "--orders",
        orders.to_str().unwrap(),
        "--customers",
        customers.to_str().unwrap(),
        "--map",
        "Order=order_id,Kund=customer_id,Datum=order_date,Summa=amount",
    ]));
    let by_entity = |e: &str| {
        reports
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["entity"] == e)
            .unwrap()
            .clone()
    };
    assert_eq!(by_entity("orders")["rows_loaded"], 1);
    let customers = by_entity("customers");
    assert_eq!(customers["rows_loaded"], 1);
    let kundnamn = customers["mapping"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["header"] == "Kundnamn")
        .unwrap()
        .clone();
    assert_eq!(kundnamn["kind"], "attribute");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rfm_prints_segments_and_movement_and_writes_scores() {
    let orders = "order_id,customer_id,order_date,amount\nA1,A,2024-12-30,300\nB1,B,2024-12-20,50\nC1,C,2024-11-01,500\nD1,D,2024-06-01,80\nE1,E,2023-06-01,20\n";
    let (dir, file) = folder_with_file("rfm", "orders.csv", orders);
    let out = dir.join("rfm.csv");
    let r = json(&rapport(&[
        "rfm",
        "--orders",
        file.to_str().unwrap(),
        "--movement-from",
        "2024-07-01",
        "--out",
        out.to_str().unwrap(),
    ]));
    assert_eq!(r["as_of"], "2024-12-30");
    assert_eq!(r["customers_scored"], 5);
    let lost = r["segments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["segment"] == "Lost")
        .unwrap();
    assert_eq!(lost["customers"], 1);
    assert_eq!(r["movement"]["from_date"], "2024-07-01");
    let scores = std::fs::read_to_string(&out).unwrap();
    assert!(scores.starts_with("customer_id,recency_days,frequency,monetary,r,f,m,segment\nA,0,1,300,5,"));
    assert_eq!(scores.lines().count(), 6);
    let bad = rapport(&["rfm", "--orders", file.to_str().unwrap(), "--scheme", "six"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("scheme"));
}

#[test]
fn audience_respects_consent_and_writes_target_and_control() {
    let mut customers = String::from("customer_id,email\n");
    let mut consents = String::from("customer_id,channel,status,updated_at\n");
    let mut orders = String::from("order_id,customer_id,order_date,amount\n");
    for i in 0..100 {
        customers.push_str(&format!("c{i},c{i}@example.se\n"));
        orders.push_str(&format!("o{i},c{i},2024-05-01,{}\n", i + 1));
        let status = if i < 80 { "granted" } else { "withdrawn" };
        consents.push_str(&format!("c{i},email,{status},2024-01-01T00:00:00Z\n"));
    }
    let (dir, cust) = folder_with_file("audience", "customers.csv", &customers);
    let cons = dir.join("consents.csv");
    std::fs::write(&cons, consents).unwrap();
    let ord = dir.join("orders.csv");
    std::fs::write(&ord, orders).unwrap();
    let out = dir.join("audience.csv");
    let args = [
        "audience",
        "--customers",
        cust.to_str().unwrap(),
        "--consents",
        cons.to_str().unwrap(),
        "--orders",
        ord.to_str().unwrap(),
        "--control-fraction",
        "0.25",
        "--stratify-by",
        "rfm_segment",
        "--seed",
        "11",
        "--columns",
        "email,rfm_segment",
        "--out",
        out.to_str().unwrap(),
    ];
    let a = json(&rapport(&args));
    assert_eq!(
        (a["eligible"].as_u64(), a["control"].as_u64(), a["target"].as_u64()),
        (Some(80), Some(20), Some(60))
    );
    assert_eq!(a["seed"], 11);
    assert_eq!(a["excluded"][1]["reason"], "consent withdrawn");
    assert_eq!(a["excluded"][1]["count"], 20);
    let first = std::fs::read_to_string(&out).unwrap();
    assert!(first.starts_with("customer_id,group,email,rfm_segment\n"));
    assert_eq!(first.lines().filter(|l| l.contains(",control,")).count(), 20);
    // The same seed rebuilds the same file.
    json(&rapport(&args));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), first);
}

#[test]
fn a_gzipped_file_loads_as_its_decompressed_self_and_a_broken_one_fails_with_the_reason() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    let gz = data.join("orders.csv.gz");
    let unzipped = std::process::Command::new("gzip").arg("-dc").arg(&gz).output().unwrap();
    assert!(unzipped.status.success());
    let (dir, plain) = folder_with_file("gunzip", "orders.csv", std::str::from_utf8(&unzipped.stdout).unwrap());
    let report = |file: &Path| {
        let mut r = json(&rapport(&["load", "--orders", file.to_str().unwrap()]))[0].clone();
        r.as_object_mut().unwrap().remove("file");
        r
    };
    let from_gz = report(&gz);
    assert!(from_gz["rows_loaded"].as_u64().unwrap() > 1000, "{from_gz}");
    assert_eq!(from_gz, report(&plain));
    // Cut short: the error names the file and says why, and nothing is loaded.
    let bytes = std::fs::read(&gz).unwrap();
    let cut = dir.join("cut.csv.gz");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let out = rapport(&["load", "--orders", cut.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cut.csv.gz") && err.contains("gzip-compressed but does not decompress"),
        "{err}"
    );
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

#[test]
fn segment_prints_the_count_and_writes_the_selected_ids_as_csv() {
    let (dir, orders) = folder_with_file(
        "segment",
        "orders.csv",
        "order_id,customer_id,order_date,product_id,amount\nO1,A,2024-01-10,SKU-A,50\nO2,B,2024-03-01,SKU-A,30\nO3,B,2024-03-02,SKU-B,30\nO4,C,2024-03-31,SKU-B,15\nO5,D,2024-02-01,SKU-A,90\n",
    );
    let out = dir.join("ids.csv");
    let r = json(&rapport(&[
        "segment",
        "--orders",
        orders.to_str().unwrap(),
        "--expr",
        "bought('SKU-A') and not bought('SKU-B')",
        "--out",
        out.to_str().unwrap(),
    ]));
    assert_eq!(r["count"], 2);
    assert_eq!(r["total"], 4);
    assert_eq!(r["as_of"], "2024-03-31");
    assert_eq!(r["expr"], "bought('SKU-A') and not bought('SKU-B')");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "customer_id\nA\nD\n");
    // `today` is the --as-of date.
    let r = json(&rapport(&[
        "segment",
        "--orders",
        orders.to_str().unwrap(),
        "--as-of",
        "2024-02-15",
        "--expr",
        "last_order <= today - 14d",
    ]));
    assert_eq!(
        (r["count"].as_u64(), r["as_of"].as_str()),
        (Some(2), Some("2024-02-15"))
    );
    // A misspelt column fails with its position and the nearest name.
    let bad = rapport(&[
        "segment",
        "--orders",
        orders.to_str().unwrap(),
        "--expr",
        "order_cout > 1",
    ]);
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("unknown column 'order_cout' at 0; did you mean 'order_count'?"),
        "{stderr}"
    );
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

/// Six light buyers (one order of 10, 20, … 60) and six heavy ones (five orders
/// of 101 … 106 each, so 505 … 530).
fn two_kinds_of_buyer() -> String {
    let mut csv = String::from("order_id,customer_id,order_date,amount\n");
    for i in 1..=6 {
        csv += &format!("L{i},A{i},2024-01-0{i},{}\n", 10 * i);
        for o in 1..=5 {
            csv += &format!("H{i}{o},B{i},2024-02-0{o},{}\n", 100 + i);
        }
    }
    csv
}

#[test]
fn clusters_prints_segments_with_the_seed_and_the_same_seed_repeats_them() {
    let (dir, orders) = folder_with_file("clusters", "orders.csv", &two_kinds_of_buyer());
    let orders = orders.to_str().unwrap();
    let args = [
        "clusters",
        "--orders",
        orders,
        "--features",
        "monetary_total,order_count",
        "--k",
        "2",
        "--seed",
        "3",
    ];
    let first = rapport(&args);
    let c = json(&first);
    assert_eq!(
        (c["k"].as_u64(), c["seed"].as_u64(), c["left_out"].as_u64()),
        (Some(2), Some(3), Some(0))
    );
    assert_eq!(c["sizes"], serde_json::json!([6, 6]));
    assert_eq!(c["chosen_by"], "given");
    // Profile: the heavy cluster's order_count mean is 5 against 3 overall.
    let heavy = c["profile"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["means"][1]["mean"] == 5.0)
        .expect("a cluster of the five-order buyers");
    assert_eq!(heavy["means"][1]["overall"], 3.0);
    assert_eq!(rapport(&args).stdout, first.stdout, "same seed, same output");

    let scan = json(&rapport(&[
        "clusters",
        "--orders",
        orders,
        "--features",
        "monetary_total,order_count",
        "--k-range",
        "2..4",
        "--seed",
        "3",
        "--scan-only",
    ]));
    let ks: Vec<u64> = scan["scores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["k"].as_u64().unwrap())
        .collect();
    assert_eq!(ks, vec![2, 3, 4]);
    assert_eq!(scan["scanned_rows"], 12);

    let bad = rapport(&[
        "clusters",
        "--orders",
        orders,
        "--features",
        "monetary_totl",
        "--k",
        "2",
    ]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("did you mean 'monetary_total'"));
    let one = rapport(&["clusters", "--orders", orders, "--features", "order_count", "--k", "1"]);
    assert!(String::from_utf8_lossy(&one.stderr).contains("option 'k' = \"1\""));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn tiers_prints_the_tiers_and_the_pareto_share() {
    let (dir, orders) = folder_with_file("tiers", "orders.csv", &two_kinds_of_buyer());
    let t = json(&rapport(&["tiers", "--orders", orders.to_str().unwrap()]));
    assert_eq!(t["by"], "monetary_total");
    let count = |i: usize| t["tiers"][i]["customers"].as_u64().unwrap();
    // 12 customers: 20 % = 2.4 → 2 high, 50 % = 6 → 4 mid, 6 low.
    assert_eq!((count(0), count(1), count(2)), (2, 4, 6));
    assert_eq!(t["tiers"][0]["revenue"], 1055.0);
    // Top 2.4 customers: 530 + 525 + 0.4 × 520, of 3,315.
    let pareto = t["pareto_share"].as_f64().unwrap();
    assert!((pareto - 1263.0 / 3315.0).abs() < 1e-12, "{pareto}");
    assert_eq!(t["curve"].as_array().unwrap().len(), 101);
    let _ = std::fs::remove_dir_all(dir);
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

#[test]
fn cohorts_prints_the_retention_matrix_in_the_issue_s_shape() {
    let (dir, orders) = folder_with_file(
        "cohorts",
        "orders.csv",
        "order_id,customer_id,order_date,amount\n\
         O1,A,1997-01-31,10\nO2,B,1997-01-01,5\nO3,A,1997-02-01,7\nO4,C,1997-02-10,3\nO5,B,1997-03-31,2\nR1,C,1997-03-05,-1\n",
    );
    let out = json(&rapport(&[
        "cohorts",
        "--orders",
        orders.to_str().unwrap(),
        "--period",
        "month",
    ]));
    assert_eq!(out["period"], "month");
    let c = &out["cohorts"];
    assert_eq!(c.as_array().unwrap().len(), 2);
    assert_eq!(c[0]["cohort"], "1997-01");
    assert_eq!(c[0]["size"], 2);
    assert_eq!(c[0]["active"], serde_json::json!([2, 1, 1]));
    assert_eq!(c[0]["revenue"], serde_json::json!([15.0, 7.0, 2.0]));
    assert_eq!(c[0]["returned_or_later"], serde_json::json!([2, 2, 1]));
    assert_eq!(c[0]["incomplete"], serde_json::json!([false, false, false]));
    assert_eq!(c[1]["cohort"], "1997-02");
    assert_eq!(c[1]["active"], serde_json::json!([1, 0]));
    assert_eq!(c[1]["revenue"], serde_json::json!([3.0, -1.0]));
    let bad = rapport(&["cohorts", "--orders", orders.to_str().unwrap(), "--period", "fortnight"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("option 'period'"));
    let life = json(&rapport(&[
        "lifecycle",
        "--orders",
        orders.to_str().unwrap(),
        "--inactive-days",
        "40",
    ]));
    assert_eq!(life["inactive_days"], 40);
    let p = &life["periods"];
    assert_eq!(p[0]["new"]["customers"], 2);
    assert_eq!(p[1]["new"]["customers"], 1);
    assert_eq!(p[1]["retained"]["customers"], 1);
    // B (Jan 1) churns on Feb 10, before coming back on Mar 31: reactivated.
    assert_eq!(p[1]["churned"]["customers"], 1);
    assert_eq!(p[2]["reactivated"]["customers"], 1);
    assert_eq!(p[2]["average_order_value"], 1.0);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn loyalty_prints_tiers_and_movement_with_rules_from_a_file() {
    let (dir, orders) = folder_with_file(
        "loyalty",
        "orders.csv",
        "order_id,customer_id,order_date,category,amount\n\
         O1,A,2024-01-31,shoes,100\nO2,B,2024-02-15,books,30\nO3,A,2024-03-01,books,10\n",
    );
    let rules = dir.join("rules.json");
    std::fs::write(
        &rules,
        r#"{"categoryMultipliers": {"shoes": 2}, "expiryMonths": 1,
            "tiers": [{"name": "Gold", "minPoints": 100}, {"name": "Blue", "minPoints": 1}]}"#,
    )
    .unwrap();
    let out = json(&rapport(&[
        "loyalty",
        "--orders",
        orders.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        "--movement-from",
        "2024-02-29",
    ]));
    // On 2024-03-01 A's 200 points of 2024-01-31 are more than a month old: 10 left.
    assert_eq!(out["as_of"], "2024-03-01");
    assert_eq!(out["points_outstanding"], 40.0);
    assert_eq!(out["points_expired"], 200.0);
    assert_eq!(out["tiers"][1]["tier"], "Blue");
    assert_eq!(out["tiers"][1]["customers"], 2);
    // On 2024-02-29 A was Gold (200, the window starts on 2024-01-29), B Blue.
    assert_eq!(
        out["movement"]["counts"],
        serde_json::json!([[0, 1, 0], [0, 1, 0], [0, 0, 0]])
    );
    let bad = std::fs::write(&rules, r#"{"basis": "margin"}"#);
    assert!(bad.is_ok());
    let err = rapport(&[
        "loyalty",
        "--orders",
        orders.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert!(!err.status.success());
    assert!(String::from_utf8_lossy(&err.stderr).contains("basis"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn report_prints_a_pivot_as_json_or_csv_and_every_preset_runs_on_the_sample() {
    let (dir, orders) = folder_with_file(
        "report",
        "orders.csv",
        "order_id,customer_id,order_date,region,category,amount\n\
         O1,A,2024-01-05,North,shoes,100\nO1,A,2024-01-05,North,books,50\nO2,B,2024-02-10,South,shoes,30\n",
    );
    let o = orders.to_str().unwrap();
    let out = json(&rapport(&[
        "report",
        "--orders",
        o,
        "--rows",
        "region",
        "--columns",
        "category",
        "--measures",
        "orders,revenue,customers",
    ]));
    assert_eq!(out["grain"], "order_line");
    assert_eq!(out["rows"]["labels"], serde_json::json!(["North", "South"]));
    assert_eq!(out["row_totals"][0]["values"], serde_json::json!([1.0, 150.0, 1.0]));
    assert_eq!(out["total"]["values"], serde_json::json!([2.0, 180.0, 2.0]));
    let csv = rapport(&[
        "report",
        "--orders",
        o,
        "--rows",
        "category",
        "--measures",
        "orders,revenue",
        "--format",
        "csv",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&csv.stdout),
        "category,orders,revenue\nbooks,1,50\nshoes,2,130\n(total),2,180\n"
    );
    let bad = rapport(&["report", "--orders", o, "--rows", "regoin"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("did you mean 'region'"));
    // The presets on the bundled sample (its orders are gzipped).
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    let sample_orders = data.join("orders.csv.gz");
    for preset in [
        "new_vs_old",
        "under_35",
        "region_demographics",
        "acquisition",
        "web_growth",
        "buyers",
    ] {
        let out = json(&rapport(&[
            "report",
            "--orders",
            sample_orders.to_str().unwrap(),
            "--customers",
            data.join("customers_shop.csv").to_str().unwrap(),
            "--preset",
            preset,
        ]));
        assert_eq!(out["name"], preset);
        assert!(out["rows"]["labels"].as_array().unwrap().len() >= 2, "{preset}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn customer_prints_the_360_view_with_the_complaint_history() {
    let (dir, tickets) = folder_with_file(
        "customer360",
        "tickets.csv",
        "ticket_id,customer_id,opened_at,closed_at,category,complaint\n\
         T1,A,2024-01-01,2024-01-03,delivery,true\nT2,A,2024-02-01,,billing,false\nT3,B,2024-02-01,2024-02-02,delivery,true\n",
    );
    let customers = dir.join("customers.csv");
    std::fs::write(&customers, "customer_id,first_name\nA,Ann\nB,Ben\n").unwrap();
    let (t, c) = (tickets.to_str().unwrap(), customers.to_str().unwrap());
    let view = json(&rapport(&[
        "customer",
        "--customers",
        c,
        "--tickets",
        t,
        "--id",
        "A",
        "--limit",
        "1",
    ]));
    assert_eq!(view["customer_id"], "A");
    let complaints = &view["complaints"];
    assert_eq!(
        (complaints["tickets"].as_u64(), complaints["complaints"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(
        (complaints["open"].as_u64(), complaints["mean_resolution_days"].as_f64()),
        (Some(1), Some(2.0))
    );
    assert_eq!(complaints["last_complaint"], "2024-01-01");
    assert_eq!(view["tickets"]["total"], 2);
    assert_eq!(view["tickets"]["records"].as_array().unwrap().len(), 1, "--limit 1");
    assert_eq!(view["timeline"][0]["summary"], "Ticket (billing), open");

    let unknown = rapport(&["customer", "--customers", c, "--id", "Z"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no customer with this id"));
}

#[test]
fn recommend_prints_pairs_rules_one_customers_top_k_and_writes_every_customers() {
    let (dir, orders) = folder_with_file(
        "recommend",
        "orders.csv",
        "order_id,customer_id,order_date,amount,product_id\nO1,C1,2024-01-05,10,A\nO1,C1,2024-01-05,10,B\n\
         O2,C1,2024-03-05,10,C\nO3,C2,2024-01-06,10,A\nO3,C2,2024-01-06,10,B\nO4,C3,2024-01-07,10,A\n\
         O4,C3,2024-01-07,10,C\nO5,C4,2024-01-08,10,B\nO6,C5,2024-01-09,-10,A\n",
    );
    let out = dir.join("top.csv");
    let o = orders.to_str().unwrap();
    let r = json(&rapport(&[
        "recommend",
        "--orders",
        o,
        "--customer",
        "C2",
        "--k",
        "2",
        "--by",
        "count",
        "--min-count",
        "1",
        "--rules",
        "--min-support",
        "0.4",
        "--min-confidence",
        "0.9",
        "--out",
        out.to_str().unwrap(),
    ]));
    // A+B and A+C: 2 customers each (C5's return does not count), B+C: 1.
    let pairs: Vec<(String, String, u64)> = r["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["a"].as_str().unwrap().into(),
                p["b"].as_str().unwrap().into(),
                p["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        vec![
            ("A".into(), "B".into(), 2),
            ("A".into(), "C".into(), 2),
            ("B".into(), "C".into(), 1)
        ]
    );
    assert!(
        r["pairs"][0]["confidence_ab"].is_number(),
        "snake_case keys: {}",
        r["pairs"][0]
    );
    assert_eq!(r["rules"][0]["antecedent"], "C");
    assert_eq!(r["rules"].as_array().unwrap().len(), 1);
    assert_eq!(r["recommendations"]["items"][0]["product_id"], "C");
    assert_eq!(r["recommendations"]["items"][0]["reason"], "bought with A");
    let csv = std::fs::read_to_string(&out).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("customer_id,rank,product_id,score"));
    assert!(csv.lines().any(|l| l.starts_with("C2,1,C,")), "{csv}");
    assert!(
        !csv.lines().any(|l| l.starts_with("C2,") && l.contains(",A,")),
        "C2 owns A: {csv}"
    );
    let bad = rapport(&["recommend", "--orders", o, "--customer", "nobody"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("customerId"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn recommend_beats_popularity_on_the_bundled_sample() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    let orders = data.join("orders.csv.gz");
    let r = json(&rapport(&[
        "recommend",
        "--orders",
        orders.to_str().unwrap(),
        "--customers",
        data.join("customers_shop.csv").to_str().unwrap(),
        "--pairs",
        "0",
        "--evaluate",
    ]));
    let e = &r["evaluation"];
    let rate = |v: &serde_json::Value| v["hit_rate"].as_f64().unwrap();
    assert!(rate(&e["model"]) > rate(&e["popularity"]), "{e}");
    assert!(
        rate(&e["with_history"]["model"]) > rate(&e["with_history"]["popularity"]),
        "{e}"
    );
    let n = |v: &serde_json::Value| v["customers"].as_u64().unwrap();
    assert_eq!(
        n(&e["with_history"]["model"]) + n(&e["without_history"]["model"]),
        n(&e["model"])
    );
    assert!(n(&e["without_history"]["model"]) > 50, "{e}");
}

#[test]
fn forecast_prints_history_forecast_and_backtest_in_the_issue_s_shape() {
    // 30 months (2022-01 .. 2024-06) of two orders a month with a yearly pattern,
    // and one order on 2024-07-03: July 2024 is partial.
    let mut csv = String::from("order_id,customer_id,order_date,amount\n");
    for i in 0..30 {
        let (y, m) = (2022 + i / 12, i % 12 + 1);
        let amount = 100 + 10 * (m * 7 % 12) + i;
        csv += &format!("A{i},C{},{y}-{m:02}-05,{amount}\nB{i},D,{y}-{m:02}-20,50\n", i % 3);
    }
    csv += "X1,C0,2024-07-03,999\n";
    let (_dir, orders) = folder_with_file("forecast", "orders.csv", &csv);
    let o = orders.to_str().unwrap();
    let args = [
        "forecast",
        "--orders",
        o,
        "--period",
        "month",
        "--measure",
        "revenue",
        "--horizon",
        "6",
        "--seed",
        "5",
    ];
    let out = json(&rapport(&args));
    assert!(
        ["ets", "seasonal_naive", "arima"].contains(&out["method"].as_str().unwrap()),
        "{}",
        out["method"]
    );
    assert!(out["params"]["model"].is_string());
    let history = out["history"].as_array().unwrap();
    assert_eq!(history.len(), 30);
    assert_eq!(history[0]["period"], "2022-01");
    assert_eq!(history[29]["period"], "2024-06");
    assert_eq!(history[0]["value"].as_f64(), Some(100.0 + 70.0 + 50.0));
    assert_eq!(out["partial_period"], "2024-07");
    let forecast = out["forecast"].as_array().unwrap();
    assert_eq!(forecast.len(), 6);
    assert_eq!(forecast[0]["period"], "2024-07");
    for p in forecast {
        let (lo, mean, hi) = (
            p["lo95"].as_f64().unwrap(),
            p["mean"].as_f64().unwrap(),
            p["hi95"].as_f64().unwrap(),
        );
        assert!(lo <= mean && mean <= hi, "{p}");
    }
    let bt = &out["backtest"];
    assert!(bt["mase"].as_f64().is_some() && bt["mape"].as_f64().is_some());
    assert!(bt["baseline_mase"].as_f64().is_some());
    let candidates = bt["candidates"].as_array().unwrap();
    assert!(candidates
        .iter()
        .any(|c| c["name"] == "seasonal_naive" || c["name"] == "naive"));
    let best = candidates
        .iter()
        .filter_map(|c| c["mase"].as_f64())
        .fold(f64::INFINITY, f64::min);
    assert_eq!(
        bt["mase"].as_f64(),
        Some(best),
        "the backtest's best candidate is chosen"
    );
    assert_eq!(out["seed"], 5);
    assert_eq!(json(&rapport(&args)), out, "the same seed repeats the forecast");

    let customers = json(&rapport(&[
        "forecast",
        "--orders",
        o,
        "--measure",
        "customers",
        "--horizon",
        "3",
    ]));
    assert_eq!(customers["forecast"].as_array().unwrap().len(), 3);
    assert_eq!(customers["history"][0]["value"].as_f64(), Some(2.0));
    let mut noisy = String::from("order_id,customer_id,order_date,amount\n");
    for i in 0..36 {
        let (y, m) = (2021 + i / 12, i % 12 + 1);
        noisy += &format!(
            "N{i},C1,{y}-{m:02}-05,{}\n",
            100 + 10 * (m * 7 % 12) + i + (i * i * 13) % 17
        );
    }
    let (_noisy_dir, noisy_orders) = folder_with_file("forecast-noisy", "orders.csv", &noisy);
    let n = noisy_orders.to_str().unwrap();
    let arima = json(&rapport(&[
        "forecast",
        "--orders",
        n,
        "--method",
        "arima",
        "--horizon",
        "3",
    ]));
    assert_eq!(arima["method"], "arima");
    assert_eq!(arima["params"]["model"], "arima");
    assert!(arima["params"]["log_likelihood"].as_f64().is_some(), "{arima}");
    assert_eq!(arima["forecast"].as_array().unwrap().len(), 3);
    let bad = rapport(&["forecast", "--orders", o, "--horizon", "0"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("option 'horizon'"));
}

#[test]
fn clv_fits_cdnow_like_lifetimes_and_writes_one_row_per_customer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cdnow");
    let reference: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("reference.json")).unwrap()).unwrap();
    let dir = temp_dir("clv");
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("clv.csv");
    let report = json(&rapport(&[
        "clv",
        "--orders",
        root.join("orders.csv").to_str().unwrap(),
        "--calibration-end",
        "1997-09-30",
        "--holdout-end",
        "1998-06-30",
        "--time-unit",
        "week",
        "--out",
        out.to_str().unwrap(),
    ]));
    let rel = |got: &serde_json::Value, want: &serde_json::Value| {
        let (g, w) = (got.as_f64().unwrap(), want.as_f64().unwrap());
        (g - w).abs() / w.abs()
    };
    for p in ["r", "alpha", "a", "b"] {
        assert!(rel(&report["bgnbd"][p], &reference["bgnbd"][p]) < 1e-4, "{p}");
        assert!(report["bgnbd"]["se"][p].as_f64().unwrap() > 0.0, "se {p}");
    }
    assert!(
        rel(
            &report["bgnbd"]["log_likelihood"],
            &reference["bgnbd"]["log_likelihood"]
        ) < 1e-6
    );
    for p in ["p", "q", "v"] {
        assert!(
            rel(&report["gamma_gamma"][p], &reference["gamma_gamma"][p]) < 0.01,
            "{p}"
        );
    }
    assert_eq!(report["holdout"]["actual"], reference["holdout"]["actual"]);
    assert!(rel(&report["holdout"]["predicted"], &reference["holdout"]["predicted"]) < 1e-4);
    assert_eq!(report["holdout"]["buckets"].as_array().unwrap().len(), 8);
    assert!(report["warnings"].is_array());
    let csv = std::fs::read_to_string(&out).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("customer_id,frequency,recency,T,monetary_value,p_alive,expected_purchases,clv")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 2357);
    assert!(rows
        .iter()
        .all(|r| r.len() == 8 && (0.0..=1.0).contains(&r[5].parse::<f64>().unwrap())));

    let bad = rapport(&[
        "clv",
        "--orders",
        root.join("orders.csv").to_str().unwrap(),
        "--holdout-end",
        "1998-06-30",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("calibrationEnd"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn propensity_prints_the_churn_report_and_writes_every_score() {
    // 120 customers; every third stops buying before the cut-off (2024-09-30).
    let mut orders = String::from("order_id,customer_id,order_date,amount\n");
    let day0 = 19_723; // 2024-01-01
    let mut n = 0;
    for c in 0..120 {
        let interval = 15 + (c * 7) % 40;
        let stop = if c % 3 == 0 {
            day0 + 40 + (c * 13) % 220
        } else {
            day0 + 365
        };
        let mut d = day0 + c % 20;
        while d <= stop {
            n += 1;
            let (y, m, dd) = rapport::calendar::civil_from_days(d);
            orders.push_str(&format!(
                "O{n},C{c:03},{y:04}-{m:02}-{dd:02},{}.50\n",
                10 + (c * n) % 90
            ));
            d += interval;
        }
    }
    let (dir, file) = folder_with_file("propensity", "orders.csv", &orders);
    let (f, out) = (file.to_str().unwrap(), dir.join("scores.csv"));
    let args = [
        "propensity",
        "--orders",
        f,
        "--label",
        "churn",
        "--cutoff",
        "2024-09-30",
        "--window-days",
        "90",
        "--seed",
        "7",
        "--explain",
        "C003",
        "--out",
        out.to_str().unwrap(),
    ];
    let r = json(&rapport(&args));
    assert_eq!(r["column"], "churn_risk");
    assert_eq!(r["seed"], 7);
    assert_eq!(r["n_train"].as_u64().unwrap() + r["n_test"].as_u64().unwrap(), 120);
    assert!(r["auc"].as_f64().unwrap() > 0.7, "{}", r["auc"]);
    assert_eq!(r["baseline"]["column"], "p_alive_bgnbd");
    assert!(r["baseline_auc"].as_f64().is_some());
    let baselines: Vec<&str> = r["baselines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["column"].as_str().unwrap())
        .collect();
    assert_eq!(baselines, ["p_alive_bgnbd", "no_order_log_odds_bgnbd", "recency_days"]);
    assert!(r["log_loss"].as_f64().unwrap() > 0.0);
    assert_eq!(r["calibration"].as_array().unwrap().len(), 10);
    assert_eq!(r["gains"].as_array().unwrap().len(), 10);
    assert!(r["coefficients"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["feature"] == "recency_days"));
    assert_eq!(r["explanation"]["customer_id"], "C003");
    let scores = std::fs::read_to_string(&out).unwrap();
    assert_eq!(scores.lines().next(), Some("customer_id,churn_risk"));
    assert_eq!(scores.lines().count(), 121);
    let same = json(&rapport(&args));
    assert_eq!(same["auc"], r["auc"], "the same seed, the same split");

    let bad = rapport(&["propensity", "--orders", f, "--label", "upsell"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("'label'"));
    let no_events = rapport(&["propensity", "--orders", f, "--label", "response"]);
    assert!(String::from_utf8_lossy(&no_events.stderr).contains("campaign events"));
}
