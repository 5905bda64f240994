//! Central-difference gradients and Hessians.

/// The central-difference gradient of `f` at `x` into `g`
/// (step ε^{1/3}·max(1, |xᵢ|)).
pub fn numeric_gradient<F>(mut f: F, x: &[f64], g: &mut [f64])
where
    F: FnMut(&[f64]) -> f64,
{
    let mut probe = x.to_vec();
    for i in 0..x.len() {
        let h = f64::EPSILON.cbrt() * x[i].abs().max(1.0);
        probe[i] = x[i] + h;
        let up = f(&probe);
        probe[i] = x[i] - h;
        let down = f(&probe);
        probe[i] = x[i];
        g[i] = (up - down) / (2.0 * h);
    }
}

/// The Hessian (row-major, symmetrised) by central differences of an analytic
/// gradient `grad(x, g)`.
pub fn numeric_hessian<G>(mut grad: G, x: &[f64]) -> Vec<f64>
where
    G: FnMut(&[f64], &mut [f64]),
{
    let n = x.len();
    let mut hessian = vec![0.0; n * n];
    let mut probe = x.to_vec();
    let (mut up, mut down) = (vec![0.0; n], vec![0.0; n]);
    for j in 0..n {
        let h = f64::EPSILON.cbrt() * x[j].abs().max(1.0);
        probe[j] = x[j] + h;
        grad(&probe, &mut up);
        probe[j] = x[j] - h;
        grad(&probe, &mut down);
        probe[j] = x[j];
        for i in 0..n {
            hessian[i * n + j] = (up[i] - down[i]) / (2.0 * h);
        }
    }
    for i in 0..n {
        for j in 0..i {
            let mean = 0.5 * (hessian[i * n + j] + hessian[j * n + i]);
            hessian[i * n + j] = mean;
            hessian[j * n + i] = mean;
        }
    }
    hessian
}
