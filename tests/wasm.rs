//! The binding layer, in headless Chromium (wasm-bindgen-test): the exported
//! `Workspace` loads bytes, answers plain objects, throws typed errors, and
//! returns Arrow IPC.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

use rapport::wasm_api::Workspace;

mod common;

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap()
}

const ORDERS: &[u8] =
    b"order_id,customer_id,order_date,amount\nO1,C1,2024-01-05,10.5\nO2,C2,2024-01-20,4\nO3,C1,2024-02-01,x\n";

#[wasm_bindgen_test]
fn load_reports_counts_with_camel_case_names() {
    let mut ws = Workspace::new();
    let report = ws.load(Some("auto".into()), ORDERS, None, None).unwrap();
    assert_eq!(get(&report, "entity").as_string().as_deref(), Some("orders"));
    assert_eq!(get(&report, "rowsRead").as_f64(), Some(3.0));
    assert_eq!(get(&report, "rowsLoaded").as_f64(), Some(2.0));
    assert_eq!(get(&report, "rowsRejected").as_f64(), Some(1.0));
    let rejected: js_sys::Array = get(&report, "rejected").dyn_into().unwrap();
    assert_eq!(get(&rejected.get(0), "row").as_f64(), Some(4.0));
    assert_eq!(get(&rejected.get(0), "column").as_string().as_deref(), Some("amount"));
}

#[wasm_bindgen_test]
fn rfm_adds_customer_columns_and_audience_options_are_checked() {
    let mut ws = Workspace::new();
    ws.load(None, ORDERS, None, None).unwrap();
    let report = ws.rfm(None).unwrap();
    assert_eq!(get(&report, "customersScored").as_f64(), Some(2.0));
    let columns = js_sys::Array::from(&ws.customer_columns().unwrap());
    let names: Vec<String> = columns.iter().map(|c| get(&c, "name").as_string().unwrap()).collect();
    assert!(names.contains(&"rfm_segment".to_string()), "{names:?}");
    let ipc = ws.customers(None).unwrap();
    assert_eq!(&ipc[..4], &[0xff, 0xff, 0xff, 0xff], "an Arrow IPC stream");
    let bad = js_sys::JSON::parse(r#"{"controlFraction": 2}"#).unwrap();
    let err = ws.audience(Some(bad.unchecked_into())).unwrap_err();
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("OPTIONS"));
    assert_eq!(get(&err, "field").as_string().as_deref(), Some("controlFraction"));
}

#[wasm_bindgen_test]
fn monthly_revenue_is_a_plain_object() {
    let mut ws = Workspace::new();
    ws.load(None, ORDERS, None, None).unwrap();
    let m = ws.monthly_revenue().unwrap();
    let rows: js_sys::Array = get(&m, "rows").dyn_into().unwrap();
    assert_eq!(rows.length(), 1);
    assert_eq!(get(&rows.get(0), "period").as_string().as_deref(), Some("2024-01"));
    assert_eq!(get(&rows.get(0), "revenue").as_f64(), Some(14.5));
    assert_eq!(get(&rows.get(0), "orders").as_f64(), Some(2.0));
}

#[wasm_bindgen_test]
fn errors_are_js_errors_with_a_code_and_location() {
    let mut ws = Workspace::new();
    let err = ws.load(Some("orders".into()), b"a,b\n1,2\n", None, None).unwrap_err();
    let err: js_sys::Error = err.dyn_into().unwrap();
    assert_eq!(String::from(err.name()), "RapportError");
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("INGEST"));
    assert_eq!(get(&err, "row").as_f64(), Some(1.0));
    let bad_entity = ws.load(Some("invoices".into()), ORDERS, None, None).unwrap_err();
    assert_eq!(get(&bad_entity, "code").as_string().as_deref(), Some("OPTIONS"));
    let bad_option = js_sys::JSON::parse(r#"{"fileName":"x.csv","formt":"csv"}"#).unwrap();
    let err = ws
        .load(None, ORDERS, Some(bad_option.unchecked_into()), None)
        .unwrap_err();
    assert!(String::from(err.dyn_into::<js_sys::Error>().unwrap().message()).contains("formt"));
    assert!(ws.monthly_revenue().is_err(), "failed loads must leave nothing behind");
}

#[wasm_bindgen_test]
fn progress_callback_can_cancel_a_load() {
    let mut ws = Workspace::new();
    let mut big = b"customer_id,order_date,amount\n".to_vec();
    while big.len() < 3 << 20 {
        big.extend_from_slice(b"C1,2024-01-01,1\n");
    }
    let cancel = js_sys::Function::new_with_args("p", "return false;");
    let err = ws.load(None, &big, None, Some(cancel.unchecked_into())).unwrap_err();
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("CANCELLED"));
    let calls = js_sys::Array::new();
    let count = js_sys::Function::new_with_args("p", "this.push(p.done); return true;");
    let bound = count.bind0(&calls);
    ws.load(None, &big, None, Some(bound.unchecked_into())).unwrap();
    assert!(calls.length() >= 3, "progress reported {} times", calls.length());
}

#[wasm_bindgen_test]
fn table_comes_back_as_arrow_ipc_stream() {
    let mut ws = Workspace::new();
    ws.load(None, ORDERS, None, None).unwrap();
    let bytes = ws.table("orders", None).unwrap();
    // An IPC stream starts with the continuation marker 0xFFFFFFFF.
    assert_eq!(&bytes[..4], &[0xFF, 0xFF, 0xFF, 0xFF]);
    assert!(rapport::wasm_api::memory_bytes() >= 65_536.0);
}

#[wasm_bindgen_test]
fn random_bad_inputs_never_trap_the_module() {
    let mut rng = common::rng(7);
    for case in 0..1_000 {
        let bytes = common::random_input(&mut rng);
        let mut ws = Workspace::new();
        match ws.load(Some("auto".into()), &bytes, None, None) {
            Ok(r) => {
                let read = get(&r, "rowsRead").as_f64().unwrap();
                let sum = get(&r, "rowsLoaded").as_f64().unwrap() + get(&r, "rowsRejected").as_f64().unwrap();
                assert_eq!(read, sum, "case {case}");
            }
            Err(e) => assert!(
                e.is_instance_of::<js_sys::Error>(),
                "case {case}: errors are Error objects"
            ),
        }
    }
    // The module still works after all of that.
    let mut ws = Workspace::new();
    assert!(ws.load(None, ORDERS, None, None).is_ok());
}

#[wasm_bindgen_test]
fn segment_count_is_live_and_errors_say_where_with_a_suggestion() {
    let mut ws = Workspace::new();
    ws.load(None, ORDERS, None, None).unwrap();
    // C1 has one order (the other line is rejected), C2 one of 4.
    assert_eq!(ws.segment_count("order_count = 1 and monetary_total > 5").unwrap(), 1.0);
    assert_eq!(
        ws.segment_count("monetary_total < 5 or recency_days is null").unwrap(),
        1.0
    );
    let summary = ws.segment("order_count >= 1").unwrap();
    assert_eq!(get(&summary, "count").as_f64(), Some(2.0));
    assert_eq!(get(&summary, "total").as_f64(), Some(2.0));
    assert_eq!(get(&summary, "asOf").as_string().as_deref(), Some("2024-01-20"));
    // `at` is a JS string index: "é" is one UTF-16 unit but two bytes.
    let err = ws.segment_count("'é' = 'é' and monetry_total > 1").unwrap_err();
    let err: js_sys::Error = err.dyn_into().unwrap();
    assert_eq!(String::from(err.name()), "RapportError");
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("EXPR"));
    assert_eq!(get(&err, "at").as_f64(), Some(14.0));
    assert_eq!(get(&err, "suggestion").as_string().as_deref(), Some("monetary_total"));
    assert!(String::from(err.message()).contains("did you mean 'monetary_total'"));
    let ids = ws.segment_ids("monetary_total > 5", None).unwrap();
    assert_eq!(&ids[..4], &[0xFF, 0xFF, 0xFF, 0xFF]);
}

/// Six light buyers (one order each) and six heavy ones (five orders each).
fn two_kinds_of_buyer() -> Vec<u8> {
    let mut csv = String::from("order_id,customer_id,order_date,amount\n");
    for i in 1..=6 {
        csv += &format!("L{i},A{i},2024-01-0{i},{}\n", 10 * i);
        for o in 1..=5 {
            csv += &format!("H{i}{o},B{i},2024-02-0{o},{}\n", 100 + i);
        }
    }
    csv.into_bytes()
}

fn options<T: JsCast>(json: &str) -> T {
    js_sys::JSON::parse(json).unwrap().unchecked_into()
}

#[wasm_bindgen_test]
fn clusters_choose_k_and_value_tiers_answer_plain_objects() {
    let mut ws = Workspace::new();
    ws.load(Some("orders".into()), &two_kinds_of_buyer(), None, None)
        .unwrap();
    let c = ws
        .clusters(options(
            r#"{"features":["monetary_total","order_count"],"k":2,"seed":5}"#,
        ))
        .unwrap();
    assert_eq!(get(&c, "seed").as_f64(), Some(5.0));
    assert_eq!(get(&c, "leftOut").as_f64(), Some(0.0));
    let sizes: js_sys::Array = get(&c, "sizes").dyn_into().unwrap();
    assert_eq!((sizes.get(0).as_f64(), sizes.get(1).as_f64()), (Some(6.0), Some(6.0)));
    let profile: js_sys::Array = get(&c, "profile").dyn_into().unwrap();
    assert_eq!(get(&profile.get(0), "cluster").as_string().as_deref(), Some("1"));

    let scan = ws
        .choose_k(options(
            r#"{"features":["monetary_total","order_count"],"kRange":[2,4],"seed":5}"#,
        ))
        .unwrap();
    let scores: js_sys::Array = get(&scan, "scores").dyn_into().unwrap();
    assert_eq!(scores.length(), 3);
    assert_eq!(get(&scores.get(2), "k").as_f64(), Some(4.0));
    assert!(get(&scores.get(0), "silhouette").as_f64().unwrap() > 0.5);

    // A drawn seed is reported as a number JS can pass back exactly.
    let drawn = ws.clusters(options(r#"{"features":["order_count"],"k":2}"#)).unwrap();
    assert!(get(&drawn, "seed").as_f64().unwrap() <= 9_007_199_254_740_991.0);

    let t = ws.value_tiers(None).unwrap();
    assert_eq!(get(&t, "by").as_string().as_deref(), Some("monetary_total"));
    let tiers: js_sys::Array = get(&t, "tiers").dyn_into().unwrap();
    assert_eq!(get(&tiers.get(0), "tier").as_string().as_deref(), Some("high"));
    assert_eq!(get(&tiers.get(0), "customers").as_f64(), Some(2.0));
    let pareto = get(&t, "paretoShare").as_f64().unwrap();
    assert!((pareto - 1263.0 / 3315.0).abs() < 1e-12, "{pareto}");
}

#[wasm_bindgen_test]
fn segment_options_are_checked_with_the_field_named() {
    let mut ws = Workspace::new();
    ws.load(Some("orders".into()), &two_kinds_of_buyer(), None, None)
        .unwrap();
    let message = |e: JsValue| String::from(e.dyn_into::<js_sys::Error>().unwrap().message());
    let err = ws
        .clusters(options(r#"{"features":["order_count"],"kk":2}"#))
        .unwrap_err();
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("OPTIONS"));
    assert!(message(err).contains("kk"));
    let err = ws
        .clusters(options(r#"{"features":["order_count"],"k":1}"#))
        .unwrap_err();
    assert_eq!(get(&err, "field").as_string().as_deref(), Some("k"));
    let err = ws.choose_k(options(r#"{"features":["ordr_count"]}"#)).unwrap_err();
    assert!(message(err).contains("did you mean 'order_count'"));
    let err = ws
        .value_tiers(Some(options(r#"{"by":"monetary","high":0.2}"#)))
        .unwrap_err();
    assert_eq!(get(&err, "field").as_string().as_deref(), Some("by"));
}

#[wasm_bindgen_test]
fn a_loader_fed_in_pieces_adds_the_file_only_when_finished() {
    let ws = Workspace::new();
    let mut loader = ws
        .begin_load(Some("auto".into()), None, Some(ORDERS.len() as f64))
        .unwrap();
    for piece in ORDERS.chunks(5) {
        let p = loader.push(piece).unwrap();
        assert_eq!(get(&p, "bytesTotal").as_f64(), Some(ORDERS.len() as f64));
        assert!(get(&p, "bytesDone").as_f64().unwrap() <= ORDERS.len() as f64);
    }
    assert!(ws.monthly_revenue().is_err(), "nothing is added before finish");
    let report = loader.finish().unwrap();
    assert_eq!(get(&report, "rowsLoaded").as_f64(), Some(2.0));
    assert_eq!(get(&get(&report, "rejected"), "length").as_f64(), Some(1.0));
    assert!(ws.monthly_revenue().is_ok());
    assert!(ws.columnar_bytes() > 0.0);
    let again = loader.push(b"x").unwrap_err();
    assert_eq!(get(&again, "code").as_string().as_deref(), Some("OPTIONS"));
}

#[wasm_bindgen_test]
fn a_cancelled_loader_leaves_the_workspace_as_it_was() {
    let ws = Workspace::new();
    let before = ws.columnar_bytes();
    let mut loader = ws.begin_load(None, None, None).unwrap();
    loader.push(&ORDERS[..30]).unwrap();
    loader.cancel();
    let err = loader.finish().unwrap_err();
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("CANCELLED"));
    assert_eq!(ws.columnar_bytes(), before);
    assert!(ws.monthly_revenue().is_err());
    let Err(bad) = ws.begin_load(None, None, Some(-1.0)) else {
        panic!("a negative size must be refused")
    };
    assert_eq!(get(&bad, "field").as_string().as_deref(), Some("totalBytes"));
}

#[wasm_bindgen_test]
fn cohorts_and_lifecycle_answer_plain_objects_and_check_their_options() {
    let mut ws = Workspace::new();
    let csv = b"order_id,customer_id,order_date,amount\nO1,A,2024-02-29,10\nO2,A,2024-03-01,4\nO3,B,2024-03-01,6\n";
    ws.load(Some("orders".into()), csv, None, None).unwrap();
    let r = ws.cohorts(Some(options(r#"{"period":"month"}"#))).unwrap();
    assert_eq!(get(&r, "period").as_string().as_deref(), Some("month"));
    let cohorts: js_sys::Array = get(&r, "cohorts").dyn_into().unwrap();
    assert_eq!(cohorts.length(), 2);
    let feb = cohorts.get(0);
    assert_eq!(get(&feb, "cohort").as_string().as_deref(), Some("2024-02"));
    let active: js_sys::Array = get(&feb, "active").dyn_into().unwrap();
    assert_eq!((active.get(0).as_f64(), active.get(1).as_f64()), (Some(1.0), Some(1.0)));
    let later: js_sys::Array = get(&feb, "returnedOrLater").dyn_into().unwrap();
    assert_eq!(later.length(), 2);
    let err: js_sys::Error = ws
        .cohorts(Some(options(r#"{"period":"fortnight"}"#)))
        .unwrap_err()
        .dyn_into()
        .unwrap();
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("OPTIONS"));
    assert_eq!(get(&err, "field").as_string().as_deref(), Some("period"));
    assert!(ws.cohorts(Some(options(r#"{"perod":"month"}"#))).is_err());

    let l = ws.lifecycle(Some(options(r#"{"inactiveDays":1}"#))).unwrap();
    assert_eq!(get(&l, "inactiveDays").as_f64(), Some(1.0));
    let periods: js_sys::Array = get(&l, "periods").dyn_into().unwrap();
    let mar = periods.get(1);
    // A (Feb 29 → Mar 1, one day apart) is retained, B new; no window has run out by Mar 1.
    assert_eq!(get(&get(&mar, "retained"), "customers").as_f64(), Some(1.0));
    assert_eq!(get(&get(&mar, "new"), "customers").as_f64(), Some(1.0));
    assert_eq!(get(&get(&mar, "churned"), "customers").as_f64(), Some(0.0));
    assert_eq!(get(&mar, "averageOrderValue").as_f64(), Some(5.0));
}

#[wasm_bindgen_test]
fn loyalty_and_pivot_answer_plain_objects_and_check_their_options() {
    let mut ws = Workspace::new();
    let orders = b"order_id,customer_id,order_date,category,amount\n\
        O1,A,2024-01-05,shoes,100\nO1,A,2024-01-05,books,50\nO2,B,2024-02-10,shoes,30\n";
    ws.load(Some("orders".into()), orders, None, None).unwrap();
    let r = ws
        .loyalty(
            Some(options(r#"{"categoryMultipliers":{"shoes":2},"tiers":[{"name":"Gold","minPoints":100},{"name":"Blue","minPoints":1}]}"#)),
            None,
        )
        .unwrap();
    let tiers: js_sys::Array = get(&r, "tiers").dyn_into().unwrap();
    // A: 200 + 50 points (Gold), B: 60 (Blue).
    assert_eq!(get(&tiers.get(0), "points").as_f64(), Some(250.0));
    assert_eq!(get(&tiers.get(1), "customers").as_f64(), Some(1.0));
    let kept = ws.loyalty_rules().unwrap();
    assert_eq!(get(&get(&kept, "categoryMultipliers"), "shoes").as_f64(), Some(2.0));
    let m = ws.loyalty_movement(options(r#"{"from":"2024-01-31"}"#)).unwrap();
    assert_eq!(get(&m, "upgraded").as_f64(), Some(1.0));
    let err = ws.loyalty(Some(options(r#"{"expiryMonths":0}"#)), None).unwrap_err();
    assert_eq!(get(&err, "field").as_string().as_deref(), Some("expiryMonths"));

    let p = ws
        .pivot(options(
            r#"{"rows":"category","measures":["orders","revenue","customers"]}"#,
        ))
        .unwrap();
    let total: js_sys::Array = get(&get(&p, "total"), "values").dyn_into().unwrap();
    assert_eq!(
        (total.get(0).as_f64(), total.get(1).as_f64(), total.get(2).as_f64()),
        (Some(2.0), Some(180.0), Some(2.0))
    );
    let cells: js_sys::Array = get(&p, "cells").dyn_into().unwrap();
    let shoes = js_sys::Array::from(&cells.get(1)).get(0);
    assert_eq!(
        get(&shoes, "customers").as_string().as_deref(),
        Some("bought(category = 'shoes')")
    );
    let err = ws
        .pivot(options(r#"{"rows":"category","measures":["revenu"]}"#))
        .unwrap_err();
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("OPTIONS"));
    let presets = js_sys::Array::from(&ws.report_presets().unwrap());
    assert_eq!(presets.length(), 6);
}

/// C1: A, B, C; C2: A, B; C3: A, C; C4: B; a return of A by C5 that must not count.
const BASKETS: &[u8] = b"order_id,customer_id,order_date,amount,product_id\nO1,C1,2024-01-05,10,A\nO1,C1,2024-01-05,10,B\nO2,C1,2024-03-05,10,C\nO3,C2,2024-01-06,10,A\nO3,C2,2024-01-06,10,B\nO4,C3,2024-01-07,10,A\nO4,C3,2024-01-07,10,C\nO5,C4,2024-01-08,10,B\nO6,C5,2024-01-09,-10,A\n";

#[wasm_bindgen_test]
fn recommendations_pairs_rules_and_the_next_best_product_column() {
    let mut ws = Workspace::new();
    ws.load(Some("orders".into()), BASKETS, None, None).unwrap();
    let pairs = js_sys::Array::from(
        &ws.product_pairs(Some(options(r#"{"by":"count","minCount":1}"#)))
            .unwrap(),
    );
    let ab = pairs.get(0);
    assert_eq!(get(&ab, "a").as_string().as_deref(), Some("A"));
    assert_eq!(get(&ab, "count").as_f64(), Some(2.0));
    // 4 buyers (C5 only returned): lift = 2·4 / (3·3).
    assert!((get(&ab, "lift").as_f64().unwrap() - 8.0 / 9.0).abs() < 1e-12);
    assert!(get(&ab, "confidenceAB").as_f64().is_some());
    let rules = js_sys::Array::from(
        &ws.association_rules(Some(options(r#"{"minSupport":0.4,"minConfidence":0.9,"minLift":0}"#)))
            .unwrap(),
    );
    assert_eq!(get(&rules.get(0), "antecedent").as_string().as_deref(), Some("C"));
    let recs = js_sys::Array::from(&ws.recommend("C2", Some(2), None).unwrap());
    assert_eq!(get(&recs.get(0), "productId").as_string().as_deref(), Some("C"));
    assert_eq!(
        get(&recs.get(0), "reason").as_string().as_deref(),
        Some("bought with A")
    );
    let err = ws.recommend("nobody", None, None).unwrap_err();
    assert_eq!(get(&err, "field").as_string().as_deref(), Some("customerId"));
    let e = ws
        .evaluate_recommendations(Some(options(r#"{"k":1,"split":"2024-02-01","minHistory":1}"#)))
        .unwrap();
    assert_eq!(get(&get(&e, "model"), "customers").as_f64(), Some(1.0));
    assert!(get(&get(&e, "withoutHistory"), "popularity").is_object());
    let s = ws.add_next_best_product(None).unwrap();
    assert_eq!(get(&s, "column").as_string().as_deref(), Some("next_best_product"));
    assert!(ws.segment_count("next_best_product = 'C'").unwrap() >= 1.0);
    let bad = ws.product_pairs(Some(options(r#"{"by":"support"}"#))).unwrap_err();
    assert_eq!(get(&bad, "code").as_string().as_deref(), Some("OPTIONS"));
}

#[wasm_bindgen_test]
fn fit_clv_reports_the_models_and_adds_segmentable_columns() {
    let mut csv = String::from("order_id,customer_id,order_date,amount\n");
    // 60 customers: every third buys monthly, the others once or twice.
    for c in 0..60 {
        let orders = if c % 3 == 0 { 8 } else { 1 + c % 2 };
        for k in 0..orders {
            let day = 1 + (c % 28);
            csv.push_str(&format!("O{c}-{k},C{c},2024-{:02}-{day:02},{}\n", 1 + k, 10 + c));
        }
    }
    let mut ws = Workspace::new();
    ws.load(Some("orders".into()), csv.as_bytes(), None, None).unwrap();
    let r = ws
        .fit_clv(Some(options(
            r#"{"calibrationEnd":"2024-05-31","holdoutEnd":"2024-08-31","timeUnit":"week"}"#,
        )))
        .unwrap();
    let bg = get(&r, "bgnbd");
    assert!(get(&bg, "r").as_f64().unwrap() > 0.0);
    assert!(get(&bg, "logLikelihood").as_f64().unwrap().is_finite());
    let holdout = get(&r, "holdout");
    assert!(get(&holdout, "predicted").as_f64().unwrap().is_finite());
    let columns: js_sys::Array = get(&r, "columns").dyn_into().unwrap();
    assert_eq!(columns.get(0).as_string().as_deref(), Some("p_alive"));
    let s = ws.segment("p_alive <= 1").unwrap();
    assert_eq!(get(&s, "count").as_f64(), Some(60.0));
    let err = ws.fit_clv(Some(options(r#"{"timeUnit":"month"}"#))).unwrap_err();
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("OPTIONS"));
}

#[wasm_bindgen_test]
fn propensity_adds_its_column_and_explains_a_score() {
    let mut orders = String::from("order_id,customer_id,order_date,amount\n");
    let mut n = 0;
    for c in 0..60 {
        // Every third customer stops buying in the spring.
        let last_month = if c % 3 == 0 { 3 + c % 4 } else { 12 };
        for m in (1 + c % 2..=last_month).step_by(1 + c % 3) {
            n += 1;
            orders.push_str(&format!("O{n},C{c:02},2024-{m:02}-10,{}\n", 10 + c));
        }
    }
    let mut ws = Workspace::new();
    ws.load(Some("orders".into()), orders.as_bytes(), None, None).unwrap();
    let options: JsValue = js_sys::JSON::parse(r#"{"cutoff":"2024-09-30","windowDays":90,"seed":7}"#).unwrap();
    let r = ws.propensity(Some(options.unchecked_into())).unwrap();
    assert_eq!(get(&r, "column").as_string().as_deref(), Some("churn_risk"));
    assert_eq!(get(&r, "seed").as_f64(), Some(7.0));
    assert!(get(&r, "auc").as_f64().is_some());
    assert!(get(&r, "baselineAuc").as_f64().is_some());
    assert_eq!(js_sys::Array::from(&get(&r, "gains")).length(), 10);
    assert_eq!(ws.segment_count("churn_risk >= 0").unwrap(), 60.0);
    let e = ws.explain_score("churn_risk", "C03").unwrap();
    assert_eq!(get(&e, "customerId").as_string().as_deref(), Some("C03"));
    assert!(get(&e, "score").as_f64().is_some());
    let err = ws.explain_score("nope", "C03").unwrap_err();
    assert_eq!(get(&err, "field").as_string().as_deref(), Some("model"));
}

#[wasm_bindgen_test]
fn forecast_answers_history_forecast_and_backtest_and_checks_its_options() {
    let mut ws = Workspace::new();
    let mut csv = String::from("order_id,customer_id,order_date,amount\n");
    for i in 0..24 {
        csv += &format!(
            "O{i},C{},{}-{:02}-10,{}\n",
            i % 2,
            2022 + i / 12,
            i % 12 + 1,
            100 + 5 * (i % 12)
        );
    }
    ws.load(Some("orders".into()), csv.as_bytes(), None, None).unwrap();
    let r = ws
        .forecast(Some(options(
            r#"{"period":"month","measure":"revenue","horizon":3,"seed":7}"#,
        )))
        .unwrap();
    assert_eq!(get(&r, "seed").as_f64(), Some(7.0));
    let history: js_sys::Array = get(&r, "history").dyn_into().unwrap();
    assert_eq!(history.length(), 23, "2023-12 ends on the 10th: partial");
    assert_eq!(get(&r, "partialPeriod").as_string().as_deref(), Some("2023-12"));
    let forecast: js_sys::Array = get(&r, "forecast").dyn_into().unwrap();
    assert_eq!(forecast.length(), 3);
    assert_eq!(get(&forecast.get(0), "period").as_string().as_deref(), Some("2023-12"));
    assert!(get(&forecast.get(0), "lo95").as_f64().is_some());
    assert!(get(&get(&r, "backtest"), "baselineMase").as_f64().is_some());
    let arima = ws.forecast(Some(options(r#"{"method":"arima","horizon":3}"#))).unwrap();
    assert_eq!(get(&arima, "method").as_string().as_deref(), Some("arima"));
    assert!(get(&get(&arima, "params"), "logLikelihood").as_f64().is_some());
    let err = ws.forecast(Some(options(r#"{"method":"holt"}"#))).unwrap_err();
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("OPTIONS"));
    assert!(ws.forecast(Some(options(r#"{"horizn":3}"#))).is_err());
}

/// The CSV reader's fast path splits sixteen bytes at a time with SIMD in
/// this build: random unquoted text against a plain reference (lines end at
/// `\r\n`, `\r` or `\n`; empty lines are no records; fields split at commas).
#[wasm_bindgen_test]
fn plain_lines_split_with_simd_as_a_plain_reference_does() {
    use rapport::ingest::{preview, PreviewOptions};
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for len in 1..400 {
        let text: String = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                ['a', 'b', ',', ',', '\n', '\r', 'x', 'y', 'z'][(seed % 9) as usize]
            })
            .collect();
        let expected: Vec<Vec<String>> = text
            .replace("\r\n", "\n")
            .split(['\n', '\r'])
            .filter(|l| !l.is_empty())
            .map(|l| l.split(',').map(String::from).collect())
            .collect();
        let Some((header, rows)) = expected.split_first() else {
            continue;
        };
        let opts = PreviewOptions {
            delimiter: Some(','),
            rows: Some(1000),
            ..Default::default()
        };
        let got = preview(text.as_bytes(), &opts).unwrap();
        assert_eq!(&got.header, header, "{text:?}");
        assert_eq!(&got.rows, rows, "{text:?}");
    }
}
