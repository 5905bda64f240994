//! One pass over every order line, with the customer table's rules: cancelled
//! lines are left out, a return (negative amount or a returned/refunded status)
//! nets revenue and is not an order.

use arrow_array::Array;

use crate::ingest::Entity;
use crate::table::customers::{is_cancelled, is_return, text_at};
use crate::table::{Column, Workspace};

/// One order line as the analyses see it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OrderLine {
    /// Which orders file (in load order) and which row of it.
    pub table: u32,
    pub row: u32,
    pub customer: u32,
    pub day: i32,
    /// Revenue of the line: a return is negative whatever sign the file gave it.
    pub amount: f64,
    pub is_return: bool,
    /// The order-id key, when the file has order ids.
    pub order: Option<u32>,
    /// The line's cost, signed like `amount`, when the file has costs.
    pub cost: Option<f64>,
}

/// The earliest order-line date (any line, returns included) over every orders file.
pub(crate) fn first_line_date(ws: &Workspace) -> Option<i32> {
    ws.tables(Entity::Orders)
        .filter_map(|t| match t.field("order_date") {
            Some(Column::Date(d)) => d.iter().flatten().min(),
            _ => None,
        })
        .min()
}

/// Whether any orders file has a `cost` column.
pub(crate) fn has_cost(ws: &Workspace) -> bool {
    ws.tables(Entity::Orders)
        .any(|t| matches!(t.field("cost"), Some(Column::Number(_))))
}

/// Calls `f` for every line dated on or before `as_of` that is not cancelled, in
/// file and row order.
pub(crate) fn each_line(ws: &Workspace, as_of: i32, mut f: impl FnMut(&OrderLine)) {
    for (ti, t) in ws.tables(Entity::Orders).enumerate() {
        let (Some(Column::CustomerKey(cust)), Some(Column::Date(dates)), Some(Column::Number(amounts))) =
            (t.field("customer_id"), t.field("order_date"), t.field("amount"))
        else {
            continue;
        };
        let ids = match t.field("order_id") {
            Some(Column::OrderKey(k)) => Some(k),
            _ => None,
        };
        let cost = match t.field("cost") {
            Some(Column::Number(c)) => Some(c),
            _ => None,
        };
        let status = t.field("status");
        let (cv, dv, av) = (cust.values(), dates.values(), amounts.values());
        for i in 0..t.rows.min(cv.len()).min(dv.len()).min(av.len()) {
            let day = dv[i];
            if day > as_of {
                continue;
            }
            let raw = av[i];
            // Most files have no status column: only then look at the text.
            let ret = if status.is_some() {
                let st = text_at(status, i);
                if is_cancelled(st) {
                    continue;
                }
                is_return(raw, st)
            } else {
                raw < 0.0
            };
            let signed = |x: f64| if ret { -x.abs() } else { x };
            f(&OrderLine {
                table: ti as u32,
                row: i as u32,
                customer: cv[i],
                day,
                amount: signed(raw),
                is_return: ret,
                order: ids.filter(|k| k.is_valid(i)).map(|k| k.value(i)),
                cost: cost.filter(|k| k.is_valid(i)).map(|k| signed(k.value(i))),
            });
        }
    }
}
