//! Seeded BG/NBD histories with known parameters, for checking that a fit
//! recovers them (tests and the release-mode convergence run).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, Exp, Gamma};

use super::bgnbd::{BgParams, History, TransactionModel};
use crate::{Error, Result};

/// `n` histories drawn from the model with `params`, ages uniform in
/// [`min_age`, `max_age`] time units, from `seed`.
pub fn simulate(
    model: TransactionModel,
    params: BgParams,
    n: usize,
    min_age: f64,
    max_age: f64,
    seed: u64,
) -> Result<Vec<History>> {
    let bad = |e: String| Error::model("simulate", e);
    let rate = Gamma::new(params.r, 1.0 / params.alpha).map_err(|e| bad(e.to_string()))?;
    let dropout = Beta::new(params.a, params.b).map_err(|e| bad(e.to_string()))?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let age = min_age + (max_age - min_age) * rng.random::<f64>();
        let lambda: f64 = rate.sample(&mut rng).max(1e-300);
        let p: f64 = dropout.sample(&mut rng);
        let wait = Exp::new(lambda).map_err(|e| bad(e.to_string()))?;
        let (mut x, mut t_x, mut now) = (0.0, 0.0, 0.0);
        let mut alive = !(model == TransactionModel::Mbgnbd && rng.random::<f64>() < p);
        while alive {
            now += wait.sample(&mut rng);
            if now > age {
                break;
            }
            x += 1.0;
            t_x = now;
            alive = rng.random::<f64>() >= p;
        }
        out.push(History { x, t_x, t: age });
    }
    Ok(out)
}
