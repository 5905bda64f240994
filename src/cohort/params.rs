//! Cohort options as callers give them, and checked once.

use super::period::Period;
use crate::ingest::parse_date;
use crate::table::customers::last_order_date;
use crate::table::Workspace;
use crate::{Error, Result};

/// Cohort options as callers give them (`ws.cohorts(options)`, `rapport cohorts`).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct CohortParams {
    /// `"week"` (ISO, Monday start), `"month"` (default) or `"quarter"`: the
    /// length of period k, and of the acquisition cohorts.
    pub period: Option<String>,
    /// What groups customers: `"first_order"` (default: the period of the first
    /// order), `"first_product"`, `"first_category"`, `"first_campaign"` (the
    /// campaign of the first `converted` event), or a text or category column of
    /// the customer table such as `"acquisition_channel"`.
    pub by: Option<String>,
    /// Reference date `YYYY-MM-DD` (default: the last order date). Lines after it
    /// are ignored; periods not over by its end are marked incomplete.
    pub as_of: Option<String>,
    /// At most this many periods k = 0, 1, … per cohort (default: all).
    pub max_periods: Option<u32>,
    /// What `retention` holds: `"customers"` (default: active / size),
    /// `"orders"` (orders in k / orders in 0) or `"revenue"` (revenue in k /
    /// revenue in 0, the net revenue retention).
    pub measure: Option<String>,
}

/// What groups customers into cohorts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CohortBy {
    /// The period of the first order (acquisition cohorts).
    FirstOrder,
    /// The product of the first order line.
    FirstProduct,
    /// The category of the first order line.
    FirstCategory,
    /// The campaign of the earliest `converted` campaign event.
    FirstCampaign,
    /// A text or category column of the customer table.
    Column(String),
}

impl CohortBy {
    /// The name as the options spell it.
    pub fn name(&self) -> &str {
        match self {
            CohortBy::FirstOrder => "first_order",
            CohortBy::FirstProduct => "first_product",
            CohortBy::FirstCategory => "first_category",
            CohortBy::FirstCampaign => "first_campaign",
            CohortBy::Column(c) => c,
        }
    }
}

/// What the `retention` series measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Customers,
    Orders,
    Revenue,
}

/// Checked cohort options.
#[derive(Debug, Clone)]
pub struct CohortOptions {
    pub period: Period,
    pub by: CohortBy,
    /// Days since 1970-01-01.
    pub as_of: i32,
    pub max_periods: Option<u32>,
    pub measure: Measure,
}

/// The reference date: as given, else the last order date.
pub(crate) fn as_of_or_last(ws: &Workspace, as_of: Option<&str>, what: &str) -> Result<i32> {
    match as_of {
        Some(t) => parse_date(t.as_bytes()).ok_or_else(|| Error::option("asOf", t, "expected a date YYYY-MM-DD")),
        None => last_order_date(ws)
            .ok_or_else(|| Error::MissingData(format!("{what} need orders: load an orders file first"))),
    }
}

impl CohortParams {
    /// Checks the options against the workspace (orders must be loaded).
    pub fn check(&self, ws: &Workspace) -> Result<CohortOptions> {
        let period = match &self.period {
            Some(p) => Period::parse(p, "period")?,
            None => Period::Month,
        };
        let by = match self.by.as_deref().map(str::trim) {
            None | Some("first_order") | Some("acquisition") => CohortBy::FirstOrder,
            Some("first_product") => CohortBy::FirstProduct,
            Some("first_category") => CohortBy::FirstCategory,
            Some("first_campaign") => CohortBy::FirstCampaign,
            Some("") => return Err(Error::option("by", "", "expected a cohort kind or a customer column")),
            Some(column) => CohortBy::Column(column.to_string()),
        };
        let measure = match self.measure.as_deref() {
            None | Some("customers") => Measure::Customers,
            Some("orders") => Measure::Orders,
            Some("revenue") => Measure::Revenue,
            Some(other) => {
                return Err(Error::option(
                    "measure",
                    other,
                    "expected \"customers\", \"orders\" or \"revenue\"",
                ))
            }
        };
        if self.max_periods == Some(0) {
            return Err(Error::option("maxPeriods", 0, "at least one period (k = 0) is needed"));
        }
        if ws.tables(crate::Entity::Orders).next().is_none() {
            return Err(Error::MissingData(
                "cohorts need orders: load an orders file first".into(),
            ));
        }
        Ok(CohortOptions {
            period,
            by,
            as_of: as_of_or_last(ws, self.as_of.as_deref(), "cohorts")?,
            max_periods: self.max_periods,
            measure,
        })
    }
}
