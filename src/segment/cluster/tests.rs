use arrow_array::cast::AsArray;
use arrow_array::types::UInt32Type;
use arrow_array::{Array, BooleanArray, Date32Array, Float64Array, StringArray};
use rand::{Rng, SeedableRng};

use super::*;
use crate::table::{CustomerTable, Feature, Values};
use crate::Error;

/// A customer table with ids C0.. and the given number columns.
fn table(columns: &[(&str, Vec<Option<f64>>)]) -> CustomerTable {
    let n = columns[0].1.len();
    let ids = StringArray::from((0..n).map(|i| format!("C{i}")).collect::<Vec<_>>());
    let mut t = CustomerTable::new(ids, 0);
    for (name, v) in columns {
        t.add(Feature::new(name, "", Values::Number(Float64Array::from(v.clone()))))
            .unwrap();
    }
    t
}

fn params(features: &[&str], k: Option<usize>, seed: u64) -> ClusterParams {
    ClusterParams {
        features: features.iter().map(|s| s.to_string()).collect(),
        k,
        seed: Some(seed),
        ..Default::default()
    }
}

/// Three blobs in two features of very different scales; answers the table
/// and the true blob of each row.
fn blobs(per: usize, seed: u64) -> (CustomerTable, Vec<usize>) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let centers = [(100.0, 1.0), (900.0, 5.0), (500.0, 12.0)];
    let (mut a, mut b, mut truth) = (vec![], vec![], vec![]);
    for i in 0..3 * per {
        let c = (i * 7) % 3;
        a.push(Some(centers[c].0 + (rng.random::<f64>() - 0.5) * 40.0));
        b.push(Some(centers[c].1 + (rng.random::<f64>() - 0.5) * 0.8));
        truth.push(c);
    }
    (table(&[("spend", a), ("visits", b)]), truth)
}

fn cluster_labels(t: &CustomerTable) -> Vec<Option<String>> {
    let Values::Category(d) = &t.get("cluster").unwrap().values else {
        panic!("cluster is not a category")
    };
    let values = d.values().as_string::<i32>();
    (0..d.len())
        .map(|i| {
            d.is_valid(i)
                .then(|| values.value(d.keys().value(i) as usize).to_string())
        })
        .collect()
}

/// Adjusted Rand index of two partitions (Hubert & Arabie).
fn adjusted_rand(a: &[usize], b: &[usize]) -> f64 {
    let ka = a.iter().max().unwrap() + 1;
    let kb = b.iter().max().unwrap() + 1;
    let mut m = vec![vec![0f64; kb]; ka];
    for (&x, &y) in a.iter().zip(b) {
        m[x][y] += 1.0;
    }
    let c2 = |x: f64| x * (x - 1.0) / 2.0;
    let index: f64 = m.iter().flatten().map(|&v| c2(v)).sum();
    let rows: f64 = m.iter().map(|r| c2(r.iter().sum())).sum();
    let cols: f64 = (0..kb).map(|j| c2(m.iter().map(|r| r[j]).sum())).sum();
    let expected = rows * cols / c2(a.len() as f64);
    (index - expected) / ((rows + cols) / 2.0 - expected)
}

#[test]
fn k_cannot_be_one() {
    let err = params(&["spend"], Some(1), 1).check().unwrap_err();
    assert!(
        matches!(err, Error::Options { ref field, ref value, .. } if field == "k" && value == "1"),
        "{err}"
    );
}

#[test]
fn k_range_must_start_at_two_and_not_run_backwards() {
    for range in [(1, 5), (6, 3)] {
        let p = ClusterParams {
            k_range: Some(range),
            ..params(&["spend"], None, 1)
        };
        let err = p.check().unwrap_err();
        assert!(
            matches!(err, Error::Options { ref field, .. } if field == "kRange"),
            "{err}"
        );
    }
}

#[test]
fn no_features_or_a_feature_twice_is_refused() {
    let err = params(&[], Some(2), 1).check().unwrap_err();
    assert!(
        matches!(err, Error::Options { ref field, .. } if field == "features"),
        "{err}"
    );
    let err = params(&["a", "a"], Some(2), 1).check().unwrap_err();
    assert!(err.to_string().contains("twice"), "{err}");
}

#[test]
fn bad_numbers_name_their_option() {
    let cases: [(ClusterParams, &str); 4] = [
        (
            ClusterParams {
                max_iter: Some(0),
                ..params(&["a"], Some(2), 1)
            },
            "maxIter",
        ),
        (
            ClusterParams {
                tolerance: Some(f64::NAN),
                ..params(&["a"], Some(2), 1)
            },
            "tolerance",
        ),
        (
            ClusterParams {
                sample: Some(1),
                ..params(&["a"], Some(2), 1)
            },
            "sample",
        ),
        (
            ClusterParams {
                n_init: Some(0),
                ..params(&["a"], Some(2), 1)
            },
            "nInit",
        ),
    ];
    for (p, name) in cases {
        let err = p.check().unwrap_err();
        assert!(
            matches!(err, Error::Options { ref field, .. } if field == name),
            "{name}: {err}"
        );
    }
}

#[test]
fn unknown_feature_suggests_the_nearest() {
    let mut t = table(&[("recency_days", vec![Some(1.0), Some(2.0), Some(3.0)])]);
    let err = clusters(&mut t, &params(&["recncy_days"], Some(2), 1)).unwrap_err();
    assert!(
        matches!(err, Error::Options { ref field, ref value, .. } if field == "features" && value == "recncy_days"),
        "{err}"
    );
    assert!(err.to_string().contains("did you mean 'recency_days'"), "{err}");
}

#[test]
fn a_text_feature_is_refused_but_bools_and_dates_are_numbers() {
    let mut t = table(&[("spend", vec![Some(1.0), Some(2.0), Some(10.0), Some(11.0)])]);
    t.add(Feature::new(
        "city",
        "",
        Values::Text(StringArray::from(vec!["a", "b", "c", "d"])),
    ))
    .unwrap();
    t.add(Feature::new(
        "vip",
        "",
        Values::Bool(BooleanArray::from(vec![false, false, true, true])),
    ))
    .unwrap();
    t.add(Feature::new(
        "since",
        "",
        Values::Date(Date32Array::from(vec![0, 1, 400, 401])),
    ))
    .unwrap();
    let err = clusters(&mut t, &params(&["spend", "city"], Some(2), 1)).unwrap_err();
    assert!(err.to_string().contains("a text column"), "{err}");
    let c = clusters(&mut t, &params(&["spend", "vip", "since"], Some(2), 1)).unwrap();
    assert_eq!(c.sizes, vec![2, 2]);
    // Centroids come back in each feature's units: vip as a 0/1 share, since in days.
    let mut cents = c.centroids.clone();
    cents.sort_by(|a, b| a[0].total_cmp(&b[0]));
    assert_eq!(cents, vec![vec![1.5, 0.0, 0.5], vec![10.5, 1.0, 400.5]]);
}

#[test]
fn k_cannot_exceed_the_customers_with_every_feature() {
    let mut t = table(&[("a", vec![Some(1.0), Some(2.0), None, Some(4.0)])]);
    let err = clusters(&mut t, &params(&["a"], Some(4), 1)).unwrap_err();
    assert!(matches!(err, Error::Options { ref field, .. } if field == "k"), "{err}");
    assert!(err.to_string().contains("(3)"), "{err}");
    let err = choose_k(&t, &params(&["a"], None, 1)).unwrap_err();
    assert!(
        matches!(err, Error::Options { ref field, .. } if field == "kRange"),
        "{err}"
    );
}

#[test]
fn well_separated_blobs_are_found() {
    let (mut t, truth) = blobs(50, 3);
    let c = clusters(&mut t, &params(&["spend", "visits"], Some(3), 11)).unwrap();
    assert_eq!(c.sizes, vec![50, 50, 50]);
    assert!(c.converged);
    let labels: Vec<usize> = c.labels.iter().map(|l| l.unwrap() as usize).collect();
    assert_eq!(adjusted_rand(&labels, &truth), 1.0);
    assert!(c.silhouette.unwrap() > 0.8, "{:?}", c.silhouette);
    // Centroids in original units sit near the true centres.
    let mut cents = c.centroids.clone();
    cents.sort_by(|a, b| a[0].total_cmp(&b[0]));
    for (got, want) in cents.iter().zip([(100.0, 1.0), (500.0, 12.0), (900.0, 5.0)]) {
        assert!(
            (got[0] - want.0).abs() < 5.0 && (got[1] - want.1).abs() < 0.2,
            "{got:?}"
        );
    }
    // The column holds "1".."3" and agrees with the labels.
    let col = cluster_labels(&t);
    for (l, s) in c.labels.iter().zip(&col) {
        assert_eq!(s.as_deref(), Some((l.unwrap() + 1).to_string().as_str()));
    }
}

#[test]
fn the_scan_scores_every_k_and_the_true_k_has_the_best_silhouette() {
    let (mut t, _) = blobs(40, 5);
    let s = choose_k(&t, &params(&["spend", "visits"], None, 2)).unwrap();
    assert_eq!(
        s.scores.iter().map(|x| x.k).collect::<Vec<_>>(),
        (2..=10).collect::<Vec<_>>()
    );
    let best = s
        .scores
        .iter()
        .max_by(|a, b| a.silhouette.unwrap().total_cmp(&b.silhouette.unwrap()))
        .unwrap();
    assert_eq!(best.k, 3);
    assert!(s.scores[0].inertia > s.scores[1].inertia);
    assert_eq!((s.sample, s.scanned_rows, s.seed), (120, 120, 2));
    // Without k, clusters takes the scan's best.
    let c = clusters(&mut t, &params(&["spend", "visits"], None, 2)).unwrap();
    assert_eq!((c.k, c.chosen_by), (3, "silhouette"));
    assert_eq!(c.scan.as_ref().unwrap(), &s.scores);
}

#[test]
fn same_seed_same_labels() {
    let (mut t, _) = blobs(30, 9);
    // Overlapping data (one feature of noise) so starts matter.
    let noise: Vec<Option<f64>> = {
        let mut r = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        (0..90).map(|_| Some(r.random::<f64>())).collect()
    };
    t.add(Feature::new("noise", "", Values::Number(Float64Array::from(noise))))
        .unwrap();
    let p = ClusterParams {
        n_init: Some(1),
        ..params(&["visits", "noise"], Some(7), 42)
    };
    let a = clusters(&mut t, &p).unwrap();
    let col_a = cluster_labels(&t);
    let b = clusters(&mut t, &p).unwrap();
    assert_eq!(a, b);
    assert_eq!(col_a, cluster_labels(&t));
    let sa = choose_k(&t, &p).unwrap();
    assert_eq!(sa, choose_k(&t, &p).unwrap());
    // The seed is what decides: other seeds find other local optima on this data.
    let others: std::collections::HashSet<Vec<Option<u32>>> = (0..5)
        .map(|s| {
            clusters(
                &mut t,
                &ClusterParams {
                    seed: Some(s),
                    ..p.clone()
                },
            )
            .unwrap()
            .labels
        })
        .collect();
    assert!(others.len() > 1, "five seeds, one partition");
    // A drawn seed is reported, and giving it back reproduces the run.
    let drawn = clusters(
        &mut t,
        &ClusterParams {
            seed: None,
            ..p.clone()
        },
    )
    .unwrap();
    assert!(drawn.seed < 1 << 53);
    let again = clusters(
        &mut t,
        &ClusterParams {
            seed: Some(drawn.seed),
            ..p
        },
    )
    .unwrap();
    assert_eq!(drawn.labels, again.labels);
}

#[test]
fn customers_with_a_missing_feature_are_left_out_with_a_null_cluster() {
    let mut t = table(&[
        ("a", vec![Some(0.0), Some(1.0), None, Some(10.0), Some(11.0)]),
        ("b", vec![Some(0.0), Some(0.0), Some(5.0), Some(1.0), Some(f64::NAN)]),
    ]);
    let c = clusters(&mut t, &params(&["a", "b"], Some(2), 1)).unwrap();
    assert_eq!((c.customers, c.left_out), (5, 2));
    let col = cluster_labels(&t);
    assert_eq!(col[2], None);
    assert_eq!(col[4], None);
    assert_eq!(col.iter().flatten().count(), 3);
}

#[test]
fn fewer_distinct_customers_than_k_leave_a_cluster_empty_without_failing() {
    let mut t = table(&[("a", vec![Some(0.0), Some(0.0), Some(0.0), Some(1.0), Some(1.0)])]);
    let c = clusters(&mut t, &params(&["a"], Some(3), 1)).unwrap();
    assert_eq!(c.sizes, vec![3, 2, 0]);
    assert_eq!(c.inertia, 0.0);
    assert_eq!(c.profile[2].means[0].mean, None);
    assert_eq!(cluster_labels(&t).iter().flatten().filter(|l| *l == "3").count(), 0);
}

#[test]
fn a_constant_feature_is_dropped_and_reported() {
    let mut t = table(&[
        ("a", vec![Some(0.0), Some(1.0), Some(10.0), Some(11.0)]),
        ("same", vec![Some(3.0); 4]),
    ]);
    let c = clusters(&mut t, &params(&["a", "same"], Some(2), 1)).unwrap();
    assert_eq!(c.features, vec!["a"]);
    assert_eq!(c.dropped_features, vec!["same"]);
    let err = clusters(&mut t, &params(&["same"], Some(2), 1)).unwrap_err();
    assert!(err.to_string().contains("same value"), "{err}");
}

#[test]
fn the_profile_compares_each_cluster_mean_with_the_overall_mean() {
    // Two clusters by `a`; monetary_total profiled although not chosen.
    let mut t = table(&[
        ("a", vec![Some(0.0), Some(1.0), Some(2.0), Some(10.0), None]),
        (
            "monetary_total",
            vec![Some(10.0), Some(20.0), None, Some(90.0), Some(1000.0)],
        ),
    ]);
    let c = clusters(&mut t, &params(&["a"], Some(2), 1)).unwrap();
    assert_eq!(c.sizes, vec![3, 1]);
    let p = &c.profile;
    assert_eq!((p[0].cluster.as_str(), p[0].size, p[0].share), ("1", 3, 0.75));
    let m = &p[0].means;
    assert_eq!(
        m.iter().map(|f| f.feature.as_str()).collect::<Vec<_>>(),
        ["a", "monetary_total"]
    );
    assert_eq!((m[0].mean, m[0].overall), (Some(1.0), Some(13.0 / 4.0)));
    assert_eq!(m[0].ratio, Some(1.0 / 3.25));
    // monetary_total over clustered customers with a value: (10 + 20 + 90) / 3; the left-out customer counts nowhere.
    assert_eq!((m[1].mean, m[1].overall), (Some(15.0), Some(40.0)));
    assert_eq!(p[1].means[1].ratio, Some(90.0 / 40.0));
}

#[test]
fn the_silhouette_matches_a_hand_computation() {
    // 1-D: {0, 1} and {10, 11}. Point 0: a = 1, b = 10.5; point 1: a = 1, b = 9.5; symmetric.
    let x = [0.0, 1.0, 10.0, 11.0];
    let s = silhouette(&x, 1, &[0, 0, 1, 1], 2, &[0, 1, 2, 3]).unwrap();
    let want = (9.5 / 10.5 + 8.5 / 9.5) / 2.0;
    assert!((s - want).abs() < 1e-15, "{s} vs {want}");
    // A point alone in its cluster scores 0; one cluster has no silhouette.
    let s = silhouette(&x, 1, &[0, 0, 0, 1], 2, &[0, 1, 2, 3]).unwrap();
    assert!(s < want);
    assert_eq!(silhouette(&x, 1, &[0, 0, 0, 0], 2, &[0, 1, 2, 3]), None);
}

#[test]
fn an_empty_cluster_takes_the_farthest_point() {
    let x = [0.0, 1.0, 10.0, 11.0];
    let opts = Lloyd {
        max_iter: 100,
        tolerance: 0.0,
        n_init: 1,
    };
    // The second centre starts far from every point, so it is empty at once.
    let fit = lloyd(&x, 1, vec![0.5, 100.0], opts);
    assert_eq!(fit.labels, vec![0, 0, 1, 1]);
    assert_eq!(fit.inertia, 1.0);
    assert!(fit.converged);
}

#[test]
fn the_k_scan_samples_rows_when_there_are_many() {
    let (t, _) = blobs(100, 4);
    let p = ClusterParams {
        scan_rows: Some(60),
        sample: Some(50),
        k_range: Some((2, 4)),
        ..params(&["spend", "visits"], None, 8)
    };
    let s = choose_k(&t, &p).unwrap();
    assert_eq!((s.scanned_rows, s.sample), (60, 50));
    assert_eq!(s.scores.len(), 3);
}

/// The fixture of `tests/fixtures/cluster/` and scikit-learn's answers on it
/// (`reference.py` made both).
mod reference {
    use super::*;

    const BLOBS: &str = include_str!("../../../tests/fixtures/cluster/blobs.csv");
    const REFERENCE: &str = include_str!("../../../tests/fixtures/cluster/reference.json");

    fn fixture() -> (CustomerTable, serde_json::Value) {
        let mut cols = vec![vec![]; 3];
        for line in BLOBS.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            for j in 0..3 {
                cols[j].push(Some(f[j + 1].parse::<f64>().unwrap()));
            }
        }
        let t = table(&[
            ("spend", cols[0].clone()),
            ("visits", cols[1].clone()),
            ("days", cols[2].clone()),
        ]);
        (t, serde_json::from_str(REFERENCE).unwrap())
    }

    fn labels(v: &serde_json::Value) -> Vec<u32> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_u64().unwrap() as u32)
            .collect()
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1.0)
    }

    #[test]
    fn kmeans_matches_scikit_learn_on_the_fixture() {
        let (mut t, r) = fixture();
        let p = ClusterParams {
            n_init: Some(10),
            sample: Some(300),
            ..params(&["spend", "visits", "days"], Some(3), 1)
        };
        let c = clusters(&mut t, &p).unwrap();
        let want = &r["k3"];
        assert!(
            close(c.inertia, want["inertia"].as_f64().unwrap(), 1e-9),
            "inertia {} vs {}",
            c.inertia,
            want["inertia"]
        );
        let ours: Vec<usize> = c.labels.iter().map(|l| l.unwrap() as usize).collect();
        let theirs: Vec<usize> = labels(&want["labels"]).iter().map(|&l| l as usize).collect();
        assert_eq!(adjusted_rand(&ours, &theirs), 1.0);
        let s = c.silhouette.unwrap();
        assert!(
            (s - want["silhouette"].as_f64().unwrap()).abs() <= 1e-9,
            "silhouette {s} vs {}",
            want["silhouette"]
        );
    }

    #[test]
    fn the_silhouette_matches_scikit_learn_on_its_own_labels() {
        // k = 5 splits true blobs, so the score is far from 1: a real test of the formula.
        let (t, r) = fixture();
        let data = Dataset::from_table(&t, &["spend".into(), "visits".into(), "days".into()]).unwrap();
        let lab = labels(&r["k5"]["labels"]);
        let all: Vec<u32> = (0..300).collect();
        let s = silhouette(&data.x, 3, &lab, 5, &all).unwrap();
        let want = r["k5"]["silhouette"].as_f64().unwrap();
        assert!((s - want).abs() <= 1e-9, "{s} vs {want}");
    }

    #[test]
    fn the_scan_finds_scikit_learns_inertia_for_every_k() {
        let (t, r) = fixture();
        // As many starts as scikit-learn (100), run to convergence (tolerance 0): past k = 3 the
        // local optima lie close together, and stopping at the default tolerance lands beside them.
        let p = ClusterParams {
            n_init: Some(100),
            tolerance: Some(0.0),
            sample: Some(300),
            k_range: Some((2, 6)),
            ..params(&["spend", "visits", "days"], None, 1)
        };
        let s = choose_k(&t, &p).unwrap();
        for (ours, theirs) in s.scores.iter().zip(r["scan"].as_array().unwrap()) {
            let want = theirs["inertia"].as_f64().unwrap();
            assert!(
                close(ours.inertia, want, 1e-9),
                "k = {}: inertia {} vs {want}",
                ours.k,
                ours.inertia
            );
            let sil = theirs["silhouette"].as_f64().unwrap();
            assert!(
                (ours.silhouette.unwrap() - sil).abs() <= 1e-9,
                "k = {}: silhouette {:?} vs {sil}",
                ours.k,
                ours.silhouette
            );
        }
    }
}

#[test]
fn cluster_column_is_a_dictionary_of_labels() {
    let (mut t, _) = blobs(10, 1);
    clusters(&mut t, &params(&["spend"], Some(3), 1)).unwrap();
    let Values::Category(d) = &t.get("cluster").unwrap().values else {
        panic!()
    };
    let _: &arrow_array::DictionaryArray<UInt32Type> = d;
    assert_eq!(
        t.describe().iter().find(|c| c.name == "cluster").unwrap().kind,
        "category"
    );
}
