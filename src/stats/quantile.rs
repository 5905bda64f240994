//! Ranks and quantile scores.

/// Quantile scores 1..=`q` for `values` (rows where `values` is `None` get 0):
/// rows are sorted by value and cut into `q` groups of equal size; ties are
/// broken by rank (sort order, then row), as common RFM practice does, so every
/// score holds `n/q` customers even when many share a value. `ascending` gives
/// the top score to the largest values; otherwise to the smallest (ties still
/// in row order).
pub fn ntile(values: &[Option<f64>], q: u8, ascending: bool) -> Vec<u8> {
    // Sort (value, row) pairs as integers: f64 mapped to u64 in total order (the
    // sign flipped for descending), row as the tie-break. Much faster than a
    // comparison closure over floats.
    let mut keyed: Vec<(u64, u32)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let v = (*v)?;
            let v = if ascending { v } else { -v };
            let bits = v.to_bits();
            let ordered = if bits >> 63 == 1 { !bits } else { bits | (1 << 63) };
            Some((ordered, i as u32))
        })
        .collect();
    keyed.sort_unstable();
    let rows: Vec<u32> = keyed.iter().map(|&(_, i)| i).collect();
    let n = rows.len();
    let mut out = vec![0u8; values.len()];
    for (rank, &i) in rows.iter().enumerate() {
        // SQL NTILE: the first n % q groups get one more row.
        out[i as usize] = ntile_group(rank, n, q as usize) as u8 + 1;
    }
    out
}

/// The 0-based NTILE group of the row at `rank` among `n` rows cut into `q`.
fn ntile_group(rank: usize, n: usize, q: usize) -> usize {
    let small = n / q;
    let big = small + 1;
    let n_big = n % q;
    if rank < n_big * big {
        rank / big
    } else {
        n_big + (rank - n_big * big) / small.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ntile_matches_sql_group_sizes_and_breaks_ties_by_rank() {
        // 7 rows into 3: sizes 3, 2, 2 as SQL NTILE(3).
        let v: Vec<Option<f64>> = [5.0, 1.0, 1.0, 1.0, 9.0, 2.0, 7.0].iter().map(|&x| Some(x)).collect();
        let s = ntile(&v, 3, true);
        // sorted: rows 1,2,3 (1.0) 5 (2.0) 0 (5.0) 6 (7.0) 4 (9.0)
        assert_eq!(s, vec![2, 1, 1, 1, 3, 2, 3]);
        let mut sizes = [0; 4];
        s.iter().for_each(|&x| sizes[x as usize] += 1);
        assert_eq!(&sizes[1..], &[3, 2, 2]);
    }

    #[test]
    fn missing_values_get_score_zero_and_do_not_count() {
        let s = ntile(&[None, Some(1.0), Some(2.0)], 2, true);
        assert_eq!(s, vec![0, 1, 2]);
    }

    #[test]
    fn descending_gives_the_top_score_to_small_values() {
        let s = ntile(&[Some(1.0), Some(10.0)], 2, false);
        assert_eq!(s, vec![2, 1]);
    }
}
