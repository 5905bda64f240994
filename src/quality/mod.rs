//! Data quality: is the loaded data complete, correct, unique and current?

mod profile;
mod rules;

pub use profile::{
    profile, ColumnQuality, EntityQuality, Issue, QualityOptions, QualityReport, Scores, SourceCurrency, TopValue,
};
pub use rules::{implausible_date, valid_email, valid_phone};

use crate::{ingest::parse_date, Error, Result};

/// Quality options as callers give them; checked once into [`QualityOptions`].
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct QualityParams {
    /// The reference date, `YYYY-MM-DD` (default: today).
    pub as_of: Option<String>,
    /// How many offending values to list per entity (default 1,000).
    pub max_issues: Option<usize>,
}

impl QualityParams {
    /// The checked options; `today` (days since 1970-01-01) is the default reference date.
    pub fn check(&self, today: i32) -> Result<QualityOptions> {
        let as_of = match &self.as_of {
            None => today,
            Some(text) => {
                parse_date(text.as_bytes()).ok_or_else(|| Error::option("asOf", text, "expected a date YYYY-MM-DD"))?
            }
        };
        Ok(QualityOptions {
            as_of,
            max_issues: self.max_issues.unwrap_or(1_000),
        })
    }
}
