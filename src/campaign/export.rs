//! An audience as CSV: one row per customer with its group, safe to open in a
//! spreadsheet, e-mails optionally hashed for ad-platform customer lists.

use arrow_array::{Array, BooleanArray, Date32Array, Float64Array, StringArray};
use sha2::{Digest, Sha256};

use super::Audience;
use crate::calendar::date_label;
use crate::table::{CustomerTable, Values};
use crate::{Error, Result};

/// Export options as callers give them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ExportOptions {
    /// Customer-table columns after `customer_id` and `group` (default: `email`
    /// when the table has it).
    pub columns: Option<Vec<String>>,
    /// Write e-mail addresses as the SHA-256 of the trimmed, lower-cased
    /// address (the form ad platforms match on), in a column `email_sha256`.
    pub hash_emails: bool,
    /// `target`, `control` or `both` (default both).
    pub groups: Option<String>,
}

/// A text cell made safe for CSV and spreadsheets: quoted when needed, and a
/// leading `=`, `+`, `-`, `@`, tab or carriage return (which a spreadsheet
/// would run as a formula) escaped with a leading apostrophe.
pub fn csv_cell(text: &str) -> String {
    let risky = matches!(text.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'));
    let text = if risky { format!("'{text}") } else { text.to_string() };
    if text.contains([',', '"', '\n', '\r']) || text.starts_with(' ') || text.ends_with(' ') {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn sha256_hex(email: &str) -> String {
    let digest = Sha256::digest(email.trim().to_lowercase().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// One cell of a customer-table column, as CSV text.
fn cell(values: &Values, c: usize) -> String {
    if values.array().is_null(c) {
        return String::new();
    }
    match values {
        Values::Number(a) => number(a, c),
        Values::Date(a) => date(a, c),
        Values::Bool(a) => boolean(a, c),
        Values::Text(a) => csv_cell(a.value(c)),
        Values::Category(d) => {
            let s = d.values().as_any().downcast_ref::<StringArray>();
            csv_cell(s.map(|s| s.value(d.keys().value(c) as usize)).unwrap_or(""))
        }
    }
}

fn number(a: &Float64Array, c: usize) -> String {
    number_text(a.value(c))
}

/// A number as CSV text, without binary noise (`874.78`, not `874.7800000000001`):
/// rounded to 9 decimals, which keeps every cent and rate exact.
pub fn number_text(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let r = (v * 1e9).round() / 1e9;
    if r.abs() < 1e15 {
        format!("{r}")
    } else {
        format!("{v}")
    }
}

fn date(a: &Date32Array, c: usize) -> String {
    date_label(a.value(c))
}

fn boolean(a: &BooleanArray, c: usize) -> String {
    a.value(c).to_string()
}

/// The audience as CSV text: `customer_id`, `group`, then the chosen columns.
pub fn export_csv(table: &CustomerTable, audience: &Audience, opts: &ExportOptions) -> Result<String> {
    let columns: Vec<String> = match &opts.columns {
        Some(c) => c.clone(),
        None if table.get("email").is_some() => vec!["email".into()],
        None => Vec::new(),
    };
    let mut chosen = Vec::new();
    for name in &columns {
        if name == "customer_id" || name == "group" {
            continue;
        }
        let f = table.get(name).ok_or_else(|| {
            Error::option(
                "columns",
                name,
                format!("no such customer column; {}", table.suggest(name)),
            )
        })?;
        chosen.push(f);
    }
    let groups: &[(&str, &[u32])] = &[("target", &audience.target_rows), ("control", &audience.control_rows)];
    let wanted = opts.groups.as_deref().unwrap_or("both");
    if !matches!(wanted, "both" | "target" | "control") {
        return Err(Error::option("groups", wanted, "expected target, control or both"));
    }
    let mut out = String::from("customer_id,group");
    for f in &chosen {
        out.push(',');
        if opts.hash_emails && f.name == "email" {
            out.push_str("email_sha256");
        } else {
            out.push_str(&csv_cell(&f.name));
        }
    }
    out.push('\n');
    for (group, rows) in groups {
        if wanted != "both" && wanted != *group {
            continue;
        }
        for &row in *rows {
            let c = row as usize;
            out.push_str(&csv_cell(table.ids().value(c)));
            out.push(',');
            out.push_str(group);
            for f in &chosen {
                out.push(',');
                match (&f.values, opts.hash_emails && f.name == "email") {
                    (Values::Text(s), true) if s.is_valid(c) => out.push_str(&sha256_hex(s.value(c))),
                    (v, _) => out.push_str(&cell(v, c)),
                }
            }
            out.push('\n');
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_escaped_and_quoted_cells_quoted() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("-2+3"), "'-2+3");
        assert_eq!(csv_cell("Åsa, Malmö"), "\"Åsa, Malmö\"");
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(number_text(874.7800000000001), "874.78");
        assert_eq!(number_text(-0.1 - 0.2), "-0.3");
        assert_eq!(number_text(f64::NAN), "");
    }

    #[test]
    fn emails_hash_as_ad_platforms_expect() {
        // SHA-256 of "test@example.com" (trimmed, lower-cased).
        assert_eq!(
            sha256_hex("  Test@Example.com "),
            "973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b"
        );
    }
}
