//! One customer's rows in the entity tables, read generically.

use arrow_array::Array;
use serde::Serialize;

use super::{ComplaintSummary, CustomerView, Fields, TimelineEvent, Value};
use crate::calendar::date_label;
use crate::ingest::Entity;
use crate::table::customers::Values;
use crate::table::Column;
use crate::table::Workspace;

const DAY_MS: i64 = 86_400_000;

/// One row of an entity file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub file: String,
    pub source: String,
    /// The row's own date (order date, ticket opened, …) as `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Every column of the file, canonical fields and attributes alike.
    pub fields: Fields,
}

/// A customer's rows in one entity, newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityHistory {
    /// Rows in all files, however many are shown.
    pub total: usize,
    pub records: Vec<Record>,
}

/// The field that dates an entity's rows.
fn date_field(entity: Entity) -> Option<&'static str> {
    match entity {
        Entity::Customers => Some("signup_date"),
        Entity::Orders => Some("order_date"),
        Entity::Tickets => Some("opened_at"),
        Entity::Surveys => Some("answered_at"),
        Entity::Consents => Some("updated_at"),
        Entity::CampaignEvents | Entity::WebEvents => Some("timestamp"),
        Entity::Campaigns | Entity::AcquisitionSpend => None,
    }
}

/// Milliseconds since 1970 of a date or timestamp cell.
fn time_ms(col: &Column, i: usize) -> Option<i64> {
    match col {
        Column::Date(d) if d.is_valid(i) => Some(d.value(i) as i64 * DAY_MS),
        Column::Timestamp(t) if t.is_valid(i) => Some(t.value(i)),
        _ => None,
    }
}

fn timestamp_label(ms: i64) -> String {
    let day = ms.div_euclid(DAY_MS);
    let secs = ms.rem_euclid(DAY_MS) / 1000;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        date_label(day as i32),
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Row `i` of a stored column as shown.
fn cell(ws: &Workspace, col: &Column, i: usize) -> Value {
    match col {
        Column::Text(a) if a.is_valid(i) => Value::Text(a.value(i).to_string()),
        Column::CustomerKey(a) if a.is_valid(i) => Value::Text(ws.customer_keys().value(a.value(i)).to_string()),
        Column::OrderKey(a) if a.is_valid(i) => Value::Text(ws.order_keys().value(a.value(i)).to_string()),
        Column::Number(a) if a.is_valid(i) => Value::Number(a.value(i)),
        Column::Date(a) if a.is_valid(i) => Value::Text(date_label(a.value(i))),
        Column::Timestamp(a) if a.is_valid(i) => Value::Text(timestamp_label(a.value(i))),
        Column::Bool(a) if a.is_valid(i) => Value::Bool(a.value(i)),
        _ => Value::Null,
    }
}

/// Row `row` of a customer-table column as shown.
pub fn feature_value(values: &Values, row: usize) -> Value {
    match values {
        Values::Number(a) if a.is_valid(row) => Value::Number(a.value(row)),
        Values::Date(a) if a.is_valid(row) => Value::Text(date_label(a.value(row))),
        Values::Bool(a) if a.is_valid(row) => Value::Bool(a.value(row)),
        Values::Text(a) if a.is_valid(row) => Value::Text(a.value(row).to_string()),
        Values::Category(a) if a.is_valid(row) => {
            let labels = a.values();
            match labels.as_any().downcast_ref::<arrow_array::StringArray>() {
                Some(s) => Value::Text(s.value(a.keys().value(row) as usize).to_string()),
                None => Value::Null,
            }
        }
        _ => Value::Null,
    }
}

/// The customer-key column of a file (its canonical `customer_id`).
fn key_column(columns: &[(String, bool, Column)]) -> Option<&arrow_array::UInt32Array> {
    columns.iter().find_map(|(name, canonical, col)| match col {
        Column::CustomerKey(a) if *canonical && name == "customer_id" => Some(a),
        _ => None,
    })
}

/// The rows of customer `key` in every file of `entity`, newest first (rows
/// without a date last, then in file order); at most `limit` shown.
pub fn history(ws: &Workspace, entity: Entity, key: u32, limit: usize) -> EntityHistory {
    let tables: Vec<_> = ws.tables(entity).collect();
    let mut hits: Vec<(Option<i64>, usize, usize)> = Vec::new();
    for (t, tab) in tables.iter().enumerate() {
        let Some(keys) = key_column(&tab.columns) else { continue };
        let dates = date_field(entity).and_then(|f| tab.field(f));
        for i in 0..keys.len() {
            if keys.is_valid(i) && keys.value(i) == key {
                hits.push((dates.and_then(|d| time_ms(d, i)), t, i));
            }
        }
    }
    hits.sort_by(|a, b| {
        b.0.is_some()
            .cmp(&a.0.is_some())
            .then(b.0.cmp(&a.0))
            .then((a.1, a.2).cmp(&(b.1, b.2)))
    });
    let records = hits
        .iter()
        .take(limit)
        .map(|&(ms, t, i)| {
            let tab = tables[t];
            Record {
                file: tab.file.clone(),
                source: tab.source.clone(),
                date: ms.map(|ms| date_label(ms.div_euclid(DAY_MS) as i32)),
                fields: Fields(
                    tab.columns
                        .iter()
                        .map(|(name, _, col)| (name.clone(), cell(ws, col, i)))
                        .collect(),
                ),
            }
        })
        .collect();
    EntityHistory {
        total: hits.len(),
        records,
    }
}

/// Tickets, complaints, open tickets, mean resolution time and the last
/// complaint of customer `key`, over all of their tickets.
pub fn complaint_summary(ws: &Workspace, key: u32) -> ComplaintSummary {
    let mut out = ComplaintSummary::default();
    let (mut resolution_sum, mut resolved) = (0.0, 0usize);
    let mut last_complaint: Option<i64> = None;
    for tab in ws.tables(Entity::Tickets) {
        let Some(keys) = key_column(&tab.columns) else { continue };
        let opened = tab.field("opened_at");
        let closed = tab.field("closed_at");
        let complaint = tab.field("complaint");
        for i in 0..keys.len() {
            if !(keys.is_valid(i) && keys.value(i) == key) {
                continue;
            }
            out.tickets += 1;
            let open_ms = opened.and_then(|c| time_ms(c, i));
            match closed.and_then(|c| time_ms(c, i)) {
                Some(close_ms) => {
                    if let Some(open_ms) = open_ms {
                        resolution_sum += (close_ms - open_ms) as f64 / DAY_MS as f64;
                        resolved += 1;
                    }
                }
                None => out.open += 1,
            }
            if let Some(Column::Bool(b)) = complaint {
                if b.is_valid(i) && b.value(i) {
                    out.complaints += 1;
                    if let Some(ms) = open_ms {
                        last_complaint = Some(last_complaint.map_or(ms, |m| m.max(ms)));
                    }
                }
            }
        }
    }
    out.mean_resolution_days = (resolved > 0).then(|| resolution_sum / resolved as f64);
    out.last_complaint = last_complaint.map(|ms| date_label(ms.div_euclid(DAY_MS) as i32));
    out
}

fn text(fields: &Fields, name: &str) -> Option<String> {
    match fields.get(name)? {
        Value::Text(s) => Some(s.clone()),
        Value::Number(x) => Some(format!("{x}")),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => None,
    }
}

fn number(fields: &Fields, name: &str) -> Option<f64> {
    match fields.get(name)? {
        Value::Number(x) => Some(*x),
        _ => None,
    }
}

/// The merged timeline: one event per order (its lines summed), ticket,
/// survey answer, consent change and campaign event; newest first.
pub fn timeline(view: &CustomerView, limit: usize) -> Vec<TimelineEvent> {
    let mut events: Vec<TimelineEvent> = Vec::new();
    // Orders: lines of one order id together (they are adjacent once sorted by date).
    let mut orders: Vec<(String, String, f64, usize)> = Vec::new();
    for r in &view.orders.records {
        let (Some(date), Some(id)) = (r.date.clone(), text(&r.fields, "order_id").or_else(|| r.date.clone())) else {
            continue;
        };
        let amount = number(&r.fields, "amount").unwrap_or(0.0);
        match orders.iter_mut().find(|o| o.0 == id && o.1 == date) {
            Some(o) => {
                o.2 += amount;
                o.3 += 1;
            }
            None => orders.push((id, date, amount, 1)),
        }
    }
    for (id, date, amount, lines) in orders {
        let kind = if amount < 0.0 { "return" } else { "order" };
        let what = if kind == "return" { "Return" } else { "Order" };
        let plural = if lines == 1 { "line" } else { "lines" };
        events.push(TimelineEvent {
            date,
            kind,
            summary: format!("{what} {id}: {lines} {plural}, {amount:.2}"),
        });
    }
    for r in &view.tickets.records {
        let Some(date) = r.date.clone() else { continue };
        let complaint = matches!(r.fields.get("complaint"), Some(Value::Bool(true)));
        let mut summary = String::from(if complaint { "Complaint" } else { "Ticket" });
        if let Some(c) = text(&r.fields, "category") {
            summary.push_str(&format!(" ({c})"));
        }
        if let Some(p) = text(&r.fields, "product_id") {
            summary.push_str(&format!(" about {p}"));
        }
        summary.push_str(match text(&r.fields, "closed_at") {
            Some(_) => ", closed",
            None => ", open",
        });
        events.push(TimelineEvent {
            date,
            kind: if complaint { "complaint" } else { "ticket" },
            summary,
        });
    }
    for r in &view.surveys.records {
        let (Some(date), Some(score)) = (r.date.clone(), number(&r.fields, "score")) else {
            continue;
        };
        let summary = match text(&r.fields, "scale").as_deref() {
            Some("nps10") => format!("NPS answer {score}/10"),
            Some("csat5") => format!("CSAT answer {score}/5"),
            _ => format!("Survey answer {score}"),
        };
        events.push(TimelineEvent {
            date,
            kind: "survey",
            summary,
        });
    }
    for r in &view.consents.records {
        let Some(date) = r.date.clone() else { continue };
        let channel = text(&r.fields, "channel").unwrap_or_else(|| "?".into());
        let status = text(&r.fields, "status").unwrap_or_else(|| "?".into());
        events.push(TimelineEvent {
            date,
            kind: "consent",
            summary: format!("Consent for {channel}: {status}"),
        });
    }
    for r in &view.campaign_events.records {
        let Some(date) = r.date.clone() else { continue };
        let campaign = text(&r.fields, "campaign_id").unwrap_or_else(|| "?".into());
        let event = text(&r.fields, "event").unwrap_or_else(|| "?".into());
        events.push(TimelineEvent {
            date,
            kind: "campaign",
            summary: format!("Campaign {campaign}: {event}"),
        });
    }
    // Stable: same-day events keep the order above (orders, tickets, surveys, …).
    events.sort_by(|a, b| b.date.cmp(&a.date));
    events.truncate(limit);
    events
}
