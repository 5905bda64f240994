//! Tests of the BG/NBD likelihood and fit.

use super::*;
use crate::stats::optim::numeric_hessian;

/// The generating parameters of the simulated histories.
const TRUTH: BgParams = BgParams {
    r: 0.3,
    alpha: 5.0,
    a: 0.9,
    b: 2.2,
};

#[test]
fn the_analytic_hessian_matches_differences_of_the_gradient() {
    for model in [TransactionModel::Bgnbd, TransactionModel::Mbgnbd] {
        let histories = super::super::simulate::simulate(model, TRUTH, 3000, 5.0, 60.0, 3).unwrap();
        let data = DistinctHistories::new(&histories);
        let th = [0.4, 6.0, 0.7, 2.9];
        let (_, _, analytic) = log_likelihood(model, th, &data, 1.0);
        let numeric = numeric_hessian(
            |p: &[f64], g: &mut [f64]| {
                g.copy_from_slice(&log_likelihood(model, [p[0], p[1], p[2], p[3]], &data, 1.0).1)
            },
            &th,
        );
        for i in 0..16 {
            let scale = analytic[i].abs().max(numeric[i].abs()).max(1.0);
            assert!(
                (analytic[i] - numeric[i]).abs() < 1e-5 * scale,
                "{model:?} [{i}]: {} vs {}",
                analytic[i],
                numeric[i]
            );
        }
    }
}

#[test]
fn a_fit_started_from_coarse_times_reaches_the_same_optimum() {
    for model in [TransactionModel::Bgnbd, TransactionModel::Mbgnbd] {
        // Continuous times: every history distinct.
        let histories = super::super::simulate::simulate(model, TRUTH, 3000, 5.0, 60.0, 11).unwrap();
        let data = DistinctHistories::new(&histories);
        let scale = 1.0 / 60.0;
        assert!(data.coarsen(1.0 / (COARSE_TIMES * scale)).rows.len() < data.rows.len() / 2);
        let plain = maximise(model, &data, scale, 0.0, usize::MAX);
        let from_coarse = from_coarse(model, &data, scale, 0.0).expect("Newton converges from the coarse optimum");
        assert!(plain.converged && from_coarse.converged, "{model:?}");
        assert!(
            (plain.value - from_coarse.value).abs() <= 1e-12 * plain.value.abs(),
            "{model:?}"
        );
        for (p, c) in plain.x.iter().zip(&from_coarse.x) {
            assert!((p - c).abs() < 1e-6, "{model:?}: {:?} vs {:?}", plain.x, from_coarse.x);
        }
    }
}
