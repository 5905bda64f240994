//! Dimensions: customer-table columns (one label per customer) and order-line
//! fields (one label per line), each turning a customer, line or event into a
//! label code, and a label into a selection expression when the language can say it.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use arrow_array::Array;

use crate::calendar::{civil_from_days, month_index, month_label};
use crate::table::{CustomerTable, Values};
use crate::{Error, Result};

/// The label of a missing value.
pub const NONE_LABEL: &str = "(none)";

/// Order-line dimensions and the field they read.
pub const LINE_DIMENSIONS: [&str; 10] = [
    "category",
    "product_id",
    "region",
    "store",
    "sales_rep",
    "channel",
    "payment_method",
    "year",
    "quarter",
    "month",
];

/// The next level of a drill-down hierarchy.
pub fn drill_next(dimension: &str) -> Option<&'static str> {
    match dimension {
        "region" => Some("store"),
        "store" => Some("sales_rep"),
        "category" => Some("product_id"),
        "year" => Some("quarter"),
        "quarter" => Some("month"),
        _ => None,
    }
}

/// FNV-1a: labels are short and not attacker-chosen keys of a long-lived map,
/// and this lookup runs once per order line.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Labels seen so far, with their codes; a filter's allowed labels.
#[derive(Debug, Default)]
pub struct Dict {
    map: HashMap<String, u32, BuildHasherDefault<Fnv>>,
    pub labels: Vec<String>,
    allowed: Option<HashSet<String>>,
    pub pass: Vec<bool>,
}

impl Dict {
    pub fn code(&mut self, label: &str) -> u32 {
        if let Some(&c) = self.map.get(label) {
            return c;
        }
        let c = self.labels.len() as u32;
        self.map.insert(label.to_string(), c);
        self.labels.push(label.to_string());
        self.pass.push(self.allowed.as_ref().is_none_or(|a| a.contains(label)));
        c
    }
}

/// What a dimension reads.
#[derive(Debug)]
pub enum Source {
    /// A code per customer-table row, and a selection expression per code.
    Customer {
        codes: Vec<u32>,
        exprs: Vec<Option<String>>,
    },
    /// A text field of the order lines (and, for product and category, of tickets).
    LineText(&'static str),
    Year,
    Quarter,
    Month,
}

/// The most days [`Dim::date_code`] keeps codes for (about 180 years).
const MAX_DAY_SPAN: i64 = 1 << 16;

/// One resolved dimension.
#[derive(Debug)]
pub struct Dim {
    pub name: String,
    pub source: Source,
    pub dict: Dict,
    /// Month index → code, for the date dimensions.
    month_codes: HashMap<i32, u32>,
    /// Codes by day from `first_day` (u32::MAX: not coded yet), so a line's
    /// date costs one lookup whatever order the lines come in.
    day_codes: Vec<u32>,
    first_day: i32,
    /// A direct-mapped cache of text codes (checked against the label), so most
    /// lines skip the hash map.
    recent: [u32; 256],
}

fn quote(v: &str) -> String {
    format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// Age bands and tenure bands in their natural order; other labels sort as text.
pub fn label_rank(dimension: &str, label: &str) -> (u8, usize, String) {
    const AGE: [&str; 6] = ["<25", "25-34", "35-44", "45-54", "55-64", "65+"];
    if label == NONE_LABEL {
        return (2, 0, String::new());
    }
    let order: &[&str] = match dimension {
        "age_band" => &AGE,
        "tenure_band" => &TENURE_LABELS,
        "buyer" => &["buyer", "non-buyer"],
        _ => &[],
    };
    match order.iter().position(|l| *l == label) {
        Some(i) => (0, i, String::new()),
        None => (1, 0, label.to_string()),
    }
}

const TENURE_LABELS: [&str; 5] = ["<1y", "1-2y", "2-3y", "3y+", "no orders"];

impl Dim {
    fn new(name: &str, source: Source, allowed: Option<&[String]>) -> Dim {
        Dim {
            name: name.to_string(),
            source,
            dict: Dict {
                allowed: allowed.map(|v| v.iter().cloned().collect()),
                ..Default::default()
            },
            month_codes: HashMap::new(),
            day_codes: Vec::new(),
            first_day: 0,
            recent: [u32::MAX; 256],
        }
    }

    /// Resolves `name` against the order-line fields and the customer table.
    pub fn resolve(name: &str, table: &CustomerTable, allowed: Option<&[String]>) -> Result<Dim> {
        let name = name.trim();
        let line = match name {
            "year" => Some(Source::Year),
            "quarter" => Some(Source::Quarter),
            "month" => Some(Source::Month),
            _ => LINE_DIMENSIONS
                .iter()
                .find(|d| **d == name)
                .map(|d| Source::LineText(d)),
        };
        if let Some(source) = line {
            return Ok(Dim::new(name, source, allowed));
        }
        let mut dim = Dim::new(name, Source::Year, allowed);
        let n = table.len();
        let mut codes = vec![0u32; n];
        let mut exprs: Vec<Option<String>> = Vec::new();
        let mut push = |dict: &mut Dict, label: &str, expr: String| {
            let c = dict.code(label);
            if c as usize == exprs.len() {
                exprs.push(Some(expr));
            }
            c
        };
        let number = |col: &str| match table.get(col).map(|f| &f.values) {
            Some(Values::Number(a)) => Ok(a.clone()),
            _ => Err(Error::MissingData(format!(
                "dimension '{name}' needs the customer column '{col}' (load orders)"
            ))),
        };
        match name {
            "tenure_band" => {
                let t = number("tenure_days")?;
                for (c, code) in codes.iter_mut().enumerate() {
                    let (label, expr) = if !t.is_valid(c) {
                        (TENURE_LABELS[4], "tenure_days is null".to_string())
                    } else {
                        let d = t.value(c);
                        let i = if d < 365.0 {
                            0
                        } else if d < 730.0 {
                            1
                        } else if d < 1095.0 {
                            2
                        } else {
                            3
                        };
                        let expr = match i {
                            0 => "tenure_days < 365".into(),
                            3 => "tenure_days >= 1095".into(),
                            _ => format!("tenure_days >= {} and tenure_days < {}", 365 * i, 365 * (i + 1)),
                        };
                        (TENURE_LABELS[i], expr)
                    };
                    *code = push(&mut dim.dict, label, expr);
                }
            }
            "buyer" => {
                let o = number("order_count")?;
                for (c, code) in codes.iter_mut().enumerate() {
                    let buyer = o.is_valid(c) && o.value(c) >= 1.0;
                    let (label, expr) = if buyer {
                        ("buyer", "order_count >= 1")
                    } else {
                        ("non-buyer", "not (order_count >= 1) or order_count is null")
                    };
                    *code = push(&mut dim.dict, label, expr.into());
                }
            }
            _ => {
                let f = table.get(name).ok_or_else(|| {
                    let hint = crate::stats::nearest(
                        name,
                        LINE_DIMENSIONS
                            .iter()
                            .copied()
                            .chain(["tenure_band", "buyer"])
                            .chain(table.features().iter().map(|f| f.name.as_str())),
                    )
                    .map_or("see the column list".to_string(), |k| format!("did you mean '{k}'?"));
                    Error::option("dimension", name, format!("no such dimension; {hint}"))
                })?;
                let null_expr = || format!("{name} is null");
                match &f.values {
                    Values::Category(d) => {
                        let values = d.values();
                        let texts = values.as_any().downcast_ref::<arrow_array::StringArray>();
                        let mut by_key: Vec<Option<u32>> = vec![None; values.len()];
                        for (c, code) in codes.iter_mut().enumerate() {
                            *code = if d.is_valid(c) {
                                let k = d.keys().value(c) as usize;
                                match by_key.get(k).copied().flatten() {
                                    Some(x) => x,
                                    None => {
                                        let v = texts.map_or("", |t| t.value(k));
                                        let x = push(&mut dim.dict, v, format!("{name} = {}", quote(v)));
                                        if let Some(slot) = by_key.get_mut(k) {
                                            *slot = Some(x);
                                        }
                                        x
                                    }
                                }
                            } else {
                                push(&mut dim.dict, NONE_LABEL, null_expr())
                            };
                        }
                    }
                    Values::Text(t) => {
                        for (c, code) in codes.iter_mut().enumerate() {
                            *code = if t.is_valid(c) {
                                let v = t.value(c);
                                push(&mut dim.dict, v, format!("{name} = {}", quote(v)))
                            } else {
                                push(&mut dim.dict, NONE_LABEL, null_expr())
                            };
                        }
                    }
                    Values::Bool(b) => {
                        for (c, code) in codes.iter_mut().enumerate() {
                            *code = if b.is_valid(c) {
                                let v = if b.value(c) { "true" } else { "false" };
                                push(&mut dim.dict, v, format!("{name} = {v}"))
                            } else {
                                push(&mut dim.dict, NONE_LABEL, null_expr())
                            };
                        }
                    }
                    Values::Number(a) => {
                        for (c, code) in codes.iter_mut().enumerate() {
                            *code = if a.is_valid(c) {
                                let v = a.value(c);
                                push(&mut dim.dict, &format!("{v}"), format!("{name} = {v}"))
                            } else {
                                push(&mut dim.dict, NONE_LABEL, null_expr())
                            };
                            if dim.dict.labels.len() > 1000 {
                                return Err(Error::option(
                                    "dimension",
                                    name,
                                    "a number column with more than 1000 distinct values; use a band or a category column",
                                ));
                            }
                        }
                    }
                    Values::Date(_) => {
                        return Err(Error::option(
                            "dimension",
                            name,
                            "a date column is not a dimension; use year, quarter or month of the orders",
                        ))
                    }
                }
            }
        }
        dim.source = Source::Customer { codes, exprs };
        Ok(dim)
    }

    pub fn is_line(&self) -> bool {
        !matches!(self.source, Source::Customer { .. })
    }

    /// The code of a date.
    pub fn date_code(&mut self, day: i32) -> u32 {
        let at = i64::from(day) - i64::from(self.first_day);
        if let Some(&c) = usize::try_from(at).ok().and_then(|i| self.day_codes.get(i)) {
            if c != u32::MAX {
                return c;
            }
        }
        let c = self.month_code(day);
        self.remember_day(day, c);
        c
    }

    /// Keeps a day's code in `day_codes`, growing it to cover the day while
    /// the days span at most [`MAX_DAY_SPAN`] (beyond, days are coded through
    /// the month map each time).
    fn remember_day(&mut self, day: i32, code: u32) {
        if self.day_codes.is_empty() {
            self.first_day = day;
        }
        let last = i64::from(self.first_day) + self.day_codes.len() as i64 - 1;
        let (lo, hi) = (i64::from(self.first_day).min(i64::from(day)), last.max(i64::from(day)));
        if hi - lo >= MAX_DAY_SPAN {
            return;
        }
        if i64::from(day) < i64::from(self.first_day) {
            let mut grown = vec![u32::MAX; (i64::from(self.first_day) - i64::from(day)) as usize];
            grown.extend_from_slice(&self.day_codes);
            self.day_codes = grown;
            self.first_day = day;
        }
        let i = (i64::from(day) - i64::from(self.first_day)) as usize;
        if i >= self.day_codes.len() {
            self.day_codes.resize(i + 1, u32::MAX);
        }
        self.day_codes[i] = code;
    }

    fn month_code(&mut self, day: i32) -> u32 {
        let m = month_index(day);
        if let Some(&c) = self.month_codes.get(&m) {
            return c;
        }
        let label = match self.source {
            Source::Year => format!("{:04}", m.div_euclid(12)),
            Source::Quarter => {
                let (y, mo, _) = civil_from_days(day);
                format!("{y:04}-Q{}", (mo - 1) / 3 + 1)
            }
            _ => month_label(m),
        };
        let c = self.dict.code(&label);
        self.month_codes.insert(m, c);
        c
    }

    /// The code of a text value (blank or missing: the "(none)" label).
    pub fn text_code(&mut self, v: Option<&str>) -> u32 {
        match v.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => {
                let b = s.as_bytes();
                let slot =
                    (b.len() * 31 + b[0] as usize * 7 + b[b.len() - 1] as usize + b[b.len() / 2] as usize * 13) & 255;
                let hit = self.recent[slot];
                if hit != u32::MAX && self.dict.labels.get(hit as usize).is_some_and(|l| l == s) {
                    return hit;
                }
                let code = self.dict.code(s);
                self.recent[slot] = code;
                code
            }
            None => self.dict.code(NONE_LABEL),
        }
    }

    /// The selection expression of a code, when the language can say it.
    pub fn expr(&self, code: u32) -> Option<String> {
        match &self.source {
            Source::Customer { exprs, .. } => exprs.get(code as usize).cloned().flatten(),
            Source::LineText(f) if *f == "category" || *f == "product_id" => {
                let label = self.dict.labels.get(code as usize)?;
                if label == NONE_LABEL {
                    return None;
                }
                let arg = if *f == "category" { "category" } else { "product" };
                Some(format!("bought({arg} = {})", quote(label)))
            }
            _ => None,
        }
    }
}
