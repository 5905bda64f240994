//! The pivot's passes: order lines, customers, then tickets and survey answers,
//! each adding to the cell it falls in and to the row, column and grand totals.

use arrow_array::{Array, Float64Array};
use serde::Serialize;

use super::dims::{drill_next, label_rank, Dim, Source};
use super::distinct::{CellDistinct, Grid};
use super::params::{Measure, ValidDefinition};
use crate::cohort::{each_line, has_cost};
use crate::ingest::Entity;
use crate::table::customers::{day_at, text_at, CustomerParams};
use crate::table::{Column, Values, Workspace};
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

#[derive(Default, Clone)]
struct Acc {
    touched: bool,
    /// The order lines' sums, rolled up from the cells' [`LineSums`].
    lines: LineSums,
    customers: u64,
    buyers: u64,
    repeaters: u64,
    churned: u64,
    complainers: u64,
    complaints: u64,
    durations: Vec<f64>,
    csat: (f64, u64),
    nps: (u64, u64, u64),
}

/// The additive sums of the order lines in one cell, rolled up into the
/// row, column and grand totals once the lines are all seen (four times
/// fewer updates per line than adding each line to every total).
#[derive(Debug, Clone, Copy, Default)]
struct LineSums {
    touched: bool,
    revenue: f64,
    profit: f64,
    line_orders: u64,
    late: u64,
    with_payment: u64,
}

impl LineSums {
    fn add(&mut self, other: &LineSums) {
        self.touched |= other.touched;
        self.revenue += other.revenue;
        self.profit += other.profit;
        self.line_orders += other.line_orders;
        self.late += other.late;
        self.with_payment += other.with_payment;
    }
}

fn number_col(t: &crate::table::CustomerTable, name: &str) -> Option<Float64Array> {
    match t.get(name).map(|f| &f.values) {
        Some(Values::Number(a)) => Some(a.clone()),
        _ => None,
    }
}

fn num(a: &Option<Float64Array>, c: usize) -> Option<f64> {
    a.as_ref().filter(|a| c < a.len() && a.is_valid(c)).map(|a| a.value(c))
}

/// Runs a pivot over the workspace's customer table and order lines.
pub fn pivot(ws: &mut Workspace, def: &ValidDefinition, today: i32) -> Result<PivotResult> {
    let d = &def.definition;
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
    let table = ws.customers(&CustomerParams::default(), today)?;
    let mut dims: Vec<Dim> = Vec::new();
    dims.push(Dim::resolve(&d.rows, table, None)?);
    let has_cols = d.columns.is_some();
    if let Some(c) = &d.columns {
        dims.push(Dim::resolve(c, table, None)?);
    }
    for f in &d.filters {
        dims.push(Dim::resolve(&f.dimension, table, Some(&f.values))?);
    }
    let order_count = number_col(table, "order_count");
    let recency = number_col(table, "recency_days");
    let complaints = number_col(table, "complaints");
    let n = table.len();
    let ws = &*ws;
    let line_grain = dims.iter().any(Dim::is_line);
    let has_orders = ws.tables(Entity::Orders).next().is_some();
    if line_grain && !has_orders {
        return Err(Error::MissingData(
            "order-line dimensions need orders: load an orders file first".into(),
        ));
    }
    let wants = |m: Measure| def.measures.contains(&m);
    let mut notes = Vec::new();
    let cost = has_cost(ws);
    if wants(Measure::Profit) && !cost {
        notes.push("profit needs a cost column in the orders: shown as null".to_string());
    }
    if wants(Measure::ComplaintRate) && complaints.is_none() {
        notes.push("complaint_rate needs support tickets: shown as null".to_string());
    }

    // Pass 1: every line's codes (row, column; u32::MAX when filtered out).
    let tables: Vec<_> = ws.tables(Entity::Orders).collect();
    let text_cols: Vec<Vec<Option<&Column>>> = tables
        .iter()
        .map(|t| {
            dims.iter()
                .map(|dim| match dim.source {
                    Source::LineText(f) => t.field(f),
                    _ => None,
                })
                .collect()
        })
        .collect();
    let pay_cols: Vec<Option<&Column>> = tables.iter().map(|t| t.field("payment_status")).collect();
    let mut line_codes: Vec<(u32, u32)> = Vec::with_capacity(tables.iter().map(|t| t.rows).sum());
    if has_orders {
        each_line(ws, i32::MAX, |l| {
            let c = l.customer as usize;
            let mut codes = [0u32; 2];
            for (k, dim) in dims.iter_mut().enumerate() {
                let code = match &dim.source {
                    Source::Customer { codes, .. } => codes.get(c).copied().unwrap_or(0),
                    Source::LineText(_) => {
                        let col = text_cols[l.table as usize][k];
                        dim.text_code(text_at(col, l.row as usize))
                    }
                    _ => dim.date_code(l.day),
                };
                if !dim.dict.pass[code as usize] {
                    line_codes.push((u32::MAX, u32::MAX));
                    return;
                }
                if k < 2 {
                    codes[k] = code;
                }
            }
            line_codes.push((codes[0], codes[1]));
        });
    }
    // Customer pass codes (customer grain), and the customer filter.
    let customer_codes = |dims: &[Dim], c: usize| -> Option<(u32, u32)> {
        let mut codes = [0u32; 2];
        for (k, dim) in dims.iter().enumerate() {
            if let Source::Customer { codes: cc, .. } = &dim.source {
                let code = cc.get(c).copied()?;
                if !dim.dict.pass[code as usize] {
                    return None;
                }
                if k < 2 {
                    codes[k] = code;
                }
            }
        }
        Some((codes[0], codes[1]))
    };

    // Events: tickets and survey answers, located where every dimension can be.
    let events_wanted = def.measures.iter().any(|m| m.from_events());
    let locatable = dims.iter().all(|dim| match dim.source {
        Source::LineText(f) => f == "product_id" || f == "category",
        _ => true,
    });
    let surveys_locatable = dims.iter().all(|dim| !matches!(dim.source, Source::LineText(_)));
    struct Event {
        codes: (u32, u32),
        kind: u8, // 0 ticket, 1 survey
        complaint: bool,
        duration: Option<f64>,
        score: f64,
        nps: bool,
    }
    let mut events: Vec<Event> = Vec::new();
    if events_wanted {
        // Product → category, from the order lines (the first category seen).
        let mut product_category: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
        if dims
            .iter()
            .any(|dim| matches!(dim.source, Source::LineText("category")))
        {
            for t in &tables {
                let (p, k) = (t.field("product_id"), t.field("category"));
                for i in 0..t.rows {
                    if let (Some(p), Some(k)) = (text_at(p, i), text_at(k, i)) {
                        product_category.entry(p.trim()).or_insert(k.trim());
                    }
                }
            }
        }
        let locate = |dims: &mut [Dim], c: usize, day: Option<i32>, product: Option<&str>| -> Option<(u32, u32)> {
            let mut codes = [0u32; 2];
            for (k, dim) in dims.iter_mut().enumerate() {
                let code = match &dim.source {
                    Source::Customer { codes, .. } => codes.get(c).copied()?,
                    Source::LineText("product_id") => dim.text_code(Some(product?)),
                    Source::LineText("category") => {
                        dim.text_code(Some(product_category.get(product?.trim()).copied()?))
                    }
                    Source::LineText(_) => return None,
                    _ => dim.date_code(day?),
                };
                if !dim.dict.pass[code as usize] {
                    return None;
                }
                if k < 2 {
                    codes[k] = code;
                }
            }
            Some((codes[0], codes[1]))
        };
        let ms = |col: Option<&Column>, i: usize| -> Option<f64> {
            match col? {
                Column::Timestamp(t) if t.is_valid(i) => Some(t.value(i) as f64 / 86_400_000.0),
                Column::Date(d) if d.is_valid(i) => Some(d.value(i) as f64),
                _ => None,
            }
        };
        if locatable {
            for t in ws.tables(Entity::Tickets) {
                let Some(Column::CustomerKey(k)) = t.field("customer_id") else {
                    continue;
                };
                let (opened, closed, product, complaint) = (
                    t.field("opened_at"),
                    t.field("closed_at"),
                    t.field("product_id"),
                    t.field("complaint"),
                );
                for i in 0..t.rows.min(k.len()) {
                    let c = k.value(i) as usize;
                    let day = opened.and_then(|o| day_at(o, i));
                    let Some(codes) = locate(&mut dims, c, day, text_at(product, i)) else {
                        continue;
                    };
                    let duration = match (ms(opened, i), ms(closed, i)) {
                        (Some(a), Some(b)) if b >= a => Some(b - a),
                        _ => None,
                    };
                    let complaint = matches!(complaint, Some(Column::Bool(b)) if b.is_valid(i) && b.value(i));
                    events.push(Event {
                        codes,
                        kind: 0,
                        complaint,
                        duration,
                        score: 0.0,
                        nps: false,
                    });
                }
            }
        }
        if surveys_locatable {
            for t in ws.tables(Entity::Surveys) {
                let (Some(Column::CustomerKey(k)), Some(Column::Number(score))) =
                    (t.field("customer_id"), t.field("score"))
                else {
                    continue;
                };
                let (scale, when) = (t.field("scale"), t.field("answered_at"));
                for i in 0..t.rows.min(k.len()) {
                    if !score.is_valid(i) {
                        continue;
                    }
                    let s = score.value(i);
                    let nps = match text_at(scale, i) {
                        Some(x) => x.to_ascii_lowercase().contains("nps"),
                        None => s > 5.0 || s == 0.0,
                    };
                    let day = when.and_then(|w| day_at(w, i));
                    let Some(codes) = locate(&mut dims, k.value(i) as usize, day, None) else {
                        continue;
                    };
                    events.push(Event {
                        codes,
                        kind: 1,
                        complaint: false,
                        duration: None,
                        score: s,
                        nps,
                    });
                }
            }
        }
        if !locatable
            && def.measures.iter().any(|m| {
                matches!(
                    m,
                    Measure::ComplaintsPer100Orders | Measure::ResolutionDaysMean | Measure::ResolutionDaysMedian
                )
            })
        {
            notes.push("ticket measures need every dimension to be a customer column, product_id, category or a period of the date: shown as null".into());
        }
        if !surveys_locatable
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
    }

    // Slots: (row, column) with the totals as the last index of each.
    let n_rows = dims[0].dict.labels.len();
    let n_cols = if has_cols { dims[1].dict.labels.len() } else { 0 };
    let stride = n_cols + 1;
    let n_slots = (n_rows + 1) * stride;
    let slots_of = |r: u32, c: u32| -> ([usize; 4], usize) {
        let (r, c) = (r as usize, if has_cols { c as usize } else { n_cols });
        let (tr, tc) = (n_rows, n_cols);
        if has_cols {
            ([r * stride + c, r * stride + tc, tr * stride + c, tr * stride + tc], 4)
        } else {
            ([r * stride + tc, tr * stride + tc, 0, 0], 2)
        }
    };
    let mut acc = vec![Acc::default(); n_slots];
    let mut line_sums = vec![LineSums::default(); n_slots];
    let grid = Grid {
        n_rows,
        n_cols,
        has_cols,
    };
    let want_orders = def
        .measures
        .iter()
        .any(|m| matches!(m, Measure::Orders | Measure::Aov | Measure::ComplaintsPer100Orders));
    let lines = line_codes.len();
    let mut orders = if want_orders {
        CellDistinct::with_capacity(lines)
    } else {
        CellDistinct::default()
    };
    let want_customers = def.measures.iter().any(|m| {
        matches!(
            m,
            Measure::Customers
                | Measure::RevenuePerCustomer
                | Measure::RepeatRate
                | Measure::ChurnShare
                | Measure::ComplaintRate
        )
    });
    let mut custs = (line_grain && want_customers).then(|| CellDistinct::with_capacity(lines));
    let mut churned = (line_grain && wants(Measure::ChurnShare)).then(CellDistinct::default);
    let mut complained =
        (line_grain && wants(Measure::ComplaintRate) && complaints.is_some()).then(CellDistinct::default);
    let mut triples: Vec<(u32, u32, u32)> = Vec::new();
    let want_repeat = line_grain && wants(Measure::RepeatRate);
    let late_wanted = wants(Measure::LateShare);
    if late_wanted && pay_cols.iter().all(Option::is_none) {
        notes.push("late_share needs a payment_status column in the orders: shown as null".into());
    }
    let w = def.inactive_days as f64;
    let mut idx = 0usize;
    let mut line_no = ws.order_keys().len() as u32;
    if has_orders {
        each_line(ws, i32::MAX, |l| {
            let (r, col) = line_codes[idx];
            idx += 1;
            line_no = line_no.wrapping_add(1);
            if r == u32::MAX || (!line_grain && customer_codes(&dims, l.customer as usize).is_none()) {
                return;
            }
            let (slots, k) = slots_of(r, col);
            let cell = slots[0] as u32;
            let c = l.customer as usize;
            let late = if late_wanted {
                text_at(pay_cols[l.table as usize], l.row as usize).map(|s| {
                    let s = s.trim().to_ascii_lowercase();
                    s == "late" || s == "defaulted"
                })
            } else {
                None
            };
            // The sums go to the line's cell only; the totals are added up from the cells after.
            let a = &mut line_sums[slots[0]];
            a.touched = true;
            a.revenue += l.amount;
            if let Some(cost) = l.cost {
                a.profit += l.amount - cost;
            }
            if let Some(lt) = late {
                a.with_payment += 1;
                a.late += u64::from(lt);
            }
            if !l.is_return && l.order.is_none() {
                a.line_orders += 1;
            }
            if want_repeat && !l.is_return {
                for &s in &slots[..k] {
                    triples.push((s as u32, l.customer, l.order.unwrap_or(line_no)));
                }
            }
            if l.is_return {
                return;
            }
            if let (Some(o), true) = (l.order, want_orders) {
                orders.push(o, cell);
            }
            if let Some(d) = custs.as_mut() {
                d.push(l.customer, cell);
            }
            if let Some(d) = churned.as_mut() {
                if num(&recency, c).is_some_and(|x| x > w) {
                    d.push(l.customer, cell);
                }
            }
            if let Some(d) = complained.as_mut() {
                if num(&complaints, c).is_some_and(|x| x >= 1.0) {
                    d.push(l.customer, cell);
                }
            }
        });
    }
    for (cell, sums) in line_sums.iter().enumerate().filter(|(_, a)| a.touched) {
        let (r, c) = (cell / stride, cell % stride);
        let (slots, k) = slots_of(r as u32, c as u32);
        for &s in &slots[..k] {
            let a = &mut acc[s];
            a.touched = true;
            a.lines.add(sums);
        }
    }
    if line_grain {
        triples.sort_unstable();
        triples.dedup();
        let mut i = 0;
        while i < triples.len() {
            let (s, c, _) = triples[i];
            let mut j = i;
            while j < triples.len() && triples[j].0 == s && triples[j].1 == c {
                j += 1;
            }
            if j - i >= 2 {
                acc[s as usize].repeaters += 1;
            }
            i = j;
        }
        let count = |d: Option<CellDistinct>| d.map_or_else(|| vec![0; n_slots], |d| d.counts(grid));
        let (cu, ch, co) = (count(custs), count(churned), count(complained));
        for (s, a) in acc.iter_mut().enumerate() {
            a.customers = cu[s];
            a.buyers = cu[s];
            a.churned = ch[s];
            a.complainers = co[s];
        }
    } else {
        for c in 0..n {
            let Some((r, col)) = customer_codes(&dims, c) else {
                continue;
            };
            let (slots, k) = slots_of(r, col);
            let oc = num(&order_count, c).unwrap_or(0.0);
            for &s in &slots[..k] {
                let a = &mut acc[s];
                a.touched = true;
                a.customers += 1;
                if oc >= 1.0 {
                    a.buyers += 1;
                    a.repeaters += u64::from(oc >= 2.0);
                    a.churned += u64::from(num(&recency, c).is_some_and(|x| x > w));
                }
                a.complainers += u64::from(num(&complaints, c).is_some_and(|x| x >= 1.0));
            }
        }
    }
    for e in &events {
        let (slots, k) = slots_of(e.codes.0, e.codes.1);
        for &s in &slots[..k] {
            let a = &mut acc[s];
            a.touched = true;
            if e.kind == 0 {
                a.complaints += u64::from(e.complaint);
                if let Some(d) = e.duration {
                    a.durations.push(d);
                }
            } else if e.nps {
                a.nps.2 += 1;
                a.nps.0 += u64::from(e.score >= 9.0);
                a.nps.1 += u64::from(e.score <= 6.0);
            } else {
                a.csat.0 += e.score;
                a.csat.1 += 1;
            }
        }
    }

    let touched: Vec<bool> = acc.iter().map(|a| a.touched).collect();
    // Values.
    let ticket_ok = locatable && ws.tables(Entity::Tickets).next().is_some();
    let survey_ok = surveys_locatable && ws.tables(Entity::Surveys).next().is_some();
    let ratio = |a: f64, b: f64| (b > 0.0).then(|| a / b);
    let order_counts = orders.counts(grid);
    let mut value = |s: usize, m: Measure| -> Option<f64> {
        let order_n = order_counts[s] + acc[s].lines.line_orders;
        let a = &mut acc[s];
        match m {
            Measure::Customers => Some(a.customers as f64),
            Measure::Orders => Some(order_n as f64),
            Measure::Revenue => Some(a.lines.revenue),
            Measure::Profit => cost.then_some(a.lines.profit),
            Measure::Aov => ratio(a.lines.revenue, order_n as f64),
            Measure::RevenuePerCustomer => ratio(a.lines.revenue, a.customers as f64),
            Measure::RepeatRate => ratio(a.repeaters as f64, a.buyers as f64),
            Measure::ChurnShare => ratio(a.churned as f64, a.buyers as f64),
            Measure::ComplaintRate => complaints
                .as_ref()
                .and_then(|_| ratio(a.complainers as f64, a.customers as f64)),
            Measure::ComplaintsPer100Orders => {
                if ticket_ok {
                    ratio(100.0 * a.complaints as f64, order_n as f64)
                } else {
                    None
                }
            }
            Measure::ResolutionDaysMean => (ticket_ok && !a.durations.is_empty())
                .then(|| a.durations.iter().sum::<f64>() / a.durations.len() as f64),
            Measure::ResolutionDaysMedian => {
                if !ticket_ok || a.durations.is_empty() {
                    return None;
                }
                a.durations.sort_by(f64::total_cmp);
                let k = a.durations.len();
                Some(if k % 2 == 1 {
                    a.durations[k / 2]
                } else {
                    (a.durations[k / 2 - 1] + a.durations[k / 2]) / 2.0
                })
            }
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
    };

    // Selection expressions.
    let filter_expr: Option<Option<String>> = {
        let mut parts = Vec::new();
        let mut ok = true;
        for (f, dim) in d.filters.iter().zip(dims.iter().skip(if has_cols { 2 } else { 1 })) {
            let alts: Vec<Option<String>> = f
                .values
                .iter()
                .map(|v| {
                    let code = dim.dict.labels.iter().position(|l| l == v)? as u32;
                    dim.expr(code)
                })
                .collect();
            if alts.iter().any(Option::is_none) {
                ok = false;
            } else {
                let alts: Vec<String> = alts.into_iter().flatten().collect();
                parts.push(if alts.len() == 1 {
                    alts[0].clone()
                } else {
                    format!("({})", alts.join(" or "))
                });
            }
        }
        ok.then(|| (!parts.is_empty()).then(|| parts.join(" and ")))
    };
    let expr_of = |r: Option<u32>, c: Option<u32>| -> Option<String> {
        let mut parts = Vec::new();
        let both_lines = has_cols
            && r.is_some()
            && c.is_some()
            && matches!(dims[0].source, Source::LineText("product_id" | "category"))
            && matches!(dims[1].source, Source::LineText("product_id" | "category"));
        if both_lines {
            let (a, b) = (dims[0].expr(r?)?, dims[1].expr(c?)?);
            // bought(x = 'a') and bought(y = 'b') → one line matching both.
            let inner = |e: &str| e.trim_start_matches("bought(").trim_end_matches(')').to_string();
            parts.push(format!("bought({}, {})", inner(&a), inner(&b)));
        } else {
            if let Some(r) = r {
                parts.push(dims[0].expr(r)?);
            }
            if let Some(c) = c {
                parts.push(dims[1].expr(c)?);
            }
        }
        if let Some(f) = filter_expr.clone()? {
            parts.push(f);
        }
        Some(if parts.is_empty() {
            "true".into()
        } else {
            parts.join(" and ")
        })
    };

    // Order of rows and columns.
    // Labels with nothing in them (every customer of theirs filtered out) are left out.
    let rank_sort = |dim: &Dim, slot: &dyn Fn(u32) -> usize| -> Vec<u32> {
        let mut v: Vec<u32> = (0..dim.dict.labels.len() as u32)
            .filter(|&k| touched[slot(k)])
            .collect();
        v.sort_by_cached_key(|&k| label_rank(&dim.name, &dim.dict.labels[k as usize]));
        v
    };
    let mut row_order = rank_sort(&dims[0], &|r| r as usize * stride + n_cols);
    if let (Some(mi), Some(sort)) = (def.sort_measure, &d.sort) {
        let keyed: Vec<(u32, Option<f64>)> = row_order
            .iter()
            .map(|&r| (r, value(r as usize * stride + n_cols, def.measures[mi])))
            .collect();
        let mut keyed = keyed;
        keyed.sort_by(|a, b| match (a.1, b.1) {
            (Some(x), Some(y)) => {
                if sort.descending {
                    y.total_cmp(&x)
                } else {
                    x.total_cmp(&y)
                }
            }
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        row_order = keyed.into_iter().map(|(r, _)| r).collect();
    } else if d.sort.as_ref().is_some_and(|s| s.descending) {
        row_order.reverse();
    }
    let rows_left_out = d.limit.map_or(0, |l| row_order.len().saturating_sub(l));
    row_order.truncate(row_order.len() - rows_left_out);
    let col_order = if has_cols {
        rank_sort(&dims[1], &|c| n_rows * stride + c as usize)
    } else {
        Vec::new()
    };
    let mut values_of = |s: usize| -> Vec<Option<f64>> { def.measures.iter().map(|&m| value(s, m)).collect() };

    let cell = |values: Vec<Option<f64>>, customers: Option<String>| Cell { values, customers };
    let mut cells = Vec::with_capacity(row_order.len());
    let mut row_totals = Vec::with_capacity(row_order.len());
    for &r in &row_order {
        let ru = r as usize;
        if has_cols {
            cells.push(
                col_order
                    .iter()
                    .map(|&c| cell(values_of(ru * stride + c as usize), expr_of(Some(r), Some(c))))
                    .collect(),
            );
        }
        let t = cell(values_of(ru * stride + n_cols), expr_of(Some(r), None));
        if !has_cols {
            cells.push(vec![t.clone()]);
        }
        row_totals.push(t);
    }
    let column_totals = has_cols.then(|| {
        col_order
            .iter()
            .map(|&c| cell(values_of(n_rows * stride + c as usize), expr_of(None, Some(c))))
            .collect()
    });
    let total = cell(values_of(n_rows * stride + n_cols), expr_of(None, None));
    let axis = |dim: &Dim, order: &[u32]| Axis {
        dimension: dim.name.clone(),
        labels: order.iter().map(|&k| dim.dict.labels[k as usize].clone()).collect(),
        drill: drill_next(&dim.name),
    };
    Ok(PivotResult {
        name: d.name.clone(),
        grain: if line_grain { "order_line" } else { "customer" },
        rows: axis(&dims[0], &row_order),
        columns: has_cols.then(|| axis(&dims[1], &col_order)),
        measures: def.measures.iter().map(|m| m.name()).collect(),
        cells,
        row_totals,
        column_totals,
        total,
        rows_left_out,
        notes,
    })
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
