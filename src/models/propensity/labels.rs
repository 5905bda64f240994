//! The labels: who is in the population and who is positive, observed in a
//! window after a cut-off date, the features coming from data up to the
//! cut-off (`Workspace::snapshot`).
//!
//! - `churn`: customers with an order on or before the cut-off; positive when
//!   they place no order (returns and cancelled lines do not count) in the
//!   `window` days after it;
//! - `response`: customers with a campaign event (sent, delivered, …) in the
//!   window, of one campaign when given; positive when they clicked or converted;
//! - `default`: customers with an order carrying a payment status in the window;
//!   positive when one of them was paid late or defaulted.

use arrow_array::Array;
use serde::Serialize;

use crate::cohort::each_line;
use crate::ingest::Entity;
use crate::table::customers::{day_at, last_order_date, text_at};
use crate::table::{Column, Workspace};
use crate::{Error, Result};

pub(super) const MODEL: &str = "propensity";

/// What the model predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    Churn,
    Response,
    Default,
}

impl Label {
    /// Parses `churn`, `response` or `default`.
    pub fn parse(text: &str) -> Result<Label> {
        match text.trim().to_ascii_lowercase().as_str() {
            "churn" => Ok(Label::Churn),
            "response" => Ok(Label::Response),
            "default" => Ok(Label::Default),
            _ => Err(Error::option("label", text, "expected churn, response or default")),
        }
    }

    /// The name as options spell it.
    pub fn name(self) -> &'static str {
        match self {
            Label::Churn => "churn",
            Label::Response => "response",
            Label::Default => "default",
        }
    }

    /// The score column's default name.
    pub fn default_column(self) -> &'static str {
        match self {
            Label::Churn => "churn_risk",
            Label::Response => "propensity_response",
            Label::Default => "propensity_default",
        }
    }
}

/// The population and its labels.
#[derive(Debug, Clone)]
pub struct Labelled {
    /// Features are computed as of the end of this day.
    pub cutoff: i32,
    /// The label is observed on days `cutoff + 1 ..= window_end`.
    pub window_end: i32,
    /// Customer keys (customer-table rows) in the population, ascending.
    pub rows: Vec<u32>,
    /// 1.0 positive, 0.0 negative, one per row.
    pub y: Vec<f64>,
}

fn finish(cutoff: i32, window_end: i32, member: &[bool], positive: &[bool]) -> Labelled {
    let rows: Vec<u32> = (0..member.len()).filter(|&c| member[c]).map(|c| c as u32).collect();
    let y = rows
        .iter()
        .map(|&c| if positive[c as usize] { 1.0 } else { 0.0 })
        .collect();
    Labelled {
        cutoff,
        window_end,
        rows,
        y,
    }
}

/// `churn` labels; the cut-off defaults to the last order date minus the window.
pub fn churn(ws: &Workspace, cutoff: Option<i32>, window: i32) -> Result<Labelled> {
    let last = last_order_date(ws)
        .ok_or_else(|| Error::MissingData("label 'churn' needs orders: load an orders file".into()))?;
    let cutoff = cutoff.unwrap_or(last - window);
    let end = cutoff + window;
    let n = ws.customer_keys().len();
    let (mut before, mut after) = (vec![false; n], vec![false; n]);
    each_line(ws, end, |l| {
        if l.is_return {
            return;
        }
        let c = l.customer as usize;
        if l.day <= cutoff {
            before[c] = true;
        } else {
            after[c] = true;
        }
    });
    let churned: Vec<bool> = after.iter().map(|a| !a).collect();
    Ok(finish(cutoff, end, &before, &churned))
}

/// `response` labels. With a campaign, the cut-off defaults to the day before
/// its first event and the window runs to its last event; without one, the
/// window is the last `window` days of campaign events.
pub fn response(ws: &Workspace, cutoff: Option<i32>, window: i32, campaign: Option<&str>) -> Result<Labelled> {
    let tables: Vec<_> = ws.tables(Entity::CampaignEvents).collect();
    if tables.is_empty() {
        return Err(Error::MissingData(
            "label 'response' needs campaign events: load a campaign_events file".into(),
        ));
    }
    // (customer, day, positive) of every event of the chosen campaign.
    let mut events: Vec<(u32, i32, bool)> = Vec::new();
    for t in tables {
        let (Some(Column::CustomerKey(cust)), Some(when)) = (t.field("customer_id"), t.field("timestamp")) else {
            continue;
        };
        let (id, event) = (t.field("campaign_id"), t.field("event"));
        for i in 0..t.rows {
            if !cust.is_valid(i) {
                continue;
            }
            if campaign.is_some_and(|c| text_at(id, i).map(str::trim) != Some(c.trim())) {
                continue;
            }
            let Some(day) = day_at(when, i) else { continue };
            let positive = text_at(event, i)
                .is_some_and(|e| matches!(e.trim().to_ascii_lowercase().as_str(), "clicked" | "converted"));
            events.push((cust.value(i), day, positive));
        }
    }
    let (Some(first), Some(last)) = (events.iter().map(|e| e.1).min(), events.iter().map(|e| e.1).max()) else {
        return Err(match campaign {
            Some(c) => Error::option("campaign", c, "no campaign events of this campaign"),
            None => Error::MissingData("label 'response' needs campaign events with a customer and a timestamp".into()),
        });
    };
    let (cutoff, end) = match (campaign, cutoff) {
        (Some(_), None) => (first - 1, last),
        (Some(_), Some(c)) => (c, last.max(c + window)),
        (None, Some(c)) => (c, c + window),
        (None, None) => (last - window, last),
    };
    let n = ws.customer_keys().len();
    let (mut member, mut positive) = (vec![false; n], vec![false; n]);
    for &(c, day, pos) in &events {
        if day > cutoff && day <= end {
            member[c as usize] = true;
            positive[c as usize] |= pos;
        }
    }
    Ok(finish(cutoff, end, &member, &positive))
}

/// `default` labels; the cut-off defaults to the last order date minus the window.
pub fn default(ws: &Workspace, cutoff: Option<i32>, window: i32) -> Result<Labelled> {
    let tables: Vec<_> = ws
        .tables(Entity::Orders)
        .filter(|t| matches!(t.field("payment_status"), Some(Column::Text(_))))
        .collect();
    if tables.is_empty() {
        return Err(Error::MissingData(
            "label 'default' needs orders with a payment_status column (paid, late, defaulted)".into(),
        ));
    }
    let last = last_order_date(ws).unwrap_or(0);
    let cutoff = cutoff.unwrap_or(last - window);
    let end = cutoff + window;
    let n = ws.customer_keys().len();
    let (mut member, mut positive) = (vec![false; n], vec![false; n]);
    for t in tables {
        let (Some(Column::CustomerKey(cust)), Some(dates)) = (t.field("customer_id"), t.field("order_date")) else {
            continue;
        };
        let status = t.field("payment_status");
        for i in 0..t.rows {
            let (Some(day), Some(s)) = (day_at(dates, i), text_at(status, i)) else {
                continue;
            };
            if day <= cutoff || day > end || !cust.is_valid(i) {
                continue;
            }
            let c = cust.value(i) as usize;
            member[c] = true;
            positive[c] |= matches!(
                s.trim().to_ascii_lowercase().as_str(),
                "late" | "paid_late" | "overdue" | "defaulted" | "default" | "unpaid" | "written_off"
            );
        }
    }
    Ok(finish(cutoff, end, &member, &positive))
}
