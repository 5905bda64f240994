//! Finding customers by id, name, e-mail, phone or city for the 360° view.

use arrow_array::Array;
use serde::Serialize;

use super::records::feature_value;
use super::Value;
use crate::table::CustomerTable;

/// Columns searched beside the id, and shown in a match.
const SEARCHED: [&str; 5] = ["first_name", "last_name", "email", "phone", "city"];

/// A customer whose id or profile text contains the query.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerMatch {
    pub customer_id: String,
    /// First and last name, when known.
    pub name: Option<String>,
    pub email: Option<String>,
}

/// Customers whose id, name, e-mail, phone or city contains `query`
/// (case-insensitive; an exact id first), at most `limit`, in table order.
pub fn find(table: &CustomerTable, query: &str, limit: usize) -> Vec<CustomerMatch> {
    let needle = query.trim().to_lowercase();
    if needle.is_empty() || limit == 0 {
        return Vec::new();
    }
    let text = |name: &str, row: usize| match table.get(name).map(|f| feature_value(&f.values, row)) {
        Some(Value::Text(s)) => Some(s),
        _ => None,
    };
    let ids = table.ids();
    let mut rows: Vec<usize> = Vec::new();
    if let Some(exact) = (0..ids.len()).find(|&i| ids.value(i).to_lowercase() == needle) {
        rows.push(exact);
    }
    for i in 0..ids.len() {
        if rows.len() >= limit {
            break;
        }
        if rows.first() == Some(&i) {
            continue;
        }
        let hit = ids.value(i).to_lowercase().contains(&needle)
            || SEARCHED
                .iter()
                .any(|c| text(c, i).is_some_and(|v| v.to_lowercase().contains(&needle)));
        if hit {
            rows.push(i);
        }
    }
    rows.into_iter()
        .map(|i| {
            let name = [text("first_name", i), text("last_name", i)]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            CustomerMatch {
                customer_id: ids.value(i).to_string(),
                name: (!name.is_empty()).then_some(name),
                email: text("email", i),
            }
        })
        .collect()
}
