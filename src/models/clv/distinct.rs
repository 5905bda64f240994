//! Customers' histories reduced to the distinct (x, tₓ, T) they take, each
//! value an index into the distinct repeat counts and times. The BG/NBD
//! likelihood is a sum over these rows (special functions once per distinct
//! x, logarithms once per distinct time), and scoring computes P(alive) and
//! the next-order day once per row: orders dated in days give a few hundred
//! distinct times and, for a million customers, some 300k rows.

use rustc_hash::FxHashMap;

use super::bgnbd::History;

/// The distinct histories, their weights and each customer's row. Rows
/// are grouped by (x, T): the customers of a group share everything in
/// their scores but P(alive).
pub(crate) struct DistinctHistories {
    /// Distinct repeat purchase counts.
    pub xs: Vec<f64>,
    /// Distinct times (recencies and ages), in the time unit.
    pub times: Vec<f64>,
    pub rows: Vec<Row>,
    /// Group g's rows are `group_starts[g]..group_starts[g + 1]`.
    pub group_starts: Vec<u32>,
    /// The row of each history, in the order given.
    pub row_of: Vec<u32>,
    /// The number of histories (Σ weight).
    pub total: f64,
}

/// One distinct history: indices into `xs` and `times`, and how many customers share it.
#[derive(Clone, Copy)]
pub(crate) struct Row {
    pub x: u32,
    pub t_x: u32,
    pub t: u32,
    pub weight: f64,
}

/// Pairs (x, T) are numbered through a table while it has at most this many cells; beyond, by hashing.
const PAIR_TABLE_CELLS: usize = 1 << 21;

impl DistinctHistories {
    /// Groups in order of first appearance, rows within a group too. In
    /// linear time: the histories are counting-sorted by group, then each
    /// group's recencies are looked up in a table by time.
    pub fn new(histories: &[History]) -> DistinctHistories {
        let (mut xs, mut times) = (Interner::default(), Interner::default());
        let ids: Vec<[u32; 3]> = histories
            .iter()
            .map(|h| [xs.id(h.x), times.id(h.t_x), times.id(h.t)])
            .collect();
        let (xs, times) = (xs.values, times.values);
        let (group_of, groups) = number_groups(&ids, times.len(), PAIR_TABLE_CELLS);
        let mut starts = vec![0u32; groups + 1];
        for &g in &group_of {
            starts[g as usize + 1] += 1;
        }
        for g in 0..groups {
            starts[g + 1] += starts[g];
        }
        let mut next = starts.clone();
        // (history, recency) by group.
        let mut order = vec![(0u32, 0u32); ids.len()];
        for (i, (&g, h)) in group_of.iter().zip(&ids).enumerate() {
            order[next[g as usize] as usize] = (i as u32, h[1]);
            next[g as usize] += 1;
        }
        drop(group_of);
        let mut row_at = vec![u32::MAX; times.len()];
        let mut touched: Vec<u32> = Vec::new();
        let mut rows: Vec<Row> = Vec::new();
        let mut row_of = vec![0u32; ids.len()];
        let mut group_starts = Vec::with_capacity(groups + 1);
        for g in 0..groups {
            group_starts.push(rows.len() as u32);
            for &(i, t_x) in &order[starts[g] as usize..starts[g + 1] as usize] {
                let slot = &mut row_at[t_x as usize];
                if *slot == u32::MAX {
                    *slot = rows.len() as u32;
                    let [x, _, t] = ids[i as usize];
                    rows.push(Row { x, t_x, t, weight: 0.0 });
                    touched.push(t_x);
                }
                rows[*slot as usize].weight += 1.0;
                row_of[i as usize] = *slot;
            }
            for t_x in touched.drain(..) {
                row_at[t_x as usize] = u32::MAX;
            }
        }
        group_starts.push(rows.len() as u32);
        DistinctHistories {
            xs,
            times,
            rows,
            group_starts,
            row_of,
            total: histories.len() as f64,
        }
    }

    /// The number of (x, T) groups.
    pub fn groups(&self) -> usize {
        self.group_starts.len() - 1
    }

    /// The rows of group `g`, and their indices.
    pub fn group(&self, g: usize) -> (std::ops::Range<usize>, &[Row]) {
        let range = self.group_starts[g] as usize..self.group_starts[g + 1] as usize;
        (range.clone(), &self.rows[range])
    }

    /// The largest age.
    pub fn max_age(&self) -> f64 {
        self.rows.iter().map(|r| self.times[r.t as usize]).fold(0.0, f64::max)
    }

    /// The same histories with recency and age rounded to multiples of
    /// `step` (rounding keeps tₓ ≤ T and 0 at 0), merged: a likelihood close
    /// to this one, over fewer rows. Without `row_of`.
    pub fn coarsen(&self, step: f64) -> DistinctHistories {
        let mut times = Interner::default();
        let to_coarse: Vec<u32> = self
            .times
            .iter()
            .map(|&t| times.id((t / step).round() * step))
            .collect();
        let mut rows: Vec<Row> = self
            .rows
            .iter()
            .map(|r| Row {
                t_x: to_coarse[r.t_x as usize],
                t: to_coarse[r.t as usize],
                ..*r
            })
            .collect();
        rows.sort_unstable_by_key(|r| (r.x, r.t, r.t_x));
        rows.dedup_by(|next, kept| {
            let same = (next.x, next.t_x, next.t) == (kept.x, kept.t_x, kept.t);
            if same {
                kept.weight += next.weight;
            }
            same
        });
        let mut group_starts: Vec<u32> = (0..rows.len())
            .filter(|&i| i == 0 || (rows[i].x, rows[i].t) != (rows[i - 1].x, rows[i - 1].t))
            .map(|i| i as u32)
            .collect();
        group_starts.push(rows.len() as u32);
        DistinctHistories {
            xs: self.xs.clone(),
            times: times.values,
            rows,
            group_starts,
            row_of: Vec::new(),
            total: self.total,
        }
    }
}

/// Numbers the (x, T) pairs of the histories by first appearance — through
/// a table of x × T cells if there are at most `table_cells` — giving each
/// history's group and the number of groups.
fn number_groups(ids: &[[u32; 3]], times: usize, table_cells: usize) -> (Vec<u32>, usize) {
    let xs = ids.iter().map(|h| h[0] as usize + 1).max().unwrap_or(0);
    let mut groups = 0u32;
    let mut new_group = || {
        groups += 1;
        groups - 1
    };
    let group_of = if xs.saturating_mul(times) <= table_cells {
        let mut table = vec![u32::MAX; xs * times];
        ids.iter()
            .map(|&[x, _, t]| {
                let cell = &mut table[x as usize * times + t as usize];
                if *cell == u32::MAX {
                    *cell = new_group();
                }
                *cell
            })
            .collect()
    } else {
        let mut index: FxHashMap<u64, u32> = FxHashMap::default();
        ids.iter()
            .map(|&[x, _, t]| {
                *index
                    .entry((u64::from(x) << 32) | u64::from(t))
                    .or_insert_with(&mut new_group)
            })
            .collect()
    };
    (group_of, groups as usize)
}

/// Numbers values by their first appearance: the distinct values and the
/// index of one. Values on the grid of sevenths (whole days in days or in
/// weeks, whole purchase counts: what dated orders give) are looked up in a
/// table by their grid point; others by hashing.
#[derive(Default)]
struct Interner {
    values: Vec<f64>,
    /// Index + 1 by grid point (0: not seen).
    grid: Vec<u32>,
    index: FxHashMap<u64, u32>,
}

/// Grid points above this are hashed.
const GRID_POINTS: usize = 1 << 20;

impl Interner {
    fn id(&mut self, v: f64) -> u32 {
        let point = (v * 7.0).round_ties_even();
        if point >= 0.0 && point < GRID_POINTS as f64 && point / 7.0 == v {
            let point = point as usize;
            if point >= self.grid.len() {
                self.grid.resize((point + 1).next_power_of_two().min(GRID_POINTS), 0);
            }
            if self.grid[point] == 0 {
                self.values.push(v);
                self.grid[point] = self.values.len() as u32;
            }
            return self.grid[point] - 1;
        }
        let next = self.values.len() as u32;
        let id = *self.index.entry(v.to_bits()).or_insert(next);
        if id == next {
            self.values.push(v);
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_history_is_its_row_and_the_weights_count_them() {
        let h = |x: f64, t_x: f64, t: f64| History { x, t_x, t };
        let histories = [
            h(0.0, 0.0, 3.0),
            h(2.0, 1.5, 3.0),
            h(0.0, 0.0, 3.0),
            h(2.0, 1.0 / 3.0, 3.0),
        ];
        let d = DistinctHistories::new(&histories);
        assert_eq!(d.rows.len(), 3);
        assert_eq!(d.row_of, vec![0, 1, 0, 2]);
        // Groups (0, 3) and (2, 3).
        assert_eq!(d.group_starts, vec![0, 1, 3]);
        for (i, hist) in histories.iter().enumerate() {
            let r = d.rows[d.row_of[i] as usize];
            assert_eq!(
                (d.xs[r.x as usize], d.times[r.t_x as usize], d.times[r.t as usize]),
                (hist.x, hist.t_x, hist.t)
            );
        }
        assert_eq!(d.rows.iter().map(|r| r.weight).collect::<Vec<_>>(), vec![2.0, 1.0, 1.0]);
        assert_eq!(d.total, 4.0);
        assert_eq!(d.max_age(), 3.0);
        let coarse = d.coarsen(1.0);
        // (2, 1.5, 3) rounds to (2, 2, 3), (2, 1/3, 3) to (2, 0, 3): still two.
        assert_eq!(coarse.rows.len(), 3);
        assert_eq!(coarse.rows.iter().map(|r| r.weight).sum::<f64>(), 4.0);
        assert_eq!(d.coarsen(4.0).rows.len(), 2);
    }

    #[test]
    fn groups_are_numbered_alike_through_the_table_and_by_hashing() {
        let ids: Vec<[u32; 3]> = (0..5000u32).map(|i| [(i * 7) % 13, 0, (i * 31) % 101]).collect();
        let by_table = number_groups(&ids, 101, usize::MAX);
        assert_eq!(by_table, number_groups(&ids, 101, 0));
        assert_eq!(by_table.1, 13 * 101);
        for (i, &g) in by_table.0.iter().enumerate() {
            let first = by_table.0.iter().position(|&h| h == g).unwrap();
            assert_eq!((ids[first][0], ids[first][2]), (ids[i][0], ids[i][2]));
        }
    }

    #[test]
    fn simulated_histories_map_to_rows_grouped_by_count_and_age() {
        let truth = super::super::bgnbd::BgParams {
            r: 0.3,
            alpha: 5.0,
            a: 0.9,
            b: 2.2,
        };
        let model = super::super::bgnbd::TransactionModel::Bgnbd;
        let mut histories = super::super::simulate::simulate(model, truth, 4000, 1.0, 30.0, 5).unwrap();
        // Whole days, in weeks: many customers share a row.
        for h in &mut histories {
            h.t = (h.t * 7.0).ceil() / 7.0;
            h.t_x = ((h.t_x * 7.0).floor() / 7.0).min(h.t);
        }
        let d = DistinctHistories::new(&histories);
        assert!(d.rows.len() < histories.len() / 2);
        assert_eq!(d.rows.iter().map(|r| r.weight).sum::<f64>(), histories.len() as f64);
        for (h, &row) in histories.iter().zip(&d.row_of) {
            let r = d.rows[row as usize];
            assert_eq!(
                (d.xs[r.x as usize], d.times[r.t_x as usize], d.times[r.t as usize]),
                (h.x, h.t_x, h.t)
            );
        }
        let mut seen = std::collections::HashSet::new();
        for g in 0..d.groups() {
            let (_, rows) = d.group(g);
            assert!(!rows.is_empty() && rows.iter().all(|r| (r.x, r.t) == (rows[0].x, rows[0].t)));
            assert!(seen.insert((rows[0].x, rows[0].t)), "one group per (x, T)");
        }
    }
}
