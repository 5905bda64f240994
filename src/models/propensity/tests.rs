use arrow_array::Array;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::calendar::date_label;
use crate::ingest::{parse_date, Entity, LoadOptions};
use crate::table::customers::{self, CustomerParams};
use crate::table::Workspace;
use crate::Error;

const DESIGN: &str = include_str!("../../../tests/fixtures/propensity/design.csv");
const REFERENCE: &str = include_str!("../../../tests/fixtures/propensity/reference.json");

fn fixture() -> (Vec<f64>, Vec<f64>, usize) {
    let mut lines = DESIGN.lines();
    let p = lines.next().unwrap().split(',').count() - 1;
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for line in lines {
        let v: Vec<f64> = line.split(',').map(|c| c.parse().unwrap()).collect();
        x.extend_from_slice(&v[..p]);
        y.push(v[p]);
    }
    (x, y, p)
}

#[test]
fn coefficients_auc_and_log_loss_match_scikit_learn() {
    let (x, y, p) = fixture();
    let reference: serde_json::Value = serde_json::from_str(REFERENCE).unwrap();
    let fits = reference["fits"].as_array().unwrap();
    assert_eq!(fits.len(), 3);
    for r in fits {
        let l2 = r["l2"].as_f64().unwrap();
        let fit = fit_logistic(&x, &y, p, l2).unwrap();
        let want = r["intercept"].as_f64().unwrap();
        assert!(
            (fit.intercept - want).abs() < 1e-6,
            "l2 {l2}: intercept {} vs {want}",
            fit.intercept
        );
        for (j, c) in r["coef"].as_array().unwrap().iter().enumerate() {
            let want = c.as_f64().unwrap();
            assert!(
                (fit.coef[j] - want).abs() < 1e-6,
                "l2 {l2}: coef {j} {} vs {want}",
                fit.coef[j]
            );
        }
        let prob = fit.predict(&x, y.len());
        let a = auc(&prob, &y).unwrap();
        assert!((a - r["auc"].as_f64().unwrap()).abs() < 1e-9, "l2 {l2}: auc {a}");
        let ll = log_loss(&prob, &y);
        assert!(
            (ll - r["log_loss"].as_f64().unwrap()).abs() < 1e-8,
            "l2 {l2}: log-loss {ll}"
        );
    }
}

#[test]
fn a_stronger_penalty_shrinks_the_coefficients() {
    let (x, y, p) = fixture();
    let norm = |l2: f64| {
        fit_logistic(&x, &y, p, l2)
            .unwrap()
            .coef
            .iter()
            .map(|b| b * b)
            .sum::<f64>()
    };
    assert!(norm(100.0) < norm(1.0));
    assert!(norm(1.0) < norm(0.0));
}

#[test]
fn auc_counts_tied_scores_half() {
    assert_eq!(auc(&[0.1, 0.4, 0.35, 0.8], &[0.0, 0.0, 1.0, 1.0]), Some(0.75));
    assert_eq!(auc(&[0.5, 0.5], &[0.0, 1.0]), Some(0.5));
    assert_eq!(auc(&[0.2, 0.1, 0.3], &[1.0, 0.0, 0.0]), Some(0.5));
    assert_eq!(auc(&[0.5, 0.6], &[1.0, 1.0]), None);
}

#[test]
fn separated_classes_without_penalty_are_a_model_error_not_a_panic() {
    let x: Vec<f64> = (0..20).map(|i| i as f64).collect();
    let y: Vec<f64> = (0..20).map(|i| if i >= 10 { 1.0 } else { 0.0 }).collect();
    let err = fit_logistic(&x, &y, 1, 0.0).unwrap_err();
    assert!(matches!(err, Error::Model { .. }), "{err}");
    assert!(err.to_string().contains("separated"), "{err}");
    // With a penalty the optimum is finite and orders the rows right.
    let fit = fit_logistic(&x, &y, 1, 1.0).unwrap();
    assert!(fit.coef[0] > 0.0 && fit.coef[0].is_finite());
    assert_eq!(auc(&fit.predict(&x, 20), &y), Some(1.0));
}

#[test]
fn bad_input_is_an_error() {
    assert!(matches!(
        fit_logistic(&[1.0, 2.0], &[0.0, 0.0], 1, 1.0),
        Err(Error::Model { .. })
    ));
    assert!(matches!(
        fit_logistic(&[1.0, 2.0], &[0.0, 1.0], 3, 1.0),
        Err(Error::Model { .. })
    ));
    assert!(matches!(
        fit_logistic(&[1.0, f64::NAN], &[0.0, 1.0], 1, 1.0),
        Err(Error::Model { .. })
    ));
    assert!(matches!(
        fit_logistic(&[1.0, 2.0], &[0.0, 2.0], 1, 1.0),
        Err(Error::Model { .. })
    ));
    assert!(matches!(
        fit_logistic(&[1.0, 2.0], &[0.0, 1.0], 1, -1.0),
        Err(Error::Options { .. })
    ));
    // A constant feature with no penalty: a tiny ridge, no panic, a finite fit.
    let fit = fit_logistic(&[1.0, 1.0, 1.0, 1.0], &[0.0, 1.0, 1.0, 0.0], 1, 0.0).unwrap();
    assert!(fit.intercept.is_finite() && fit.coef[0].is_finite());
}

fn day(s: &str) -> i32 {
    parse_date(s.as_bytes()).unwrap()
}

/// A shop of `n` customers: a third stop buying before 2024-09-30 (churners),
/// the rest buy through the year; countries of 10 levels, payment statuses.
fn shop(n: usize, with_events: bool) -> Workspace {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let countries = ["DE", "FR", "SE", "GB", "IT", "ES", "NL", "PL", "DK", "FI"];
    let mut customers = String::from("customer_id,country,gender\n");
    let mut orders = String::from("order_id,customer_id,order_date,amount,payment_status\n");
    let mut events = String::from("campaign_id,customer_id,event,timestamp\n");
    let (start, cutoff, end) = (day("2024-01-01"), day("2024-09-30"), day("2024-12-31"));
    let mut order = 0;
    for c in 0..n {
        let id = format!("C{c:04}");
        let country = countries[(c * 7 + c / 3) % countries.len()];
        let gender = if c % 4 == 0 {
            ""
        } else if c % 2 == 0 {
            "F"
        } else {
            "M"
        };
        customers.push_str(&format!("{id},{country},{gender}\n"));
        let churner = c % 3 == 0;
        let alive_until = if churner {
            rng.random_range(day("2024-02-01")..cutoff)
        } else {
            end
        };
        let interval = rng.random_range(15..60);
        let late = rng.random_bool(if c % 5 == 0 { 0.6 } else { 0.1 });
        let mut d = start + rng.random_range(0..30);
        while d <= alive_until {
            order += 1;
            let status = if late && rng.random_bool(0.5) { "late" } else { "paid" };
            let amount = 20.0 + rng.random_range(0.0..80.0);
            orders.push_str(&format!("O{order},{id},{},{amount:.2},{status}\n", date_label(d)));
            d += interval;
        }
        if with_events && c % 2 == 0 {
            let responds = rng.random_bool(if churner { 0.1 } else { 0.5 });
            events.push_str(&format!("CMP1,{id},sent,2024-11-05T10:00:00Z\n"));
            if responds {
                events.push_str(&format!("CMP1,{id},clicked,2024-11-06T10:00:00Z\n"));
            }
        }
    }
    let mut ws = Workspace::new();
    ws.load(
        Some(Entity::Customers),
        customers.as_bytes(),
        &LoadOptions::named("customers.csv"),
    )
    .unwrap();
    ws.load(
        Some(Entity::Orders),
        orders.as_bytes(),
        &LoadOptions::named("orders.csv"),
    )
    .unwrap();
    if with_events {
        ws.load(
            Some(Entity::CampaignEvents),
            events.as_bytes(),
            &LoadOptions::named("events.csv"),
        )
        .unwrap();
    }
    ws
}

fn params(json: &str) -> ValidParams {
    serde_json::from_str::<PropensityParams>(json).unwrap().check().unwrap()
}

const TODAY: i32 = 20_000;

#[test]
fn a_snapshot_leaves_out_what_happened_after_the_cut_off() {
    let ws = shop(60, true);
    let snap = ws.snapshot(day("2024-06-30")).unwrap();
    let now = customers::build(&ws, day("2024-12-31")).unwrap();
    let then = customers::build(&snap, day("2024-06-30")).unwrap();
    assert_eq!(now.ids(), then.ids());
    let orders = |t: &customers::CustomerTable| match &t.get("order_count").unwrap().values {
        customers::Values::Number(a) => a.iter().map(|v| v.unwrap_or(0.0)).sum::<f64>(),
        _ => unreachable!(),
    };
    assert!(orders(&then) < orders(&now));
    let contacted = |t: &customers::CustomerTable| match &t.get("last_contacted").unwrap().values {
        customers::Values::Date(a) => a.len() - a.null_count(),
        _ => unreachable!(),
    };
    assert_eq!(contacted(&then), 0, "the November campaign is after the cut-off");
    assert_eq!(contacted(&now), 30);
    let last = customers::last_order_date(&snap).unwrap();
    assert!(last <= day("2024-06-30"));
}

#[test]
fn churn_labels_follow_the_window_after_the_cut_off() {
    let ws = shop(90, false);
    let l = label::churn(&ws, Some(day("2024-09-30")), 90).unwrap();
    assert_eq!((l.cutoff, l.window_end), (day("2024-09-30"), day("2024-12-29")));
    assert_eq!(l.rows.len(), 90, "everyone bought before the cut-off");
    for (&r, &y) in l.rows.iter().zip(&l.y) {
        assert_eq!(y == 1.0, r % 3 == 0, "customer {r}");
    }
}

#[test]
fn churn_model_beats_chance_adds_its_column_and_explains_scores() {
    let mut ws = shop(300, false);
    let p = params(r#"{"label":"churn","cutoff":"2024-09-30","windowDays":90,"seed":7}"#);
    let r = propensity(&mut ws, &p, TODAY, None).unwrap();
    assert_eq!(r.column, "churn_risk");
    assert_eq!(r.seed, 7);
    assert_eq!(r.n_train + r.n_test, 300);
    assert_eq!(r.positives_train + r.positives_test, 100);
    assert_eq!(r.positives_test, 30, "stratified: 30 % of each class");
    assert!(r.auc.unwrap() > 0.8, "auc {:?}", r.auc);
    let b = r.baseline.as_ref().unwrap();
    assert_eq!((b.column.as_str(), b.higher_is_positive), ("p_alive_bgnbd", false));
    let columns: Vec<&str> = r.baselines.iter().map(|b| b.column.as_str()).collect();
    assert_eq!(columns, ["p_alive_bgnbd", "no_order_log_odds_bgnbd", "recency_days"]);
    assert!(r.baselines[2].auc.unwrap() > 0.7);
    assert!(
        r.auc.unwrap() > r.baseline_auc.unwrap() + 0.05,
        "{:?} vs P(alive) {:?}",
        r.auc,
        r.baseline_auc
    );
    assert_eq!(r.calibration.len(), 10);
    assert_eq!(r.calibration.iter().map(|c| c.customers).sum::<usize>(), r.n_test);
    assert_eq!(r.gains.len(), 10);
    assert!((r.gains[9].cumulative_gain - 1.0).abs() < 1e-12);
    assert!(
        r.gains[0].lift > 1.5,
        "the top decile holds more churners: {:?}",
        r.gains[0]
    );
    assert!(
        r.coefficients.iter().any(|c| c.feature == "country=other"),
        "10 countries: top 8 + other"
    );
    assert!(r.coefficients.iter().any(|c| c.feature == "gender=(missing)"));
    // The original-scale coefficients give the same log-odds as the standardised ones.
    let model = ws.propensity_model("churn_risk").unwrap().clone();
    let table = ws.customers(&CustomerParams::default(), TODAY).unwrap();
    let raw = model.design.raw_matrix(table, &[5]);
    let original: f64 = r.intercept_original
        + model
            .design
            .columns
            .iter()
            .zip(&raw)
            .map(|(c, v)| r.coefficients.iter().find(|k| k.feature == c.name).unwrap().original * v)
            .sum::<f64>();
    assert!((original - model.log_odds(table)[5]).abs() < 1e-9);
    // The scores are a column segments can use.
    let scores = match &table.get("churn_risk").unwrap().values {
        customers::Values::Number(a) => a.iter().map(|v| v.unwrap()).collect::<Vec<f64>>(),
        _ => unreachable!(),
    };
    assert_eq!(scores.len(), 300);
    let high = crate::segment::rows_of(&mut ws, Some("churn_risk > 0.5"), TODAY).unwrap();
    assert_eq!(high.len(), scores.iter().filter(|&&s| s > 0.5).count());
    assert!(!high.is_empty());
    // An explanation adds up to the score.
    let e = explain_score(&mut ws, "churn_risk", "C0003", TODAY).unwrap();
    let total = e.base_log_odds + e.contributions.iter().map(|c| c.contribution).sum::<f64>();
    assert!((sigmoid(total) - e.score).abs() < 1e-12);
    assert!((e.score - scores[3]).abs() < 1e-12);
    for w in e.contributions.windows(2) {
        assert!(w[0].contribution.abs() >= w[1].contribution.abs());
    }
    let err = explain_score(&mut ws, "churn_risk", "nobody", TODAY).unwrap_err();
    assert!(
        matches!(err, Error::Options { ref field, .. } if field == "customerId"),
        "{err}"
    );
    let err = explain_score(&mut ws, "propensity_response", "C0003", TODAY).unwrap_err();
    assert!(err.to_string().contains("churn_risk"), "{err}");
}

#[test]
fn the_same_seed_gives_the_same_report_and_a_drawn_seed_is_reported() {
    let mut ws = shop(120, false);
    let p = params(r#"{"cutoff":"2024-09-30","seed":3}"#);
    let a = propensity(&mut ws, &p, TODAY, None).unwrap();
    let b = propensity(&mut ws, &p, TODAY, None).unwrap();
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    let drawn = propensity(&mut ws, &params(r#"{"cutoff":"2024-09-30"}"#), TODAY, None).unwrap();
    let again = propensity(
        &mut ws,
        &params(&format!(r#"{{"cutoff":"2024-09-30","seed":{}}}"#, drawn.seed)),
        TODAY,
        None,
    )
    .unwrap();
    assert_eq!(drawn.auc, again.auc);
}

#[test]
fn a_supplied_baseline_is_scored_on_the_test_rows() {
    let mut ws = shop(120, false);
    let p = params(r#"{"cutoff":"2024-09-30","seed":1,"column":"risk"}"#);
    // A perfect oracle: the label itself (customer c churns when c % 3 == 0).
    let oracle: Vec<f64> = (0..120).map(|c| if c % 3 == 0 { 1.0 } else { 0.0 }).collect();
    let r = propensity(&mut ws, &p, TODAY, Some(("oracle", oracle))).unwrap();
    assert_eq!(r.column, "risk");
    assert_eq!(r.baseline.as_ref().unwrap().column, "oracle");
    assert_eq!(r.baseline_auc, Some(1.0));
    let err = propensity(&mut ws, &p, TODAY, Some(("short", vec![0.0; 3]))).unwrap_err();
    assert!(
        matches!(err, Error::Options { ref field, .. } if field == "baseline"),
        "{err}"
    );
}

#[test]
fn response_and_default_labels_build_and_say_what_is_missing() {
    let mut ws = shop(200, true);
    let r = propensity(
        &mut ws,
        &params(r#"{"label":"response","campaign":"CMP1","seed":2}"#),
        TODAY,
        None,
    )
    .unwrap();
    assert_eq!(r.column, "propensity_response");
    assert_eq!(r.cutoff, "2024-11-04");
    assert_eq!(r.n_train + r.n_test, 100, "every other customer was targeted");
    assert!(r.auc.unwrap() > 0.6, "{:?}", r.auc);
    let err = propensity(
        &mut ws,
        &params(r#"{"label":"response","campaign":"CMP9"}"#),
        TODAY,
        None,
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Options { ref field, .. } if field == "campaign"),
        "{err}"
    );
    let d = propensity(
        &mut ws,
        &params(r#"{"label":"default","cutoff":"2024-09-30","seed":2}"#),
        TODAY,
        None,
    )
    .unwrap();
    assert_eq!(d.baseline.as_ref().unwrap().column, "share_paid_late");
    assert!(d.auc.unwrap() > 0.6, "{:?}", d.auc);

    let mut plain = Workspace::new();
    plain
        .load(
            None,
            b"order_id,customer_id,order_date,amount\nO1,C1,2024-01-05,10\n",
            &LoadOptions::named("o.csv"),
        )
        .unwrap();
    let err = propensity(&mut plain, &params(r#"{"label":"response"}"#), TODAY, None).unwrap_err();
    assert!(err.to_string().contains("campaign events"), "{err}");
    let err = propensity(&mut plain, &params(r#"{"label":"default"}"#), TODAY, None).unwrap_err();
    assert!(err.to_string().contains("payment_status"), "{err}");
    let err = propensity(&mut plain, &params(r#"{"label":"churn"}"#), TODAY, None).unwrap_err();
    assert!(matches!(err, Error::Model { .. }), "one customer, one class: {err}");
}

#[test]
fn options_are_checked_once_and_name_the_field() {
    let check = |json: &str| {
        serde_json::from_str::<PropensityParams>(json)
            .unwrap()
            .check()
            .unwrap_err()
    };
    let field = |e: Error| match e {
        Error::Options { field, .. } => field,
        other => panic!("{other}"),
    };
    assert_eq!(field(check(r#"{"label":"upsell"}"#)), "label");
    assert_eq!(field(check(r#"{"cutoff":"yesterday"}"#)), "cutoff");
    assert_eq!(field(check(r#"{"windowDays":0}"#)), "windowDays");
    assert_eq!(field(check(r#"{"l2":-1}"#)), "l2");
    assert_eq!(field(check(r#"{"testFraction":1}"#)), "testFraction");
    assert_eq!(field(check(r#"{"campaign":"CMP1"}"#)), "campaign");
    assert_eq!(field(check(r#"{"column":"customer_id"}"#)), "column");
    assert!(serde_json::from_str::<PropensityParams>(r#"{"lable":"churn"}"#).is_err());
}

#[test]
fn the_design_imputes_indicates_pools_and_standardises() {
    let mut ws = Workspace::new();
    ws.load(
        None,
        b"customer_id,country,birth_date\nA,DE,1980-01-01\nB,DE,\nC,FR,1990-01-01\nD,,1970-01-01\n",
        &LoadOptions::named("customers.csv"),
    )
    .unwrap();
    let table = customers::build(&ws, day("2024-01-01")).unwrap();
    let d = Design::fit(&table, &[0, 1, 2, 3], &[]);
    let names: Vec<&str> = d.columns.iter().map(|c| c.name.as_str()).collect();
    assert!(names.contains(&"age") && names.contains(&"age_missing"), "{names:?}");
    assert!(
        names.contains(&"country=FR") && names.contains(&"country=(missing)"),
        "{names:?}"
    );
    assert!(
        !names.contains(&"country=DE"),
        "the most frequent level is the reference: {names:?}"
    );
    let x = d.matrix(&table, &[0, 1, 2, 3]);
    let p = d.len();
    for j in 0..p {
        let col: Vec<f64> = (0..4).map(|i| x[i * p + j]).collect();
        let mean = col.iter().sum::<f64>() / 4.0;
        let var = col.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / 4.0;
        assert!(
            mean.abs() < 1e-12 && (var - 1.0).abs() < 1e-9,
            "{}: {mean} {var}",
            names[j]
        );
    }
    let age = d.columns.iter().position(|c| c.name == "age").unwrap();
    let raw = d.raw_matrix(&table, &[1]);
    assert!(
        (raw[age] - d.columns[age].mean).abs() < 1e-9,
        "B's missing age is the mean age"
    );
}

/// Order lines of `people` people from the data generator (`rapport generate
/// --only orders --lean`): a BG/NBD purchase process with month and weekday seasonality.
fn generated(people: usize, seed: u64) -> Workspace {
    use std::cell::RefCell;
    use std::io;
    use std::rc::Rc;
    struct Capture(Rc<RefCell<Vec<u8>>>);
    impl io::Write for Capture {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let orders: Rc<RefCell<Vec<u8>>> = Rc::default();
    let sink = orders.clone();
    let opts = crate::generate::GenerateOptions {
        customers: people,
        seed,
        lean_orders: true,
        orders_only: true,
    };
    crate::generate::generate(&opts, &mut |name| {
        assert!(name.starts_with("orders"), "{name}");
        Ok(Box::new(Capture(sink.clone())))
    })
    .unwrap();
    let mut ws = Workspace::new();
    let bytes = orders.borrow().clone();
    ws.load(Some(Entity::Orders), &bytes, &LoadOptions::named("orders.csv"))
        .unwrap();
    ws
}

#[test]
fn churn_model_beats_the_p_alive_baseline_on_generated_orders() {
    let mut ws = generated(3000, 3);
    let r = propensity(&mut ws, &params(r#"{"label":"churn","seed":7}"#), TODAY, None).unwrap();
    let auc_of = |column: &str| {
        let b = r.baselines.iter().find(|b| b.column == column).unwrap();
        (b.auc.unwrap(), b.higher_is_positive)
    };
    let (p_alive, higher) = auc_of("p_alive_bgnbd");
    assert!(!higher, "a higher P(alive) means less churn");
    assert_eq!(r.baseline.as_ref().unwrap().column, "p_alive_bgnbd");
    assert_eq!(r.baseline_auc, Some(p_alive));
    let model = r.auc.unwrap();
    // BG/NBD gives every one-time buyer P(alive) = 1, so P(alive) alone ranks
    // churners poorly (0.71 here); the model, with the BG/NBD's probability
    // of no order in the window among its features, ranks them far better.
    assert!(model > p_alive + 0.1, "model {model}, P(alive) {p_alive}");
    let (recency, _) = auc_of("recency_days");
    assert!(model > recency, "model {model}, recency {recency}");
    assert!(r.coefficients.iter().any(|c| c.feature == "no_order_log_odds_bgnbd"));
}
