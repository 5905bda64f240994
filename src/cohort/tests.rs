use super::matrix::compute;
use super::*;
use crate::table::Workspace;
use crate::{Entity, Error, LoadOptions};

fn workspace(files: &[(Entity, &str)]) -> Workspace {
    let mut ws = Workspace::new();
    for (i, (entity, csv)) in files.iter().enumerate() {
        ws.load(Some(*entity), csv.as_bytes(), &LoadOptions::named(&format!("f{i}.csv")))
            .unwrap();
    }
    ws
}

fn run(ws: &mut Workspace, params: CohortParams) -> CohortReport {
    let opts = params.check(ws).unwrap();
    cohorts(ws, &opts).unwrap()
}

fn month(as_of: Option<&str>) -> CohortParams {
    CohortParams {
        period: Some("month".into()),
        as_of: as_of.map(str::to_string),
        ..Default::default()
    }
}

/// A: 2024-02-29 (cohort 2024-02), then 2024-03-01 (two lines of one order) and
/// 2024-05-31. B: 2024-03-01, a return in April, a cancelled line. C: a return
/// on 2024-01-15 before the first order 2024-03-10, then 2024-05-02. D: only a return.
const ORDERS: &str = "order_id,customer_id,order_date,amount,status\n\
    O1,A,2024-02-29,100,completed\n\
    O2,A,2024-03-01,50,completed\n\
    O2,A,2024-03-01,25,completed\n\
    O3,B,2024-03-01,80,completed\n\
    R1,C,2024-01-15,30,returned\n\
    O4,C,2024-03-10,60,completed\n\
    O5,C,2024-05-02,40,completed\n\
    O6,B,2024-04-30,20,cancelled\n\
    R2,B,2024-04-05,-10,\n\
    R3,D,2024-04-01,-5,\n\
    O7,A,2024-05-31,70,completed\n";

#[test]
fn leap_day_and_the_first_of_march_fall_in_different_month_cohorts() {
    let mut ws = workspace(&[(Entity::Orders, ORDERS)]);
    let r = run(&mut ws, month(None));
    assert_eq!(r.as_of, "2024-05-31");
    let labels: Vec<&str> = r.cohorts.iter().map(|c| c.cohort.as_str()).collect();
    assert_eq!(labels, ["2024-02", "2024-03"]);
    let feb = &r.cohorts[0];
    assert_eq!(feb.start.as_deref(), Some("2024-02-01"));
    assert_eq!(feb.size, 1);
    assert_eq!(feb.active, [1, 1, 0, 1]);
    assert_eq!(feb.orders, [1, 1, 0, 1]);
    assert_eq!(feb.revenue, [100.0, 75.0, 0.0, 70.0]);
    assert_eq!(feb.returned_or_later, [1, 1, 1, 1]);
    assert_eq!(feb.nrr, [Some(1.0), Some(0.75), Some(0.0), Some(0.7)]);
    assert_eq!(feb.ltv, [100.0, 175.0, 175.0, 245.0]);
    // The reference date is the last day of May: every period is over.
    assert_eq!(feb.incomplete, [false; 4]);
}

#[test]
fn a_first_line_that_is_a_return_does_not_start_the_cohort_and_returns_net_revenue() {
    let mut ws = workspace(&[(Entity::Orders, ORDERS)]);
    let r = run(&mut ws, month(None));
    let mar = &r.cohorts[1];
    assert_eq!(mar.cohort, "2024-03");
    assert_eq!(mar.size, 2); // B and C (C's January return is before its first order)
    assert_eq!(mar.active, [2, 0, 1]);
    assert_eq!(mar.orders, [2, 0, 1]);
    assert_eq!(mar.revenue, [140.0, -10.0, 40.0]); // B's April return, not active
    assert_eq!(mar.returned_or_later, [2, 1, 1]);
    assert_eq!(mar.eligible, [2, 2, 2]);
    assert_eq!(mar.retention, [Some(1.0), Some(0.0), Some(0.5)]);
    assert_eq!(mar.ltv, [70.0, 65.0, 85.0]);
    assert_eq!(r.without_orders, 1); // D
                                     // Every cohort together, over customers whose period k is over.
    assert_eq!(r.all.size, 3);
    assert_eq!(r.all.eligible, [3, 3, 3, 1]);
    assert_eq!(r.all.active, [3, 1, 1, 1]);
    assert_eq!(r.all.returned_or_later, [3, 2, 2, 1]);
    assert_eq!(r.all.unbounded_retention[1], Some(2.0 / 3.0));
}

#[test]
fn periods_not_over_at_the_reference_date_are_incomplete_and_later_lines_ignored() {
    let mut ws = workspace(&[(Entity::Orders, ORDERS)]);
    let r = run(&mut ws, month(Some("2024-05-30")));
    let (feb, mar) = (&r.cohorts[0], &r.cohorts[1]);
    assert_eq!(feb.active, [1, 1, 0, 0]); // A's May 31 order is after the reference date
    assert_eq!(feb.incomplete, [false, false, false, true]);
    assert_eq!(feb.eligible, [1, 1, 1, 0]);
    assert_eq!(mar.active, [2, 0, 1]); // counted, but May is not over
    assert_eq!(mar.incomplete, [false, false, true]);
    assert_eq!(r.all.eligible, [3, 3, 1, 0]);
    assert_eq!(r.all.active, [3, 1, 0, 0]);
    assert_eq!(r.all.retention[3], None);
    // Unbounded retention over customers whose period k is over: at k = 2 only A
    // (its April), who did not come back by the reference date.
    assert_eq!(r.all.returned_or_later, [3, 2, 0, 0]);
    assert_eq!(r.all.unbounded_retention[2], Some(0.0));
}

#[test]
fn max_periods_cuts_the_series_and_measure_picks_the_retention() {
    let mut ws = workspace(&[(Entity::Orders, ORDERS)]);
    let r = run(
        &mut ws,
        CohortParams {
            max_periods: Some(2),
            measure: Some("revenue".into()),
            ..Default::default()
        },
    );
    assert_eq!(r.cohorts[0].active, [1, 1]);
    assert_eq!(r.cohorts[0].retention, [Some(1.0), Some(0.75)]);
    assert_eq!(r.cohorts[1].retention, [Some(1.0), Some(-10.0 / 140.0)]);
    let r = run(
        &mut ws,
        CohortParams {
            measure: Some("orders".into()),
            ..Default::default()
        },
    );
    assert_eq!(r.cohorts[1].retention, [Some(1.0), Some(0.0), Some(0.5)]);
}

#[test]
fn iso_week_cohorts_split_on_monday_and_2020_w53_spans_new_year() {
    let csv = "customer_id,order_date,amount\n\
               A,2020-12-28,10\nA,2021-01-03,5\nA,2021-01-04,7\nB,2021-01-03,1\n";
    let mut ws = workspace(&[(Entity::Orders, csv)]);
    let r = run(
        &mut ws,
        CohortParams {
            period: Some("week".into()),
            ..Default::default()
        },
    );
    assert_eq!(r.cohorts.len(), 1);
    let w = &r.cohorts[0];
    assert_eq!(
        (w.cohort.as_str(), w.start.as_deref()),
        ("2020-W53", Some("2020-12-28"))
    );
    assert_eq!(w.size, 2);
    assert_eq!(w.active, [2, 1]);
    assert_eq!(w.orders, [3, 1]); // no order ids: every line is an order
    assert_eq!(w.revenue, [16.0, 7.0]);
    // 2021-01-04 is the Monday of 2021-W01, its first day: not over.
    assert_eq!(w.incomplete, [false, true]);
    let q = run(
        &mut ws,
        CohortParams {
            period: Some("quarter".into()),
            ..Default::default()
        },
    );
    let labels: Vec<&str> = q.cohorts.iter().map(|c| c.cohort.as_str()).collect();
    assert_eq!(labels, ["2020-Q4", "2021-Q1"]);
    assert_eq!(
        (q.cohorts[0].active.clone(), q.cohorts[1].active.clone()),
        (vec![1, 1], vec![1])
    );
}

#[test]
fn cohorts_by_first_product_category_channel_and_campaign() {
    let orders = "order_id,customer_id,order_date,product_id,category,amount\n\
                  O1,A,2024-01-10,P2,shoes,10\nO1,A,2024-01-10,P1,bags,5\nO0,A,2024-01-12,P9,hats,1\n\
                  O2,B,2024-01-05,P1,bags,3\nO3,B,2024-02-01,P2,shoes,4\nO4,C,2024-01-20,P1,bags,6\n";
    let customers = "customer_id,acquisition_channel\nA,paid_search\nB,paid_search\nC,\n";
    let events = "campaign_id,customer_id,event,timestamp\n\
                  K2,A,converted,2024-01-09T10:00:00Z\nK1,A,converted,2024-01-01T09:00:00Z\n\
                  K1,B,opened,2024-01-01T09:00:00Z\nK3,C,converted,2024-06-01T00:00:00Z\n";
    let mut ws = workspace(&[
        (Entity::Orders, orders),
        (Entity::Customers, customers),
        (Entity::CampaignEvents, events),
    ]);
    let by = |ws: &mut Workspace, by: &str| -> Vec<(String, u64, Vec<u64>)> {
        let r = run(
            ws,
            CohortParams {
                by: Some(by.into()),
                ..Default::default()
            },
        );
        assert_eq!(r.by, by);
        r.cohorts.into_iter().map(|c| (c.cohort, c.size, c.active)).collect()
    };
    let s = |x: &str| x.to_string();
    // A's first line on its first day is P2 (file order breaks the tie).
    assert_eq!(
        by(&mut ws, "first_product"),
        [(s("P1"), 2, vec![2, 1]), (s("P2"), 1, vec![1, 0])]
    );
    assert_eq!(
        by(&mut ws, "first_category"),
        [(s("bags"), 2, vec![2, 1]), (s("shoes"), 1, vec![1, 0])]
    );
    assert_eq!(
        by(&mut ws, "acquisition_channel"),
        [(s("paid_search"), 2, vec![2, 1]), (s("(none)"), 1, vec![1, 0])]
    );
    // C converted after the reference date (the last order, 2024-02-01) and B never:
    // no campaign, listed last.
    assert_eq!(
        by(&mut ws, "first_campaign"),
        [(s("K1"), 1, vec![1, 0]), (s("(none)"), 2, vec![2, 1])]
    );
}

#[test]
fn the_sorted_pair_fallback_agrees_with_the_bitmap() {
    let mut ws = workspace(&[(Entity::Orders, ORDERS)]);
    let opts = month(Some("2024-05-30")).check(&ws).unwrap();
    let a = compute(&mut ws, &opts, false).unwrap();
    let b = compute(&mut ws, &opts, true).unwrap();
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    assert_eq!(b.cohorts[1].active, [2, 0, 1]);
}

#[test]
fn bad_options_name_the_field_and_missing_data_says_what_to_load() {
    let ws = workspace(&[(Entity::Orders, ORDERS)]);
    let bad = |p: CohortParams| p.check(&ws).unwrap_err();
    let field_of = |e: Error| match e {
        Error::Options { field, .. } => field,
        other => panic!("{other}"),
    };
    assert_eq!(
        field_of(bad(CohortParams {
            period: Some("fortnight".into()),
            ..Default::default()
        })),
        "period"
    );
    assert_eq!(
        field_of(bad(CohortParams {
            max_periods: Some(0),
            ..Default::default()
        })),
        "maxPeriods"
    );
    assert_eq!(
        field_of(bad(CohortParams {
            measure: Some("profit".into()),
            ..Default::default()
        })),
        "measure"
    );
    assert_eq!(
        field_of(bad(CohortParams {
            as_of: Some("2024-02-30".into()),
            ..Default::default()
        })),
        "asOf"
    );
    let mut ws = ws;
    let opts = CohortParams {
        by: Some("recency_dayz".into()),
        ..Default::default()
    }
    .check(&ws)
    .unwrap();
    let err = cohorts(&mut ws, &opts).unwrap_err();
    assert!(err.to_string().contains("did you mean 'recency_days'"), "{err}");
    let opts = CohortParams {
        by: Some("first_campaign".into()),
        ..Default::default()
    }
    .check(&ws)
    .unwrap();
    assert!(matches!(cohorts(&mut ws, &opts), Err(Error::MissingData(m)) if m.contains("campaign_events")));
    let opts = CohortParams {
        by: Some("recency_days".into()),
        ..Default::default()
    }
    .check(&ws)
    .unwrap();
    assert!(cohorts(&mut ws, &opts)
        .unwrap_err()
        .to_string()
        .contains("a number column"));
    let empty = Workspace::new();
    assert!(matches!(
        CohortParams::default().check(&empty),
        Err(Error::MissingData(_))
    ));
}
