//! The profile on hand-counted data.
use super::*;
use crate::calendar::days_from_civil;
use crate::LoadOptions;

const CUSTOMERS: &str = "customer_id,email,phone,birth_date,signup_date\n\
    C1,a@x.se,0701234567,1980-01-01,2024-01-01\n\
    C2,bad-email,123,1850-01-01,2024-02-01\n\
    C2,b@x.se,,2030-01-01,2024-03-01\n\
    C3,,,,\n";
const ORDERS: &str = "order_id,customer_id,order_date,amount,status\n\
    O1,C1,2024-03-01,10,completed\n\
    O1,C1,2024-03-01,10,completed\n\
    O2,C9,2024-03-02,-5,completed\n\
    O3,C1,2024-03-03,-5,returned\n";

fn report() -> QualityReport {
    let mut ws = Workspace::new();
    ws.load(None, CUSTOMERS.as_bytes(), &LoadOptions::named("customers.csv"))
        .unwrap();
    ws.load(None, ORDERS.as_bytes(), &LoadOptions::named("orders.csv"))
        .unwrap();
    profile(
        &ws,
        &QualityOptions {
            as_of: days_from_civil(2024, 6, 30),
            max_issues: 100,
        },
    )
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn customer_scores_match_a_hand_count() {
    let r = report();
    let c = &r.entities[1];
    assert_eq!(
        (
            c.entity,
            c.rows,
            c.duplicate_keys,
            c.duplicate_rows,
            c.unknown_customers
        ),
        (Entity::Customers, 4, 1, 0, None)
    );
    assert!(close(c.scores.complete, 0.75), "{:?}", c.scores);
    assert!(close(c.scores.correct, 1.0 - 4.0 / 11.0), "{:?}", c.scores);
    assert!(close(c.scores.unique, 0.75));
    assert!(close(c.scores.current, (365.0 - 121.0) / 335.0), "{:?}", c.scores);
    assert_eq!(
        c.sources[0],
        SourceCurrency {
            source: "customers".into(),
            latest: Some("2024-03-01".into()),
            stale_days: Some(121)
        }
    );
    let reasons: Vec<(&str, u64, &str)> = c
        .issues
        .iter()
        .map(|i| (i.column.as_deref().unwrap_or(""), i.row, i.reason.as_str()))
        .collect();
    assert!(reasons.contains(&("email", 3, "not an e-mail address")));
    assert!(reasons.contains(&("phone", 3, "not a phone number (7–15 digits)")));
    assert!(reasons.contains(&("birth_date", 3, "date before 1900")));
    assert!(reasons.contains(&("birth_date", 4, "date in the future")));
    assert!(reasons.contains(&("customer_id", 4, "identifier repeats an earlier row's")));
    assert_eq!(c.issue_count, 5);
    let email = c.columns.iter().find(|col| col.name == "email").unwrap();
    assert_eq!((email.nulls, email.invalid, email.distinct), (1, 1, Some(3)));
}

#[test]
fn order_scores_count_copies_unknown_customers_and_unexplained_negatives() {
    let r = report();
    let o = &r.entities[0];
    assert_eq!(
        (o.entity, o.duplicate_rows, o.unknown_customers),
        (Entity::Orders, 1, Some(1))
    );
    assert!(close(o.scores.correct, 1.0 - 2.0 / 12.0), "{:?}", o.scores);
    assert!(close(o.scores.unique, 0.75));
    let amount = o.columns.iter().find(|c| c.name == "amount").unwrap();
    assert_eq!(
        (amount.invalid, amount.min.as_deref(), amount.max.as_deref()),
        (1, Some("-5"), Some("10"))
    );
    let cust = o.columns.iter().find(|c| c.name == "customer_id").unwrap();
    assert_eq!(
        cust.top[0],
        TopValue {
            value: "C1".into(),
            count: 3
        }
    );
    assert!(o
        .issues
        .iter()
        .any(|i| i.reason == "customer not in any loaded customer file" && i.value == "C9" && i.row == 4));
    // Overall scores weigh entities by rows (4 and 4 here).
    assert!(close(r.scores.unique, 0.75));
    assert_eq!(r.as_of, "2024-06-30");
}

#[test]
fn the_issue_list_is_capped_but_the_count_is_not() {
    let mut ws = Workspace::new();
    ws.load(None, CUSTOMERS.as_bytes(), &LoadOptions::named("customers.csv"))
        .unwrap();
    let r = profile(
        &ws,
        &QualityOptions {
            as_of: days_from_civil(2024, 6, 30),
            max_issues: 2,
        },
    );
    assert_eq!((r.entities[0].issues.len(), r.entities[0].issue_count), (2, 5));
}
