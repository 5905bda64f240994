use arrow_array::{Array, ArrayAccessor, BooleanArray, Date32Array, Float64Array};

use super::*;
use crate::calendar::days_from_civil;
use crate::{Entity, LoadOptions, Workspace};

const ORDERS: &str = "\
order_id,customer_id,order_date,amount,cost,category,status,payment_method,payment_status
O1,A,2024-01-10,10,4,shoes,completed,card,paid
O1,A,2024-01-10,20,5,bags,completed,card,paid
O1,A,2024-01-10,5,1,shoes,completed,card,paid
O2,A,2024-03-01,50,20,shoes,completed,invoice,late
R1,A,2024-03-05,-10,-4,shoes,returned,card,paid
O3,B,2024-02-01,100,60,bags,cancelled,card,paid
O4,B,2024-02-02,30,10,bags,completed,invoice,defaulted
O5,C,2024-03-31,7,,,completed,,
";

const CONSENTS: &str = "\
customer_id,channel,status,updated_at
A,email,granted,2024-01-01T00:00:00Z
A,E-mail,withdrawn,2024-02-01T00:00:00Z
A,email,granted,2023-06-01T00:00:00Z
B,sms,granted,2024-01-01T00:00:00Z
";

fn ws() -> Workspace {
    let mut ws = Workspace::new();
    ws.load(
        Some(Entity::Orders),
        ORDERS.as_bytes(),
        &LoadOptions::named("orders.csv"),
    )
    .unwrap();
    ws.load(
        Some(Entity::Consents),
        CONSENTS.as_bytes(),
        &LoadOptions::named("consents.csv"),
    )
    .unwrap();
    ws.load(
        Some(Entity::Customers),
        "customer_id,first_name,birth_date,country\nA,Åsa,1990-04-01,SE\nD,Dirk,2000-04-02,DE\n".as_bytes(),
        &LoadOptions::named("crm.csv"),
    )
    .unwrap();
    ws
}

fn num(t: &CustomerTable, name: &str) -> Vec<Option<f64>> {
    match &t.get(name).unwrap().values {
        Values::Number(a) => a.iter().collect(),
        v => panic!("{name} is {}", v.kind()),
    }
}

fn row(t: &CustomerTable, id: &str) -> usize {
    t.row_of(id).unwrap()
}

#[test]
fn order_features_count_orders_once_net_returns_and_skip_cancelled_lines() {
    let mut ws = ws();
    let t = ws.customers(&CustomerParams::default(), 0).unwrap();
    // Reference date defaults to the last order date.
    assert_eq!(t.as_of, days_from_civil(2024, 3, 31));
    let (a, b, c, d) = (row(t, "A"), row(t, "B"), row(t, "C"), row(t, "D"));
    let orders = num(t, "order_count");
    assert_eq!(
        (orders[a], orders[b], orders[c], orders[d]),
        (Some(2.0), Some(1.0), Some(1.0), Some(0.0))
    );
    let total = num(t, "monetary_total");
    assert_eq!((total[a], total[b], total[c]), (Some(75.0), Some(30.0), Some(7.0)));
    assert_eq!(num(t, "monetary_avg")[a], Some(37.5));
    assert_eq!(num(t, "monetary_avg")[d], None);
    // profit: A (10-4)+(20-5)+(5-1)+(50-20)-(10-4) = 49; B 30-10 = 20; C no cost = 7
    assert_eq!(num(t, "profit_total")[a], Some(49.0));
    assert_eq!(num(t, "profit_total")[b], Some(20.0));
    assert_eq!(num(t, "recency_days")[a], Some(30.0));
    assert_eq!(num(t, "recency_days")[d], None);
    assert_eq!(num(t, "tenure_days")[a], Some(81.0));
    assert_eq!(num(t, "repeat_count")[a], Some(1.0));
    assert_eq!(num(t, "return_count")[a], Some(1.0));
    // Orders per category: shoes in O1 and O2 (two lines of O1 count once).
    assert_eq!(num(t, "orders_shoes")[a], Some(2.0));
    assert_eq!(num(t, "orders_bags")[a], Some(1.0));
    assert_eq!(num(t, "orders_bags")[b], Some(1.0));
    assert_eq!(num(t, "share_paid_late")[a], Some(0.5));
    assert_eq!(num(t, "share_paid_late")[b], Some(1.0));
    assert_eq!(num(t, "defaulted_count")[b], Some(1.0));
    let Values::Category(pay) = &t.get("preferred_payment").unwrap().values else {
        panic!()
    };
    let pay = pay.downcast_dict::<arrow_array::StringArray>().unwrap();
    assert_eq!(pay.value(a), "card");
    assert!(pay.is_null(c));
}

#[test]
fn the_latest_consent_record_wins_whatever_the_row_order() {
    let mut ws = ws();
    let t = ws.customers(&CustomerParams::default(), 0).unwrap();
    let Values::Bool(email) = &t.get("consent_email").unwrap().values else {
        panic!()
    };
    let email: &BooleanArray = email;
    assert!(!email.value(row(t, "A")));
    assert!(email.is_null(row(t, "B")));
    let Values::Bool(sms) = &t.get("consent_sms").unwrap().values else {
        panic!()
    };
    assert!(sms.value(row(t, "B")));
}

#[test]
fn profile_features_give_age_on_the_reference_date_and_keep_unicode() {
    let mut ws = ws();
    let t = ws
        .customers(
            &CustomerParams {
                as_of: Some("2024-04-01".into()),
            },
            0,
        )
        .unwrap();
    let age = num(t, "age");
    assert_eq!(age[row(t, "A")], Some(34.0));
    assert_eq!(age[row(t, "D")], Some(23.0));
    assert_eq!(age[row(t, "B")], None);
    let Values::Text(names) = &t.get("first_name").unwrap().values else {
        panic!()
    };
    assert_eq!(names.value(row(t, "A")), "Åsa");
    let Values::Date(first) = &t.get("first_order").unwrap().values else {
        panic!()
    };
    let first: &Date32Array = first;
    assert_eq!(first.value(row(t, "A")), days_from_civil(2024, 1, 10));
}

#[test]
fn a_load_drops_the_table_and_added_columns_survive_until_then() {
    let mut ws = ws();
    let n = {
        let t = ws.customers(&CustomerParams::default(), 0).unwrap();
        let n = t.len();
        t.add(Feature::new(
            "x",
            "test",
            Values::Number(Float64Array::from(vec![1.0; n])),
        ))
        .unwrap();
        n
    };
    assert!(ws.customers(&CustomerParams::default(), 0).unwrap().get("x").is_some());
    ws.load(None, b"customer_id,email\nZ,z@x.se\n", &LoadOptions::named("more.csv"))
        .unwrap();
    let t = ws.customers(&CustomerParams::default(), 0).unwrap();
    assert!(t.get("x").is_none());
    assert_eq!(t.len(), n + 1);
}

#[test]
fn a_column_of_the_wrong_length_is_refused_and_unknown_columns_get_a_suggestion() {
    let mut ws = ws();
    let t = ws.customers(&CustomerParams::default(), 0).unwrap();
    assert!(t
        .add(Feature::new("x", "", Values::Number(Float64Array::from(vec![1.0]))))
        .is_err());
    let err = t.batch(Some(&["order_cnt".to_string()]), None).unwrap_err();
    assert!(err.to_string().contains("order_count"), "{err}");
    let b = t.batch(Some(&["order_count".to_string()]), Some(&[2, 0])).unwrap();
    assert_eq!(b.num_rows(), 2);
    assert_eq!(b.num_columns(), 2);
}
