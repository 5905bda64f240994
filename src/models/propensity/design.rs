//! The design matrix: customer-table columns turned into standardised model
//! features, with the transform learnt on the training rows and applied as is
//! to any other rows or table (the test rows, every customer today).
//!
//! - number and yes/no columns: the value, a null replaced by the training
//!   mean, plus a `<column>_missing` indicator when the training rows have nulls;
//! - category columns: one indicator per level among the `MAX_LEVELS` most
//!   frequent in training (null counts as the level `(missing)`), the most
//!   frequent level left out as the reference, the rarer levels pooled as
//!   `<column>=other`;
//! - text (names, e-mails) and date columns are not used;
//! - every design column is then standardised with the training mean and
//!   (population) standard deviation, and a column constant in training is
//!   dropped. The intercept is therefore the log-odds of the mean customer and a
//!   coefficient × standardised value is a feature's contribution relative to him.

use arrow_array::{Array, StringArray};
use serde::Serialize;

use crate::table::customers::{CustomerTable, Values};

/// Category levels kept per column (the reference level included).
pub const MAX_LEVELS: usize = 8;
const MISSING_LEVEL: &str = "(missing)";

/// How one design column is computed from the customer table.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Source {
    /// A number (yes/no as 1/0); nulls take `impute`.
    Number { impute: f64 },
    /// 1 when the column is null.
    Missing,
    /// 1 when the category is this level.
    Level { level: String },
    /// 1 when the category is none of these levels.
    Other { known: Vec<String> },
}

/// One column of the design matrix.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DesignColumn {
    /// The feature's name as reported: `recency_days`, `age_missing`, `country=DE`.
    pub name: String,
    /// The customer-table column it comes from.
    pub column: String,
    pub source: Source,
    /// Training mean and standard deviation of the unstandardised value.
    pub mean: f64,
    pub sd: f64,
}

/// The fitted transform from customer-table columns to model features.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Design {
    pub columns: Vec<DesignColumn>,
}

/// The cells of one customer-table column, read once.
enum Cells<'a> {
    Number(Vec<Option<f64>>),
    Category(Vec<Option<&'a str>>),
    Absent,
}

fn cells<'a>(table: &'a CustomerTable, column: &str) -> Cells<'a> {
    match table.get(column).map(|f| &f.values) {
        Some(Values::Number(a)) => Cells::Number(a.iter().collect()),
        Some(Values::Bool(a)) => Cells::Number(a.iter().map(|b| b.map(|b| if b { 1.0 } else { 0.0 })).collect()),
        Some(Values::Category(a)) => {
            let dict = a.values().as_any().downcast_ref::<StringArray>();
            let keys = a.keys();
            Cells::Category(
                (0..a.len())
                    .map(|i| {
                        let d = dict?;
                        (keys.is_valid(i) && (keys.value(i) as usize) < d.len())
                            .then(|| d.value(keys.value(i) as usize))
                    })
                    .collect(),
            )
        }
        _ => Cells::Absent,
    }
}

impl DesignColumn {
    /// The unstandardised value of row `i`.
    fn raw(&self, cells: &Cells, i: usize) -> f64 {
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        match (&self.source, cells) {
            (Source::Number { impute }, Cells::Number(v)) => v.get(i).copied().flatten().unwrap_or(*impute),
            (Source::Number { impute }, _) => *impute,
            (Source::Missing, Cells::Number(v)) => flag(v.get(i).copied().flatten().is_none()),
            (Source::Missing, _) => 1.0,
            (Source::Level { level: l }, Cells::Category(v)) => {
                flag(v.get(i).is_some_and(|c| c.unwrap_or(MISSING_LEVEL) == l.as_str()))
            }
            (Source::Level { level: l }, _) => flag(l == MISSING_LEVEL),
            (Source::Other { known }, Cells::Category(v)) => flag(
                v.get(i)
                    .is_some_and(|c| !known.iter().any(|k| k == c.unwrap_or(MISSING_LEVEL))),
            ),
            (Source::Other { known }, _) => flag(!known.iter().any(|k| k == MISSING_LEVEL)),
        }
    }
}

impl Design {
    /// Learns the transform on `rows` of `table`, leaving out the columns in `exclude`.
    pub fn fit(table: &CustomerTable, rows: &[u32], exclude: &[&str]) -> Design {
        let mut candidates: Vec<DesignColumn> = Vec::new();
        let column = |name: String, column: &str, source: Source| DesignColumn {
            name,
            column: column.to_string(),
            source,
            mean: 0.0,
            sd: 0.0,
        };
        for f in table.features() {
            if exclude.contains(&f.name.as_str()) {
                continue;
            }
            match cells(table, &f.name) {
                Cells::Number(v) => {
                    let present: Vec<f64> = rows
                        .iter()
                        .filter_map(|&r| v.get(r as usize).copied().flatten())
                        .collect();
                    if present.is_empty() {
                        continue;
                    }
                    let impute = present.iter().sum::<f64>() / present.len() as f64;
                    candidates.push(column(f.name.clone(), &f.name, Source::Number { impute }));
                    if present.len() < rows.len() {
                        candidates.push(column(format!("{}_missing", f.name), &f.name, Source::Missing));
                    }
                }
                Cells::Category(v) => {
                    let mut counts: Vec<(String, usize)> = Vec::new();
                    for &r in rows {
                        let l = v.get(r as usize).copied().flatten().unwrap_or(MISSING_LEVEL);
                        match counts.iter_mut().find(|(k, _)| k == l) {
                            Some(c) => c.1 += 1,
                            None => counts.push((l.to_string(), 1)),
                        }
                    }
                    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                    let known: Vec<String> = counts.iter().take(MAX_LEVELS).map(|(k, _)| k.clone()).collect();
                    for l in known.iter().skip(1) {
                        candidates.push(column(
                            format!("{}={l}", f.name),
                            &f.name,
                            Source::Level { level: l.clone() },
                        ));
                    }
                    if counts.len() > MAX_LEVELS {
                        candidates.push(column(format!("{}=other", f.name), &f.name, Source::Other { known }));
                    }
                }
                Cells::Absent => {}
            }
        }
        let mut columns = Vec::new();
        for mut c in candidates {
            let cl = cells(table, &c.column);
            let v: Vec<f64> = rows.iter().map(|&r| c.raw(&cl, r as usize)).collect();
            let n = v.len().max(1) as f64;
            let mean = v.iter().sum::<f64>() / n;
            let sd = (v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n).sqrt();
            if sd.is_finite() && sd > 1e-12 * (1.0 + mean.abs()) {
                c.mean = mean;
                c.sd = sd;
                columns.push(c);
            }
        }
        Design { columns }
    }

    /// Number of model features.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// Whether there are no features.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// The unstandardised values of `rows` of `table`, row-major `rows × len`.
    pub fn raw_matrix(&self, table: &CustomerTable, rows: &[u32]) -> Vec<f64> {
        let p = self.columns.len();
        let mut x = vec![0.0; rows.len() * p];
        for (j, c) in self.columns.iter().enumerate() {
            let cl = cells(table, &c.column);
            for (k, &r) in rows.iter().enumerate() {
                x[k * p + j] = c.raw(&cl, r as usize);
            }
        }
        x
    }

    /// The standardised design matrix of `rows` of `table`, row-major.
    pub fn matrix(&self, table: &CustomerTable, rows: &[u32]) -> Vec<f64> {
        let p = self.columns.len();
        let mut x = self.raw_matrix(table, rows);
        if p > 0 {
            for row in x.chunks_exact_mut(p) {
                for (v, c) in row.iter_mut().zip(&self.columns) {
                    *v = (*v - c.mean) / c.sd;
                }
            }
        }
        x
    }
}
