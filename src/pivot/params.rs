//! Pivot definitions as callers save them, and checked once.

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// One filter: keep what `dimension` labels with one of `values`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Filter {
    pub dimension: String,
    pub values: Vec<String>,
}

/// How rows are ordered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Sort {
    /// `"label"` (default) or a measure of the definition (sorted on the row totals).
    pub by: String,
    #[serde(default)]
    pub descending: bool,
}

/// A saved report: one or two dimensions × measures (README "Reports").
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct PivotDefinition {
    /// A name for the saved report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The row dimension (required unless `preset` gives it).
    pub rows: String,
    /// The column dimension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<String>,
    /// Measures (default: customers, orders, revenue).
    pub measures: Vec<String>,
    pub filters: Vec<Filter>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<Sort>,
    /// At most this many rows (after sorting); totals still cover every row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    /// Days without an order after which a buyer counts as churned (default 180).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inactive_days: Option<u32>,
}

/// What a pivot cell can show (README "Reports" gives each one's grain).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Customers,
    Orders,
    Revenue,
    Profit,
    Aov,
    RevenuePerCustomer,
    RepeatRate,
    ChurnShare,
    ComplaintRate,
    ComplaintsPer100Orders,
    ResolutionDaysMean,
    ResolutionDaysMedian,
    AvgCsat,
    Nps,
    LateShare,
}

impl Measure {
    /// Every measure, as named in definitions.
    pub const ALL: [(&'static str, Measure); 15] = [
        ("customers", Measure::Customers),
        ("orders", Measure::Orders),
        ("revenue", Measure::Revenue),
        ("profit", Measure::Profit),
        ("aov", Measure::Aov),
        ("revenue_per_customer", Measure::RevenuePerCustomer),
        ("repeat_rate", Measure::RepeatRate),
        ("churn_share", Measure::ChurnShare),
        ("complaint_rate", Measure::ComplaintRate),
        ("complaints_per_100_orders", Measure::ComplaintsPer100Orders),
        ("resolution_days_mean", Measure::ResolutionDaysMean),
        ("resolution_days_median", Measure::ResolutionDaysMedian),
        ("avg_csat", Measure::AvgCsat),
        ("nps", Measure::Nps),
        ("late_share", Measure::LateShare),
    ];

    pub fn parse(name: &str) -> Result<Measure> {
        let n = name.trim().to_ascii_lowercase();
        Measure::ALL
            .iter()
            .find(|(k, _)| *k == n)
            .map(|&(_, m)| m)
            .ok_or_else(|| {
                let hint = crate::stats::nearest(&n, Measure::ALL.iter().map(|(k, _)| *k))
                    .map_or(String::new(), |k| format!(" (did you mean '{k}'?)"));
                Error::option("measures", name, format!("no such measure{hint}"))
            })
    }

    pub fn name(self) -> &'static str {
        Measure::ALL.iter().find(|(_, m)| *m == self).map_or("", |(k, _)| k)
    }

    /// Measures from support tickets or survey answers.
    pub fn from_events(self) -> bool {
        matches!(
            self,
            Measure::ComplaintsPer100Orders
                | Measure::ResolutionDaysMean
                | Measure::ResolutionDaysMedian
                | Measure::AvgCsat
                | Measure::Nps
        )
    }
}

/// A checked definition.
#[derive(Debug, Clone)]
pub struct ValidDefinition {
    pub definition: PivotDefinition,
    pub measures: Vec<Measure>,
    pub inactive_days: u32,
    /// Sort on this measure's index (None: by label).
    pub sort_measure: Option<usize>,
}

impl PivotDefinition {
    /// Checks names and numbers (dimensions are checked against the data when run).
    pub fn check(&self) -> Result<ValidDefinition> {
        if self.rows.trim().is_empty() {
            return Err(Error::option(
                "rows",
                "",
                "expected a dimension, e.g. \"country\" or \"category\"",
            ));
        }
        if self.columns.as_deref().is_some_and(|c| c.trim() == self.rows.trim()) {
            return Err(Error::option(
                "columns",
                &self.rows,
                "expected a dimension other than the rows'",
            ));
        }
        let names: Vec<&str> = if self.measures.is_empty() {
            vec!["customers", "orders", "revenue"]
        } else {
            self.measures.iter().map(String::as_str).collect()
        };
        let measures = names.iter().map(|m| Measure::parse(m)).collect::<Result<Vec<_>>>()?;
        let inactive_days = self.inactive_days.unwrap_or(180);
        if !(1..=36_500).contains(&inactive_days) {
            return Err(Error::option("inactiveDays", inactive_days, "expected 1 to 36500 days"));
        }
        if self.limit == Some(0) {
            return Err(Error::option("limit", 0, "expected at least one row"));
        }
        let sort_measure = match &self.sort {
            None => None,
            Some(s) if s.by == "label" => None,
            Some(s) => {
                let m = Measure::parse(&s.by)?;
                Some(measures.iter().position(|&x| x == m).ok_or_else(|| {
                    Error::option(
                        "sort.by",
                        &s.by,
                        "expected \"label\" or one of the definition's measures",
                    )
                })?)
            }
        };
        for f in &self.filters {
            if f.values.is_empty() {
                return Err(Error::option(
                    "filters",
                    &f.dimension,
                    "expected at least one value to keep",
                ));
            }
        }
        Ok(ValidDefinition {
            definition: self.clone(),
            measures,
            inactive_days,
            sort_measure,
        })
    }
}
