use arrow_array::cast::AsArray;
use arrow_array::{Array, Float64Array, StringArray};

use super::*;

type TierLine = (&'static str, usize, f64, Option<f64>, Option<f64>);
use crate::table::{CustomerTable, Feature, Values};

/// Eleven customers, ten with a value; by hand, ranked largest first with ties by row:
/// C2 300, C8 200, C0 100, C1 50, C3 50, C7 50, C10 50, C9 20, C4 0, C5 −20; C6 has none.
/// Total 800. Top 20 % (2): C2, C8 = 500. Next 30 % (3): C0, C1, C3 = 200 (of the four
/// tied at 50, the earlier rows C1 and C3 make mid). Low: C7, C10, C9, C4, C5 = 100.
fn table() -> CustomerTable {
    let v = vec![
        Some(100.0),
        Some(50.0),
        Some(300.0),
        Some(50.0),
        Some(0.0),
        Some(-20.0),
        None,
        Some(50.0),
        Some(200.0),
        Some(20.0),
        Some(50.0),
    ];
    let ids = StringArray::from((0..v.len()).map(|i| format!("C{i}")).collect::<Vec<_>>());
    let mut t = CustomerTable::new(ids, 0);
    t.add(Feature::new(
        "monetary_total",
        "",
        Values::Number(Float64Array::from(v)),
    ))
    .unwrap();
    t.add(Feature::new("country", "", Values::category(vec![Some("SE"); 11])))
        .unwrap();
    t
}

fn tier_column(t: &CustomerTable) -> Vec<Option<String>> {
    let Values::Category(d) = &t.get("value_tier").unwrap().values else {
        panic!()
    };
    let values = d.values().as_string::<i32>();
    (0..d.len())
        .map(|i| {
            d.is_valid(i)
                .then(|| values.value(d.keys().value(i) as usize).to_string())
        })
        .collect()
}

#[test]
fn tiers_on_ten_customers_match_the_hand_computation_with_ties_by_row() {
    let mut t = table();
    let r = value_tiers(&mut t, &ValueTierParams::default()).unwrap();
    assert_eq!(
        (r.by.as_str(), r.customers, r.without_value, r.zero_or_negative),
        ("monetary_total", 10, 1, 2)
    );
    assert_eq!(r.total, 800.0);
    let got: Vec<TierLine> = r
        .tiers
        .iter()
        .map(|t| (t.tier, t.customers, t.revenue, t.share, t.average))
        .collect();
    assert_eq!(
        got,
        vec![
            ("high", 2, 500.0, Some(0.625), Some(250.0)),
            ("mid", 3, 200.0, Some(0.25), Some(200.0 / 3.0)),
            ("low", 5, 100.0, Some(0.125), Some(20.0)),
        ]
    );
    assert_eq!((r.tiers[1].min, r.tiers[1].max), (Some(50.0), Some(100.0)));
    let col = tier_column(&t);
    let want = [
        "mid", "mid", "high", "mid", "low", "low", "", "low", "high", "low", "low",
    ];
    for (i, w) in want.iter().enumerate() {
        assert_eq!(col[i].as_deref().unwrap_or(""), *w, "C{i}");
    }
}

#[test]
fn the_pareto_share_is_the_revenue_of_the_top_fifth_exactly() {
    let mut t = table();
    let r = value_tiers(&mut t, &ValueTierParams::default()).unwrap();
    // Top 2 of 10 customers: 500 of 800.
    assert_eq!(r.pareto_share, Some(0.625));
    assert_eq!(r.curve.len(), 101);
    assert_eq!(
        r.curve[0],
        CurvePoint {
            customers: 0.0,
            revenue: Some(0.0)
        }
    );
    assert_eq!(r.curve[20].revenue, Some(0.625));
    // 25 % = 2.5 customers: 500 + half of C0's 100.
    assert_eq!(r.curve[25].revenue, Some(550.0 / 800.0));
    assert_eq!(r.curve[100].revenue, Some(1.0));
    // With a negative value at the end the curve overshoots 1 just before it.
    assert_eq!(r.curve[90].revenue, Some(820.0 / 800.0));
}

#[test]
fn zero_and_negative_values_are_always_low() {
    let mut t = table();
    let r = value_tiers(
        &mut t,
        &ValueTierParams {
            mid: Some(0.7),
            ..Default::default()
        },
    )
    .unwrap();
    // The cuts would put ranks 3..9 in mid, but C4 (0) at rank 9 stays low.
    assert_eq!(r.tiers[1].customers, 6);
    assert_eq!(r.tiers[2].customers, 2);
    assert_eq!(tier_column(&t)[4].as_deref(), Some("low"));
}

#[test]
fn bad_options_name_the_field_and_an_unknown_column_gets_a_suggestion() {
    let mut t = table();
    for (p, field) in [
        (
            ValueTierParams {
                high: Some(0.0),
                ..Default::default()
            },
            "high",
        ),
        (
            ValueTierParams {
                mid: Some(1.5),
                ..Default::default()
            },
            "mid",
        ),
        (
            ValueTierParams {
                high: Some(0.6),
                mid: Some(0.6),
                ..Default::default()
            },
            "mid",
        ),
    ] {
        let err = value_tiers(&mut t, &p).unwrap_err();
        assert!(
            matches!(err, Error::Options { field: ref f, .. } if f == field),
            "{err}"
        );
    }
    let err = value_tiers(
        &mut t,
        &ValueTierParams {
            by: Some("monetary_totl".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("did you mean 'monetary_total'"), "{err}");
    let err = value_tiers(
        &mut t,
        &ValueTierParams {
            by: Some("country".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("category column"), "{err}");
    assert!(t.get("value_tier").is_none(), "a failed run adds no column");
}

#[test]
fn a_total_that_is_not_positive_has_no_shares() {
    let ids = StringArray::from(vec!["A", "B"]);
    let mut t = CustomerTable::new(ids, 0);
    t.add(Feature::new(
        "profit_total",
        "",
        Values::Number(Float64Array::from(vec![-5.0, 0.0])),
    ))
    .unwrap();
    let r = value_tiers(
        &mut t,
        &ValueTierParams {
            by: Some("profit_total".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(r.pareto_share, None);
    assert_eq!(r.tiers[2].customers, 2);
    assert_eq!(r.tiers[2].share, None);
}
