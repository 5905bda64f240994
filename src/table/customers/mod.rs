//! The customer table: one row per customer, the hub every analysis adds
//! columns to (DESIGN.md). Row `i` is customer key `i` of the workspace's
//! customer dictionary, so per-customer work is an array pass. The key lives in
//! one place ([`CustomerTable::ids`]); when identity resolution lands, building
//! over unified ids instead is the one step that changes.

mod build;
mod engagement;
mod page;

use std::sync::Arc;

use arrow_array::types::UInt32Type;
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, DictionaryArray, Float64Array, RecordBatch, StringArray,
};
use arrow_schema::{Field, Schema};
use serde::Serialize;

pub use build::{
    age_band, age_on, build, consent_channel, consent_granted, is_cancelled, is_return, last_order_date,
    CustomerParams, CONSENT_CHANNELS,
};
#[allow(unused_imports)]
pub(crate) use build::{day_at, text_at};
pub use engagement::latest_consents;
pub use page::{page, PageParams};

use crate::table::export::write_ipc;
use crate::{Error, Result};

/// The values of one customer-table column.
#[derive(Debug, Clone)]
pub enum Values {
    Number(Float64Array),
    Date(Date32Array),
    Bool(BooleanArray),
    /// Free text (names, e-mails).
    Text(StringArray),
    /// Text with few distinct values (country, segment), dictionary-encoded.
    Category(DictionaryArray<UInt32Type>),
}

impl Values {
    /// `"number"`, `"date"`, `"bool"`, `"text"` or `"category"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Values::Number(_) => "number",
            Values::Date(_) => "date",
            Values::Bool(_) => "bool",
            Values::Text(_) => "text",
            Values::Category(_) => "category",
        }
    }

    /// The Arrow array.
    pub fn array(&self) -> ArrayRef {
        match self {
            Values::Number(a) => Arc::new(a.clone()),
            Values::Date(a) => Arc::new(a.clone()),
            Values::Bool(a) => Arc::new(a.clone()),
            Values::Text(a) => Arc::new(a.clone()),
            Values::Category(a) => Arc::new(a.clone()),
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Values::Number(a) => a.len(),
            Values::Date(a) => a.len(),
            Values::Bool(a) => a.len(),
            Values::Text(a) => a.len(),
            Values::Category(a) => a.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A category column from one label per row (`None` = null).
    pub fn category<'a>(labels: impl IntoIterator<Item = Option<&'a str>>) -> Values {
        Values::Category(labels.into_iter().collect())
    }
}

/// One column of the customer table.
#[derive(Debug, Clone)]
pub struct Feature {
    pub name: String,
    /// What the column means, for the page's column picker and completion.
    pub about: String,
    pub values: Values,
}

impl Feature {
    /// A column named `name`.
    pub fn new(name: &str, about: &str, values: Values) -> Self {
        Feature {
            name: name.to_string(),
            about: about.to_string(),
            values,
        }
    }
}

/// A line of [`CustomerTable::describe`].
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnInfo {
    pub name: String,
    pub kind: &'static str,
    pub about: String,
    pub nulls: usize,
}

/// One row per customer: `customer_id` plus every feature computed so far.
#[derive(Debug, Clone)]
pub struct CustomerTable {
    /// The reference date (days since 1970-01-01) of recency, tenure and age.
    pub as_of: i32,
    ids: StringArray,
    features: Vec<Feature>,
}

impl CustomerTable {
    /// A table over these customer ids with no features yet.
    pub fn new(ids: StringArray, as_of: i32) -> Self {
        CustomerTable {
            as_of,
            ids,
            features: Vec::new(),
        }
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no customers.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The customer ids, row by row.
    pub fn ids(&self) -> &StringArray {
        &self.ids
    }

    /// The row of a customer id.
    pub fn row_of(&self, id: &str) -> Option<usize> {
        (0..self.ids.len()).find(|&i| self.ids.value(i) == id)
    }

    /// The column `name`.
    pub fn get(&self, name: &str) -> Option<&Feature> {
        self.features.iter().find(|f| f.name == name)
    }

    /// Every column, in order.
    pub fn features(&self) -> &[Feature] {
        &self.features
    }

    /// Adds a column, replacing one of the same name (an analysis run again).
    pub fn add(&mut self, feature: Feature) -> Result<()> {
        if feature.values.len() != self.len() {
            return Err(Error::MissingData(format!(
                "column '{}' has {} rows, the customer table {}",
                feature.name,
                feature.values.len(),
                self.len()
            )));
        }
        match self.features.iter_mut().find(|f| f.name == feature.name) {
            Some(f) => *f = feature,
            None => self.features.push(feature),
        }
        Ok(())
    }

    /// Name, kind, meaning and null count of every column (`customer_id` first).
    pub fn describe(&self) -> Vec<ColumnInfo> {
        let mut out = vec![ColumnInfo {
            name: "customer_id".into(),
            kind: "text",
            about: "the customer's id in the loaded files".into(),
            nulls: 0,
        }];
        out.extend(self.features.iter().map(|f| ColumnInfo {
            name: f.name.clone(),
            kind: f.values.kind(),
            about: f.about.clone(),
            nulls: f.values.array().null_count(),
        }));
        out
    }

    /// The table as one Arrow record batch: `customer_id` then the chosen
    /// columns (all when `columns` is `None`), only the given rows when `rows` is set.
    pub fn batch(&self, columns: Option<&[String]>, rows: Option<&[u32]>) -> Result<RecordBatch> {
        let chosen: Vec<&Feature> = match columns {
            None => self.features.iter().collect(),
            Some(names) => names
                .iter()
                .filter(|n| n.as_str() != "customer_id")
                .map(|n| {
                    self.get(n).ok_or_else(|| {
                        Error::option("columns", n, format!("no such customer column; {}", self.suggest(n)))
                    })
                })
                .collect::<Result<_>>()?,
        };
        let take = |a: ArrayRef| -> Result<ArrayRef> {
            match rows {
                None => Ok(a),
                Some(r) => arrow_select_take(&a, r),
            }
        };
        let mut fields = vec![Field::new("customer_id", arrow_schema::DataType::Utf8, false)];
        let mut arrays = vec![take(Arc::new(self.ids.clone()))?];
        for f in chosen {
            let a = take(f.values.array())?;
            fields.push(Field::new(f.name.as_str(), a.data_type().clone(), true));
            arrays.push(a);
        }
        Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)?)
    }

    /// The table (or chosen columns / rows) as Arrow IPC stream bytes.
    pub fn to_ipc(&self, columns: Option<&[String]>, rows: Option<&[u32]>) -> Result<Vec<u8>> {
        write_ipc(&self.batch(columns, rows)?)
    }

    /// "did you mean …" for a column name that does not exist.
    pub fn suggest(&self, name: &str) -> String {
        let names = std::iter::once("customer_id").chain(self.features.iter().map(|f| f.name.as_str()));
        match crate::stats::nearest(name, names) {
            Some(n) => format!("did you mean '{n}'?"),
            None => "see the column list".into(),
        }
    }
}

/// The rows `rows` of an array, in that order.
pub(crate) fn arrow_select_take(a: &ArrayRef, rows: &[u32]) -> Result<ArrayRef> {
    let data = a.to_data();
    let mut m = arrow_data::transform::MutableArrayData::new(vec![&data], true, rows.len());
    // Runs of consecutive rows are copied as one extend.
    let mut i = 0;
    while i < rows.len() {
        let start = rows[i] as usize;
        let mut end = start + 1;
        while i + 1 < rows.len() && rows[i + 1] as usize == end {
            end += 1;
            i += 1;
        }
        m.try_extend(0, start, end)?;
        i += 1;
    }
    Ok(arrow_array::make_array(m.freeze()))
}

#[cfg(test)]
mod tests;
