//! The result's body from the passes' sums: each slot's measure values, the
//! customers behind it as a selection expression, the rows and columns in
//! order, and the axes.

use std::cmp::Ordering;

use super::dims::{drill_next, label_rank, Dim, Source};
use super::distinct::Grid;
use super::engine::{Axis, Cell};
use super::params::{Filter, Measure, PivotDefinition, ValidDefinition};
use super::tally::Acc;

/// What the loaded data can measure; the other measures are null.
pub(super) struct Available {
    /// The orders have a cost column (profit).
    pub cost: bool,
    /// The customer table has complaints (complaint rate).
    pub complaints: bool,
    /// There are tickets and every dimension can place them.
    pub tickets: bool,
    /// There are survey answers and every dimension can place them.
    pub surveys: bool,
}

/// Each slot's sums, and the measures' values from them.
pub(super) struct SlotValues {
    acc: Vec<Acc>,
    /// Distinct orders with an order id, per slot.
    order_counts: Vec<u64>,
    available: Available,
}

/// `a / b`, when `b` is positive.
fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

/// The median of values, sorted in place.
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let k = values.len();
    if k % 2 == 1 {
        values[k / 2]
    } else {
        (values[k / 2 - 1] + values[k / 2]) / 2.0
    }
}

impl SlotValues {
    /// The values of the tally's sums and order counts, per slot.
    pub fn new(acc: Vec<Acc>, order_counts: Vec<u64>, available: Available) -> SlotValues {
        SlotValues {
            acc,
            order_counts,
            available,
        }
    }

    /// Whether anything fell in the slot.
    fn touched(&self, s: usize) -> bool {
        self.acc[s].touched
    }

    /// One measure in slot `s` (None where undefined). The median sorts the
    /// slot's resolution times in place, and a mean taken after it sums them in
    /// that order.
    fn value(&mut self, s: usize, m: Measure) -> Option<f64> {
        let order_n = self.order_counts[s] + self.acc[s].lines.line_orders;
        let (ticket_ok, survey_ok) = (self.available.tickets, self.available.surveys);
        let a = &mut self.acc[s];
        match m {
            Measure::Customers => Some(a.customers as f64),
            Measure::Orders => Some(order_n as f64),
            Measure::Revenue => Some(a.lines.revenue),
            Measure::Profit => self.available.cost.then_some(a.lines.profit),
            Measure::Aov => ratio(a.lines.revenue, order_n as f64),
            Measure::RevenuePerCustomer => ratio(a.lines.revenue, a.customers as f64),
            Measure::RepeatRate => ratio(a.repeaters as f64, a.buyers as f64),
            Measure::ChurnShare => ratio(a.churned as f64, a.buyers as f64),
            Measure::ComplaintRate => {
                if self.available.complaints {
                    ratio(a.complainers as f64, a.customers as f64)
                } else {
                    None
                }
            }
            Measure::ComplaintsPer100Orders => {
                if ticket_ok {
                    ratio(100.0 * a.complaints as f64, order_n as f64)
                } else {
                    None
                }
            }
            Measure::ResolutionDaysMean => (ticket_ok && !a.durations.is_empty())
                .then(|| a.durations.iter().sum::<f64>() / a.durations.len() as f64),
            Measure::ResolutionDaysMedian => (ticket_ok && !a.durations.is_empty()).then(|| median(&mut a.durations)),
            Measure::AvgCsat => {
                if survey_ok {
                    ratio(a.csat.0, a.csat.1 as f64)
                } else {
                    None
                }
            }
            Measure::Nps => {
                if survey_ok {
                    ratio(100.0 * (a.nps.0 as f64 - a.nps.1 as f64), a.nps.2 as f64)
                } else {
                    None
                }
            }
            Measure::LateShare => ratio(a.lines.late as f64, a.lines.with_payment as f64),
        }
    }

    /// Every measure of `measures` in slot `s`, in order.
    fn values(&mut self, s: usize, measures: &[Measure]) -> Vec<Option<f64>> {
        measures.iter().map(|&m| self.value(s, m)).collect()
    }
}

/// The customers behind a cell as a selection expression, when the language
/// can say it: the row's and column's predicates and the filters'.
pub(super) struct Selections<'a> {
    dims: &'a [Dim],
    has_cols: bool,
    /// The filters as one expression: `None` when one cannot be said,
    /// `Some(None)` without filters.
    filter: Option<Option<String>>,
}

impl<'a> Selections<'a> {
    /// The selections of a definition's cells over its resolved dimensions
    /// (rows, columns if any, then one per filter).
    pub fn new(d: &PivotDefinition, dims: &'a [Dim]) -> Selections<'a> {
        let has_cols = d.columns.is_some();
        let filter_dims = dims.iter().skip(if has_cols { 2 } else { 1 });
        Selections {
            dims,
            has_cols,
            filter: filter_expr(&d.filters, filter_dims),
        }
    }

    /// The customers of row `r`, column `c` (`None`: over every row, or column).
    fn customers(&self, r: Option<u32>, c: Option<u32>) -> Option<String> {
        let dims = self.dims;
        let mut parts = Vec::new();
        let both_lines = self.has_cols
            && r.is_some()
            && c.is_some()
            && matches!(dims[0].source, Source::LineText("product_id" | "category"))
            && matches!(dims[1].source, Source::LineText("product_id" | "category"));
        if both_lines {
            let (a, b) = (dims[0].expr(r?)?, dims[1].expr(c?)?);
            parts.push(bought_both(&a, &b));
        } else {
            if let Some(r) = r {
                parts.push(dims[0].expr(r)?);
            }
            if let Some(c) = c {
                parts.push(dims[1].expr(c)?);
            }
        }
        if let Some(f) = self.filter.clone()? {
            parts.push(f);
        }
        Some(if parts.is_empty() {
            "true".into()
        } else {
            parts.join(" and ")
        })
    }
}

/// bought(x = 'a') and bought(y = 'b') → one line matching both.
fn bought_both(a: &str, b: &str) -> String {
    let inner = |e: &str| e.trim_start_matches("bought(").trim_end_matches(')').to_string();
    format!("bought({}, {})", inner(a), inner(b))
}

/// Every filter as one expression, `and`-ed: `None` when a filter cannot be
/// said, `Some(None)` without filters.
fn filter_expr<'a>(filters: &[Filter], dims: impl Iterator<Item = &'a Dim>) -> Option<Option<String>> {
    let mut parts = Vec::new();
    let mut ok = true;
    for (f, dim) in filters.iter().zip(dims) {
        match any_of(dim, &f.values) {
            Some(alts) => parts.push(alts),
            None => ok = false,
        }
    }
    ok.then(|| (!parts.is_empty()).then(|| parts.join(" and ")))
}

/// One filter's values as an expression (`or`-ed in brackets when more than
/// one); `None` when one cannot be said.
fn any_of(dim: &Dim, values: &[String]) -> Option<String> {
    let alts: Vec<Option<String>> = values
        .iter()
        .map(|v| {
            let code = dim.dict.labels.iter().position(|l| l == v)? as u32;
            dim.expr(code)
        })
        .collect();
    if alts.iter().any(Option::is_none) {
        return None;
    }
    let alts: Vec<String> = alts.into_iter().flatten().collect();
    Some(if alts.len() == 1 {
        alts[0].clone()
    } else {
        format!("({})", alts.join(" or "))
    })
}

/// The codes of a dimension's labels in label order, leaving out labels with
/// nothing in them (every customer of theirs filtered out); `slot` gives a
/// label's total slot.
fn ranked_labels(dim: &Dim, values: &SlotValues, slot: impl Fn(u32) -> usize) -> Vec<u32> {
    let mut v: Vec<u32> = (0..dim.dict.labels.len() as u32)
        .filter(|&k| values.touched(slot(k)))
        .collect();
    v.sort_by_cached_key(|&k| label_rank(&dim.name, &dim.dict.labels[k as usize]));
    v
}

/// The rows shown, in the definition's order (by label, or by a measure of
/// the row totals, nulls last), and how many `limit` leaves out.
pub(super) fn row_order(def: &ValidDefinition, dim: &Dim, grid: Grid, values: &mut SlotValues) -> (Vec<u32>, usize) {
    let d = &def.definition;
    let mut rows = ranked_labels(dim, values, |r| grid.row_total(r as usize));
    if let (Some(mi), Some(sort)) = (def.sort_measure, &d.sort) {
        let mut keyed: Vec<(u32, Option<f64>)> = rows
            .iter()
            .map(|&r| (r, values.value(grid.row_total(r as usize), def.measures[mi])))
            .collect();
        keyed.sort_by(|a, b| by_value(a.1, b.1, sort.descending));
        rows = keyed.into_iter().map(|(r, _)| r).collect();
    } else if d.sort.as_ref().is_some_and(|s| s.descending) {
        rows.reverse();
    }
    let rows_left_out = d.limit.map_or(0, |l| rows.len().saturating_sub(l));
    rows.truncate(rows.len() - rows_left_out);
    (rows, rows_left_out)
}

/// Two values in ascending or descending order, nulls last either way.
fn by_value(a: Option<f64>, b: Option<f64>, descending: bool) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => {
            if descending {
                y.total_cmp(&x)
            } else {
                x.total_cmp(&y)
            }
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The columns shown, in label order (none without a column dimension).
pub(super) fn column_order(dims: &[Dim], grid: Grid, values: &SlotValues) -> Vec<u32> {
    if grid.has_cols {
        ranked_labels(&dims[1], values, |c| grid.column_total(c as usize))
    } else {
        Vec::new()
    }
}

/// The cells and totals of the result, in the rows' and columns' order.
pub(super) struct Body {
    pub cells: Vec<Vec<Cell>>,
    pub row_totals: Vec<Cell>,
    pub column_totals: Option<Vec<Cell>>,
    pub total: Cell,
}

/// Fills the body: per row its cells (or, without a column dimension, its
/// total as its one cell) and its total, then the column totals and the
/// grand total.
pub(super) fn body(
    grid: Grid,
    rows: &[u32],
    cols: &[u32],
    measures: &[Measure],
    values: &mut SlotValues,
    selections: &Selections,
) -> Body {
    let mut cell = |s: usize, r: Option<u32>, c: Option<u32>| Cell {
        values: values.values(s, measures),
        customers: selections.customers(r, c),
    };
    let mut cells = Vec::with_capacity(rows.len());
    let mut row_totals = Vec::with_capacity(rows.len());
    for &r in rows {
        let ru = r as usize;
        if grid.has_cols {
            cells.push(
                cols.iter()
                    .map(|&c| cell(grid.slot(ru, c as usize), Some(r), Some(c)))
                    .collect(),
            );
        }
        let t = cell(grid.row_total(ru), Some(r), None);
        if !grid.has_cols {
            cells.push(vec![t.clone()]);
        }
        row_totals.push(t);
    }
    let column_totals = grid.has_cols.then(|| {
        cols.iter()
            .map(|&c| cell(grid.column_total(c as usize), None, Some(c)))
            .collect()
    });
    let total = cell(grid.total(), None, None);
    Body {
        cells,
        row_totals,
        column_totals,
        total,
    }
}

/// An axis: the dimension, its labels in `order` and the next dimension of
/// its drill-down hierarchy.
pub(super) fn axis(dim: &Dim, order: &[u32]) -> Axis {
    Axis {
        dimension: dim.name.clone(),
        labels: order.iter().map(|&k| dim.dict.labels[k as usize].clone()).collect(),
        drill: drill_next(&dim.name),
    }
}
