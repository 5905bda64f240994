use super::*;
use crate::{Entity, LoadOptions, Workspace};

const CUSTOMERS: &str = "customer_id,country,gender,birth_date\n\
    C1,SE,F,1995-01-01\nC2,SE,M,1980-06-01\nC3,NO,F,1990-01-01\nC4,NO,M,1970-01-01\n";
const ORDERS: &str = "order_id,customer_id,order_date,region,category,product_id,amount,payment_status\n\
    O1,C1,2024-01-05,North,shoes,P1,100,paid\n\
    O1,C1,2024-01-05,North,books,P2,50,paid\n\
    O2,C2,2024-02-10,North,shoes,P1,30,late\n\
    O3,C3,2024-02-11,South,books,P2,20,defaulted\n\
    O4,C1,2024-03-01,South,shoes,P1,10,paid\n\
    O5,C1,2024-03-02,South,shoes,P1,-10,\n";
const TICKETS: &str = "ticket_id,customer_id,opened_at,closed_at,complaint,product_id\n\
    T1,C1,2024-01-10,2024-01-12,true,P1\n\
    T2,C2,2024-02-11,2024-02-12,false,P2\n\
    T3,C3,2024-02-15,,true,\n";
const SURVEYS: &str = "customer_id,answered_at,score,scale\n\
    C1,2024-01-20,4,csat5\nC1,2024-03-01,2,csat5\nC2,2024-02-01,10,nps10\nC3,2024-02-20,5,nps10\nC3,2024-03-01,9,nps10\n";

fn loaded() -> Workspace {
    let mut ws = Workspace::new();
    for (e, text) in [
        (Entity::Customers, CUSTOMERS),
        (Entity::Orders, ORDERS),
        (Entity::Tickets, TICKETS),
        (Entity::Surveys, SURVEYS),
    ] {
        ws.load(Some(e), text.as_bytes(), &LoadOptions::named("f.csv")).unwrap();
    }
    ws
}

fn run(ws: &mut Workspace, json: &str) -> PivotResult {
    let def: PivotDefinition = serde_json::from_str(json).unwrap();
    pivot(ws, &def.check().unwrap(), 0).unwrap()
}

fn vals(c: &Cell) -> Vec<Option<f64>> {
    c.values
        .iter()
        .map(|v| v.map(|x| (x * 1000.0).round() / 1000.0))
        .collect()
}

#[test]
fn line_dimensions_count_distinct_orders_and_customers_per_cell_and_recompute_totals() {
    let mut ws = loaded();
    let p = run(
        &mut ws,
        r#"{"rows": "region", "columns": "category", "measures": ["orders", "revenue", "customers", "aov"]}"#,
    );
    assert_eq!(p.grain, "order_line");
    assert_eq!(p.rows.labels, ["North", "South"]);
    assert_eq!(p.columns.as_ref().unwrap().labels, ["books", "shoes"]);
    let s = Some;
    assert_eq!(vals(&p.cells[0][0]), [s(1.0), s(50.0), s(1.0), s(50.0)]);
    assert_eq!(vals(&p.cells[0][1]), [s(2.0), s(130.0), s(2.0), s(65.0)]);
    assert_eq!(vals(&p.cells[1][0]), [s(1.0), s(20.0), s(1.0), s(20.0)]);
    // O4 and its return O5: one order, revenue netted to 0.
    assert_eq!(vals(&p.cells[1][1]), [s(1.0), s(0.0), s(1.0), s(0.0)]);
    // O1 has lines in both categories: once in North's total, not 1 + 2.
    assert_eq!(vals(&p.row_totals[0]), [s(2.0), s(180.0), s(2.0), s(90.0)]);
    assert_eq!(vals(&p.row_totals[1]), [s(2.0), s(20.0), s(2.0), s(10.0)]);
    let ct = p.column_totals.as_ref().unwrap();
    assert_eq!(vals(&ct[0]), [s(2.0), s(70.0), s(2.0), s(35.0)]);
    // C1 bought shoes in North and South: 2 distinct customers, not 3.
    assert_eq!(
        vals(&ct[1]),
        [
            s(3.0),
            s(130.0),
            s(2.0),
            s(130.0 / 3.0 * 1000.0).map(|x| x.round() / 1000.0)
        ]
    );
    // Revenue is additive: the total is the sum of the cells.
    let sum: f64 = p.cells.iter().flatten().map(|c| c.values[1].unwrap()).sum();
    assert_eq!(vals(&p.total), [s(4.0), s(sum), s(3.0), s(50.0)]);
    // Region has no predicate in the language; category has.
    assert_eq!(p.cells[0][0].customers, None);
    assert_eq!(ct[1].customers.as_deref(), Some("bought(category = 'shoes')"));
    assert_eq!(p.rows.drill, Some("store"));
}

#[test]
fn customer_dimensions_put_each_customer_in_one_cell_and_drill_to_a_selection() {
    let mut ws = loaded();
    let p = run(
        &mut ws,
        r#"{"rows": "country", "measures": ["customers", "orders", "revenue", "repeat_rate", "churn_share", "complaint_rate", "late_share"], "inactiveDays": 20}"#,
    );
    assert_eq!(p.grain, "customer");
    assert_eq!(p.rows.labels, ["NO", "SE"]);
    let s = Some;
    // NO: C3 (one order, complained) and C4 (no orders). O3 defaulted.
    assert_eq!(
        vals(&p.cells[0][0]),
        [s(2.0), s(1.0), s(20.0), s(0.0), s(0.0), s(0.5), s(1.0)]
    );
    // SE: C1 (O1, O4) and C2 (O2, 21 days before the last order > 20: churned); 1 of 4 paid lines late.
    assert_eq!(
        vals(&p.cells[1][0]),
        [s(2.0), s(3.0), s(180.0), s(0.5), s(0.5), s(0.5), s(0.25)]
    );
    assert_eq!(
        vals(&p.total),
        [
            s(4.0),
            s(4.0),
            s(200.0),
            s(1.0 / 3.0 * 1000.0).map(|x| x.round() / 1000.0),
            s(0.333),
            s(0.5),
            s(0.4)
        ]
    );
    let expr = p.cells[1][0].customers.clone().unwrap();
    assert_eq!(expr, "country = 'SE'");
    let rows = crate::segment::rows_of(&mut ws, Some(&expr), 0).unwrap();
    assert_eq!(rows.len(), 2);
}

#[test]
fn a_line_cell_s_selection_finds_exactly_its_customers() {
    let mut ws = loaded();
    let p = run(
        &mut ws,
        r#"{"rows": "country", "columns": "category", "measures": ["customers"]}"#,
    );
    for (i, row) in p.cells.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            let expr = cell.customers.clone().unwrap();
            let got = crate::segment::rows_of(&mut ws, Some(&expr), 0).unwrap().len() as f64;
            assert_eq!(Some(got), cell.values[0], "{} × {}: {expr}", p.rows.labels[i], j);
        }
    }
}

#[test]
fn ticket_measures_locate_complaints_by_product_and_its_category() {
    let mut ws = loaded();
    let p = run(
        &mut ws,
        r#"{"rows": "category", "measures": ["complaints_per_100_orders", "resolution_days_mean", "resolution_days_median"]}"#,
    );
    let s = Some;
    assert_eq!(p.rows.labels, ["books", "shoes"]);
    // books: T2 (P2, no complaint, 1 day) over O1, O3; shoes: T1 (P1, complaint, 2 days) over O1, O2, O4.
    assert_eq!(vals(&p.cells[0][0]), [s(0.0), s(1.0), s(1.0)]);
    assert_eq!(vals(&p.cells[1][0]), [s(33.333), s(2.0), s(2.0)]);
    // T3 has no product: not in any category, nor the total.
    assert_eq!(vals(&p.total), [s(25.0), s(1.5), s(1.5)]);
    let p = run(
        &mut ws,
        r#"{"rows": "country", "measures": ["complaints_per_100_orders"]}"#,
    );
    assert_eq!(vals(&p.cells[0][0]), [s(100.0)]);
    // Region cannot locate a ticket.
    let p = run(
        &mut ws,
        r#"{"rows": "region", "measures": ["complaints_per_100_orders", "avg_csat"]}"#,
    );
    assert_eq!(p.total.values, [None, None]);
    assert_eq!(p.notes.len(), 2);
}

#[test]
fn satisfaction_per_period_uses_each_answer_in_its_month() {
    let mut ws = loaded();
    let p = run(&mut ws, r#"{"rows": "month", "measures": ["avg_csat", "nps"]}"#);
    assert_eq!(p.rows.labels, ["2024-01", "2024-02", "2024-03"]);
    let s = Some;
    assert_eq!(vals(&p.cells[0][0]), [s(4.0), None]);
    // One promoter (10), one detractor (5).
    assert_eq!(vals(&p.cells[1][0]), [None, s(0.0)]);
    assert_eq!(vals(&p.cells[2][0]), [s(2.0), s(100.0)]);
    assert_eq!(vals(&p.total), [s(3.0), s(33.333)]);
}

#[test]
fn filters_sorting_limits_and_bands() {
    let mut ws = loaded();
    let p = run(
        &mut ws,
        r#"{"rows": "age_band", "measures": ["revenue"], "filters": [{"dimension": "country", "values": ["SE"]}]}"#,
    );
    // C1 born 1995 is 29 on 2024-03-02, C2 43.
    assert_eq!(p.rows.labels, ["25-34", "35-44"]);
    assert_eq!(p.total.values, [Some(180.0)]);
    assert_eq!(
        p.cells[0][0].customers.as_deref(),
        Some("age_band = '25-34' and country = 'SE'")
    );
    let p = run(
        &mut ws,
        r#"{"rows": "category", "measures": ["revenue"], "sort": {"by": "revenue", "descending": true}, "limit": 1}"#,
    );
    assert_eq!((p.rows.labels.clone(), p.rows_left_out), (vec!["shoes".to_string()], 1));
    assert_eq!(p.total.values, [Some(200.0)]);
    let p = run(&mut ws, r#"{"rows": "buyer", "measures": ["customers"]}"#);
    assert_eq!(p.rows.labels, ["buyer", "non-buyer"]);
    assert_eq!(p.cells[1][0].values, [Some(1.0)]);
    let rows = crate::segment::rows_of(&mut ws, p.cells[1][0].customers.as_deref(), 0).unwrap();
    assert_eq!(rows, [3]);
}

#[test]
fn bad_definitions_name_the_field() {
    let mut ws = loaded();
    let mut err = |json: &str| {
        let def: PivotDefinition = serde_json::from_str(json).unwrap();
        match def.check() {
            Err(e) => e.to_string(),
            Ok(v) => pivot(&mut ws, &v, 0).unwrap_err().to_string(),
        }
    };
    assert!(err(r#"{"rows": "contry"}"#).contains("did you mean 'country'"));
    assert!(err(r#"{"rows": "country", "measures": ["revenu"]}"#).contains("did you mean 'revenue'"));
    assert!(err(r#"{"rows": "country", "columns": "country"}"#).contains("columns"));
    assert!(err(r#"{"rows": "birth_date"}"#).contains("date column"));
    assert!(err(r#"{"rows": "country", "sort": {"by": "profit"}}"#).contains("sort.by"));
}

#[test]
fn every_preset_runs_on_the_bundled_sample() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    let orders = std::process::Command::new("gzip")
        .arg("-dc")
        .arg(root.join("orders.csv.gz"))
        .output()
        .unwrap()
        .stdout;
    let mut ws = Workspace::new();
    for f in ["customers_shop.csv", "tickets.csv", "surveys.csv"] {
        let bytes = std::fs::read(root.join(f)).unwrap();
        ws.load(None, &bytes, &LoadOptions::named(f)).unwrap();
    }
    ws.load(Some(Entity::Orders), &orders, &LoadOptions::named("orders.csv"))
        .unwrap();
    for p in presets() {
        let r = pivot(&mut ws, &p.definition.check().unwrap(), 0).unwrap();
        assert!(r.rows.labels.len() >= 2, "{}: {:?}", p.name, r.rows.labels);
        let total = r.total.values[0].unwrap();
        assert!(total > 0.0, "{}", p.name);
        // The first measure of every preset is additive over rows at its grain
        // (customers at customer grain, revenue per month).
        if r.grain == "customer" || p.name == "web_growth" {
            let sum: f64 = r.row_totals.iter().map(|c| c.values[0].unwrap_or(0.0)).sum();
            assert!(
                (sum - total).abs() < 1e-6 * total.max(1.0),
                "{}: {sum} vs {total}",
                p.name
            );
        }
    }
}
