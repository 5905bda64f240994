//! Behaviour predicates: per-customer vectors computed from the workspace's
//! entity tables (orders, tickets, campaign events) in one pass each. Row `c`
//! of the customer table is customer key `c`, so every table's customer-key
//! column indexes the result directly.
//!
//! Text matches (SKU, category, campaign id, event name) ignore case and
//! surrounding spaces. Cancelled lines and returns are never "bought".

use arrow_array::{Array, Date32Array};

use super::bits::{pack_rows, validity, words, Tri};
use super::ir::{CampaignEvent, OrderQuery, Shift, Window};
use super::select::Context;
use crate::calendar::{civil_from_days, days_from_civil, days_in_month};
use crate::ingest::Entity;
use crate::table::customers::{day_at, is_cancelled, is_return, text_at};
use crate::table::Column;

/// Whether `value` equals `wanted` (already trimmed) ignoring case and spaces.
fn same(value: &str, wanted: &str) -> bool {
    let v = value.trim();
    v.eq_ignore_ascii_case(wanted) || (!v.is_ascii() && v.to_lowercase() == wanted.to_lowercase())
}

fn in_window(day: Option<i32>, w: Option<Window>) -> bool {
    match w {
        None => true,
        Some(w) => day.is_some_and(|d| w.from <= d && d <= w.to),
    }
}

/// Calls `f(customer, order key)` for every purchase line matching `q`.
fn matching_lines(ctx: &Context, q: &OrderQuery, mut f: impl FnMut(usize, Option<u32>)) {
    let n = ctx.table.len();
    for t in ctx.ws.tables(Entity::Orders) {
        let (Some(Column::CustomerKey(cust)), Some(Column::Date(dates)), Some(Column::Number(amounts))) =
            (t.field("customer_id"), t.field("order_date"), t.field("amount"))
        else {
            continue;
        };
        let product = t.field("product_id");
        let category = t.field("category");
        if (q.product.is_some() && product.is_none()) || (q.category.is_some() && category.is_none()) {
            continue;
        }
        let status = t.field("status");
        let order_ids = match t.field("order_id") {
            Some(Column::OrderKey(k)) => Some(k),
            _ => None,
        };
        for i in 0..t.rows.min(cust.len()) {
            if !cust.is_valid(i) || !amounts.is_valid(i) {
                continue;
            }
            let c = cust.value(i) as usize;
            if c >= n || !in_window(dates.is_valid(i).then(|| dates.value(i)), q.window) {
                continue;
            }
            let amount = amounts.value(i);
            if q.min_amount.is_some_and(|m| amount < m) {
                continue;
            }
            let st = text_at(status, i);
            if is_cancelled(st) || is_return(amount, st) {
                continue;
            }
            if let Some(p) = &q.product {
                if !text_at(product, i).is_some_and(|v| same(v, p)) {
                    continue;
                }
            }
            if let Some(k) = &q.category {
                if !text_at(category, i).is_some_and(|v| same(v, k)) {
                    continue;
                }
            }
            f(c, order_ids.filter(|k| k.is_valid(i)).map(|k| k.value(i)));
        }
    }
}

/// `bought(…)`: customers with at least one matching line.
pub fn bought(ctx: &Context, q: &OrderQuery) -> Vec<u64> {
    let mut bits = vec![0u64; words(ctx.table.len())];
    matching_lines(ctx, q, |c, _| bits[c / 64] |= 1 << (c % 64));
    bits
}

/// `orders(…)`: distinct orders with a matching line, per customer (every
/// line is an order when the file has no order id).
pub fn orders(ctx: &Context, q: &OrderQuery) -> Vec<f64> {
    let mut count = vec![0.0; ctx.table.len()];
    let mut owner = vec![u32::MAX; ctx.ws.order_keys().len()];
    matching_lines(ctx, q, |c, order| {
        let new = match order.and_then(|o| owner.get_mut(o as usize)) {
            Some(slot) if *slot == c as u32 => false,
            Some(slot) => {
                *slot = c as u32;
                true
            }
            None => true,
        };
        if new {
            count[c] += 1.0;
        }
    });
    count
}

/// `complained(within)`: a ticket marked as a complaint opened in the window.
pub fn complained(ctx: &Context, window: Option<Window>) -> Vec<u64> {
    let n = ctx.table.len();
    let mut bits = vec![0u64; words(n)];
    for t in ctx.ws.tables(Entity::Tickets) {
        let (Some(Column::CustomerKey(cust)), Some(Column::Bool(complaint))) =
            (t.field("customer_id"), t.field("complaint"))
        else {
            continue;
        };
        let opened = t.field("opened_at");
        for i in 0..t.rows.min(cust.len()).min(complaint.len()) {
            if !cust.is_valid(i) || !complaint.is_valid(i) || !complaint.value(i) {
                continue;
            }
            let c = cust.value(i) as usize;
            if c < n && in_window(opened.and_then(|o| day_at(o, i)), window) {
                bits[c / 64] |= 1 << (c % 64);
            }
        }
    }
    bits
}

/// `opened(…)` / `clicked(…)`: an event of that kind (of that campaign) in the window.
pub fn campaign(ctx: &Context, event: CampaignEvent, campaign: Option<&str>, window: Option<Window>) -> Vec<u64> {
    let n = ctx.table.len();
    let names: &[&str] = match event {
        CampaignEvent::Opened => &["opened", "open"],
        CampaignEvent::Clicked => &["clicked", "click"],
    };
    let mut bits = vec![0u64; words(n)];
    for t in ctx.ws.tables(Entity::CampaignEvents) {
        let (Some(Column::CustomerKey(cust)), Some(ev)) = (t.field("customer_id"), t.field("event")) else {
            continue;
        };
        let ids = t.field("campaign_id");
        let when = t.field("timestamp");
        for i in 0..t.rows.min(cust.len()) {
            if !cust.is_valid(i) || !text_at(Some(ev), i).is_some_and(|e| names.iter().any(|k| same(e, k))) {
                continue;
            }
            if let Some(id) = campaign {
                if !text_at(ids, i).is_some_and(|v| same(v, id)) {
                    continue;
                }
            }
            let c = cust.value(i) as usize;
            if c < n && in_window(when.and_then(|w| day_at(w, i)), window) {
                bits[c / 64] |= 1 << (c % 64);
            }
        }
    }
    bits
}

/// The first day on or after `from` with the month and day of `date`; a
/// 29 February falls on the 28th in years without one.
pub fn next_occurrence(date: i32, from: i32) -> i32 {
    let (_, m, d) = civil_from_days(date);
    let (y, _, _) = civil_from_days(from);
    let on = |y: i32| days_from_civil(y, m, d.min(days_in_month(y, m)));
    let this_year = on(y);
    if this_year >= from {
        this_year
    } else {
        on(y + 1)
    }
}

/// `birthday_within(…)` / `anniversary_within(…)`: the next occurrence of the
/// date's month and day, from `as_of`, is at most `as_of + within`. Unknown
/// where the date is null.
pub fn recurring(dates: &Date32Array, as_of: i32, within: Shift) -> Tri {
    let n = dates.len();
    let end = within.apply(as_of);
    let values = dates.values();
    let bits = pack_rows(n, |i| next_occurrence(values[i], as_of) <= end);
    Tri::new(n, bits, validity(dates.nulls()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_29_february_birthday_falls_on_the_28th_in_other_years() {
        let born = days_from_civil(1992, 2, 29);
        assert_eq!(
            next_occurrence(born, days_from_civil(2025, 2, 20)),
            days_from_civil(2025, 2, 28)
        );
        assert_eq!(
            next_occurrence(born, days_from_civil(2028, 2, 20)),
            days_from_civil(2028, 2, 29)
        );
        // Past this year's: next year's.
        assert_eq!(
            next_occurrence(days_from_civil(1990, 1, 5), days_from_civil(2025, 1, 6)),
            days_from_civil(2026, 1, 5)
        );
        // Today counts.
        assert_eq!(
            next_occurrence(days_from_civil(1990, 1, 6), days_from_civil(2025, 1, 6)),
            days_from_civil(2025, 1, 6)
        );
    }
}
