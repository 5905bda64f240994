//! Distinct keys (orders, customers) per cell and per row, column and grand
//! total, from `(key, cell)` pairs: one sort, then each key's few cells.

/// `(key, cell)` pairs of the kept lines.
#[derive(Debug, Default)]
pub struct CellDistinct {
    keys: Vec<u32>,
    cells: Vec<u32>,
    max_key: u32,
}

/// The cell grid: `n_rows × (n_cols + 1)` slots plus the totals row; the last
/// column (index `n_cols`) holds the row totals, the last row the column totals.
#[derive(Debug, Clone, Copy)]
pub struct Grid {
    pub n_rows: usize,
    pub n_cols: usize,
    pub has_cols: bool,
}

impl Grid {
    pub fn stride(&self) -> usize {
        self.n_cols + 1
    }

    pub fn slots(&self) -> usize {
        (self.n_rows + 1) * self.stride()
    }

    /// The slot of row `r`, column `c`.
    pub fn slot(&self, r: usize, c: usize) -> usize {
        r * self.stride() + c
    }

    /// The slot of row `r`'s total (over every column).
    pub fn row_total(&self, r: usize) -> usize {
        self.slot(r, self.n_cols)
    }

    /// The slot of column `c`'s total (over every row).
    pub fn column_total(&self, c: usize) -> usize {
        self.slot(self.n_rows, c)
    }

    /// The slot of the grand total.
    pub fn total(&self) -> usize {
        self.slot(self.n_rows, self.n_cols)
    }

    /// The slots something in row `r`, column `c` adds to, and how many:
    /// its cell and its row, column and grand totals (4), or, without a
    /// column dimension (`c` ignored), its row total and the grand total (2).
    #[inline]
    pub fn slots_of(&self, r: u32, c: u32) -> ([usize; 4], usize) {
        let r = r as usize;
        if self.has_cols {
            let c = c as usize;
            (
                [self.slot(r, c), self.row_total(r), self.column_total(c), self.total()],
                4,
            )
        } else {
            ([self.row_total(r), self.total(), 0, 0], 2)
        }
    }
}

impl CellDistinct {
    /// Room for `pairs` pairs, so that a pass over the lines never copies the buffers as they grow.
    pub fn with_capacity(pairs: usize) -> Self {
        CellDistinct {
            keys: Vec::with_capacity(pairs),
            cells: Vec::with_capacity(pairs),
            max_key: 0,
        }
    }

    /// Adds a (key, cell) pair; the same pair as the last one is skipped
    /// (an order's lines, a customer's lines of one order, come together).
    #[inline]
    pub fn push(&mut self, key: u32, cell: u32) {
        if self.keys.last() == Some(&key) && self.cells.last() == Some(&cell) {
            return;
        }
        self.keys.push(key);
        self.cells.push(cell);
        self.max_key = self.max_key.max(key);
    }

    /// Distinct keys per slot of `grid` (`cell` = `row * stride + column`, the
    /// column being `n_cols` without a column dimension). The pairs are grouped
    /// by key with a counting sort (keys are dense dictionary codes), then each
    /// key's cells are marked once per cell, row, column and the grand total.
    pub fn counts(self, grid: Grid) -> Vec<u64> {
        let stride = grid.stride();
        let mut out = vec![0u64; grid.slots()];
        if self.keys.is_empty() {
            return out;
        }
        // Keys numbered in order of first appearance come grouped already
        // when each key's pairs are together (an order's lines): no sort.
        let (starts, grouped) = if self.keys.is_sorted() {
            let mut starts: Vec<u32> = (0..self.keys.len())
                .filter(|&i| i == 0 || self.keys[i] != self.keys[i - 1])
                .map(|i| i as u32)
                .collect();
            starts.push(self.keys.len() as u32);
            (starts, self.cells)
        } else {
            let nk = self.max_key as usize + 1;
            let mut start = vec![0u32; nk + 1];
            for &k in &self.keys {
                start[k as usize + 1] += 1;
            }
            for k in 0..nk {
                start[k + 1] += start[k];
            }
            let mut pos = start.clone();
            let mut grouped = vec![0u32; self.keys.len()];
            for (&k, &cell) in self.keys.iter().zip(&self.cells) {
                let p = &mut pos[k as usize];
                grouped[*p as usize] = cell;
                *p += 1;
            }
            start.dedup();
            (start, grouped)
        };
        let total = grid.n_rows * stride + grid.n_cols;
        // (row, column) of each slot, looked up rather than divided out per pair.
        let row_col: Vec<(usize, usize)> = (0..grid.slots()).map(|cell| (cell / stride, cell % stride)).collect();
        let mut cell_seen = vec![0u32; grid.slots()];
        let mut row_seen = vec![0u32; grid.n_rows + 1];
        let mut col_seen = vec![0u32; grid.n_cols + 1];
        for (k, run) in starts.windows(2).enumerate() {
            let (a, b) = (run[0] as usize, run[1] as usize);
            let stamp = k as u32 + 1;
            for &cell in &grouped[a..b] {
                let cell = cell as usize;
                if cell_seen[cell] == stamp {
                    continue;
                }
                cell_seen[cell] = stamp;
                let (r, c) = row_col[cell];
                if grid.has_cols {
                    out[cell] += 1;
                    if col_seen[c] != stamp {
                        col_seen[c] = stamp;
                        out[grid.n_rows * stride + c] += 1;
                    }
                }
                if row_seen[r] != stamp {
                    row_seen[r] = stamp;
                    out[r * stride + grid.n_cols] += 1;
                }
            }
            out[total] += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_in_two_cells_counts_in_both_and_once_in_shared_totals() {
        let grid = Grid {
            n_rows: 2,
            n_cols: 2,
            has_cols: true,
        };
        let mut d = CellDistinct::default();
        // key 7 in (0,0) twice and (0,1); key 8 in (1,1).
        for (k, r, c) in [(7, 0, 0), (7, 0, 0), (7, 0, 1), (8, 1, 1)] {
            d.push(k, (r * 3 + c) as u32);
        }
        let n = d.counts(grid);
        assert_eq!((n[0], n[1], n[4]), (1, 1, 1));
        assert_eq!((n[2], n[5]), (1, 1)); // row totals
        assert_eq!((n[6], n[7]), (1, 2)); // column totals
        assert_eq!(n[8], 2);
    }

    #[test]
    fn grouped_keys_count_as_the_counting_sort_does() {
        let grid = Grid {
            n_rows: 3,
            n_cols: 4,
            has_cols: true,
        };
        let stride = grid.stride() as u32;
        // Pseudo-random (key, cell) pairs, and the same pairs ordered by key.
        let mut pairs: Vec<(u32, u32)> = (0..2000u32)
            .map(|i| ((i * 7919) % 211, ((i * 31) % 3) * stride + (i * 17) % 4))
            .collect();
        let mut shuffled = CellDistinct::default();
        for &(k, c) in &pairs {
            shuffled.push(k, c);
        }
        assert!(!shuffled.keys.is_sorted());
        pairs.sort_by_key(|p| p.0);
        let mut grouped = CellDistinct::default();
        for &(k, c) in &pairs {
            grouped.push(k, c);
        }
        assert!(grouped.keys.is_sorted());
        let n = shuffled.counts(grid);
        assert_eq!(n, grouped.counts(grid));
        assert_eq!(n[grid.slots() - 1], 211);
    }
}
