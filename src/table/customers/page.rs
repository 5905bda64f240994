//! One page of a customer list: the selected rows sorted by a column.

use arrow_array::{Array, StringArray};

use super::{CustomerTable, Values};
use crate::{Error, Result};

/// How a customer list is sorted and paged, as callers give it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct PageParams {
    /// Selection expression (default: every customer).
    pub segment: Option<String>,
    /// Columns after `customer_id` (default: all).
    pub columns: Option<Vec<String>>,
    /// Column to sort by (default: the table's order).
    pub sort_by: Option<String>,
    /// Largest first.
    pub descending: bool,
    /// Rows to skip.
    pub offset: usize,
    /// Rows in the page (default 100).
    pub limit: Option<usize>,
}

/// `rows` sorted by the column `sort_by` (nulls last either way; ties in row
/// order), then `offset..offset + limit` of them.
pub fn page(
    table: &CustomerTable,
    mut rows: Vec<u32>,
    sort_by: Option<&str>,
    descending: bool,
    offset: usize,
    limit: usize,
) -> Result<Vec<u32>> {
    if let Some(name) = sort_by.filter(|n| *n != "customer_id") {
        let f = table.get(name).ok_or_else(|| {
            Error::option(
                "sortBy",
                name,
                format!("no such customer column; {}", table.suggest(name)),
            )
        })?;
        match &f.values {
            Values::Number(a) => sort_by_key(&mut rows, descending, |r| a.is_valid(r).then(|| a.value(r))),
            Values::Date(a) => sort_by_key(&mut rows, descending, |r| a.is_valid(r).then(|| a.value(r) as f64)),
            Values::Bool(a) => sort_by_key(&mut rows, descending, |r| {
                a.is_valid(r).then(|| a.value(r) as u8 as f64)
            }),
            Values::Text(a) => sort_by_text(&mut rows, descending, |r| a.is_valid(r).then(|| a.value(r))),
            Values::Category(d) => {
                let values = d.values().as_any().downcast_ref::<StringArray>();
                let keys = d.keys();
                sort_by_text(&mut rows, descending, |r| {
                    let v = values?;
                    keys.is_valid(r).then(|| v.value(keys.value(r) as usize))
                })
            }
        }
    } else if sort_by == Some("customer_id") {
        let ids = table.ids();
        sort_by_text(&mut rows, descending, |r| Some(ids.value(r)));
    }
    Ok(rows.into_iter().skip(offset).take(limit).collect())
}

fn sort_by_key(rows: &mut [u32], descending: bool, key: impl Fn(usize) -> Option<f64>) {
    let mut keyed: Vec<(Option<f64>, u32)> = rows.iter().map(|&r| (key(r as usize), r)).collect();
    keyed.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => {
            let o = x.total_cmp(&y);
            (if descending { o.reverse() } else { o }).then(a.1.cmp(&b.1))
        }
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.1.cmp(&b.1),
    });
    for (slot, (_, r)) in rows.iter_mut().zip(keyed) {
        *slot = r;
    }
}

fn sort_by_text<'a>(rows: &mut [u32], descending: bool, key: impl Fn(usize) -> Option<&'a str>) {
    rows.sort_by(|&a, &b| match (key(a as usize), key(b as usize)) {
        (Some(x), Some(y)) => {
            let o = x.cmp(y);
            (if descending { o.reverse() } else { o }).then(a.cmp(&b))
        }
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.cmp(&b),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Feature;
    use arrow_array::Float64Array;

    fn table() -> CustomerTable {
        let ids: StringArray = ["a", "b", "c", "d"].into_iter().map(Some).collect();
        let mut t = CustomerTable::new(ids, 0);
        t.add(Feature::new(
            "v",
            "",
            Values::Number(Float64Array::from(vec![Some(2.0), None, Some(5.0), Some(2.0)])),
        ))
        .unwrap();
        t.add(Feature::new(
            "c",
            "",
            Values::category([Some("x"), Some("a"), None, Some("m")]),
        ))
        .unwrap();
        t
    }

    #[test]
    fn numbers_sort_with_nulls_last_and_ties_in_row_order() {
        let t = table();
        assert_eq!(
            page(&t, vec![0, 1, 2, 3], Some("v"), false, 0, 10).unwrap(),
            vec![0, 3, 2, 1]
        );
        assert_eq!(
            page(&t, vec![0, 1, 2, 3], Some("v"), true, 0, 10).unwrap(),
            vec![2, 0, 3, 1]
        );
        assert_eq!(page(&t, vec![0, 1, 2, 3], Some("v"), true, 1, 2).unwrap(), vec![0, 3]);
    }

    #[test]
    fn categories_sort_by_label_and_unknown_columns_are_named() {
        let t = table();
        assert_eq!(
            page(&t, vec![0, 1, 2, 3], Some("c"), false, 0, 10).unwrap(),
            vec![1, 3, 0, 2]
        );
        assert_eq!(
            page(&t, vec![3, 1], Some("customer_id"), true, 0, 10).unwrap(),
            vec![3, 1]
        );
        let err = page(&t, vec![0], Some("vv"), false, 0, 1).unwrap_err();
        assert!(err.to_string().contains("did you mean 'v'"), "{err}");
    }
}
