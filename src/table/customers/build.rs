//! Building the customer table's base features from the loaded entity tables.

use arrow_array::{Array, Date32Array, Float64Array, StringArray};

use super::{engagement, CustomerTable, Feature, Values};
use crate::calendar::civil_from_days;
use crate::ingest::{parse_date, Entity};
use crate::table::{Column, EntityTable, Workspace};
use crate::{Error, Result};

pub(super) const DAY_MS: i64 = 86_400_000;

/// Options of the customer table as callers give them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct CustomerParams {
    /// The reference date `YYYY-MM-DD` of recency, tenure and age (default: the
    /// last order date in the data, else today).
    pub as_of: Option<String>,
}

impl CustomerParams {
    /// The reference date: as given, else the last order date, else `today`.
    pub fn as_of(&self, ws: &Workspace, today: i32) -> Result<i32> {
        match &self.as_of {
            Some(text) => {
                parse_date(text.as_bytes()).ok_or_else(|| Error::option("asOf", text, "expected a date YYYY-MM-DD"))
            }
            None => Ok(last_order_date(ws).unwrap_or(today)),
        }
    }
}

/// The latest order date over every orders file.
pub fn last_order_date(ws: &Workspace) -> Option<i32> {
    ws.tables(Entity::Orders)
        .filter_map(|t| match t.field("order_date") {
            Some(Column::Date(d)) => arrow_arith_max(d),
            _ => None,
        })
        .max()
}

fn arrow_arith_max(d: &Date32Array) -> Option<i32> {
    d.iter().flatten().max()
}

/// The day (since 1970-01-01) of row `i` of a date or timestamp column.
pub(crate) fn day_at(col: &Column, i: usize) -> Option<i32> {
    match col {
        Column::Date(d) if d.is_valid(i) => Some(d.value(i)),
        Column::Timestamp(t) if t.is_valid(i) => Some(t.value(i).div_euclid(DAY_MS) as i32),
        _ => None,
    }
}

/// Text of row `i` of a text column.
pub(crate) fn text_at(col: Option<&Column>, i: usize) -> Option<&str> {
    match col {
        Some(Column::Text(s)) if s.is_valid(i) => Some(s.value(i)),
        _ => None,
    }
}

/// Whether an order line is a return: a negative amount, or a status that says so.
pub fn is_return(amount: f64, status: Option<&str>) -> bool {
    amount < 0.0
        || status.is_some_and(|s| {
            let s = s.trim().to_ascii_lowercase();
            matches!(s.as_str(), "return" | "returned" | "refund" | "refunded")
        })
}

/// Whether an order line was cancelled (left out of every figure).
pub fn is_cancelled(status: Option<&str>) -> bool {
    status.is_some_and(|s| {
        let s = s.trim().to_ascii_lowercase();
        matches!(s.as_str(), "cancelled" | "canceled" | "void")
    })
}

/// The consent channels the customer table has a column for.
pub const CONSENT_CHANNELS: [&str; 4] = ["email", "sms", "post", "phone"];

/// The consent channel a file's channel text means.
pub fn consent_channel(text: &str) -> Option<usize> {
    let t: String = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    match t.as_str() {
        "email" | "mail" | "epost" | "newsletter" => Some(0),
        "sms" | "text" | "mobile" => Some(1),
        "post" | "letter" | "directmail" | "postal" => Some(2),
        "phone" | "telephone" | "call" | "telemarketing" => Some(3),
        _ => None,
    }
}

/// Whether a consent status grants (`Some(true)`), withdraws (`Some(false)`) or is unreadable.
pub fn consent_granted(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "granted" | "grant" | "yes" | "y" | "true" | "1" | "optin" | "opt-in" | "opted_in" | "subscribed" => Some(true),
        "withdrawn" | "withdraw" | "denied" | "no" | "n" | "false" | "0" | "optout" | "opt-out" | "opted_out"
        | "unsubscribed" | "revoked" => Some(false),
        _ => None,
    }
}

/// The age band of an age in years.
pub fn age_band(age: f64) -> &'static str {
    match age as i32 {
        i32::MIN..=24 => "<25",
        25..=34 => "25-34",
        35..=44 => "35-44",
        45..=54 => "45-54",
        55..=64 => "55-64",
        _ => "65+",
    }
}

/// Whole years from `born` to `on`.
pub fn age_on(born: i32, on: i32) -> f64 {
    let (by, bm, bd) = civil_from_days(born);
    let (y, m, d) = civil_from_days(on);
    let mut age = y - by;
    if (m, d) < (bm, bd) {
        age -= 1;
    }
    age as f64
}

/// Per-customer accumulators of the orders.
struct OrderAcc {
    first: Vec<i32>,
    last: Vec<i32>,
    orders: Vec<u32>,
    total: Vec<f64>,
    profit: Vec<f64>,
    has_cost: bool,
    returns: Vec<u32>,
    late: Vec<u32>,
    defaulted: Vec<u32>,
    with_payment: Vec<u32>,
    /// Distinct payment methods (at most 15; the rest as "other") and counts per customer.
    methods: Vec<String>,
    method_counts: Vec<u16>,
    /// Top categories and orders per customer in each.
    categories: Vec<String>,
    category_orders: Vec<u32>,
}

const MAX_METHODS: usize = 16;
const MAX_CATEGORIES: usize = 12;

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().to_lowercase().chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// The most common categories over every orders file (by line count).
fn top_categories(tables: &[&EntityTable]) -> Vec<String> {
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for t in tables {
        if let Some(Column::Text(c)) = t.field("category") {
            for v in c.iter().flatten() {
                *counts.entry(v).or_default() += 1;
            }
        }
    }
    let mut v: Vec<(&str, usize)> = counts.into_iter().filter(|(k, _)| !slug(k).is_empty()).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v.into_iter().take(MAX_CATEGORIES).map(|(k, _)| k.to_string()).collect()
}

fn orders(ws: &Workspace, n: usize) -> OrderAcc {
    let tables: Vec<&EntityTable> = ws.tables(Entity::Orders).collect();
    let categories = top_categories(&tables);
    let n_cat = categories.len();
    let mut acc = OrderAcc {
        first: vec![i32::MAX; n],
        last: vec![i32::MIN; n],
        orders: vec![0; n],
        total: vec![0.0; n],
        profit: vec![0.0; n],
        has_cost: false,
        returns: vec![0; n],
        late: vec![0; n],
        defaulted: vec![0; n],
        with_payment: vec![0; n],
        methods: Vec::new(),
        method_counts: Vec::new(),
        categories,
        category_orders: vec![0; n * n_cat],
    };
    // Which customer each order id was last counted for, so an order of many
    // lines counts once.
    let mut owner = vec![u32::MAX; ws.order_keys().len()];
    for t in tables {
        let (Some(Column::CustomerKey(cust)), Some(Column::Date(dates)), Some(Column::Number(amounts))) =
            (t.field("customer_id"), t.field("order_date"), t.field("amount"))
        else {
            continue;
        };
        let order_ids = match t.field("order_id") {
            Some(Column::OrderKey(k)) => Some(k),
            _ => None,
        };
        let cost = match t.field("cost") {
            Some(Column::Number(c)) => {
                acc.has_cost = true;
                Some(c)
            }
            _ => None,
        };
        let status = t.field("status");
        let pay_status = t.field("payment_status");
        let pay_method = t.field("payment_method");
        let category = t.field("category");
        let cat_index: Vec<Option<usize>> = match category {
            Some(Column::Text(c)) => {
                // Per distinct value would be faster; files have few categories, so map by row.
                (0..t.rows)
                    .map(|i| {
                        c.is_valid(i)
                            .then(|| acc.categories.iter().position(|k| k == c.value(i)))
                            .flatten()
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        let mut cats_in_order: u64 = 0;
        for i in 0..t.rows {
            let c = cust.value(i) as usize;
            let amount = amounts.value(i);
            let st = text_at(status, i);
            if is_cancelled(st) {
                continue;
            }
            let ret = is_return(amount, st);
            let signed = if ret { -amount.abs() } else { amount };
            acc.total[c] += signed;
            if let Some(cost) = cost.filter(|k| k.is_valid(i)) {
                let k = cost.value(i);
                acc.profit[c] += signed - if ret { -k.abs() } else { k };
            } else {
                acc.profit[c] += signed;
            }
            if ret {
                acc.returns[c] += 1;
                continue;
            }
            let d = dates.value(i);
            acc.first[c] = acc.first[c].min(d);
            acc.last[c] = acc.last[c].max(d);
            // A new order: a new order id for this customer, or every line when there are no ids.
            let order = order_ids.filter(|k| k.is_valid(i)).map(|k| k.value(i));
            let new_order = match order {
                Some(o) if owner[o as usize] == c as u32 => false,
                Some(o) => {
                    owner[o as usize] = c as u32;
                    true
                }
                None => true,
            };
            if new_order {
                acc.orders[c] += 1;
                cats_in_order = 0;
                if let Some(s) = text_at(pay_status, i) {
                    acc.with_payment[c] += 1;
                    match s.trim().to_ascii_lowercase().as_str() {
                        "late" | "paid_late" | "overdue" => acc.late[c] += 1,
                        "defaulted" | "default" | "unpaid" | "written_off" => acc.defaulted[c] += 1,
                        _ => {}
                    }
                }
                if let Some(m) = text_at(pay_method, i) {
                    let m = m.trim();
                    let idx = match acc.methods.iter().position(|x| x == m) {
                        Some(j) => j,
                        None if acc.methods.len() < MAX_METHODS - 1 => {
                            acc.methods.push(m.to_string());
                            acc.method_counts.resize(n * MAX_METHODS, 0);
                            acc.methods.len() - 1
                        }
                        None => MAX_METHODS - 1,
                    };
                    let slot = &mut acc.method_counts[c * MAX_METHODS + idx];
                    *slot = slot.saturating_add(1);
                }
            }
            if let Some(Some(k)) = cat_index.get(i) {
                if new_order || cats_in_order & (1 << k) == 0 {
                    acc.category_orders[c * n_cat + k] += 1;
                    cats_in_order |= 1 << k;
                }
            }
        }
    }
    acc
}

/// Builds the base features (DESIGN.md's customer table) from every loaded table.
pub fn build(ws: &Workspace, as_of: i32) -> Result<CustomerTable> {
    let n = ws.customer_keys().len();
    if n == 0 {
        return Err(Error::MissingData(
            "the customer table needs customers or orders: load a file with a customer id first".into(),
        ));
    }
    let mut table = CustomerTable::new(ws.customer_keys().to_arrow(), as_of);
    let has_orders = ws.tables(Entity::Orders).next().is_some();
    if has_orders {
        add_order_features(&mut table, &orders(ws, n), as_of)?;
    }
    add_profile_features(&mut table, ws, as_of)?;
    engagement::add_support_features(&mut table, ws)?;
    engagement::add_consent_features(&mut table, ws)?;
    engagement::add_campaign_features(&mut table, ws)?;
    engagement::add_web_features(&mut table, ws)?;
    Ok(table)
}

pub(super) fn number(v: impl IntoIterator<Item = Option<f64>>) -> Values {
    Values::Number(v.into_iter().collect::<Float64Array>())
}

pub(super) fn date(v: impl IntoIterator<Item = Option<i32>>) -> Values {
    Values::Date(v.into_iter().collect::<Date32Array>())
}

fn add_order_features(t: &mut CustomerTable, a: &OrderAcc, as_of: i32) -> Result<()> {
    let n = a.first.len();
    let bought = |c: usize| a.first[c] != i32::MAX;
    let when = |v: &[i32]| date((0..n).map(|c| bought(c).then(|| v[c])));
    t.add(Feature::new("first_order", "date of the first order", when(&a.first)))?;
    t.add(Feature::new("last_order", "date of the latest order", when(&a.last)))?;
    t.add(Feature::new(
        "recency_days",
        "days from the latest order to the reference date",
        number((0..n).map(|c| bought(c).then(|| (as_of - a.last[c]) as f64))),
    ))?;
    t.add(Feature::new(
        "tenure_days",
        "days from the first order to the reference date",
        number((0..n).map(|c| bought(c).then(|| (as_of - a.first[c]) as f64))),
    ))?;
    t.add(Feature::new(
        "order_count",
        "distinct orders (returns and cancelled lines not counted)",
        number((0..n).map(|c| Some(a.orders[c] as f64))),
    ))?;
    t.add(Feature::new(
        "repeat_count",
        "orders after the first",
        number((0..n).map(|c| Some(a.orders[c].saturating_sub(1) as f64))),
    ))?;
    t.add(Feature::new(
        "monetary_total",
        "revenue over all orders, returns netted",
        number((0..n).map(|c| Some(a.total[c]))),
    ))?;
    t.add(Feature::new(
        "monetary_avg",
        "revenue per order, returns netted",
        number((0..n).map(|c| (a.orders[c] > 0).then(|| a.total[c] / a.orders[c] as f64))),
    ))?;
    if a.has_cost {
        t.add(Feature::new(
            "profit_total",
            "revenue minus cost, returns netted",
            number((0..n).map(|c| Some(a.profit[c]))),
        ))?;
    }
    t.add(Feature::new(
        "return_count",
        "returned lines",
        number((0..n).map(|c| Some(a.returns[c] as f64))),
    ))?;
    for (k, cat) in a.categories.iter().enumerate() {
        let nc = a.categories.len();
        t.add(Feature::new(
            &format!("orders_{}", slug(cat)),
            &format!("orders with a line in category '{cat}'"),
            number((0..n).map(|c| Some(a.category_orders[c * nc + k] as f64))),
        ))?;
    }
    if !a.methods.is_empty() {
        let labels: Vec<Option<&str>> = (0..n)
            .map(|c| {
                let counts = &a.method_counts[c * MAX_METHODS..(c + 1) * MAX_METHODS];
                let (best, &count) = counts.iter().enumerate().max_by_key(|&(j, &k)| (k, usize::MAX - j))?;
                (count > 0).then(|| a.methods.get(best).map(String::as_str).unwrap_or("other"))
            })
            .collect();
        t.add(Feature::new(
            "preferred_payment",
            "the payment method of most of the customer's orders",
            Values::category(labels),
        ))?;
    }
    if a.with_payment.iter().any(|&k| k > 0) {
        t.add(Feature::new(
            "share_paid_late",
            "share of orders with a payment status that were paid late or defaulted",
            number((0..n).map(|c| {
                (a.with_payment[c] > 0).then(|| (a.late[c] + a.defaulted[c]) as f64 / a.with_payment[c] as f64)
            })),
        ))?;
        t.add(Feature::new(
            "defaulted_count",
            "orders whose payment defaulted",
            number((0..n).map(|c| Some(a.defaulted[c] as f64))),
        ))?;
    }
    Ok(())
}

/// First non-empty value per customer over the customers files, in load order.
fn first_text(ws: &Workspace, n: usize, field: &str) -> Option<Vec<Option<String>>> {
    let mut out: Vec<Option<String>> = vec![None; n];
    let mut any = false;
    for t in ws.tables(Entity::Customers) {
        let (Some(Column::CustomerKey(k)), Some(Column::Text(v))) = (t.field("customer_id"), t.field(field)) else {
            continue;
        };
        any = true;
        for i in 0..t.rows {
            let c = k.value(i) as usize;
            if out[c].is_none() && v.is_valid(i) && !v.value(i).trim().is_empty() {
                out[c] = Some(v.value(i).trim().to_string());
            }
        }
    }
    any.then_some(out)
}

fn first_date(ws: &Workspace, n: usize, field: &str) -> Option<Vec<Option<i32>>> {
    let mut out = vec![None; n];
    let mut any = false;
    for t in ws.tables(Entity::Customers) {
        let (Some(Column::CustomerKey(k)), Some(col)) = (t.field("customer_id"), t.field(field)) else {
            continue;
        };
        any = true;
        for i in 0..t.rows {
            let c = k.value(i) as usize;
            if out[c].is_none() {
                out[c] = day_at(col, i);
            }
        }
    }
    any.then_some(out)
}

fn add_profile_features(t: &mut CustomerTable, ws: &Workspace, as_of: i32) -> Result<()> {
    let n = t.len();
    for (field, about) in [
        ("first_name", "first name (first non-empty over the customer files)"),
        ("last_name", "last name"),
        ("email", "e-mail address"),
        ("phone", "phone number"),
        ("city", "city"),
        ("company", "company"),
    ] {
        if let Some(v) = first_text(ws, n, field) {
            t.add(Feature::new(
                field,
                about,
                Values::Text(v.iter().map(|s| s.as_deref()).collect::<StringArray>()),
            ))?;
        }
    }
    for (field, about) in [
        ("country", "country as given in the customer files"),
        ("gender", "gender as given"),
        ("acquisition_channel", "the channel that brought the customer"),
        ("marital_status", "marital status"),
    ] {
        if let Some(v) = first_text(ws, n, field) {
            t.add(Feature::new(
                field,
                about,
                Values::category(v.iter().map(|s| s.as_deref())),
            ))?;
        }
    }
    for (field, about) in [
        ("signup_date", "date the customer signed up"),
        ("birth_date", "date of birth"),
        ("anniversary", "anniversary date (e.g. wedding)"),
    ] {
        if let Some(v) = first_date(ws, n, field) {
            if field == "birth_date" {
                let ages: Vec<Option<f64>> = v.iter().map(|b| b.map(|b| age_on(b, as_of))).collect();
                t.add(Feature::new(
                    "age",
                    "age in whole years on the reference date",
                    number(ages.iter().copied()),
                ))?;
                t.add(Feature::new(
                    "age_band",
                    "age band: <25, 25-34, 35-44, 45-54, 55-64, 65+",
                    Values::category(ages.iter().map(|a| a.map(age_band))),
                ))?;
            }
            t.add(Feature::new(field, about, date(v)))?;
        }
    }
    // Source systems: the customer files (by source) that hold the customer.
    let sources: Vec<(String, Vec<bool>)> = {
        let mut s: Vec<(String, Vec<bool>)> = Vec::new();
        for tab in ws.tables(Entity::Customers) {
            let Some(Column::CustomerKey(k)) = tab.field("customer_id") else {
                continue;
            };
            let j = match s.iter().position(|(name, _)| *name == tab.source) {
                Some(j) => j,
                None => {
                    s.push((tab.source.clone(), vec![false; n]));
                    s.len() - 1
                }
            };
            for v in k.iter().flatten() {
                s[j].1[v as usize] = true;
            }
        }
        s
    };
    if !sources.is_empty() {
        let labels: Vec<Option<String>> = (0..n)
            .map(|c| {
                let names: Vec<&str> = sources
                    .iter()
                    .filter(|(_, has)| has[c])
                    .map(|(name, _)| name.as_str())
                    .collect();
                (!names.is_empty()).then(|| names.join("|"))
            })
            .collect();
        t.add(Feature::new(
            "source_systems",
            "customer files (sources) the customer appears in, joined by |",
            Values::category(labels.iter().map(|s| s.as_deref())),
        ))?;
    }
    Ok(())
}
