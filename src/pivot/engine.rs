//! A pivot from start to end: the derived customer columns it needs, its
//! dimensions, the passes over order lines, customers, tickets and survey
//! answers, and the result, with the result as CSV.

use serde::Serialize;

use super::cells::{self, Available, Selections, SlotValues};
use super::dims::Dim;
use super::distinct::Grid;
use super::locate;
use super::params::{Measure, PivotDefinition, ValidDefinition};
use super::tally::{CustomerColumns, Tally};
use crate::cohort::has_cost;
use crate::ingest::Entity;
use crate::table::customers::CustomerParams;
use crate::table::{CustomerTable, Workspace};
use crate::{Error, Result};

/// One axis of the result.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Axis {
    pub dimension: String,
    pub labels: Vec<String>,
    /// The next dimension of its drill-down hierarchy (filter on a label and pivot by it).
    pub drill: Option<&'static str>,
}

/// One cell: a value per measure (null where undefined), and the customers
/// behind it as a selection expression when the language can say it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cell {
    pub values: Vec<Option<f64>>,
    pub customers: Option<String>,
}

/// The result of [`pivot`].
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PivotResult {
    pub name: Option<String>,
    /// `"customer"` (every dimension a customer column) or `"order_line"`.
    pub grain: &'static str,
    pub rows: Axis,
    pub columns: Option<Axis>,
    pub measures: Vec<&'static str>,
    /// `cells[row][column]`; one column when there is no column dimension.
    pub cells: Vec<Vec<Cell>>,
    /// Per row, over every column (recomputed, not summed, where not additive).
    pub row_totals: Vec<Cell>,
    /// Per column, over every row (null without a column dimension).
    pub column_totals: Option<Vec<Cell>>,
    pub total: Cell,
    /// Rows left out by `limit` (the totals include them).
    pub rows_left_out: usize,
    /// What could not be computed, and why.
    pub notes: Vec<String>,
}

/// Runs a pivot over the workspace's customer table and order lines.
pub fn pivot(ws: &mut Workspace, def: &ValidDefinition, today: i32) -> Result<PivotResult> {
    let d = &def.definition;
    derive_columns(ws, d, today)?;
    let table = ws.customers(&CustomerParams::default(), today)?;
    let mut dims = resolve_dims(d, table)?;
    let columns = CustomerColumns::read(table);
    let ws = &*ws;
    let line_grain = dims.iter().any(Dim::is_line);
    let has_orders = ws.tables(Entity::Orders).next().is_some();
    if line_grain && !has_orders {
        return Err(Error::MissingData(
            "order-line dimensions need orders: load an orders file first".into(),
        ));
    }
    let cost = has_cost(ws);
    let notes = notes(ws, def, &dims, cost, columns.complaints.is_some());
    let (grid, mut values) = add_up(ws, def, &mut dims, columns, cost);
    let (row_order, rows_left_out) = cells::row_order(def, &dims[0], grid, &mut values);
    let col_order = cells::column_order(&dims, grid, &values);
    let selections = Selections::new(d, &dims);
    let body = cells::body(grid, &row_order, &col_order, &def.measures, &mut values, &selections);
    Ok(PivotResult {
        name: d.name.clone(),
        grain: if line_grain { "order_line" } else { "customer" },
        rows: cells::axis(&dims[0], &row_order),
        columns: grid.has_cols.then(|| cells::axis(&dims[1], &col_order)),
        measures: def.measures.iter().map(|m| m.name()).collect(),
        cells: body.cells,
        row_totals: body.row_totals,
        column_totals: body.column_totals,
        total: body.total,
        rows_left_out,
        notes,
    })
}

/// Codes every order line, ticket and survey answer (giving the labels their
/// codes), then adds lines, customers and events up per slot of the grid.
fn add_up(
    ws: &Workspace,
    def: &ValidDefinition,
    dims: &mut [Dim],
    columns: CustomerColumns,
    cost: bool,
) -> (Grid, SlotValues) {
    let line_grain = dims.iter().any(Dim::is_line);
    let has_orders = ws.tables(Entity::Orders).next().is_some();
    let line_codes = if has_orders {
        locate::line_codes(ws, dims)
    } else {
        Vec::new()
    };
    let events = if def.measures.iter().any(|m| m.from_events()) {
        locate::events(ws, dims)
    } else {
        Vec::new()
    };
    let grid = grid(&def.definition, dims);
    let available = Available {
        cost,
        complaints: columns.complaints.is_some(),
        tickets: locate::tickets_locatable(dims) && ws.tables(Entity::Tickets).next().is_some(),
        surveys: locate::surveys_locatable(dims) && ws.tables(Entity::Surveys).next().is_some(),
    };
    let mut tally = Tally::new(grid, def, line_grain, columns, line_codes.len());
    if has_orders {
        tally.add_lines(ws, dims, &line_codes);
    }
    tally.roll_up_line_sums();
    if line_grain {
        tally.count_line_customers();
    } else {
        tally.add_customers(dims);
    }
    tally.add_events(&events);
    let (acc, order_counts) = tally.finish();
    (grid, SlotValues::new(acc, order_counts, available))
}

/// The grid of the dimensions' labels, once every line and event is coded.
fn grid(d: &PivotDefinition, dims: &[Dim]) -> Grid {
    let has_cols = d.columns.is_some();
    Grid {
        n_rows: dims[0].dict.labels.len(),
        n_cols: if has_cols { dims[1].dict.labels.len() } else { 0 },
        has_cols,
    }
}

/// Computes the derived customer columns a definition names when the table
/// lacks them: RFM scores (with RFM's defaults) and the loyalty tier (with the
/// workspace's rules, or the defaults).
fn derive_columns(ws: &mut Workspace, d: &PivotDefinition, today: i32) -> Result<()> {
    let mut names: Vec<&str> = vec![d.rows.trim()];
    names.extend(d.columns.as_deref().map(str::trim));
    names.extend(d.filters.iter().map(|f| f.dimension.trim()));
    crate::segment::derive_missing(ws, &names, today)?;
    if names.contains(&"loyalty_tier")
        && ws
            .customers(&CustomerParams::default(), today)?
            .get("loyalty_tier")
            .is_none()
    {
        let rules = ws.loyalty_rules().cloned().unwrap_or_default().check()?;
        crate::loyalty::loyalty(ws, &rules, None, today)?;
    }
    Ok(())
}

/// The definition's dimensions: rows, columns if any, then one per filter.
fn resolve_dims(d: &PivotDefinition, table: &CustomerTable) -> Result<Vec<Dim>> {
    let mut dims: Vec<Dim> = Vec::new();
    dims.push(Dim::resolve(&d.rows, table, None)?);
    if let Some(c) = &d.columns {
        dims.push(Dim::resolve(c, table, None)?);
    }
    for f in &d.filters {
        dims.push(Dim::resolve(&f.dimension, table, Some(&f.values))?);
    }
    Ok(dims)
}

/// The measures the data cannot compute, each with why (shown as null).
fn notes(ws: &Workspace, def: &ValidDefinition, dims: &[Dim], cost: bool, complaints: bool) -> Vec<String> {
    let wants = |m: Measure| def.measures.contains(&m);
    let mut notes = Vec::new();
    if wants(Measure::Profit) && !cost {
        notes.push("profit needs a cost column in the orders: shown as null".to_string());
    }
    if wants(Measure::ComplaintRate) && !complaints {
        notes.push("complaint_rate needs support tickets: shown as null".to_string());
    }
    if !locate::tickets_locatable(dims)
        && def.measures.iter().any(|m| {
            matches!(
                m,
                Measure::ComplaintsPer100Orders | Measure::ResolutionDaysMean | Measure::ResolutionDaysMedian
            )
        })
    {
        notes.push("ticket measures need every dimension to be a customer column, product_id, category or a period of the date: shown as null".into());
    }
    if !locate::surveys_locatable(dims)
        && def
            .measures
            .iter()
            .any(|m| matches!(m, Measure::AvgCsat | Measure::Nps))
    {
        notes.push(
            "survey measures need every dimension to be a customer column or a period of the date: shown as null"
                .into(),
        );
    }
    if wants(Measure::LateShare) && ws.tables(Entity::Orders).all(|t| t.field("payment_status").is_none()) {
        notes.push("late_share needs a payment_status column in the orders: shown as null".into());
    }
    notes
}

/// The result as CSV: one line per cell, then the row, column and grand totals
/// (labelled `(total)`).
pub fn to_csv(p: &PivotResult) -> String {
    let esc = |s: &str| crate::campaign::csv_cell(s);
    let num = |v: &Option<f64>| v.map_or(String::new(), crate::campaign::number_text);
    let mut out = String::new();
    let col_dim = p.columns.as_ref().map(|c| c.dimension.as_str());
    out.push_str(&esc(&p.rows.dimension));
    if let Some(c) = col_dim {
        out.push(',');
        out.push_str(&esc(c));
    }
    for m in &p.measures {
        out.push(',');
        out.push_str(m);
    }
    out.push('\n');
    let mut line = |r: &str, c: Option<&str>, cell: &Cell| {
        out.push_str(&esc(r));
        if col_dim.is_some() {
            out.push(',');
            out.push_str(&esc(c.unwrap_or("(total)")));
        }
        for v in &cell.values {
            out.push(',');
            out.push_str(&num(v));
        }
        out.push('\n');
    };
    for (i, r) in p.rows.labels.iter().enumerate() {
        if let Some(cols) = &p.columns {
            for (j, c) in cols.labels.iter().enumerate() {
                line(r, Some(c), &p.cells[i][j]);
            }
        }
        line(r, None, &p.row_totals[i]);
    }
    if let (Some(cols), Some(ct)) = (&p.columns, &p.column_totals) {
        for (j, c) in cols.labels.iter().enumerate() {
            line("(total)", Some(c), &ct[j]);
        }
    }
    line("(total)", None, &p.total);
    out
}
