//! Timing of the k scan and of a fit on large customer tables (native; 3 features
//! unless said, 3 k-means++ starts per fit, silhouette on 2,000 customers). Ignored
//! by default; run with
//! `cargo test --release --test cluster_perf -- --ignored --nocapture`.

use std::time::Instant;

use arrow_array::{Float64Array, StringArray};
use rand::{Rng, SeedableRng};
use rapport::segment::cluster::{choose_k, clusters, ClusterParams};
use rapport::table::{CustomerTable, Feature, Values};

/// `n` customers, 3 features from 5 overlapping groups.
fn table(n: usize) -> CustomerTable {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let ids = StringArray::from((0..n).map(|i| format!("C{i}")).collect::<Vec<_>>());
    let mut t = CustomerTable::new(ids, 0);
    let groups = [
        (50.0, 1.0, 300.0),
        (400.0, 6.0, 20.0),
        (150.0, 3.0, 90.0),
        (900.0, 12.0, 10.0),
        (80.0, 1.0, 700.0),
    ];
    let mut cols = [Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n)];
    for _ in 0..n {
        let g = groups[rng.random_range(0..5)];
        cols[0].push(g.0 * (0.5 + rng.random::<f64>()));
        cols[1].push(g.1 * (0.5 + rng.random::<f64>()));
        cols[2].push(g.2 * (0.5 + rng.random::<f64>()));
    }
    let tenure: Vec<f64> = (0..n).map(|_| rng.random_range(0.0..2000.0)).collect();
    let names = ["monetary_total", "order_count", "recency_days", "tenure_days"];
    for (name, c) in names.iter().zip(cols.into_iter().chain([tenure])) {
        t.add(Feature::new(name, "", Values::Number(Float64Array::from(c))))
            .unwrap();
    }
    t
}

/// CPU time of this process in ms (Linux: utime + stime of /proc/self/stat,
/// in clock ticks of 10 ms), so a loaded machine's waiting is not counted.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) * 10.0
}

/// Wall and CPU milliseconds of `f`.
fn timed<T>(f: impl FnOnce() -> T) -> (T, String) {
    let (wall, cpu) = (Instant::now(), cpu_ms());
    let out = f();
    let text = format!(
        "{:.0} ms wall / {:.0} ms cpu",
        wall.elapsed().as_secs_f64() * 1e3,
        cpu_ms() - cpu
    );
    (out, text)
}

#[test]
#[ignore = "timing; run in release by hand"]
fn time_the_k_scan_and_a_fit() {
    for n in [100_000, 1_000_000] {
        let mut t = table(n);
        let p = ClusterParams {
            features: vec!["monetary_total".into(), "order_count".into(), "recency_days".into()],
            seed: Some(7),
            ..Default::default()
        };
        let (scan, scan_t) = timed(|| choose_k(&t, &p).unwrap());
        let (fit, fit_t) = timed(|| {
            clusters(
                &mut t,
                &ClusterParams {
                    k: Some(5),
                    ..p.clone()
                },
            )
            .unwrap()
        });
        let (fit10, fit10_t) = timed(|| {
            clusters(
                &mut t,
                &ClusterParams {
                    k: Some(10),
                    ..p.clone()
                },
            )
            .unwrap()
        });
        let (_, full_t) = timed(|| {
            choose_k(
                &t,
                &ClusterParams {
                    scan_rows: Some(n),
                    ..p.clone()
                },
            )
            .unwrap()
        });
        let four = ClusterParams {
            features: vec![
                "monetary_total".into(),
                "order_count".into(),
                "recency_days".into(),
                "tenure_days".into(),
            ],
            k: Some(10),
            ..p.clone()
        };
        let (fit4, fit4_t) = timed(|| clusters(&mut t, &four).unwrap());
        println!("n = {n}:");
        println!(
            "  clusters(k = 10, 4 features): {fit4_t} ({} iterations, converged {})",
            fit4.iterations, fit4.converged
        );
        println!(
            "  chooseK 2..10: {scan_t} (scanned {} rows, silhouette sample {})",
            scan.scanned_rows, scan.sample
        );
        println!("  chooseK 2..10 on every row: {full_t}");
        println!(
            "  clusters(k = 5): {fit_t} ({} iterations, converged {})",
            fit.iterations, fit.converged
        );
        println!(
            "  clusters(k = 10): {fit10_t} ({} iterations, converged {})",
            fit10.iterations, fit10.converged
        );
    }
}
