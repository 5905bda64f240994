//! Native micro-benchmark of the live count: the five-clause expression of the
//! issue over 1,000,000 synthetic customers (fixed seed). Ignored by default:
//!
//! ```sh
//! cargo test --release --test segment_bench -- --ignored --nocapture
//! ```

use std::time::Instant;

use arrow_array::{BooleanArray, Float64Array, StringArray};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rapport::segment::{count, Context, SegmentStore};
use rapport::table::{CustomerTable, Feature, Values};
use rapport::Workspace;

const EXPR: &str =
    "order_count >= 3 and monetary_total > 100 and recency_days <= 90 and country in ('SE','DE','ID') and consent_email";

/// A customer table of `n` rows with the columns of [`EXPR`]: order counts
/// 0–11, totals 0–1,000, recency 0–730 days (null for a tenth: never ordered),
/// ten countries, e-mail consent true/false/null.
fn table(n: usize, seed: u64) -> CustomerTable {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let ids: StringArray = (0..n).map(|i| Some(format!("C{i}"))).collect();
    let mut t = CustomerTable::new(ids, 20_000);
    let countries = ["SE", "DE", "ID", "FR", "GB", "US", "CN", "IR", "RU", "NL"];
    let order_count: Float64Array = (0..n).map(|_| Some(rng.random_range(0..12) as f64)).collect();
    let total: Float64Array = (0..n).map(|_| Some(rng.random_range(0.0..1_000.0))).collect();
    let recency: Float64Array = (0..n)
        .map(|_| rng.random_bool(0.9).then(|| rng.random_range(0..730) as f64))
        .collect();
    let country: Vec<Option<&str>> = (0..n).map(|_| Some(countries[rng.random_range(0..10)])).collect();
    let consent: BooleanArray = (0..n)
        .map(|_| rng.random_bool(0.8).then(|| rng.random_bool(0.6)))
        .collect();
    for (name, values) in [
        ("order_count", Values::Number(order_count)),
        ("monetary_total", Values::Number(total)),
        ("recency_days", Values::Number(recency)),
        ("country", Values::category(country)),
        ("consent_email", Values::Bool(consent)),
    ] {
        t.add(Feature::new(name, "synthetic", values)).unwrap();
    }
    t
}

#[test]
#[ignore = "benchmark: run with --release -- --ignored --nocapture"]
fn five_clause_expression_over_a_million_customers() {
    let t = table(1_000_000, 42);
    let ws = Workspace::new();
    let segments = SegmentStore::default();
    let ctx = Context {
        table: &t,
        ws: &ws,
        segments: &segments,
    };
    let mut ms = Vec::new();
    let mut n = 0;
    for _ in 0..30 {
        let start = Instant::now();
        n = count(&ctx, EXPR).unwrap();
        ms.push(start.elapsed().as_secs_f64() * 1e3);
    }
    // Cross-check the count with a plain row loop.
    let get = |name: &str| &t.get(name).unwrap().values;
    let (Values::Number(oc), Values::Number(mt), Values::Number(rd), Values::Bool(ce)) = (
        get("order_count"),
        get("monetary_total"),
        get("recency_days"),
        get("consent_email"),
    ) else {
        panic!("column types")
    };
    let Values::Category(co) = get("country") else { panic!() };
    let labels = co.values().as_any().downcast_ref::<StringArray>().unwrap();
    use arrow_array::Array;
    let expected = (0..t.len())
        .filter(|&i| {
            let c = labels.value(co.keys().value(i) as usize);
            oc.value(i) >= 3.0
                && mt.value(i) > 100.0
                && rd.is_valid(i)
                && rd.value(i) <= 90.0
                && ["SE", "DE", "ID"].contains(&c)
                && ce.is_valid(i)
                && ce.value(i)
        })
        .count();
    assert_eq!(n, expected);
    ms.sort_by(f64::total_cmp);
    println!(
        "segment count, 5 clauses, 1,000,000 customers: {n} selected; median {:.2} ms, min {:.2} ms over {} runs",
        ms[ms.len() / 2],
        ms[0],
        ms.len()
    );
}
