use super::*;
use crate::calendar::days_from_civil;
use crate::LoadOptions;

fn ws_with(orders: &str, customers: Option<&str>) -> Workspace {
    let mut ws = Workspace::new();
    if let Some(c) = customers {
        ws.load(Some(Entity::Customers), c.as_bytes(), &LoadOptions::named("c.csv"))
            .unwrap();
    }
    ws.load(Some(Entity::Orders), orders.as_bytes(), &LoadOptions::named("o.csv"))
        .unwrap();
    ws
}

fn rules(json: &str) -> ValidRules {
    serde_json::from_str::<LoyaltyRules>(json).unwrap().check().unwrap()
}

const ORDERS: &str = "order_id,customer_id,order_date,category,amount,cost\n\
    O1,C1,2023-01-31,Shoes,100,60\n\
    O2,C1,2023-07-31,books,50,45\n\
    O3,C1,2024-01-31,shoes,20,10\n\
    O4,C2,2024-01-10,books,10,5\n\
    O5,C2,2024-01-20,books,-4,-2\n";

fn points_on(ws: &mut Workspace, r: &ValidRules, day: &str) -> Vec<Option<f64>> {
    let as_of = crate::ingest::parse_date(day.as_bytes()).unwrap();
    balances(ws, r, as_of, 0).unwrap().points
}

#[test]
fn months_before_clamps_to_the_end_of_a_shorter_month() {
    assert_eq!(
        months_before(days_from_civil(2024, 3, 31), 1),
        days_from_civil(2024, 2, 29)
    );
    assert_eq!(
        months_before(days_from_civil(2024, 2, 29), 12),
        days_from_civil(2023, 2, 28)
    );
    assert_eq!(
        months_before(days_from_civil(2024, 1, 15), 13),
        days_from_civil(2022, 12, 15)
    );
}

#[test]
fn points_apply_category_multipliers_returns_and_expire_after_exactly_n_months() {
    let mut ws = ws_with(ORDERS, None);
    let r = rules(r#"{"categoryMultipliers": {" SHOES ": 2}, "expiryMonths": 12}"#);
    // 2024-01-31: the 2023-01-31 line is exactly 12 months old and still counts.
    // C1: 100×2 + 50 + 20×2 = 290; C2: 10 − 4 = 6.
    assert_eq!(points_on(&mut ws, &r, "2024-01-31"), vec![Some(290.0), Some(6.0)]);
    // One day later it is more than 12 months old: 290 − 200.
    assert_eq!(points_on(&mut ws, &r, "2024-02-01"), vec![Some(90.0), Some(6.0)]);
    // Before C2's first order C2 is no member.
    assert_eq!(points_on(&mut ws, &r, "2023-12-31"), vec![Some(250.0), None]);
}

#[test]
fn profit_points_need_costs_and_net_returns() {
    let mut ws = ws_with(ORDERS, None);
    let r = rules(r#"{"basis": "profit", "pointsPerUnit": 10}"#);
    // C1: (40 + 5 + 10) × 10; C2: (5 − 2) × 10.
    assert_eq!(points_on(&mut ws, &r, "2024-01-31"), vec![Some(550.0), Some(30.0)]);
    let mut no_cost = ws_with("customer_id,order_date,amount\nC1,2024-01-01,5\n", None);
    let err = balances(&mut no_cost, &r, days_from_civil(2024, 1, 1), 0).unwrap_err();
    assert!(err.to_string().contains("cost column"), "{err}");
}

#[test]
fn signup_and_birthday_bonuses_fall_on_their_days_and_expire_like_points() {
    let customers = "customer_id,signup_date,birth_date\nC1,2022-06-01,1992-02-29\n";
    let mut ws = ws_with("customer_id,order_date,amount\nC1,2024-02-15,0\n", Some(customers));
    let r = rules(r#"{"signupBonus": 100, "birthdayBonus": 10}"#);
    // Sign-up 100, birthdays 2023-02-28 and 2024-02-29: 120 on 2024-03-01.
    assert_eq!(points_on(&mut ws, &r, "2024-03-01"), vec![Some(120.0)]);
    // On 2024-02-28 the 2024 birthday has not come.
    assert_eq!(points_on(&mut ws, &r, "2024-02-28"), vec![Some(110.0)]);
    let r = rules(r#"{"signupBonus": 100, "birthdayBonus": 10, "expiryMonths": 12}"#);
    // From 2023-03-01 on only the 2024 birthday is valid.
    assert_eq!(points_on(&mut ws, &r, "2024-03-01"), vec![Some(10.0)]);
}

#[test]
fn threshold_tiers_take_the_best_tier_reached() {
    let pts = [Some(100.0), Some(50.0), None, Some(0.0), Some(49.99), Some(10.0)];
    let t = assign_tiers(&pts, &TierCuts::Threshold(vec![100.0, 50.0]));
    assert_eq!(t, vec![Some(0), Some(1), None, None, None, None]);
}

#[test]
fn ranked_tiers_are_cumulative_share_or_counts_of_members_with_points() {
    let pts = [Some(100.0), Some(50.0), None, Some(0.0), Some(50.0), Some(10.0)];
    // 4 ranked (100, 50, 50, 10): top 20 % = round(0.8) = 1, top 60 % = round(2.4) = 2.
    let t = assign_tiers(&pts, &TierCuts::TopShare(vec![0.2, 0.6]));
    assert_eq!(t, vec![Some(0), Some(1), None, None, None, None]);
    // A tie across the cut goes by row: row 1 before row 4.
    let t = assign_tiers(&pts, &TierCuts::TopCount(vec![1, 3]));
    assert_eq!(t, vec![Some(0), Some(1), None, None, Some(1), None]);
    let t = assign_tiers(&pts, &TierCuts::TopShare(vec![0.5, 1.0]));
    assert_eq!(t, vec![Some(0), Some(0), None, None, Some(1), Some(1)]);
}

#[test]
fn loyalty_adds_columns_keeps_the_rules_and_values_tiers() {
    let mut ws = ws_with(ORDERS, None);
    let r = rules(r#"{"tiers": [{"name": "Gold", "minPoints": 100}, {"name": "Blue", "minPoints": 1}]}"#);
    let rep = loyalty(&mut ws, &r, Some("2024-01-31"), 0).unwrap();
    assert_eq!(rep.members, 2);
    assert_eq!(
        (rep.tiers[0].tier.as_str(), rep.tiers[0].customers, rep.tiers[0].revenue),
        ("Gold", 1, 170.0)
    );
    assert_eq!(rep.tiers[0].profit, Some(55.0));
    assert_eq!((rep.tiers[1].customers, rep.tiers[1].points), (1, 6.0));
    assert_eq!(rep.tiers[2].customers, 0);
    assert_eq!(ws.loyalty_rules().unwrap().tiers[1].name, "Blue");
    let t = ws.customer_table().unwrap();
    assert_eq!(t.get("loyalty_tier").unwrap().values.kind(), "category");
    assert!(matches!(&t.get("loyalty_points").unwrap().values, Values::Number(a) if a.value(0) == 170.0));
}

#[test]
fn movement_counts_customers_between_tiers_on_two_dates() {
    let mut ws = ws_with(ORDERS, None);
    let r = rules(r#"{"tiers": [{"name": "Gold", "minPoints": 160}, {"name": "Blue", "minPoints": 1}]}"#);
    let m = movement(&mut ws, &r, "2023-12-31", Some("2024-01-31"), 0).unwrap();
    // C1: 150 (Blue) → 170 (Gold); C2: not a member → Blue.
    assert_eq!(m.counts, vec![vec![0, 0, 0], vec![1, 0, 0], vec![0, 1, 0]]);
    assert_eq!((m.upgraded, m.downgraded, m.unchanged), (2, 0, 0));
    assert!(movement(&mut ws, &r, "2024-02-01", Some("2024-01-31"), 0).is_err());
}

#[test]
fn bad_rules_name_the_field() {
    let bad = |json: &str| {
        serde_json::from_str::<LoyaltyRules>(json)
            .unwrap()
            .check()
            .unwrap_err()
            .to_string()
    };
    assert!(bad(r#"{"basis": "margin"}"#).contains("basis"));
    assert!(bad(r#"{"expiryMonths": 0}"#).contains("expiryMonths"));
    assert!(bad(r#"{"tiers": [{"name": "A", "minPoints": 1}, {"name": "B", "topShare": 0.5}]}"#).contains("same kind"));
    assert!(bad(r#"{"tiers": [{"name": "A", "minPoints": 1}, {"name": "B", "minPoints": 5}]}"#).contains("decreasing"));
    assert!(bad(r#"{"tiers": [{"name": "A", "topShare": 0.5}, {"name": "B", "topShare": 0.2}]}"#).contains("topShare"));
    assert!(serde_json::from_str::<LoyaltyRules>(r#"{"pointz": 1}"#).is_err());
}
