//! The 360° view of one customer: every customer-table column (features and
//! the scores analyses added), the profile records of each source system, and
//! the customer's history in every other entity — orders, complaints and other
//! tickets, surveys, consents, campaign events, web visits — newest first, with
//! one merged timeline and a complaint summary.
//!
//! Records are read generically from the entity tables (every column, canonical
//! or attribute), so a file's own extra columns show too.

mod records;
mod search;
#[cfg(test)]
mod tests;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

pub use records::{EntityHistory, Record};
pub use search::{find, CustomerMatch};

use crate::ingest::Entity;
use crate::table::{CustomerTable, Workspace};
use crate::{Error, Result};

/// Options of [`customer_view`], checked by [`ViewOptions::check`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ViewOptions {
    /// Records shown per entity, newest first (default 50, at most 10,000);
    /// `total` always counts them all.
    pub limit: Option<usize>,
}

/// [`ViewOptions`] with its defaults applied.
#[derive(Debug, Clone, Copy)]
pub struct ViewParams {
    pub limit: usize,
}

impl ViewOptions {
    /// Applies the defaults and refuses a limit of 0 or over 10,000.
    pub fn check(&self) -> Result<ViewParams> {
        let limit = self.limit.unwrap_or(50);
        if limit == 0 || limit > 10_000 {
            return Err(Error::option("limit", limit, "must be between 1 and 10000"));
        }
        Ok(ViewParams { limit })
    }
}

/// A cell's value as shown: dates as `YYYY-MM-DD`, timestamps as
/// `YYYY-MM-DDTHH:MM:SSZ`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
}

/// Named values in their column order (a JS object keeps that order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields(pub Vec<(String, Value)>);

impl Fields {
    /// The value named `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// One customer-table column of this customer.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attribute {
    pub name: String,
    pub kind: &'static str,
    pub about: String,
    pub value: Value,
}

/// The complaint history's summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ComplaintSummary {
    pub tickets: usize,
    pub complaints: usize,
    /// Tickets without a close date.
    pub open: usize,
    /// Mean days from opening to closing, over closed tickets.
    pub mean_resolution_days: Option<f64>,
    pub last_complaint: Option<String>,
}

/// One line of the merged timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEvent {
    /// `YYYY-MM-DD` (a timestamp's UTC day).
    pub date: String,
    /// `order`, `return`, `complaint`, `ticket`, `survey`, `consent` or `campaign`.
    pub kind: &'static str,
    /// One line saying what happened.
    pub summary: String,
}

/// The 360° view of one customer.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerView {
    pub customer_id: String,
    /// Every customer-table column, in the table's order.
    pub attributes: Vec<Attribute>,
    /// The customer's rows in each customers file (one per source system).
    pub profiles: EntityHistory,
    pub orders: EntityHistory,
    pub tickets: EntityHistory,
    pub complaints: ComplaintSummary,
    pub surveys: EntityHistory,
    pub consents: EntityHistory,
    pub campaign_events: EntityHistory,
    pub web_events: EntityHistory,
    /// Orders (one per order id), tickets, surveys, consent changes and
    /// campaign events together, newest first, at most `limit`.
    pub timeline: Vec<TimelineEvent>,
}

/// The 360° view of `customer_id` over the workspace's files and its customer
/// table (built by the caller with the reference date it wants).
pub fn customer_view(
    ws: &Workspace,
    table: &CustomerTable,
    customer_id: &str,
    params: ViewParams,
) -> Result<CustomerView> {
    let row = table.row_of(customer_id).ok_or_else(|| {
        Error::option(
            "customerId",
            customer_id,
            "no customer with this id in the loaded files",
        )
    })?;
    let key = ws.customer_keys().get(customer_id.as_bytes()).ok_or_else(|| {
        Error::option(
            "customerId",
            customer_id,
            "no customer with this id in the loaded files",
        )
    })?;
    let attributes = table
        .features()
        .iter()
        .map(|f| Attribute {
            name: f.name.clone(),
            kind: f.values.kind(),
            about: f.about.clone(),
            value: records::feature_value(&f.values, row),
        })
        .collect();
    let history = |entity| records::history(ws, entity, key, params.limit);
    let tickets = history(Entity::Tickets);
    let complaints = records::complaint_summary(ws, key);
    let view = CustomerView {
        customer_id: customer_id.to_string(),
        attributes,
        profiles: history(Entity::Customers),
        orders: history(Entity::Orders),
        tickets,
        complaints,
        surveys: history(Entity::Surveys),
        consents: history(Entity::Consents),
        campaign_events: history(Entity::CampaignEvents),
        web_events: history(Entity::WebEvents),
        timeline: Vec::new(),
    };
    let timeline = records::timeline(&view, params.limit);
    Ok(CustomerView { timeline, ..view })
}
