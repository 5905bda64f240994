//! Small dense linear algebra for the models: Cholesky factorisation of
//! symmetric positive-definite matrices, solving with them and inverting them
//! (Newton steps, standard errors from a Hessian). Matrices are row-major
//! `n × n` slices; sizes here are tens, never thousands, so nothing is blocked.

/// The lower-triangular Cholesky factor `L` of `a` (`a = L Lᵀ`), row-major, or
/// `None` when `a` is not symmetric positive definite (a non-positive or
/// non-finite pivot). Only the lower triangle of `a` is read.
pub fn cholesky(a: &[f64], n: usize) -> Option<Vec<f64>> {
    if a.len() != n * n {
        return None;
    }
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut sum = a[i * n + j];
            for k in 0..j {
                sum -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                if sum <= 0.0 || !sum.is_finite() {
                    return None;
                }
                l[i * n + i] = sum.sqrt();
            } else {
                l[i * n + j] = sum / l[j * n + j];
            }
        }
    }
    Some(l)
}

/// Solves `L Lᵀ x = b` for a Cholesky factor from [`cholesky`].
pub fn cholesky_solve(l: &[f64], n: usize, b: &[f64]) -> Vec<f64> {
    let mut y = vec![0.0; n];
    for i in 0..n {
        let mut sum = b[i];
        for k in 0..i {
            sum -= l[i * n + k] * y[k];
        }
        y[i] = sum / l[i * n + i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let mut sum = y[i];
        for k in i + 1..n {
            sum -= l[k * n + i] * x[k];
        }
        x[i] = sum / l[i * n + i];
    }
    x
}

/// Solves `a x = b` for a symmetric positive-definite `a`; `None` when it is not.
pub fn solve_spd(a: &[f64], n: usize, b: &[f64]) -> Option<Vec<f64>> {
    if b.len() != n {
        return None;
    }
    let l = cholesky(a, n)?;
    Some(cholesky_solve(&l, n, b))
}

/// The inverse of a symmetric positive-definite `a` (row-major), or `None` when
/// it is not positive definite.
pub fn invert_spd(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let l = cholesky(a, n)?;
    let mut inverse = vec![0.0; n * n];
    let mut unit = vec![0.0; n];
    for j in 0..n {
        unit.iter_mut().for_each(|u| *u = 0.0);
        unit[j] = 1.0;
        let column = cholesky_solve(&l, n, &unit);
        for i in 0..n {
            inverse[i * n + j] = column[i];
        }
    }
    // Symmetrise away the rounding of the two triangular solves.
    for i in 0..n {
        for j in 0..i {
            let mean = 0.5 * (inverse[i * n + j] + inverse[j * n + i]);
            inverse[i * n + j] = mean;
            inverse[j * n + i] = mean;
        }
    }
    Some(inverse)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: [f64; 9] = [4.0, 12.0, -16.0, 12.0, 37.0, -43.0, -16.0, -43.0, 98.0];

    #[test]
    fn cholesky_of_the_textbook_matrix() {
        // The classic example: L = [[2,0,0],[6,1,0],[-8,5,3]].
        let l = cholesky(&A, 3).unwrap();
        assert_eq!(l, vec![2.0, 0.0, 0.0, 6.0, 1.0, 0.0, -8.0, 5.0, 3.0]);
    }

    #[test]
    fn solve_and_inverse_reproduce_the_identity() {
        let x = solve_spd(&A, 3, &[1.0, 2.0, 3.0]).unwrap();
        for i in 0..3 {
            let ax: f64 = (0..3).map(|k| A[i * 3 + k] * x[k]).sum();
            assert!((ax - [1.0, 2.0, 3.0][i]).abs() < 1e-9);
        }
        let inv = invert_spd(&A, 3).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let p: f64 = (0..3).map(|k| A[i * 3 + k] * inv[k * 3 + j]).sum();
                assert!((p - if i == j { 1.0 } else { 0.0 }).abs() < 1e-9, "({i},{j}) = {p}");
            }
        }
    }

    #[test]
    fn indefinite_or_misshapen_matrices_are_refused() {
        assert!(cholesky(&[1.0, 2.0, 2.0, 1.0], 2).is_none());
        assert!(cholesky(&[f64::NAN], 1).is_none());
        assert!(cholesky(&[1.0, 0.0, 0.0], 2).is_none());
        assert!(solve_spd(&[1.0], 1, &[1.0, 2.0]).is_none());
    }
}
