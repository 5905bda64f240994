//! The series to forecast: net revenue, orders or active customers per period,
//! from the order lines with the customer table's rules (the cohort line pass:
//! cancelled lines left out, returns net revenue and are not orders).

use std::collections::HashSet;

use crate::cohort::{each_line, first_line_date, Measure, Period, PeriodTable};
use crate::table::Workspace;
use crate::{Error, Result};

/// Values per period from the first order line's period to the last complete one.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub period: Period,
    /// Running index (see [`Period::index`]) of the first value's period.
    pub first: i32,
    pub values: Vec<f64>,
    /// The label of the trailing period left out because the data ends before
    /// its last day.
    pub partial_period: Option<String>,
}

impl Series {
    /// The label of value `i` (any `i`, also past the end).
    pub fn label(&self, i: usize) -> String {
        self.period.label(self.first + i as i32)
    }
}

/// The last order-line date over every orders file.
fn last_line_date(ws: &Workspace) -> Option<i32> {
    let mut last = None;
    each_line(ws, i32::MAX, |l| last = Some(last.map_or(l.day, |d: i32| d.max(l.day))));
    last
}

/// The series of `measure` per `period`; a period without orders is 0.
pub fn series(ws: &Workspace, period: Period, measure: Measure) -> Result<Series> {
    let (Some(lo), Some(hi)) = (first_line_date(ws), last_line_date(ws)) else {
        return Err(Error::MissingData(
            "forecasts need orders: load an orders file first".into(),
        ));
    };
    let table = PeriodTable::new(period, lo, hi);
    let slots = table.slot(hi) as usize + 1;
    let mut values = vec![0.0; slots];
    let mut counted_orders = HashSet::new();
    let mut active = HashSet::new();
    each_line(ws, hi, |l| {
        let s = table.slot(l.day) as usize;
        match measure {
            Measure::Revenue => values[s] += l.amount,
            // An order counts once, in the period of its first line.
            Measure::Orders if !l.is_return => {
                let fresh = match l.order {
                    Some(o) => counted_orders.insert(o),
                    None => true,
                };
                values[s] += fresh as u8 as f64;
            }
            Measure::Customers if !l.is_return && active.insert((l.customer, s)) => values[s] += 1.0,
            _ => {}
        }
    });
    // The last period is partial unless the data reaches its last day.
    let next_start = period.start(table.first + slots as i32);
    let partial_period = (hi < next_start - 1).then(|| {
        values.pop();
        table.label(slots as u32 - 1)
    });
    Ok(Series {
        period,
        first: table.first,
        values,
        partial_period,
    })
}
