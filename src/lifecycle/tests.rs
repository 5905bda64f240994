use super::*;
use crate::{Entity, LoadOptions};

fn workspace(csv: &str) -> Workspace {
    let mut ws = Workspace::new();
    ws.load(Some(Entity::Orders), csv.as_bytes(), &LoadOptions::named("orders.csv"))
        .unwrap();
    ws
}

/// Inactivity window 30 days, months, reference date 2024-05-30.
/// A: Jan 5, Feb 1, Apr 20 (+ a return Apr 25). B: Jan 20 only. C: Feb 10, Mar 25.
/// D: Jan 31, Mar 1 (30 days later in a leap year: within the window). E: only a return.
const ORDERS: &str = "customer_id,order_date,amount\n\
    A,2024-01-05,100\nA,2024-02-01,50\nA,2024-04-20,80\nA,2024-04-25,-5\n\
    B,2024-01-20,40\nC,2024-02-10,60\nC,2024-03-25,30\nD,2024-01-31,20\nD,2024-03-01,10\n\
    E,2024-02-15,-20\n";

fn report(csv: &str, params: LifecycleParams) -> Lifecycle {
    let ws = workspace(csv);
    lifecycle(&ws, &params.check(&ws).unwrap())
}

fn st(customers: u64, revenue: f64) -> StateCount {
    StateCount { customers, revenue }
}

fn window_30() -> LifecycleParams {
    LifecycleParams {
        inactive_days: Some(30),
        as_of: Some("2024-05-30".into()),
        ..Default::default()
    }
}

#[test]
fn the_first_period_is_all_new_and_retained_means_ordered_in_the_previous_period() {
    let r = report(ORDERS, window_30());
    let labels: Vec<&str> = r.periods.iter().map(|p| p.period.as_str()).collect();
    assert_eq!(labels, ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"]);
    let jan = &r.periods[0];
    assert_eq!(
        (jan.new, jan.retained, jan.churned),
        (st(3, 160.0), st(0, 0.0), st(0, 0.0))
    );
    assert_eq!((jan.revenue, jan.orders, jan.active), (160.0, 3, 3));
    let feb = &r.periods[1];
    assert_eq!((feb.new, feb.retained), (st(1, 60.0), st(1, 50.0)));
    // B (Jan 20) churns on Feb 19; what was lost is B's January revenue.
    assert_eq!(feb.churned, st(1, 40.0));
    // E's return is in the trend but in no state.
    assert_eq!((feb.revenue, feb.orders, feb.active), (90.0, 2, 2));
    assert_eq!(feb.average_order_value, Some(45.0));
    assert_eq!(feb.change.revenue, Some(-0.4375));
    assert_eq!(
        feb.change.average_order_value,
        Some((45.0 - 160.0 / 3.0) / (160.0 / 3.0))
    );
}

#[test]
fn reactivated_after_the_window_wins_over_retained_and_returning_is_within_it() {
    let r = report(ORDERS, window_30());
    let mar = &r.periods[2];
    // C ordered in February too, but 44 days passed: churned on Mar 11, reactivated.
    assert_eq!(mar.reactivated, st(1, 30.0));
    assert_eq!(mar.retained, st(0, 0.0));
    // D skipped February but came back after exactly 30 days (leap year): returning.
    assert_eq!(mar.returning, st(1, 10.0));
    // A (Feb 1 + 30 = Mar 2), C (Feb 10 + 30 = Mar 11) and D (Mar 1 + 30 = Mar 31).
    assert_eq!(mar.churned, st(3, 50.0 + 60.0 + 10.0));
    let apr = &r.periods[3];
    assert_eq!(apr.reactivated, st(1, 75.0)); // A, its return netted
    assert_eq!(apr.churned, st(1, 30.0)); // C on Apr 24
    let may = &r.periods[4];
    assert_eq!(may.churned, st(1, 75.0)); // A on May 20, within the reference date
    assert!(may.incomplete && !apr.incomplete);
    assert_eq!((may.active, may.orders, may.average_order_value), (0, 0, None));
    assert_eq!(may.change.revenue, Some(-1.0));
    assert_eq!(may.profit, None);
}

#[test]
fn churn_waits_for_the_window_to_run_out_before_the_reference_date() {
    let r = report(
        ORDERS,
        LifecycleParams {
            inactive_days: Some(30),
            as_of: Some("2024-05-19".into()),
            ..Default::default()
        },
    );
    assert_eq!(r.periods[4].churned, st(0, 0.0)); // A's window ends May 20
                                                  // The default window of 90 days: B (Jan 20) churns on Apr 19.
    let r = report(ORDERS, LifecycleParams::default());
    assert_eq!(r.inactive_days, 90);
    assert_eq!(r.periods[3].churned.customers, 1);
    assert_eq!(r.periods[2].reactivated.customers, 0);
    assert_eq!(r.periods[2].retained, st(1, 30.0)); // C: Feb then Mar, within 90 days
}

#[test]
fn margin_and_its_change_in_points_when_costs_are_given() {
    let r = report(
        "customer_id,order_date,amount,cost\nA,2024-01-10,100,60\nA,2024-02-10,200,150\n",
        LifecycleParams::default(),
    );
    assert_eq!(r.periods[0].margin, Some(0.4));
    assert_eq!(r.periods[1].profit, Some(50.0));
    assert_eq!(r.periods[1].margin, Some(0.25));
    assert!((r.periods[1].change.margin.unwrap() + 0.15).abs() < 1e-12);
}

#[test]
fn weeks_and_bad_options() {
    let r = report(
        "customer_id,order_date,amount\nA,2020-12-28,1\nA,2021-01-04,1\n",
        LifecycleParams {
            period: Some("week".into()),
            ..Default::default()
        },
    );
    let labels: Vec<&str> = r.periods.iter().map(|p| p.period.as_str()).collect();
    assert_eq!(labels, ["2020-W53", "2021-W01"]);
    assert_eq!((r.periods[1].retained.customers, r.periods[1].incomplete), (1, true));
    let ws = workspace(ORDERS);
    let err = LifecycleParams {
        inactive_days: Some(0),
        ..Default::default()
    }
    .check(&ws)
    .unwrap_err();
    assert!(matches!(err, crate::Error::Options { ref field, .. } if field == "inactiveDays"));
    assert!(LifecycleParams::default().check(&Workspace::new()).is_err());
}
