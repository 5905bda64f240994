//! Where each order line, customer, ticket and survey answer falls: its row and
//! column codes, or none when a filter leaves it out. Coding a line or event
//! gives its labels their codes in the dimensions, in the order they are met.

use std::collections::HashMap;

use arrow_array::Array;

use super::dims::{Dim, Source};
use crate::cohort::each_line;
use crate::ingest::Entity;
use crate::table::customers::{day_at, text_at};
use crate::table::{Column, EntityTable, Workspace};

/// A support ticket or a survey answer, with the cell it falls in.
pub(super) struct Event {
    /// The (row, column) codes of its cell.
    pub codes: (u32, u32),
    /// 0 for a ticket, 1 for a survey answer.
    pub kind: u8,
    /// A ticket marked as a complaint.
    pub complaint: bool,
    /// A ticket's resolution time in days.
    pub duration: Option<f64>,
    /// A survey answer's score.
    pub score: f64,
    /// A survey answer on the NPS scale (0–10) rather than CSAT.
    pub nps: bool,
}

/// Every order line's (row, column) codes, in [`each_line`]'s order;
/// `(u32::MAX, u32::MAX)` for a line a filter leaves out.
pub(super) fn line_codes(ws: &Workspace, dims: &mut [Dim]) -> Vec<(u32, u32)> {
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
    let mut line_codes: Vec<(u32, u32)> = Vec::with_capacity(tables.iter().map(|t| t.rows).sum());
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
    line_codes
}

/// A customer's (row, column) codes at customer grain, or none when a filter
/// leaves the customer out (order-line dimensions are not looked at).
pub(super) fn customer_codes(dims: &[Dim], c: usize) -> Option<(u32, u32)> {
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
}

/// Whether every dimension can place a ticket: a customer column, product_id,
/// category or a period of the date.
pub(super) fn tickets_locatable(dims: &[Dim]) -> bool {
    dims.iter().all(|dim| match dim.source {
        Source::LineText(f) => f == "product_id" || f == "category",
        _ => true,
    })
}

/// Whether every dimension can place a survey answer: a customer column or a
/// period of the date.
pub(super) fn surveys_locatable(dims: &[Dim]) -> bool {
    dims.iter().all(|dim| !matches!(dim.source, Source::LineText(_)))
}

/// The tickets and survey answers that fall in a cell, where every dimension
/// can place them (tickets first, then survey answers, in file and row order).
pub(super) fn events(ws: &Workspace, dims: &mut [Dim]) -> Vec<Event> {
    let tables: Vec<_> = ws.tables(Entity::Orders).collect();
    let product_category = product_categories(&tables, dims);
    let mut events: Vec<Event> = Vec::new();
    if tickets_locatable(dims) {
        for t in ws.tables(Entity::Tickets) {
            add_tickets(t, dims, &product_category, &mut events);
        }
    }
    if surveys_locatable(dims) {
        for t in ws.tables(Entity::Surveys) {
            add_survey_answers(t, dims, &product_category, &mut events);
        }
    }
    events
}

/// Product → category, from the order lines (the first category seen), when
/// a dimension is the category (empty otherwise).
fn product_categories<'a>(tables: &[&'a EntityTable], dims: &[Dim]) -> HashMap<&'a str, &'a str> {
    let mut product_category: HashMap<&str, &str> = HashMap::new();
    if dims
        .iter()
        .any(|dim| matches!(dim.source, Source::LineText("category")))
    {
        for t in tables {
            let (p, k) = (t.field("product_id"), t.field("category"));
            for i in 0..t.rows {
                if let (Some(p), Some(k)) = (text_at(p, i), text_at(k, i)) {
                    product_category.entry(p.trim()).or_insert(k.trim());
                }
            }
        }
    }
    product_category
}

/// An event's (row, column) codes from its customer, day and product, or none
/// when a dimension cannot place it or a filter leaves it out.
fn locate(
    dims: &mut [Dim],
    product_category: &HashMap<&str, &str>,
    c: usize,
    day: Option<i32>,
    product: Option<&str>,
) -> Option<(u32, u32)> {
    let mut codes = [0u32; 2];
    for (k, dim) in dims.iter_mut().enumerate() {
        let code = match &dim.source {
            Source::Customer { codes, .. } => codes.get(c).copied()?,
            Source::LineText("product_id") => dim.text_code(Some(product?)),
            Source::LineText("category") => dim.text_code(Some(product_category.get(product?.trim()).copied()?)),
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
}

/// A timestamp or date as days since the epoch, with the fraction of the day.
fn fractional_day(col: Option<&Column>, i: usize) -> Option<f64> {
    match col? {
        Column::Timestamp(t) if t.is_valid(i) => Some(t.value(i) as f64 / 86_400_000.0),
        Column::Date(d) if d.is_valid(i) => Some(d.value(i) as f64),
        _ => None,
    }
}

/// Adds a tickets file's tickets that fall in a cell, dated when opened; the
/// resolution time is closed − opened in days, when both are known and in order.
fn add_tickets(t: &EntityTable, dims: &mut [Dim], product_category: &HashMap<&str, &str>, events: &mut Vec<Event>) {
    let Some(Column::CustomerKey(k)) = t.field("customer_id") else {
        return;
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
        let Some(codes) = locate(dims, product_category, c, day, text_at(product, i)) else {
            continue;
        };
        let duration = match (fractional_day(opened, i), fractional_day(closed, i)) {
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

/// Adds a surveys file's scored answers that fall in a cell, dated when
/// answered; an answer is NPS when its scale says so or, without a scale,
/// when its score is 0 or above 5.
fn add_survey_answers(
    t: &EntityTable,
    dims: &mut [Dim],
    product_category: &HashMap<&str, &str>,
    events: &mut Vec<Event>,
) {
    let (Some(Column::CustomerKey(k)), Some(Column::Number(score))) = (t.field("customer_id"), t.field("score")) else {
        return;
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
        let Some(codes) = locate(dims, product_category, k.value(i) as usize, day, None) else {
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
