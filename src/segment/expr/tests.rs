//! The language end to end on a hand-made workspace: every operator, the
//! precedence, null semantics, behaviour predicates at their window
//! boundaries, every error at its exact byte, and no panic on any input.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::table::customers::CustomerParams;
use crate::{Entity, Error, LoadOptions, Workspace};

// Reference date: the last order, 2024-03-31.
const ORDERS: &str = "\
order_id,customer_id,order_date,product_id,category,amount,status
O1,A,2024-01-10,SKU-A,Shoes,50,completed
O1,A,2024-01-10,SKU-B,Bags,20,completed
O2,B,2024-03-01,SKU-A,shoes,30,completed
O3,C,2024-03-31,SKU-B,Bags,15,completed
O4,C,2024-01-01,SKU-A,Shoes,40,cancelled
R1,D,2024-02-01,SKU-A,Shoes,-40,returned
O5,D,2024-01-02,SKU-C,Hats,10,completed
";

const CUSTOMERS: &str = "\
customer_id,first_name,email,country,birth_date,anniversary
A,Åsa,asa@gmail.com,SE,1992-02-29,2010-04-05
B,Bo,bo@example.com,DE,1980-04-03,
C,Cai,,ID,,
D,Dirk,dirk@GMAIL.com,,1990-12-31,
E,Eve,eve@x.org,SE,,
";

const CONSENTS: &str = "\
customer_id,channel,status,updated_at
A,email,granted,2024-01-01T00:00:00Z
B,email,withdrawn,2024-01-01T00:00:00Z
";

const TICKETS: &str = "\
ticket_id,customer_id,opened_at,complaint
T1,B,2024-03-01T09:00:00Z,true
T2,C,2024-01-01T09:00:00Z,false
T3,D,2024-01-31T23:00:00Z,true
";

const EVENTS: &str = "\
campaign_id,customer_id,event,timestamp
CMP01,A,opened,2024-03-30T10:00:00Z
CMP01,B,clicked,2024-03-01T00:00:00Z
CMP02,E,opened,2023-12-01T00:00:00Z
";

fn workspace(as_of: Option<&str>) -> Workspace {
    let mut ws = Workspace::new();
    for (entity, text, name) in [
        (Entity::Orders, ORDERS, "orders.csv"),
        (Entity::Customers, CUSTOMERS, "customers.csv"),
        (Entity::Consents, CONSENTS, "consents.csv"),
        (Entity::Tickets, TICKETS, "tickets.csv"),
        (Entity::CampaignEvents, EVENTS, "events.csv"),
    ] {
        let r = ws
            .load(Some(entity), text.as_bytes(), &LoadOptions::named(name))
            .unwrap();
        assert_eq!(r.rows_rejected, 0, "{name}: {:?}", r.rejected);
    }
    ws.customers(
        &CustomerParams {
            as_of: as_of.map(str::to_string),
        },
        0,
    )
    .unwrap();
    ws
}

/// The ids an expression selects, sorted, as one string ("A,B").
fn ids_in(ws: &Workspace, text: &str) -> String {
    let ctx = ws.segment_context().unwrap();
    let seg = select(&ctx, text).unwrap_or_else(|e| panic!("{text}: {e}"));
    assert_eq!(count(&ctx, text).unwrap(), seg.count, "{text}");
    assert_eq!(seg.total, 5);
    let mut ids: Vec<&str> = seg.rows.iter().map(|&r| ctx.table.ids().value(r as usize)).collect();
    ids.sort();
    ids.join(",")
}

fn ids(text: &str) -> String {
    ids_in(&workspace(None), text)
}

fn err_in(ws: &Workspace, text: &str) -> Error {
    let ctx = ws.segment_context().unwrap();
    match count(&ctx, text) {
        Ok(n) => panic!("{text}: expected an error, counted {n}"),
        Err(e) => e,
    }
}

fn err(text: &str) -> Error {
    err_in(&workspace(None), text)
}

/// `(at, message)` of an expression error.
fn at(text: &str) -> (usize, String) {
    match err(text) {
        Error::Expr { at, message, .. } => (at, message),
        other => panic!("{text}: not an Expr error: {other}"),
    }
}

#[test]
fn every_comparison_operator_on_numbers() {
    // order_count: A 1, B 1, C 1, D 1, E 0; monetary_total: A 70, B 30, C 15, D -30, E 0.
    assert_eq!(ids("order_count = 1"), "A,B,C,D");
    assert_eq!(ids("order_count == 1"), "A,B,C,D");
    assert_eq!(ids("order_count != 1"), "E");
    assert_eq!(ids("order_count <> 1"), "E");
    assert_eq!(ids("monetary_total > 20"), "A,B");
    assert_eq!(ids("monetary_total >= 30"), "A,B");
    assert_eq!(ids("monetary_total < 15"), "D,E");
    assert_eq!(ids("monetary_total <= 15"), "C,D,E");
    assert_eq!(ids("20 < monetary_total"), "A,B");
    assert_eq!(ids("monetary_total > order_count * 20"), "A,B");
    assert_eq!(ids("monetary_total > order_count * 10"), "A,B,C");
}

#[test]
fn arithmetic_binds_tighter_than_comparison_and_division_by_zero_is_null() {
    assert_eq!(ids("monetary_total - 10 * 2 = 50"), "A");
    assert_eq!(ids("(monetary_total - 10) * 2 = 120"), "A");
    assert_eq!(ids("-monetary_total > 0"), "D");
    assert_eq!(ids("- -monetary_total = 70"), "A");
    assert_eq!(ids("monetary_total / order_count > 40"), "A");
    // E: 0 / 0 is null, so neither the condition nor its negation holds.
    assert_eq!(ids("not (monetary_total / order_count > 40)"), "B,C,D");
    assert_eq!(ids("monetary_total / 0 > 1 or monetary_total / 0 is null"), "A,B,C,D,E");
}

#[test]
fn and_binds_tighter_than_or_and_parentheses_regroup() {
    assert_eq!(ids("country = 'SE' or country = 'DE' and order_count = 0"), "A,E");
    assert_eq!(ids("(country = 'SE' or country = 'DE') and order_count = 0"), "E");
    assert_eq!(ids("not country = 'SE' and order_count = 1"), "B,C");
    assert_eq!(ids("not (country = 'SE' and order_count = 1)"), "B,C,E");
}

#[test]
fn null_is_unknown_and_not_unknown_stays_unknown() {
    // recency_days: A 81, B 30, C 0, D 89, E null.
    assert_eq!(ids("recency_days > 50"), "A,D");
    assert_eq!(ids("not (recency_days > 50)"), "B,C");
    assert_eq!(ids("recency_days is null"), "E");
    assert_eq!(ids("recency_days is not null"), "A,B,C,D");
    // Unknown or true is true; unknown and false is false.
    assert_eq!(ids("recency_days > 50 or order_count = 0"), "A,D,E");
    assert_eq!(ids("not (recency_days > 50 and order_count = 1)"), "B,C,E");
    // D has no country.
    assert_eq!(ids("country != 'SE'"), "B,C");
    assert_eq!(ids("country is null"), "D");
    assert_eq!(ids("country = 'SE' or country is null"), "A,D,E");
    assert_eq!(ids("consent_email is null"), "C,D,E");
    assert_eq!(ids("(recency_days > 50) is null"), "E");
}

#[test]
fn in_between_and_contains() {
    assert_eq!(ids("country in ('SE', 'DE')"), "A,B,E");
    assert_eq!(ids("country not in ('SE')"), "B,C");
    assert_eq!(ids("first_name in ('Åsa', 'Bo')"), "A,B");
    assert_eq!(ids("order_count in (0, 2)"), "E");
    assert_eq!(ids("monetary_total between 15 and 30"), "B,C");
    assert_eq!(ids("monetary_total not between 15 and 30"), "A,D,E");
    assert_eq!(ids("email contains 'GMAIL'"), "A,D");
    assert_eq!(ids("email not contains 'gmail'"), "B,E");
    assert_eq!(ids("country contains 'e'"), "A,B,E");
    assert_eq!(ids("first_name contains 'ÅS'"), "A");
}

#[test]
fn text_compares_exactly_and_in_order() {
    assert_eq!(ids("country = 'SE'"), "A,E");
    assert_eq!(ids("country = 'se'"), "");
    assert_eq!(ids("country < 'SE'"), "B,C");
    assert_eq!(ids("first_name = \"Bo\""), "B");
    // Byte order: "Åsa" sorts after "SE".
    assert_eq!(ids("first_name > country"), "A");
    assert_eq!(ids("first_name != country"), "A,B,C,E");
}

#[test]
fn boolean_columns_are_conditions() {
    assert_eq!(ids("consent_email"), "A");
    assert_eq!(ids("not consent_email"), "B");
    assert_eq!(ids("consent_email = false"), "B");
    assert_eq!(ids("consent_email != true"), "B");
    assert_eq!(ids("true"), "A,B,C,D,E");
    assert_eq!(ids("false or consent_email"), "A");
}

#[test]
fn dates_compare_with_text_dates_and_shift_by_durations() {
    // last_order: A 01-10, B 03-01, C 03-31, D 01-02; today = 2024-03-31.
    assert_eq!(ids("last_order < today - 60d"), "A,D");
    assert_eq!(ids("last_order < today - 2m"), "A,D");
    assert_eq!(ids("last_order >= '2024-03-01'"), "B,C");
    assert_eq!(ids("last_order > date('2024-03-01')"), "C");
    assert_eq!(ids("'2024-03-01' < last_order"), "C");
    assert_eq!(ids("today - last_order > 80"), "A,D");
    assert_eq!(ids("last_order between '2024-01-01' and '2024-01-31'"), "A,D");
    assert_eq!(ids("last_order + 1w >= today - 1d + 2d - 3w"), "C");
    assert_eq!(ids("last_order = today"), "C");
    assert_eq!(ids("first_order + 1y > '2025-01-05'"), "A,B,C");
}

#[test]
fn bought_a_but_not_b_is_one_line() {
    // C's SKU-A line was cancelled and D's is a return: neither bought it.
    assert_eq!(ids("bought('SKU-A') and not bought('SKU-B')"), "B");
    assert_eq!(ids("bought('sku-a')"), "A,B");
    assert_eq!(ids("bought(product = 'SKU-B')"), "A,C");
    assert_eq!(ids("bought(category = 'Shoes')"), "A,B");
    assert_eq!(ids("bought('SKU-A', min_amount = 40)"), "A");
    assert_eq!(ids("bought()"), "A,B,C,D");
    assert_eq!(ids("bought(category = 'Hats') or bought(category = 'Bags')"), "A,C,D");
}

#[test]
fn within_windows_include_the_boundary_day() {
    // today - 81 days = 2024-01-10, A's shoes order.
    assert_eq!(ids("bought(category = 'Shoes', within = 81d)"), "A,B");
    assert_eq!(ids("bought(category = 'Shoes', within = 80d)"), "B");
    assert_eq!(ids("orders(within = 89d) >= 1"), "A,B,C,D");
    assert_eq!(ids("orders(within = 88d) >= 1"), "A,B,C");
    assert_eq!(ids("orders() = recency_days * 0 + 1"), "A,B,C,D");
    assert_eq!(ids("orders(category = 'Bags') + orders(category = 'Shoes') >= 2"), "A");
    // today - 60 days = 2024-01-31, D's complaint (opened late that day).
    assert_eq!(ids("complained(within = 60d)"), "B,D");
    assert_eq!(ids("complained(within = 59d)"), "B");
    assert_eq!(ids("complained()"), "B,D");
    assert_eq!(ids("complained(within = 2m)"), "B,D");
}

#[test]
fn campaign_events_by_campaign_kind_and_window() {
    assert_eq!(ids("opened('CMP01')"), "A");
    assert_eq!(ids("clicked('cmp01')"), "B");
    assert_eq!(ids("opened(campaign = 'CMP02')"), "E");
    assert_eq!(ids("opened(within = 30d)"), "A");
    assert_eq!(ids("opened()"), "A,E");
    assert_eq!(ids("opened('CMP01') or clicked('CMP01')"), "A,B");
}

#[test]
fn birthdays_and_anniversaries_recur_from_the_reference_date() {
    // 2024-03-31: B's birthday is 04-03 (3 days), A's anniversary 04-05 (5 days).
    assert_eq!(ids("birthday_within(3d)"), "B");
    assert_eq!(ids("birthday_within(2d)"), "");
    assert_eq!(ids("anniversary_within(5d)"), "A");
    assert_eq!(ids("anniversary_within(4d)"), "");
    assert_eq!(ids("not birthday_within(1y)"), "");
    assert_eq!(ids("birthday_within(1y)"), "A,B,D");
    // A was born on 29 February: in 2025 the birthday is kept on the 28th.
    let ws = workspace(Some("2025-02-20"));
    assert_eq!(ids_in(&ws, "birthday_within(8d)"), "A");
    assert_eq!(ids_in(&ws, "birthday_within(7d)"), "");
    let leap = workspace(Some("2028-02-20"));
    assert_eq!(ids_in(&leap, "birthday_within(8d)"), "");
    assert_eq!(ids_in(&leap, "birthday_within(9d)"), "A");
}

#[test]
fn saved_segments_are_referenced_by_name_and_cycles_are_refused() {
    let mut ws = workspace(None);
    ws.save_segment("Shoe buyers", "bought(category = 'Shoes')").unwrap();
    ws.save_segment("Germans", "country = 'DE'").unwrap();
    assert_eq!(ids_in(&ws, "in_segment('Shoe buyers') and in_segment('germans')"), "B");
    ws.save_segment("Both", "in_segment('Shoe buyers') and not in_segment('Germans')")
        .unwrap();
    assert_eq!(ids_in(&ws, "in_segment('Both')"), "A");
    // Re-saving Germans to refer back through Both is a cycle: refused, nothing changes.
    let e = ws.save_segment("Germans", "in_segment('Both')").unwrap_err();
    assert!(matches!(e, Error::Expr { at: 0, .. }), "{e}");
    assert!(e.to_string().contains("Germans → Both → Germans"), "{e}");
    assert_eq!(ws.segments().get("Germans").unwrap().expr, "country = 'DE'");
    let e = ws
        .save_segment("Self", "order_count > 0 or in_segment('Self')")
        .unwrap_err();
    assert!(matches!(e, Error::Expr { at: 19, .. }), "{e}");
    assert!(ws.segments().get("Self").is_none());
    // An unknown segment name points at the name and suggests the nearest.
    let e = err_in(&ws, "in_segment('Shoe buyer')");
    assert!(
        matches!(&e, Error::Expr { at: 11, suggestion: Some(s), .. } if s == "Shoe buyers"),
        "{e}"
    );
    assert!(ws.save_segment("Bad", "order_cnt > 1").is_err());
    assert!(ws.save_segment(" ", "true").is_err());
    assert_eq!(ws.segments().len(), 3);
    assert!(ws.remove_segment("Both"));
    let e = err_in(&ws, "not in_segment('Both')");
    assert!(matches!(e, Error::Expr { at: 15, .. }), "{e}");
}

#[test]
fn unknown_names_point_at_the_name_and_suggest_the_nearest() {
    let e = err("recncy_days > 3");
    assert_eq!(
        e.to_string(),
        "unknown column 'recncy_days' at 0; did you mean 'recency_days'?"
    );
    assert_eq!(e.code(), "EXPR");
    let e = err("order_count >= 3 and monetry_total > 1");
    assert!(
        matches!(&e, Error::Expr { at: 21, suggestion: Some(s), .. } if s == "monetary_total"),
        "{e}"
    );
    let e = err("boughtt('A')");
    assert!(
        matches!(&e, Error::Expr { at: 0, suggestion: Some(s), .. } if s == "bought"),
        "{e}"
    );
    let e = err("bought(categroy = 'x')");
    assert!(
        matches!(&e, Error::Expr { at: 7, suggestion: Some(s), .. } if s == "category"),
        "{e}"
    );
    let e = err("zzzzzz");
    assert!(
        matches!(
            &e,
            Error::Expr {
                at: 0,
                suggestion: None,
                ..
            }
        ),
        "{e}"
    );
    // Names are matched ignoring case.
    assert_eq!(ids("Order_Count = 0"), "E");
}

#[test]
fn every_error_points_at_its_byte() {
    let cases: &[(&str, usize, &str)] = &[
        ("", 0, "empty"),
        ("   ", 0, "empty"),
        ("order_count >", 13, "ends too soon"),
        ("(order_count > 1", 16, "expected ')'"),
        ("order_count > 1)", 15, "unmatched ')'"),
        ("order_count > 1 order_count", 16, "expected 'and', 'or'"),
        ("order_count > 'x'", 14, "cannot compare a number with text"),
        ("last_order < '2024-13-01'", 13, "not a date"),
        ("order_count", 0, "not a condition"),
        ("1 < order_count < 3", 16, "do not chain"),
        ("country = null", 10, "is null"),
        ("country in ()", 12, "empty list"),
        ("country in ('SE' 'DE')", 17, "expected ',' or ')'"),
        ("order_count > 90d", 14, "duration"),
        ("email + 1 > 2", 0, "needs numbers or dates"),
        ("bought", 0, "is a function"),
        ("country = 'SE' and", 18, "ends too soon"),
        ("'abc", 0, "unterminated"),
        ("birthday_within('x')", 16, "duration"),
        ("birthday_within()", 0, "needs a duration"),
        ("bought(within = -5d)", 16, "positive"),
        ("bought(within = 5)", 16, "duration"),
        ("bought('A', 'B')", 12, "positional"),
        ("bought(product = 'A', 'B')", 22, "twice"),
        ("bought(min_amount = 'x')", 20, "number"),
        ("complained('x')", 11, "only named"),
        ("not", 3, "ends too soon"),
        ("order_count > 1 and not", 23, "ends too soon"),
        ("consent_email < true", 0, "only with = or !="),
        ("email contains 3", 15, "text value"),
        ("order_count contains 'a'", 0, "text column"),
        ("recency_days between 1 'x'", 23, "'and'"),
        ("order_count is 3", 15, "'null'"),
        ("-email > 1", 1, "'-' needs a number"),
        ("today - 5d is null and 5d", 23, "not a condition"),
        ("last_order > today + order_count", 21, "cannot apply '+'"),
        ("customer_id = 'A'", 0, "customer_id"),
        ("date(3) < today", 5, "text value"),
        ("in_segment(3)", 11, "text value"),
        ("order_count > 1 ! 2", 16, "unexpected '!'"),
        ("country # 'SE'", 8, "unexpected character"),
        ("x in ('a', 1.5d)", 11, "whole number"),
    ];
    for &(text, want, words) in cases {
        let (got, message) = at(text);
        assert_eq!(got, want, "{text}: {message}");
        assert!(message.contains(words), "{text}: {message:?} lacks {words:?}");
    }
}

#[test]
fn behaviour_predicates_need_their_data() {
    let mut ws = Workspace::new();
    ws.load(
        Some(Entity::Customers),
        CUSTOMERS.as_bytes(),
        &LoadOptions::named("c.csv"),
    )
    .unwrap();
    ws.customers(&CustomerParams::default(), 0).unwrap();
    for (text, want, words) in [
        ("country = 'SE' and bought('A')", 19, "order lines"),
        ("complained()", 0, "support tickets"),
        ("not opened('X')", 4, "campaign events"),
    ] {
        let e = err_in(&ws, text);
        let Error::Expr { at, message, .. } = &e else {
            panic!("{e}")
        };
        assert_eq!(*at, want, "{e}");
        assert!(message.contains(words), "{e}");
    }
    assert_eq!(ids_in(&ws, "country = 'SE'"), "A,E");
}

#[test]
fn nesting_too_deep_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}true{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(matches!(err(&deep), Error::Expr { .. }));
    let nots = format!("{}true", "not ".repeat(10_000));
    assert!(matches!(err(&nots), Error::Expr { .. }));
    let minus = format!("{}1 > 0", "-".repeat(10_000));
    assert!(matches!(err(&minus), Error::Expr { .. }));
    let ok = format!("{}true{}", "(".repeat(30), ")".repeat(30));
    assert_eq!(ids(&ok), "A,B,C,D,E");
    let long = format!("today{} < last_order", " + 100000y".repeat(60));
    assert_eq!(ids(&long), "");
    assert!(matches!(err(&"1 + ".repeat(500)), Error::Expr { .. }));
    // Long chains of clauses and long lists are fine (kept shallow).
    let clauses = vec!["order_count >= 0"; 5_000].join(" and ");
    assert_eq!(ids(&clauses), "A,B,C,D,E");
    let list = (0..5_000).map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
    assert_eq!(ids(&format!("order_count in ({list})")), "A,B,C,D,E");
}

#[test]
fn completion_offers_columns_functions_and_keywords_that_fit() {
    let ws = workspace(None);
    let t = ws.customer_table().unwrap();
    let c = complete(t, "order_c", 7);
    assert_eq!(c[0].label, "order_count");
    assert_eq!(c[0].kind, CompletionKind::Column);
    assert!(c[0].detail.starts_with("number · distinct orders"), "{}", c[0].detail);
    assert_eq!(c[0].from, 0);
    let c = complete(t, "order_count > 1 an", 18);
    assert_eq!(c.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(), vec!["and"]);
    assert_eq!(c[0].from, 16);
    let c = complete(t, "order_count > 1 and boug", 24);
    assert_eq!(c[0].label, "bought");
    assert_eq!(c[0].kind, CompletionKind::Function);
    assert!(c[0].detail.contains("within ="));
    // After a value only operators; at the start every column.
    assert!(complete(t, "country ", 8)
        .iter()
        .all(|c| c.kind == CompletionKind::Keyword));
    let all = complete(t, "", 0);
    assert!(all.iter().any(|c| c.label == "recency_days"));
    assert!(all.iter().any(|c| c.label == "in_segment"));
    // Inside a string nothing; a cursor past the end or mid-character is clamped.
    assert!(complete(t, "country = 'S", 12).is_empty());
    assert_eq!(complete(t, "recen", 99)[0].label, "recency_days");
    assert_eq!(complete(t, "Å", 1).len(), complete(t, "", 0).len());
    // Containing matches come after prefix matches.
    let c = complete(t, "total", 5);
    assert_eq!(c[0].label, "monetary_total");
}

const PIECES: &[&str] = &[
    "order_count",
    "monetary_total",
    "recency_days",
    "country",
    "consent_email",
    "last_order",
    "email",
    "today",
    "bought",
    "orders",
    "complained",
    "opened",
    "in_segment",
    "birthday_within",
    "date",
    "(",
    ")",
    ",",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "and",
    "or",
    "not",
    "in",
    "between",
    "contains",
    "is",
    "null",
    "true",
    "false",
    "'SE'",
    "'2024-01-01'",
    "\"x\"",
    "3",
    "0",
    "1.5",
    "90d",
    "6m",
    "1y",
    "within",
    "category",
    "'",
    "\\",
    "é",
    "张",
    " ",
    "  ",
    "_",
    "1e",
    ".5",
    "9999999999999999999999",
];

const VALID: &[&str] = &[
    "order_count >= 3 and monetary_total > 100 and recency_days <= 90 and country in ('SE','DE','ID') and consent_email",
    "bought('SKU-A') and not bought(category = 'Shoes', within = 365d)",
    "last_order < today - 90d or orders(within = 90d) >= 2",
    "email contains 'gmail' and birthday_within(7d) and not complained(within = 30d)",
    "monetary_total / order_count between 10 and 50 or country is null",
];

#[test]
fn random_and_mutated_input_never_panics() {
    let ws = workspace(None);
    let ctx = ws.segment_context().unwrap();
    let t = ctx.table;
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let check = |text: &str| {
        match count(&ctx, text) {
            Ok(n) => assert!(n <= 5),
            Err(Error::Expr { at, .. }) => assert!(at <= text.len(), "{text:?}: at {at}"),
            Err(e) => panic!("{text:?}: not an Expr error: {e}"),
        }
        // Completion at every byte, character boundary or not.
        for cursor in 0..=text.len() + 1 {
            let _ = complete(t, text, cursor);
        }
    };
    for _ in 0..3_000 {
        let k = rng.random_range(0..12);
        let text: String = (0..k)
            .map(|_| PIECES[rng.random_range(0..PIECES.len())])
            .collect::<Vec<_>>()
            .join(if rng.random_bool(0.5) { " " } else { "" });
        check(&text);
    }
    for _ in 0..3_000 {
        let mut chars: Vec<char> = VALID[rng.random_range(0..VALID.len())].chars().collect();
        for _ in 0..rng.random_range(1..4) {
            let i = rng.random_range(0..=chars.len());
            match rng.random_range(0..3) {
                0 if i < chars.len() => {
                    chars.remove(i);
                }
                1 => {
                    let piece = PIECES[rng.random_range(0..PIECES.len())];
                    for (j, c) in piece.chars().enumerate() {
                        chars.insert(i + j, c);
                    }
                }
                _ if i + 1 < chars.len() => chars.swap(i, i + 1),
                _ => {}
            }
        }
        check(&chars.into_iter().collect::<String>());
    }
    for text in VALID {
        check(text);
    }
}
