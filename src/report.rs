//! Reports: group-bys over the loaded tables.

use serde::Serialize;

use crate::calendar::{month_index, month_label};
use crate::ingest::Entity;
use crate::table::{Column, Workspace};
use crate::{Error, Result};

/// Orders, revenue and buying customers in one month.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MonthRow {
    /// `YYYY-MM`.
    pub period: String,
    /// Distinct orders with a line dated in the month (each line is an order when
    /// the file has no `order_id`).
    pub orders: u64,
    /// Sum of line amounts (returns, as negative amounts, net out).
    pub revenue: f64,
    /// Distinct customers with a line in the month.
    pub customers: u64,
}

/// Orders and revenue per calendar month, every month from the first to the last.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MonthlyRevenue {
    pub period: &'static str,
    pub rows: Vec<MonthRow>,
}

/// Orders, revenue and customers per month over every loaded orders file;
/// months without orders appear with zeros.
pub fn monthly_revenue(ws: &Workspace) -> Result<MonthlyRevenue> {
    let tables: Vec<_> = ws.tables(Entity::Orders).collect();
    if tables.is_empty() {
        return Err(Error::MissingData(
            "monthly revenue needs orders: load an orders file first".into(),
        ));
    }
    let (mut lo, mut hi) = (i32::MAX, i32::MIN);
    for t in &tables {
        if let Some(Column::Date(d)) = t.field("order_date") {
            for v in d.iter().flatten() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
    }
    if lo > hi {
        return Ok(MonthlyRevenue {
            period: "month",
            rows: Vec::new(),
        });
    }
    let first_month = month_index(lo);
    let n_months = (month_index(hi) - first_month + 1) as usize;
    // Day → month slot, so the row loop does no calendar arithmetic.
    let slot_of_day: Vec<u32> = (lo..=hi).map(|d| (month_index(d) - first_month) as u32).collect();
    let mut revenue = vec![0.0f64; n_months];
    let mut line_orders = vec![0u64; n_months];
    let mut orders = DistinctPerSlot::new(n_months, ws.order_keys().len());
    let mut customers = DistinctPerSlot::new(n_months, ws.customer_keys().len());
    for t in &tables {
        let (Some(Column::Date(dates)), Some(Column::Number(amounts)), Some(Column::CustomerKey(cust))) =
            (t.field("order_date"), t.field("amount"), t.field("customer_id"))
        else {
            continue;
        };
        let order_keys = match t.field("order_id") {
            Some(Column::OrderKey(k)) => Some(k),
            _ => None,
        };
        for i in 0..t.rows {
            let slot = slot_of_day[(dates.value(i) - lo) as usize] as usize;
            revenue[slot] += amounts.value(i);
            customers.insert(slot, cust.value(i));
            match order_keys {
                Some(k) if k.is_valid(i) => orders.insert(slot, k.value(i)),
                _ => line_orders[slot] += 1,
            }
        }
    }
    let rows = (0..n_months)
        .map(|s| MonthRow {
            period: month_label(first_month + s as i32),
            orders: orders.count(s) + line_orders[s],
            revenue: revenue[s],
            customers: customers.count(s),
        })
        .collect();
    Ok(MonthlyRevenue { period: "month", rows })
}

use arrow_array::Array;

/// Distinct keys per slot: a bitmap per slot when that is small, else sorted pairs.
struct DistinctPerSlot {
    words: usize,
    bits: Vec<u64>,
    pairs: Vec<u64>,
    last: Vec<u32>,
    use_bits: bool,
    counts: Vec<u64>,
}

impl DistinctPerSlot {
    const MAX_BITMAP_BYTES: usize = 64 << 20;

    fn new(slots: usize, keys: usize) -> Self {
        let words = keys.div_ceil(64);
        let use_bits = slots * words * 8 <= Self::MAX_BITMAP_BYTES;
        DistinctPerSlot {
            words,
            bits: if use_bits { vec![0; slots * words] } else { Vec::new() },
            pairs: Vec::new(),
            last: if use_bits { Vec::new() } else { vec![u32::MAX; keys] },
            use_bits,
            counts: vec![0; slots],
        }
    }

    #[inline]
    fn insert(&mut self, slot: usize, key: u32) {
        if self.use_bits {
            let w = &mut self.bits[slot * self.words + (key as usize >> 6)];
            let m = 1u64 << (key & 63);
            if *w & m == 0 {
                *w |= m;
                self.counts[slot] += 1;
            }
        } else if self.last[key as usize] != slot as u32 {
            self.last[key as usize] = slot as u32;
            self.pairs.push(((slot as u64) << 32) | u64::from(key));
        }
    }

    fn count(&mut self, slot: usize) -> u64 {
        if !self.use_bits && !self.pairs.is_empty() {
            self.pairs.sort_unstable();
            self.pairs.dedup();
            for p in self.pairs.drain(..) {
                self.counts[(p >> 32) as usize] += 1;
            }
        }
        self.counts[slot]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LoadOptions;

    #[test]
    fn months_count_distinct_orders_and_customers_and_net_returns() {
        let csv = "order_id,customer_id,order_date,amount\n\
                   O1,C1,2024-01-31,10\nO1,C1,2024-01-31,5\nO2,C2,2024-01-01,7\n\
                   O3,C1,2024-03-01,20\nO4,C1,2024-03-15,-5\n";
        let mut ws = Workspace::new();
        ws.load(None, csv.as_bytes(), &LoadOptions::named("orders.csv"))
            .unwrap();
        let m = monthly_revenue(&ws).unwrap();
        let got: Vec<(&str, u64, f64, u64)> = m
            .rows
            .iter()
            .map(|r| (r.period.as_str(), r.orders, r.revenue, r.customers))
            .collect();
        assert_eq!(
            got,
            vec![("2024-01", 2, 22.0, 2), ("2024-02", 0, 0.0, 0), ("2024-03", 2, 15.0, 1)]
        );
    }

    #[test]
    fn without_order_ids_each_line_is_an_order() {
        let mut ws = Workspace::new();
        ws.load(
            None,
            b"customer_id,order_date,amount\nC1,2024-05-01,1\nC1,2024-05-02,2\n",
            &LoadOptions::named("o.csv"),
        )
        .unwrap();
        let m = monthly_revenue(&ws).unwrap();
        assert_eq!((m.rows[0].orders, m.rows[0].customers), (2, 1));
    }

    #[test]
    fn the_sorted_pair_fallback_agrees_with_the_bitmap() {
        let mut a = DistinctPerSlot::new(3, 10);
        let mut b = DistinctPerSlot::new(3, 10);
        b.use_bits = false;
        b.last = vec![u32::MAX; 10];
        for (s, k) in [(0, 1), (1, 1), (0, 1), (0, 2), (2, 9), (0, 1)] {
            a.insert(s, k);
            b.insert(s, k);
        }
        for s in 0..3 {
            assert_eq!(a.count(s), b.count(s));
        }
        assert_eq!(a.count(0), 2);
    }

    #[test]
    fn no_orders_is_a_clear_error() {
        let err = monthly_revenue(&Workspace::new()).unwrap_err();
        assert!(err.to_string().contains("load an orders file"));
    }
}
