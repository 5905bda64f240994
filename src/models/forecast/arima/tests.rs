use super::*;
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use serde_json::Value;

fn reference() -> Value {
    serde_json::from_str(include_str!("../../../../tests/fixtures/arima/reference.json"))
        .expect("reference.json parses")
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

fn case(name: &str) -> Value {
    reference()["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["name"] == name)
        .cloned()
        .expect("the case is recorded")
}

fn order_of(c: &Value) -> Order {
    serde_json::from_value(c["order"].clone()).expect("an order")
}

/// statsmodels' parameters (its intercept turned into the mean μ).
fn params_of(p: &Value, order: Order) -> Params {
    let ar = floats(&p["ar"]);
    let sar = floats(&p["sar"]);
    let constant = p["intercept"]
        .as_f64()
        .map(|c| c / ((1.0 - ar.iter().sum::<f64>()) * (1.0 - sar.iter().sum::<f64>())));
    Params {
        order,
        ar,
        ma: floats(&p["ma"]),
        sar,
        sma: floats(&p["sma"]),
        constant,
        sigma2: p["sigma2"].as_f64().expect("sigma2"),
        log_likelihood: f64::NAN,
        aic: f64::NAN,
        aicc: f64::NAN,
    }
}

const CASES: [&str; 3] = ["log_air_111", "log_air_airline", "sunspots_200c"];

fn relative(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

#[test]
fn log_likelihood_matches_statsmodels_at_its_parameters() {
    for name in CASES {
        let c = case(name);
        let y = floats(&c["y"]);
        let order = order_of(&c);
        for (params, recorded) in [(&c["mle"], &c), (&c["other"], &c["other"])] {
            let got = log_likelihood_at(&y, order, &params_of(params, order)).expect("stationary");
            // The exact value from the dense autocovariance matrix…
            let exact = recorded["log_likelihood_exact"].as_f64().expect("recorded");
            assert!(
                relative(got, exact) < 1e-10,
                "{name}: log-likelihood {got} vs exact {exact}"
            );
            // …and statsmodels' Kalman filter, which stops updating its
            // covariance early (1.1e-8 relative off the exact value on ARIMA(1,1,1)).
            let statsmodels = recorded["log_likelihood"].as_f64().expect("recorded");
            assert!(
                relative(got, statsmodels) < 2e-8,
                "{name}: log-likelihood {got} vs statsmodels {statsmodels}"
            );
        }
    }
}

#[test]
fn maximum_likelihood_reaches_statsmodels_optimum() {
    for name in CASES {
        let c = case(name);
        let y = floats(&c["y"]);
        let fitted = fit(&y, order_of(&c)).expect("fits");
        let expected = c["log_likelihood"].as_f64().expect("recorded");
        let p = fitted.params();
        assert!(
            p.log_likelihood >= expected - 1e-6,
            "{name}: own optimum {} below statsmodels' {expected}",
            p.log_likelihood
        );
        let sm = params_of(&c["mle"], order_of(&c));
        let coefs = |p: &Params| [p.ar.clone(), p.ma.clone(), p.sar.clone(), p.sma.clone()].concat();
        for (a, b) in coefs(&p).iter().zip(coefs(&sm)) {
            assert!((a - b).abs() < 1e-3, "{name}: coefficient {a} vs {b}");
        }
        assert!(
            relative(p.sigma2, sm.sigma2) < 1e-3,
            "{name}: sigma2 {} vs {}",
            p.sigma2,
            sm.sigma2
        );
        assert!(
            (p.aic - c["aic"].as_f64().expect("aic")).abs() < 1e-5,
            "{name}: aic {}",
            p.aic
        );
        assert!(
            (p.aicc - c["aicc"].as_f64().expect("aicc")).abs() < 1e-5,
            "{name}: aicc {}",
            p.aicc
        );
        assert_eq!(fitted.fitted().len(), y.len());
    }
}

#[test]
fn forecasts_and_intervals_match_statsmodels_at_its_parameters() {
    for name in CASES {
        let c = case(name);
        let y = floats(&c["y"]);
        let order = order_of(&c);
        let fitted = fit(&y, order).expect("fits");
        let at = fitted.with_params(&params_of(&c["mle"], order)).expect("stationary");
        let f = at.forecast(24);
        let fc = &c["forecast"];
        for (k, point) in f.iter().enumerate() {
            for (got, key) in [(point.mean, "mean"), (point.lo95, "lo95"), (point.hi95, "hi95")] {
                let expected = fc[key][k].as_f64().expect("recorded");
                assert!(
                    relative(got, expected) < 1e-4,
                    "{name} step {}: {key} {got} vs statsmodels {expected}",
                    k + 1
                );
            }
        }
    }
}

#[test]
fn stationarity_transform_round_trips() {
    let x = [0.7, -1.3, 2.0, 0.1];
    let phi = poly::to_stationary(&x);
    let back = poly::from_stationary(&phi).expect("stationary");
    for (a, b) in x.iter().zip(&back) {
        assert!((a - b).abs() < 1e-10, "{a} vs {b}");
    }
    assert!(poly::from_stationary(&[1.2]).is_none(), "|φ| > 1 is not stationary");
    assert!(
        poly::from_stationary(&[0.5, 0.6]).is_none(),
        "φ₁ + φ₂ > 1 is not stationary"
    );
}

#[test]
fn seasonal_polynomials_multiply_out() {
    // (1 − 0.5B)(1 − 0.3B⁴) = 1 − 0.5B − 0.3B⁴ + 0.15B⁵
    assert_eq!(poly::ar_product(&[0.5], &[0.3], 4), vec![0.5, 0.0, 0.0, 0.3, -0.15]);
    // (1 + 0.4B)(1 + 0.2B²) = 1 + 0.4B + 0.2B² + 0.08B³
    let ma = poly::ma_product(&[0.4], &[0.2], 2);
    assert!(ma.iter().zip([0.4, 0.2, 0.08]).all(|(a, b)| (a - b).abs() < 1e-15));
    // (1 − B)(1 − B³) = 1 − B − B³ + B⁴
    assert_eq!(poly::differencing(1, 1, 3), vec![1.0, -1.0, 0.0, -1.0, 1.0]);
}

fn simulate(phi: &[f64], theta: &[f64], n: usize, seed: u64) -> Vec<f64> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let burn = 100;
    let e: Vec<f64> = (0..n + burn).map(|_| StandardNormal.sample(&mut rng)).collect();
    let mut w = vec![0.0; n + burn];
    for t in 0..n + burn {
        let mut v = e[t];
        for (i, p) in phi.iter().enumerate() {
            if t > i {
                v += p * w[t - 1 - i];
            }
        }
        for (j, q) in theta.iter().enumerate() {
            if t > j {
                v += q * e[t - 1 - j];
            }
        }
        w[t] = v;
    }
    w.split_off(burn)
}

#[test]
fn auto_finds_a_model_at_least_as_good_as_the_true_order() {
    let y = simulate(&[0.6], &[], 150, 7);
    let best = auto(&y, 1).expect("fits");
    let truth = fit(&y, Order::new(1, 0, 0)).expect("fits");
    assert!(
        best.aicc() <= truth.aicc() + 1e-9,
        "{} vs {}",
        best.order(),
        truth.aicc()
    );
    assert_eq!(best.order().d, 0, "a stationary AR(1) needs no difference");
    assert!(
        best.order().p + best.order().q >= 1,
        "the dependence is found: {}",
        best.order()
    );
}

#[test]
fn auto_differences_a_random_walk_and_a_seasonal_series() {
    // (KPSS rejects white noise 5 % of the time: seed 3 happens to be such a draw.)
    let steps = simulate(&[], &[], 120, 11);
    let walk: Vec<f64> = steps
        .iter()
        .scan(0.0, |s, v| {
            *s += v;
            Some(*s)
        })
        .collect();
    let order = auto(&walk, 1).expect("fits").order();
    assert_eq!(order.d, 1, "{order}");
    // A quarterly pattern that drifts as a seasonal random walk: one seasonal difference.
    let noise = simulate(&[], &[], 48, 5);
    let mut y = vec![10.0, -4.0, 3.0, -9.0];
    for e in &noise[4..] {
        y.push(y[y.len() - 4] + 0.5 * e);
    }
    let best = auto(&y, 4).expect("fits");
    assert_eq!((best.order().sd, best.order().season), (1, 4), "{}", best.order());
    let next = best.forecast(4);
    for (k, p) in next.iter().enumerate() {
        let last_season = y[y.len() - 4 + k];
        assert!(
            (p.mean - last_season).abs() < 2.0,
            "step {k}: {p:?} after {last_season}"
        );
        assert!(p.lo95 < p.mean && p.mean < p.hi95);
    }
}

#[test]
fn kpss_matches_statsmodels_on_sunspots() {
    // statsmodels.tsa.stattools.kpss(y, regression="c", nlags=4): 0.5646680940815663
    // and on the first differences 0.013126674796407327.
    let y = floats(&case("sunspots_200c")["y"]);
    assert!(relative(search::kpss(&y), 0.564_668_094_081_566_3) < 1e-10);
    let dy = poly::difference(&y, &[1.0, -1.0]);
    assert!(relative(search::kpss(&dy), 0.013_126_674_796_407_327) < 1e-9);
}

#[test]
fn forecast_intervals_widen_for_an_integrated_model() {
    let c = case("log_air_111");
    let y = floats(&c["y"]);
    let f = fit(&y, Order::new(1, 1, 1)).expect("fits").forecast(12);
    let widths: Vec<f64> = f.iter().map(|p| p.hi95 - p.lo95).collect();
    assert!(widths.windows(2).all(|w| w[1] > w[0]), "{widths:?}");
}

#[test]
fn constant_short_and_broken_series_are_errors_not_panics() {
    let is_model = |r: Result<Fitted>| matches!(r, Err(Error::Model { .. }));
    assert!(is_model(auto(&[5.0; 40], 12)));
    assert!(is_model(fit(&[5.0; 40], Order::new(1, 0, 0))));
    assert!(is_model(fit(&[0.0; 40], Order::new(0, 1, 1))));
    assert!(is_model(auto(&[], 1)));
    assert!(is_model(auto(&[1.0, f64::NAN, 3.0, 4.0, 5.0], 1)));
    assert!(is_model(fit(&[1.0, 2.0, 4.0], Order::new(2, 1, 2))));
    let linear: Vec<f64> = (0..30).map(f64::from).collect();
    assert!(is_model(fit(&linear, Order::new(0, 1, 1))));
    let seasonal_without_season = Order {
        sq: 1,
        ..Order::new(0, 1, 1)
    };
    assert!(matches!(
        fit(&linear, seasonal_without_season),
        Err(Error::Options { ref field, .. }) if field == "season"
    ));
    assert!(matches!(auto(&linear, 0), Err(Error::Options { .. })));
    // Short but usable: a few points still give a model and finite forecasts.
    let short = [3.0, 5.0, 4.0, 6.0, 5.0, 7.0, 6.0];
    let f = auto(&short, 12).expect("a short series still fits");
    assert!(f.forecast(3).iter().all(|p| p.mean.is_finite() && p.hi95.is_finite()));
    // Mostly zeros (intermittent sales).
    let sparse: Vec<f64> = (0..36).map(|t| if t % 7 == 3 { 2.0 } else { 0.0 }).collect();
    assert!(auto(&sparse, 1).is_ok());
}

/// The stepwise search on log AirPassengers against statsforecast's AutoARIMA
/// (heavy in debug: `cargo test --release -- --ignored`).
#[test]
#[ignore]
fn auto_on_air_passengers_is_no_worse_than_statsforecast() {
    let c = case("log_air_airline");
    let y = floats(&c["y"]);
    let started = std::time::Instant::now();
    let best = auto(&y, 12).expect("fits");
    let reference = &reference()["auto"]["log_air"];
    let theirs = reference["aicc"].as_f64().expect("aicc");
    eprintln!(
        "auto: {} aicc {:.4} in {:?}; statsforecast {} aicc {theirs:.4}",
        best.order(),
        best.aicc(),
        started.elapsed(),
        reference["order"]
    );
    assert!(best.aicc() <= theirs + 1e-6, "{} aicc {}", best.order(), best.aicc());
}

/// MASE of `auto` on the last 12 months of monthly series from packages, next to
/// statsforecast's AutoARIMA (recorded by tests/fixtures/arima/accuracy.py);
/// heavy in debug: `cargo test --release -- --ignored --nocapture accuracy`.
#[test]
#[ignore]
fn accuracy_against_statsforecast() {
    let rows: Value = serde_json::from_str(include_str!("../../../../tests/fixtures/arima/accuracy.json"))
        .expect("accuracy.json parses");
    for row in rows.as_array().expect("rows") {
        let y = floats(&row["y"]);
        let h = row["horizon"].as_u64().expect("horizon") as usize;
        let (train, test) = y.split_at(y.len() - h);
        let started = std::time::Instant::now();
        let best = auto(train, 12).expect("fits");
        let seconds = started.elapsed().as_secs_f64();
        let forecast = best.forecast(h);
        let scale =
            (12..train.len()).map(|t| (train[t] - train[t - 12]).abs()).sum::<f64>() / (train.len() - 12) as f64;
        let mae = test.iter().zip(&forecast).map(|(a, p)| (a - p.mean).abs()).sum::<f64>() / h as f64;
        let sf = &row["statsforecast"];
        eprintln!(
            "{}: rapport {} aicc {:.3} MASE {:.4} ({seconds:.2} s) | statsforecast {} aicc {:.3} MASE {:.4} | seasonal naive {:.4}",
            row["name"].as_str().unwrap_or("?"),
            best.order(),
            best.aicc(),
            mae / scale,
            sf["order"].as_str().unwrap_or("?"),
            sf["aicc"].as_f64().unwrap_or(f64::NAN),
            sf["mase"].as_f64().unwrap_or(f64::NAN),
            row["seasonal_naive_mase"].as_f64().unwrap_or(f64::NAN),
        );
        assert!((mae / scale).is_finite());
    }
}
