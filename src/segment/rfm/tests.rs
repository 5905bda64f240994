use super::*;
use crate::{Entity, LoadOptions};

// Reference date 2024-12-31. Recency / frequency / monetary:
// A 1 / 3 / 300, B 11 / 1 / 50, C 60 / 5 / 500, D 213 / 2 / 80, E 579 / 1 / 20.
const ORDERS: &str = "\
order_id,customer_id,order_date,amount,status
A1,A,2024-12-01,100,
A2,A,2024-12-15,100,
A3,A,2024-12-30,60,
A3,A,2024-12-30,40,
B1,B,2024-12-20,50,
BX,B,2024-12-21,999,cancelled
C1,C,2024-07-01,100,
C2,C,2024-08-01,100,
C3,C,2024-09-01,100,
C4,C,2024-10-01,100,
C5,C,2024-11-01,120,
CR,C,2024-11-05,-20,returned
D1,D,2024-01-01,40,
D2,D,2024-06-01,40,
E1,E,2023-06-01,20,
F1,F,2025-01-05,10,
";

fn ws() -> Workspace {
    let mut ws = Workspace::new();
    ws.load(Some(Entity::Orders), ORDERS.as_bytes(), &LoadOptions::named("o.csv"))
        .unwrap();
    ws
}

fn opts(as_of: &str, scheme: Option<&str>) -> RfmParams {
    RfmParams {
        as_of: Some(as_of.into()),
        scheme: scheme.map(str::to_string),
        ..Default::default()
    }
}

fn by_id<T: Copy>(ws: &Workspace, v: &[T], id: &str) -> T {
    v[ws.customer_keys().get(id.as_bytes()).unwrap() as usize]
}

#[test]
fn values_net_returns_skip_cancelled_lines_and_later_orders() {
    let ws = ws();
    let o = opts("2024-12-31", None).check(&ws).unwrap();
    let v = rfm_values(&ws, o.as_of, None);
    assert_eq!(by_id(&ws, &v.recency, "A"), Some(1.0));
    assert_eq!(by_id(&ws, &v.frequency, "A"), 3.0);
    assert_eq!(by_id(&ws, &v.monetary, "A"), 300.0);
    assert_eq!(by_id(&ws, &v.monetary, "B"), 50.0);
    assert_eq!(by_id(&ws, &v.frequency, "C"), 5.0);
    assert_eq!(by_id(&ws, &v.monetary, "C"), 500.0);
    // F's only order is after the reference date.
    assert_eq!(by_id(&ws, &v.recency, "F"), None);
}

#[test]
fn quintile_scores_and_named_segments_match_the_hand_computation() {
    let ws = ws();
    let s = score(&ws, &opts("2024-12-31", None).check(&ws).unwrap());
    let rfm = |id: &str| (by_id(&ws, &s.r, id), by_id(&ws, &s.f, id), by_id(&ws, &s.m, id));
    assert_eq!(rfm("A"), (5, 4, 4));
    assert_eq!(rfm("B"), (4, 1, 2));
    assert_eq!(rfm("C"), (3, 5, 5));
    assert_eq!(rfm("D"), (2, 3, 3));
    // B and E tie on F = 1: the earlier row (B) ranks lower.
    assert_eq!(rfm("E"), (1, 2, 1));
    assert_eq!(rfm("F"), (0, 0, 0));
    let seg = |id: &str| s.segment_of(ws.customer_keys().get(id.as_bytes()).unwrap() as usize);
    assert_eq!(seg("A"), Some("Champions"));
    assert_eq!(seg("B"), Some("Promising"));
    assert_eq!(seg("C"), Some("Loyal"));
    assert_eq!(seg("D"), Some("At Risk"));
    assert_eq!(seg("E"), Some("Lost"));
    assert_eq!(seg("F"), None);
    let r = report(&s);
    assert_eq!((r.customers_scored, r.customers_unscored), (5, 1));
    let champions = &r.segments[0];
    assert_eq!((champions.customers, champions.revenue), (1, 300.0));
    assert!((champions.revenue_share - 300.0 / 950.0).abs() < 1e-12);
    let cell = r.grid.iter().find(|g| g.r == 5 && g.f == 4).unwrap();
    assert_eq!(cell.customers, 1);
    assert_eq!(r.grid.iter().map(|g| g.customers).sum::<u64>(), 5);
}

#[test]
fn the_three_level_scheme_uses_terciles_with_sql_ntile_sizes() {
    let ws = ws();
    let s = score(&ws, &opts("2024-12-31", Some("three")).check(&ws).unwrap());
    let seg = |id: &str| s.segment_of(ws.customer_keys().get(id.as_bytes()).unwrap() as usize);
    assert_eq!(seg("A"), Some("Loyal"));
    assert_eq!(seg("B"), Some("Needs Attention"));
    assert_eq!(seg("C"), Some("Loyal"));
    assert_eq!(seg("D"), Some("At Risk"));
    assert_eq!(seg("E"), Some("Lost"));
}

#[test]
fn a_window_leaves_older_customers_unscored() {
    let ws = ws();
    let mut p = opts("2024-12-31", None);
    p.window_days = Some(31);
    let s = score(&ws, &p.check(&ws).unwrap());
    let scored: Vec<&str> = ["A", "B", "C", "D", "E"]
        .into_iter()
        .filter(|id| by_id(&ws, &s.r, id) > 0)
        .collect();
    assert_eq!(scored, vec!["A", "B"]);
    assert_eq!(by_id(&ws, &s.values.frequency, "A"), 3.0);
}

#[test]
fn movement_counts_every_customer_once_between_two_dates() {
    let ws = ws();
    let a = score(&ws, &opts("2024-06-30", None).check(&ws).unwrap());
    let b = score(&ws, &opts("2024-12-31", None).check(&ws).unwrap());
    let m = movement(&a, &b);
    assert_eq!(m.counts.iter().flatten().sum::<u64>(), 6);
    let idx = |name: &str| m.segments.iter().position(|s| *s == name).unwrap();
    // A, B and C had no orders on 2024-06-30.
    let from_none: u64 = m.counts[idx("No orders")].iter().sum();
    assert_eq!(from_none, 4); // A, B, C and F
    assert_eq!(m.counts[idx("No orders")][idx("Champions")], 1);
}

#[test]
fn bad_options_name_the_field() {
    let ws = ws();
    let err = RfmParams {
        scheme: Some("five".into()),
        ..Default::default()
    }
    .check(&ws)
    .unwrap_err();
    assert!(
        matches!(err, Error::Options { ref field, .. } if field == "scheme"),
        "{err}"
    );
    let err = opts("31/12/2024x", None).check(&ws).unwrap_err();
    assert!(
        matches!(err, Error::Options { ref field, .. } if field == "asOf"),
        "{err}"
    );
    assert!(RfmParams::default().check(&Workspace::new()).is_err());
}
