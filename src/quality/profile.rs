//! The data-quality profile: per entity and column, how complete, correct,
//! unique and current the loaded data is, with the worst offenders listed.

use std::collections::HashMap;
use std::hash::Hasher;

use arrow_array::Array;
use rustc_hash::{FxHashSet, FxHasher};
use serde::Serialize;

use super::rules::{implausible_date, valid_email, valid_phone};
use crate::calendar::date_label;
use crate::ingest::{Entity, FieldType};
use crate::table::{Column, EntityTable, Workspace};

/// How to profile.
#[derive(Debug, Clone, Copy)]
pub struct QualityOptions {
    /// The reference date (days since 1970-01-01): later dates are "in the
    /// future", and staleness is counted up to it.
    pub as_of: i32,
    /// How many offending values to list per entity.
    pub max_issues: usize,
}

/// The four dimensions, each from 0 (bad) to 1 (perfect).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Scores {
    /// Share of cells filled, over the canonical fields present.
    pub complete: f64,
    /// Share of filled checked cells that are valid, and of rows whose customer is known.
    pub correct: f64,
    /// Share of rows that are neither a repeated key nor an exact copy of another row.
    pub unique: f64,
    /// 1 when every source's newest record is at most 30 days old, 0 from a year on.
    pub current: f64,
}

/// A count of one value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopValue {
    pub value: String,
    pub count: u64,
}

/// One column's profile (over every file of the entity that has it).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnQuality {
    pub name: String,
    /// A canonical field (else an attribute).
    pub field: bool,
    #[serde(rename = "type")]
    pub ty: FieldType,
    pub rows: u64,
    pub nulls: u64,
    pub completeness: f64,
    /// Filled cells that break the field's rule (e-mail shape, phone digits, plausible date, …).
    pub invalid: u64,
    /// Distinct values (text and ids).
    pub distinct: Option<u64>,
    /// The most frequent values (text and ids), most frequent first.
    pub top: Vec<TopValue>,
    pub min: Option<String>,
    pub median: Option<String>,
    pub max: Option<String>,
}

/// One offending value or row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Issue {
    pub dimension: &'static str,
    pub file: String,
    /// The row within its file as a spreadsheet numbers it (the header is row 1).
    pub row: u64,
    pub column: Option<String>,
    pub value: String,
    pub reason: String,
}

/// The newest record of one source.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceCurrency {
    pub source: String,
    pub latest: Option<String>,
    pub stale_days: Option<i64>,
}

/// One entity's profile.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityQuality {
    pub entity: Entity,
    pub files: u64,
    pub rows: u64,
    pub scores: Scores,
    pub columns: Vec<ColumnQuality>,
    /// Rows whose identifier repeats an earlier row's (customers, tickets, campaigns).
    pub duplicate_keys: u64,
    /// Rows equal in every column to an earlier row of the same file.
    pub duplicate_rows: u64,
    /// Rows whose customer is in no loaded customer file (when customers are loaded).
    pub unknown_customers: Option<u64>,
    pub sources: Vec<SourceCurrency>,
    /// Every problem counted in the scores.
    pub issue_count: u64,
    /// The first `max_issues` of them.
    pub issues: Vec<Issue>,
}

/// The whole profile.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QualityReport {
    pub as_of: String,
    /// Row-weighted over the entities.
    pub scores: Scores,
    pub entities: Vec<EntityQuality>,
}

fn key_field(entity: Entity) -> Option<&'static str> {
    match entity {
        Entity::Customers => Some("customer_id"),
        Entity::Tickets => Some("ticket_id"),
        Entity::Campaigns => Some("campaign_id"),
        _ => None,
    }
}

fn currency_score(stale_days: i64) -> f64 {
    ((365 - stale_days.max(30)) as f64 / (365 - 30) as f64).clamp(0.0, 1.0)
}

/// Profiles every loaded entity.
pub fn profile(ws: &Workspace, opts: &QualityOptions) -> QualityReport {
    let known_customers: Option<Vec<bool>> = {
        let mut tables = ws.tables(Entity::Customers).peekable();
        tables.peek().is_some().then(|| {
            let mut known = vec![false; ws.customer_keys().len()];
            for t in tables {
                if let Some(Column::CustomerKey(k)) = t.field("customer_id") {
                    k.iter().flatten().for_each(|k| known[k as usize] = true);
                }
            }
            known
        })
    };
    let mut entities = Vec::new();
    for entity in Entity::ALL {
        let tables: Vec<&EntityTable> = ws.tables(entity).collect();
        if !tables.is_empty() {
            entities.push(profile_entity(ws, entity, &tables, known_customers.as_deref(), opts));
        }
    }
    let total: f64 = entities.iter().map(|e| e.rows as f64).sum::<f64>().max(1.0);
    let weighted = |f: fn(&Scores) -> f64| entities.iter().map(|e| f(&e.scores) * e.rows as f64).sum::<f64>() / total;
    let scores = if entities.is_empty() {
        Scores {
            complete: 1.0,
            correct: 1.0,
            unique: 1.0,
            current: 1.0,
        }
    } else {
        Scores {
            complete: weighted(|s| s.complete),
            correct: weighted(|s| s.correct),
            unique: weighted(|s| s.unique),
            current: weighted(|s| s.current),
        }
    };
    QualityReport {
        as_of: date_label(opts.as_of),
        scores,
        entities,
    }
}

struct Acc {
    name: String,
    field: bool,
    ty: FieldType,
    rows: u64,
    nulls: u64,
    invalid: u64,
    counts: HashMap<String, u64>,
    numbers: Vec<f64>,
}

fn profile_entity(
    ws: &Workspace,
    entity: Entity,
    tables: &[&EntityTable],
    known: Option<&[bool]>,
    opts: &QualityOptions,
) -> EntityQuality {
    let mut accs: Vec<Acc> = Vec::new();
    let mut issues: Vec<Issue> = Vec::new();
    let mut issue_count = 0u64;
    let mut note = |issue: Issue| {
        issue_count += 1;
        if issues.len() < opts.max_issues {
            issues.push(issue);
        }
    };
    let mut sources: Vec<(String, Option<i32>)> = Vec::new();
    let (mut duplicate_keys, mut duplicate_rows, mut unknown) = (0u64, 0u64, 0u64);
    let mut seen_text_keys: FxHashSet<String> = FxHashSet::default();
    let mut seen_customer_keys = vec![false; ws.customer_keys().len()];
    let rows: u64 = tables.iter().map(|t| t.rows as u64).sum();
    for t in tables {
        let returns: Vec<bool> = match t.field("status") {
            Some(Column::Text(s)) => (0..t.rows)
                .map(|i| {
                    s.is_valid(i) && {
                        let v = s.value(i).to_lowercase();
                        v.contains("return") || v.contains("refund")
                    }
                })
                .collect(),
            _ => vec![false; t.rows],
        };
        let mut latest: Option<i32> = None;
        for (name, canonical, col) in &t.columns {
            let idx = match accs.iter().position(|a| &a.name == name && a.ty == col.field_type()) {
                Some(i) => i,
                None => {
                    accs.push(Acc {
                        name: name.clone(),
                        field: *canonical,
                        ty: col.field_type(),
                        rows: 0,
                        nulls: 0,
                        invalid: 0,
                        counts: HashMap::new(),
                        numbers: Vec::new(),
                    });
                    accs.len() - 1
                }
            };
            let acc = &mut accs[idx];
            acc.rows += t.rows as u64;
            let array = col.array();
            acc.nulls += array.null_count() as u64;
            let mut bad = |i: usize, value: String, reason: &str, acc: &mut Acc| {
                acc.invalid += 1;
                note(Issue {
                    dimension: "correct",
                    file: t.file.clone(),
                    row: i as u64 + 2,
                    column: Some(name.clone()),
                    value,
                    reason: reason.to_string(),
                });
            };
            match col {
                Column::Text(a) => {
                    for i in 0..t.rows {
                        if !a.is_valid(i) {
                            continue;
                        }
                        let v = a.value(i);
                        *acc.counts.entry(v.to_string()).or_default() += 1;
                        let rule = match (canonical, name.as_str()) {
                            (true, "email") => Some((valid_email(v), "not an e-mail address")),
                            (true, "phone") => Some((valid_phone(v), "not a phone number (7–15 digits)")),
                            _ => None,
                        };
                        if let Some((ok, reason)) = rule {
                            if !ok {
                                bad(i, v.to_string(), reason, acc);
                            }
                        }
                    }
                }
                Column::CustomerKey(k) | Column::OrderKey(k) => {
                    let dict = if matches!(col, Column::CustomerKey(_)) {
                        ws.customer_keys()
                    } else {
                        ws.order_keys()
                    };
                    for i in 0..t.rows {
                        if k.is_valid(i) {
                            *acc.counts.entry(dict.value(k.value(i)).to_string()).or_default() += 1;
                        }
                    }
                }
                Column::Number(a) => {
                    let is_amount = *canonical && name == "amount" && entity == Entity::Orders;
                    for (i, &is_return) in returns.iter().enumerate() {
                        if !a.is_valid(i) {
                            continue;
                        }
                        let v = a.value(i);
                        acc.numbers.push(v);
                        if is_amount && v < 0.0 && !is_return {
                            bad(i, v.to_string(), "negative amount on a line that is not a return", acc);
                        }
                    }
                }
                Column::Date(a) => {
                    for i in 0..t.rows {
                        if !a.is_valid(i) {
                            continue;
                        }
                        let d = a.value(i);
                        acc.numbers.push(f64::from(d));
                        if let Some(reason) = implausible_date(d, opts.as_of) {
                            bad(i, date_label(d), reason, acc);
                        } else if name != "birth_date" && name != "due_date" {
                            latest = latest.max(Some(d));
                        }
                    }
                }
                Column::Timestamp(a) => {
                    for i in 0..t.rows {
                        if !a.is_valid(i) {
                            continue;
                        }
                        let d = a.value(i).div_euclid(86_400_000) as i32;
                        acc.numbers.push(f64::from(d));
                        if let Some(reason) = implausible_date(d, opts.as_of) {
                            bad(i, date_label(d), reason, acc);
                        } else {
                            latest = latest.max(Some(d));
                        }
                    }
                }
                Column::Bool(a) => {
                    for i in 0..t.rows {
                        if a.is_valid(i) {
                            *acc.counts.entry(a.value(i).to_string()).or_default() += 1;
                        }
                    }
                }
            }
        }
        match sources.iter_mut().find(|(s, _)| *s == t.source) {
            Some((_, l)) => *l = (*l).max(latest),
            None => sources.push((t.source.clone(), latest)),
        }
        // Uniqueness: repeated identifiers across the entity, exact copies within a file.
        if let Some(key) = key_field(entity) {
            let key_column = t.field(key);
            for i in 0..t.rows {
                let repeated = match key_column {
                    Some(Column::CustomerKey(k)) if k.is_valid(i) => {
                        std::mem::replace(&mut seen_customer_keys[k.value(i) as usize], true)
                    }
                    Some(Column::Text(s)) if s.is_valid(i) => !seen_text_keys.insert(s.value(i).to_string()),
                    _ => false,
                };
                if repeated {
                    duplicate_keys += 1;
                    note(Issue {
                        dimension: "unique",
                        file: t.file.clone(),
                        row: i as u64 + 2,
                        column: Some(key.to_string()),
                        value: key_text(ws, key_column, i),
                        reason: "identifier repeats an earlier row's".into(),
                    });
                }
            }
        }
        let mut row_hashes: FxHashSet<u64> = FxHashSet::default();
        for i in 0..t.rows {
            if !row_hashes.insert(row_hash(t, i)) {
                duplicate_rows += 1;
                note(Issue {
                    dimension: "unique",
                    file: t.file.clone(),
                    row: i as u64 + 2,
                    column: None,
                    value: String::new(),
                    reason: "exact copy of an earlier row".into(),
                });
            }
        }
        if let (Some(known), Some(Column::CustomerKey(k)), false) =
            (known, t.field("customer_id"), entity == Entity::Customers)
        {
            for i in 0..t.rows {
                if k.is_valid(i) && !known.get(k.value(i) as usize).copied().unwrap_or(false) {
                    unknown += 1;
                    note(Issue {
                        dimension: "correct",
                        file: t.file.clone(),
                        row: i as u64 + 2,
                        column: Some("customer_id".into()),
                        value: ws.customer_keys().value(k.value(i)).to_string(),
                        reason: "customer not in any loaded customer file".into(),
                    });
                }
            }
        }
    }
    let columns: Vec<ColumnQuality> = accs.into_iter().map(finish_column).collect();
    let canonical: Vec<&ColumnQuality> = columns.iter().filter(|c| c.field).collect();
    let complete = if canonical.is_empty() {
        1.0
    } else {
        canonical.iter().map(|c| c.completeness).sum::<f64>() / canonical.len() as f64
    };
    let checks_unknown =
        known.is_some() && entity != Entity::Customers && tables.iter().any(|t| t.field("customer_id").is_some());
    let invalid: u64 = columns.iter().map(|c| c.invalid).sum::<u64>();
    let checked: u64 = columns_checked(&columns) + if checks_unknown { rows } else { 0 };
    let correct = 1.0 - (invalid + unknown) as f64 / checked.max(1) as f64;
    let unique = 1.0 - (duplicate_keys + duplicate_rows).min(rows) as f64 / rows.max(1) as f64;
    let sources: Vec<SourceCurrency> = sources
        .into_iter()
        .map(|(source, latest)| SourceCurrency {
            source,
            latest: latest.map(date_label),
            stale_days: latest.map(|l| i64::from(opts.as_of) - i64::from(l)),
        })
        .collect();
    let stale: Vec<i64> = sources.iter().filter_map(|s| s.stale_days).collect();
    let current = if stale.is_empty() {
        1.0
    } else {
        stale.iter().map(|&d| currency_score(d)).sum::<f64>() / stale.len() as f64
    };
    EntityQuality {
        entity,
        files: tables.len() as u64,
        rows,
        scores: Scores {
            complete,
            correct: correct.clamp(0.0, 1.0),
            unique,
            current,
        },
        columns,
        duplicate_keys,
        duplicate_rows,
        unknown_customers: checks_unknown.then_some(unknown),
        sources,
        issue_count,
        issues,
    }
}

/// Filled cells that a rule checked, over all columns.
fn columns_checked(columns: &[ColumnQuality]) -> u64 {
    columns
        .iter()
        .filter(|c| {
            c.field
                && (matches!(c.ty, FieldType::Date | FieldType::Timestamp)
                    || matches!(c.name.as_str(), "email" | "phone" | "amount"))
        })
        .map(|c| c.rows - c.nulls)
        .sum()
}

fn key_text(ws: &Workspace, col: Option<&Column>, i: usize) -> String {
    match col {
        Some(Column::CustomerKey(k)) => ws.customer_keys().value(k.value(i)).to_string(),
        Some(Column::Text(s)) => s.value(i).to_string(),
        _ => String::new(),
    }
}

fn row_hash(t: &EntityTable, i: usize) -> u64 {
    let mut h = FxHasher::default();
    for (_, _, col) in &t.columns {
        match col {
            Column::Text(a) => a.is_valid(i).then(|| h.write(a.value(i).as_bytes())),
            Column::CustomerKey(a) | Column::OrderKey(a) => a.is_valid(i).then(|| h.write_u32(a.value(i))),
            Column::Number(a) => a.is_valid(i).then(|| h.write_u64(a.value(i).to_bits())),
            Column::Date(a) => a.is_valid(i).then(|| h.write_i32(a.value(i))),
            Column::Timestamp(a) => a.is_valid(i).then(|| h.write_i64(a.value(i))),
            Column::Bool(a) => a.is_valid(i).then(|| h.write_u8(u8::from(a.value(i)))),
        };
        h.write_u8(0xFF);
    }
    h.finish()
}

fn finish_column(mut a: Acc) -> ColumnQuality {
    let show = |v: f64| match a.ty {
        FieldType::Date | FieldType::Timestamp => date_label(v as i32),
        _ => v.to_string(),
    };
    a.numbers.sort_by(f64::total_cmp);
    let (min, median, max) = match (a.numbers.first(), a.numbers.get(a.numbers.len() / 2), a.numbers.last()) {
        (Some(&lo), Some(&mid), Some(&hi)) => (Some(show(lo)), Some(show(mid)), Some(show(hi))),
        _ => (None, None, None),
    };
    let has_counts = matches!(
        a.ty,
        FieldType::Text | FieldType::CustomerKey | FieldType::OrderKey | FieldType::Bool
    );
    let mut top: Vec<TopValue> = a
        .counts
        .iter()
        .map(|(v, &c)| TopValue {
            value: v.clone(),
            count: c,
        })
        .collect();
    top.sort_by(|x, y| y.count.cmp(&x.count).then_with(|| x.value.cmp(&y.value)));
    top.truncate(5);
    ColumnQuality {
        completeness: if a.rows == 0 {
            1.0
        } else {
            1.0 - a.nulls as f64 / a.rows as f64
        },
        distinct: has_counts.then_some(a.counts.len() as u64),
        name: a.name,
        field: a.field,
        ty: a.ty,
        rows: a.rows,
        nulls: a.nulls,
        invalid: a.invalid,
        top,
        min,
        median,
        max,
    }
}

#[cfg(test)]
mod tests;
