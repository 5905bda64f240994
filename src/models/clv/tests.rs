use serde_json::Value;

use super::simulate::simulate;
use super::*;
use crate::table::Workspace;
use crate::{Entity, Error, LoadOptions};

const CDNOW_ORDERS: &str = include_str!("../../../tests/fixtures/cdnow/orders.csv");
const CDNOW_REFERENCE: &str = include_str!("../../../tests/fixtures/cdnow/reference.json");

fn reference() -> Value {
    serde_json::from_str(CDNOW_REFERENCE).unwrap()
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn workspace(csv: &str) -> Workspace {
    let mut ws = Workspace::new();
    ws.load(Some(Entity::Orders), csv.as_bytes(), &LoadOptions::named("orders.csv"))
        .unwrap();
    ws
}

fn cdnow_options(model: &str) -> ClvOptions {
    let params = ClvParams {
        calibration_end: Some("1997-09-30".into()),
        holdout_end: Some("1998-06-30".into()),
        time_unit: Some("week".into()),
        model: Some(model.into()),
        ..ClvParams::default()
    };
    params
        .check(&workspace("order_id,customer_id,order_date,amount\n1,A,1997-01-01,1\n"))
        .unwrap()
}

fn rel(x: f64, y: f64) -> f64 {
    (x - y).abs() / y.abs().max(1e-12)
}

/// The fit with the parameters of a reference object `{r, alpha, a, b}`.
fn with_params(fit: &BgFit, params: &Value) -> BgFit {
    let p = |name: &str| params[name].as_f64().unwrap();
    BgFit {
        params: BgParams {
            r: p("r"),
            alpha: p("alpha"),
            a: p("a"),
            b: p("b"),
        },
        ..fit.clone()
    }
}

fn history(s: &CustomerSummary) -> History {
    History {
        x: f64::from(s.frequency),
        t_x: s.recency,
        t: s.age,
    }
}

/// The CDNOW customers in the reference's order, with our summary of each.
fn cdnow_fit(model: &str) -> (ClvFit, Vec<CustomerSummary>, Value) {
    let mut ws = workspace(CDNOW_ORDERS);
    let fit = fit_clv(&mut ws, &cdnow_options(model), 0).unwrap();
    let reference = reference();
    let keys = ws.customer_keys();
    let ids = reference["customers"]["id"].as_array().unwrap();
    let by_id: std::collections::HashMap<&str, &CustomerSummary> = fit
        .scores
        .iter()
        .map(|s| (keys.value(s.summary.customer), &s.summary))
        .collect();
    let ordered = ids.iter().map(|id| by_id[id.as_str().unwrap()].clone()).collect();
    (fit, ordered, reference)
}

#[test]
fn cdnow_summary_equals_lifetimes_calibration_and_holdout_summary() {
    let (fit, ours, reference) = cdnow_fit("bgnbd");
    let c = &reference["customers"];
    assert_eq!(fit.scores.len(), 2357);
    for (field, values) in ["frequency", "recency", "T", "monetary_value", "holdout_frequency"]
        .iter()
        .map(|f| (*f, numbers(&c[*f])))
    {
        for (s, want) in ours.iter().zip(values) {
            let got = match field {
                "frequency" => f64::from(s.frequency),
                "recency" => s.recency,
                "T" => s.age,
                "monetary_value" => s.monetary_value,
                _ => f64::from(s.holdout_purchases),
            };
            assert!(
                (got - want).abs() <= 1e-9 * want.abs().max(1.0),
                "{field}: {got} vs {want}"
            );
        }
    }
}

#[test]
fn cdnow_bgnbd_matches_the_published_parameters_and_lifetimes() {
    let (fit, ours, reference) = cdnow_fit("bgnbd");
    let p = fit.transactions.params;
    for (got, published) in [(p.r, 0.243), (p.alpha, 4.414), (p.a, 0.793), (p.b, 2.426)] {
        assert!(rel(got, published) < 0.01, "{got} vs published {published}");
    }
    let lt = &reference["bgnbd"];
    assert!(rel(fit.transactions.log_likelihood, lt["log_likelihood"].as_f64().unwrap()) < 1e-6);
    for (got, name) in [(p.r, "r"), (p.alpha, "alpha"), (p.a, "a"), (p.b, "b")] {
        assert!(rel(got, lt[name].as_f64().unwrap()) < 1e-4, "{name}: {got}");
    }
    let se = fit.transactions.se.expect("standard errors");
    assert!(se.r > 0.0 && se.r < p.r && se.b > 0.0 && se.b < p.b, "{se:?}");
    // Per customer, with lifetimes' parameters (so only the formulas are compared).
    let lifetimes = with_params(&fit.transactions, lt);
    let c = &reference["customers"];
    let (alive, expected) = (numbers(&c["p_alive"]), numbers(&c["expected_purchases_39"]));
    for (i, s) in ours.iter().enumerate() {
        let h = history(s);
        assert!(rel(lifetimes.p_alive(h), alive[i]) < 1e-6, "p_alive {i}");
        assert!(
            rel(lifetimes.expected_purchases(h, 39.0), expected[i]) < 1e-6,
            "expected {i}"
        );
        // And with our own fit, close to lifetimes' predictions.
        assert!(rel(fit.transactions.p_alive(h), alive[i]) < 1e-3, "own p_alive {i}");
    }
    let holdout = fit.report.holdout.as_ref().unwrap();
    assert_eq!(holdout.actual, reference["holdout"]["actual"].as_f64().unwrap());
    assert!(rel(holdout.predicted, reference["holdout"]["predicted"].as_f64().unwrap()) < 1e-4);
    assert_eq!(holdout.buckets.len(), 8);
    assert_eq!(holdout.buckets.iter().map(|b| b.customers).sum::<usize>(), 2357);
}

#[test]
fn cdnow_gamma_gamma_and_clv_match_lifetimes() {
    let (fit, ours, reference) = cdnow_fit("bgnbd");
    let gg = fit.spend.as_ref().unwrap();
    let lt = &reference["gamma_gamma"];
    for (got, name) in [(gg.params.p, "p"), (gg.params.q, "q"), (gg.params.v, "v")] {
        assert!(rel(got, lt[name].as_f64().unwrap()) < 0.01, "{name}: {got}");
    }
    assert_eq!(gg.customers as u64, lt["customers"].as_u64().unwrap());
    assert!((gg.correlation.unwrap() - lt["correlation"].as_f64().unwrap()).abs() < 1e-9);
    // CLV with lifetimes' parameters equals lifetimes' customer_lifetime_value.
    let c = &reference["customers"];
    let (profit, clv) = (numbers(&c["expected_profit"]), numbers(&c["clv_12m"]));
    let lifetimes_bg = with_params(&fit.transactions, &reference["bgnbd"]);
    let lifetimes_gg = GgFit {
        params: GgParams {
            p: lt["p"].as_f64().unwrap(),
            q: lt["q"].as_f64().unwrap(),
            v: lt["v"].as_f64().unwrap(),
        },
        ..gg.clone()
    };
    for (i, s) in ours.iter().enumerate() {
        let x = f64::from(s.frequency);
        let spend = lifetimes_gg.expected_spend(x, s.monetary_value).unwrap();
        if s.monetary_value > 0.0 || s.frequency == 0 {
            assert!(rel(spend, profit[i]) < 1e-9, "profit {i}");
        }
        let value = discounted_value(&lifetimes_bg, history(s), profit[i], 12, 0.01, 4.345);
        assert!(rel(value, clv[i]) < 1e-6, "clv {i}: {value} vs {}", clv[i]);
    }
    assert_eq!(
        fit.report.columns,
        ["p_alive", "expected_purchases_90d", "clv_12m", "expected_next_order"]
    );
    assert!(fit.report.top_customers[0].clv >= fit.report.top_customers[1].clv);
    assert!(!fit.report.top_customers[0].customer_id.is_empty());
}

#[test]
fn cdnow_modified_bgnbd_matches_lifetimes() {
    let (fit, ours, reference) = cdnow_fit("mbgnbd");
    let p = fit.transactions.params;
    let lt = &reference["mbgnbd"];
    for (got, name) in [(p.r, "r"), (p.alpha, "alpha"), (p.a, "a"), (p.b, "b")] {
        assert!(rel(got, lt[name].as_f64().unwrap()) < 1e-3, "{name}: {got}");
    }
    let lifetimes = with_params(&fit.transactions, lt);
    let c = &reference["customers"];
    let (alive, expected) = (numbers(&c["mbg_p_alive"]), numbers(&c["mbg_expected_purchases_39"]));
    let mut one_time_below_one = false;
    for (i, s) in ours.iter().enumerate() {
        let h = history(s);
        assert!(rel(lifetimes.p_alive(h), alive[i]) < 1e-6, "p_alive {i}");
        assert!(
            rel(lifetimes.expected_purchases(h, 39.0), expected[i]) < 1e-6,
            "expected {i}"
        );
        one_time_below_one |= s.frequency == 0 && lifetimes.p_alive(h) < 0.99;
    }
    assert!(one_time_below_one, "one-time buyers are not alive for sure");
}

#[test]
fn simulated_parameters_are_recovered() {
    let truth = BgParams {
        r: 0.5,
        alpha: 8.0,
        a: 0.6,
        b: 2.5,
    };
    let histories = simulate(TransactionModel::Bgnbd, truth, 6000, 30.0, 60.0, 42).unwrap();
    let fit = fit_bgnbd(TransactionModel::Bgnbd, &histories, 0.0).unwrap();
    assert!(fit.converged);
    let (p, se) = (fit.params, fit.se.unwrap());
    for (got, want, s) in [
        (p.r, truth.r, se.r),
        (p.alpha, truth.alpha, se.alpha),
        (p.a, truth.a, se.a),
        (p.b, truth.b, se.b),
    ] {
        assert!((got - want).abs() < 4.0 * s, "{got} vs {want} (se {s})");
        assert!(rel(got, want) < 0.35, "{got} vs {want}");
    }
}

#[test]
fn long_tenure_frequent_buyers_do_not_overflow() {
    let fit = BgFit {
        model: TransactionModel::Bgnbd,
        params: BgParams {
            r: 0.3,
            alpha: 5.0,
            a: 0.8,
            b: 2.4,
        },
        se: None,
        log_likelihood: 0.0,
        iterations: 0,
        converged: true,
    };
    // 3000 repeat purchases over 10 years in days, last one long ago and just now.
    let gone = History {
        x: 3000.0,
        t_x: 1000.0,
        t: 3650.0,
    };
    let here = History {
        x: 3000.0,
        t_x: 3650.0,
        t: 3650.0,
    };
    assert!(fit.p_alive(gone) >= 0.0 && fit.p_alive(gone) < 1e-100);
    assert!(fit.p_alive(here) > 0.99);
    let e = fit.expected_purchases(here, 365.0);
    assert!(e.is_finite() && (200.0..400.0).contains(&e), "{e}");
    assert!(fit.expected_purchases(gone, 365.0) < 1e-50);
    let next = fit.time_to_next_purchase(here, 1.0, 730).unwrap();
    assert!((1..=3).contains(&next), "{next}");
    assert_eq!(fit.time_to_next_purchase(gone, 1.0, 730), None);
}

#[test]
fn returns_and_zero_spend_are_counted_and_kept_out_of_spend() {
    let csv = "order_id,customer_id,order_date,amount,status\n\
               1,A,2024-01-01,10,\n2,A,2024-01-01,5,\n3,A,2024-02-01,20,\n4,A,2024-02-05,-20,\n\
               5,B,2024-01-10,0,\n6,B,2024-03-01,0,\n7,C,2024-01-15,8,\n8,C,2024-04-01,9,cancelled\n\
               9,D,2024-05-01,30,\n";
    let ws = workspace(csv);
    let day = |t: &str| crate::ingest::parse_date(t.as_bytes()).unwrap();
    let s = summarise(&ws, day("2024-03-31"), Some(day("2024-06-30")), TimeUnit::Day);
    let a = s
        .customers
        .iter()
        .find(|c| ws.customer_keys().value(c.customer) == "A")
        .unwrap();
    assert_eq!((a.frequency, a.recency, a.age, a.monetary_value), (1, 31.0, 90.0, 20.0));
    let c = &s.counts;
    assert_eq!((c.customers, c.repeat_customers, c.return_lines), (3, 2, 1));
    assert_eq!(
        (
            c.nonpositive_purchase_days,
            c.nonpositive_monetary_customers,
            c.new_in_holdout
        ),
        (2, 1, 1)
    );
    let warnings = sufficiency_warnings(&s, TimeUnit::Day);
    assert!(warnings.iter().any(|w| w.contains("1 return lines")), "{warnings:?}");
    assert!(warnings.iter().any(|w| w.contains("under six months")), "{warnings:?}");
}

#[test]
fn a_fit_adds_columns_usable_in_segments() {
    let mut ws = workspace(CDNOW_ORDERS);
    let opts = ClvParams {
        time_unit: Some("week".into()),
        ..ClvParams::default()
    }
    .check(&ws)
    .unwrap();
    let fit = fit_clv(&mut ws, &opts, 0).unwrap();
    assert!(fit.report.holdout.is_none());
    let rows = crate::segment::rows_of(&mut ws, Some("p_alive < 0.3"), 0).unwrap();
    let table = ws.customer_table().unwrap();
    let Some(crate::table::customers::Feature {
        values: crate::table::customers::Values::Number(p),
        ..
    }) = table.get("p_alive")
    else {
        panic!("p_alive column");
    };
    assert!(!rows.is_empty() && rows.len() < table.len());
    assert!(rows.iter().all(|&r| p.value(r as usize) < 0.3));
    assert!(table.get("expected_next_order").is_some() && table.get("clv_12m").is_some());
}

#[test]
fn options_are_checked() {
    let ws = workspace("order_id,customer_id,order_date,amount\n1,A,2024-01-01,1\n");
    let bad = |p: ClvParams| matches!(p.check(&ws), Err(Error::Options { .. }));
    assert!(bad(ClvParams {
        time_unit: Some("month".into()),
        ..Default::default()
    }));
    assert!(bad(ClvParams {
        holdout_end: Some("2024-01-01".into()),
        ..Default::default()
    }));
    assert!(bad(ClvParams {
        calibration_end: Some("2024-02-01".into()),
        holdout_end: Some("2024-01-01".into()),
        ..Default::default()
    }));
    assert!(bad(ClvParams {
        discount_rate: Some(-0.1),
        ..Default::default()
    }));
    assert!(bad(ClvParams {
        model: Some("pareto".into()),
        ..Default::default()
    }));
    assert!(matches!(
        ClvParams::default().check(&Workspace::new()),
        Err(Error::MissingData(_))
    ));
}

#[test]
fn no_repeat_buyers_is_a_model_error() {
    let mut ws = workspace("order_id,customer_id,order_date,amount\n1,A,2024-01-01,1\n2,B,2024-02-01,3\n");
    let opts = ClvParams::default().check(&ws).unwrap();
    assert!(matches!(fit_clv(&mut ws, &opts, 0), Err(Error::Model { .. })));
}

/// Release-mode check: `cargo test --release --lib models::clv -- --ignored`.
#[test]
#[ignore]
fn converges_on_300k_customers_without_a_penalty() {
    let truth = BgParams {
        r: 0.25,
        alpha: 4.0,
        a: 0.8,
        b: 2.5,
    };
    let histories = simulate(TransactionModel::Bgnbd, truth, 300_000, 10.0, 80.0, 7).unwrap();
    let start = std::time::Instant::now();
    let fit = fit_bgnbd(TransactionModel::Bgnbd, &histories, 0.0).unwrap();
    eprintln!(
        "300k fit: {:?} in {:?}, {} iterations",
        fit.params,
        start.elapsed(),
        fit.iterations
    );
    assert!(fit.converged);
    for (got, want) in [
        (fit.params.r, truth.r),
        (fit.params.alpha, truth.alpha),
        (fit.params.a, truth.a),
        (fit.params.b, truth.b),
    ] {
        assert!(rel(got, want) < 0.05, "{got} vs {want}");
    }
}

#[test]
fn a_summary_given_as_columns_fits_as_the_orders_do() {
    // CDNOW's calibration summary, taken from the orders fit, handed back as columns.
    let (fit, summary, _) = cdnow_fit("bgnbd");
    let col = |f: fn(&CustomerSummary) -> f64| summary.iter().map(f).collect::<Vec<f64>>();
    let (x, r, t, m) = (
        col(|s| f64::from(s.frequency)),
        col(|s| s.recency),
        col(|s| s.age),
        col(|s| s.monetary_value),
    );
    let from_columns = summary_from_columns(&x, &r, &t, &m).unwrap();
    let opts = ClvParams {
        time_unit: Some("week".into()),
        ..Default::default()
    }
    .check_summary()
    .unwrap();
    let again = fit_summary(from_columns, &opts).unwrap();
    assert!(rel(again.report.bgnbd.log_likelihood, fit.report.bgnbd.log_likelihood) < 1e-12);
    assert!(rel(again.report.bgnbd.r, fit.report.bgnbd.r) < 1e-9);
    let gg = (again.report.gamma_gamma.unwrap(), fit.report.gamma_gamma.unwrap());
    assert!(rel(gg.0.p, gg.1.p) < 1e-9);
    // Rows that are not a summary are named.
    let err = summary_from_columns(&[1.0, 2.5], &[1.0, 2.0], &[3.0, 3.0], &[1.0, 1.0]).unwrap_err();
    assert!(err.to_string().contains("row 2, column 'frequency'"), "{err}");
    let err = summary_from_columns(&[1.0], &[4.0], &[3.0], &[1.0]).unwrap_err();
    assert!(err.to_string().contains("column 'recency'"), "{err}");
    assert!(summary_from_columns(&[1.0], &[1.0], &[3.0, 4.0], &[1.0]).is_err());
    let holdout = ClvParams {
        holdout_end: Some("2020-01-01".into()),
        ..Default::default()
    };
    assert!(matches!(holdout.check_summary(), Err(Error::Options { .. })));
}

#[test]
fn grouped_scores_equal_each_customer_scored_alone() {
    // Orders dated in days: customers share frequency and age, and scoring
    // computes the shared parts once per group; each score must equal the
    // per-customer formulas.
    let truth = BgParams {
        r: 0.25,
        alpha: 4.0,
        a: 0.8,
        b: 2.5,
    };
    let histories = simulate(TransactionModel::Bgnbd, truth, 4000, 1.0, 78.0, 11).unwrap();
    let day = |v: f64| (v * 7.0).ceil() / 7.0;
    let col = |f: &dyn Fn(&History) -> f64| histories.iter().map(f).collect::<Vec<f64>>();
    let x = col(&|h| h.x);
    let t_x = col(&|h| if h.x > 0.0 { day(h.t_x).max(1.0 / 7.0) } else { 0.0 });
    let t: Vec<f64> = histories.iter().zip(&t_x).map(|(h, &r)| day(h.t).max(r)).collect();
    let m = col(&|h| if h.x > 0.0 { 10.0 + 3.0 * h.x + h.t_x } else { 0.0 });
    let opts = ClvParams {
        time_unit: Some("week".into()),
        ..Default::default()
    }
    .check_summary()
    .unwrap();
    let fit = fit_summary(summary_from_columns(&x, &t_x, &t, &m).unwrap(), &opts).unwrap();
    let (bg, gg) = (&fit.transactions, fit.spend.as_ref().unwrap());
    let mut searched = 0;
    for s in &fit.scores {
        let h = history(&s.summary);
        assert!(rel(s.p_alive, bg.p_alive(h)) < 1e-13);
        assert!(rel(s.expected_purchases, bg.expected_purchases(h, 12.0 * 4.345)) < 1e-12);
        assert!(rel(s.expected_purchases_90d, bg.expected_purchases(h, 90.0 / 7.0)) < 1e-12);
        let spend = gg.expected_spend(h.x, s.summary.monetary_value).unwrap();
        let alone = discounted_value(bg, h, spend, 12, 0.01, 4.345);
        assert!(rel(s.clv.unwrap(), alone) < 1e-12, "{:?} vs {alone}", s.clv);
        assert_eq!(
            s.next_order_in_days,
            bg.time_to_next_purchase(h, 1.0 / 7.0, NEXT_ORDER_CAP_DAYS)
        );
        searched += usize::from(s.next_order_in_days.is_some());
    }
    assert!(
        searched > 100,
        "only {searched} customers have a next order within the cap"
    );
}

/// Histories to `age` and whether a purchase followed in (`age`, `age + window`],
/// drawn from BG/NBD with `params`.
fn with_future(params: BgParams, n: usize, age: f64, window: f64, seed: u64) -> Vec<(History, bool)> {
    use rand::{Rng, SeedableRng};
    use rand_distr::{Beta, Distribution, Exp, Gamma};
    let rate = Gamma::new(params.r, 1.0 / params.alpha).unwrap();
    let dropout = Beta::new(params.a, params.b).unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let wait = Exp::new(rate.sample(&mut rng).max(1e-300)).unwrap();
            let p: f64 = dropout.sample(&mut rng);
            let (mut x, mut t_x, mut now, mut later) = (0.0, 0.0, 0.0, false);
            loop {
                now += wait.sample(&mut rng);
                if now > age + window {
                    break;
                }
                if now > age {
                    later = true;
                    break;
                }
                x += 1.0;
                t_x = now;
                if rng.random::<f64>() < p {
                    break;
                }
            }
            (History { x, t_x, t: age }, later)
        })
        .collect()
}

#[test]
fn p_no_purchase_matches_simulated_quiet_windows() {
    let truth = BgParams {
        r: 0.5,
        alpha: 8.0,
        a: 0.6,
        b: 2.5,
    };
    let data = with_future(truth, 40_000, 40.0, 10.0, 5);
    let fit = BgFit {
        model: TransactionModel::Bgnbd,
        params: truth,
        se: None,
        log_likelihood: 0.0,
        iterations: 0,
        converged: true,
    };
    // Observed and predicted shares without a purchase in the window, by calibration frequency.
    for (lo, hi) in [(0.0, 0.0), (1.0, 2.0), (3.0, f64::INFINITY)] {
        let group: Vec<&(History, bool)> = data.iter().filter(|(h, _)| h.x >= lo && h.x <= hi).collect();
        let n = group.len() as f64;
        assert!(n > 2000.0, "{n} customers with {lo}..{hi} purchases");
        let observed = group.iter().filter(|(_, later)| !later).count() as f64 / n;
        let predicted = group.iter().map(|(h, _)| fit.p_no_purchase(*h, 10.0)).sum::<f64>() / n;
        let dead = group.iter().map(|(h, _)| 1.0 - fit.p_alive(*h)).sum::<f64>() / n;
        assert!(
            (observed - predicted).abs() < 0.015,
            "x in {lo}..{hi}: observed {observed}, predicted {predicted}"
        );
        // P(dead) alone misses the live customers who do not buy in the window.
        assert!(
            observed - dead > 0.1,
            "x in {lo}..{hi}: observed {observed}, P(dead) {dead}"
        );
    }
    assert_eq!(fit.p_no_purchase(data[0].0, 0.0), 1.0);
}
