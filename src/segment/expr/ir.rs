//! The checked form of an expression: every name resolved to a customer-table
//! column (by index) or a behaviour query, every node typed. The evaluator runs
//! this, never the syntax tree.

use super::ast::{BinOp, Unit};

/// A signed calendar shift: `amount` days, weeks, months or years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    pub amount: i64,
    pub unit: Unit,
}

/// A number per customer.
#[derive(Debug, Clone, PartialEq)]
pub enum NumIr {
    Const(f64),
    Col(usize),
    Neg(Box<NumIr>),
    Arith(BinOp, Box<NumIr>, Box<NumIr>),
    /// `a - b` of two dates, in days.
    DaysBetween(Box<DateIr>, Box<DateIr>),
    /// `orders(…)`: distinct matching orders.
    Orders(OrderQuery),
}

/// A date (days since 1970-01-01) per customer.
#[derive(Debug, Clone, PartialEq)]
pub enum DateIr {
    Const(i32),
    Col(usize),
    Shift(Box<DateIr>, Shift),
}

/// Text per customer (a text or category column, or a literal).
#[derive(Debug, Clone, PartialEq)]
pub enum StrIr {
    Const(String),
    Col(usize),
}

/// Which order lines a behaviour predicate looks at. Lines that are cancelled
/// or returns never match.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OrderQuery {
    /// `product_id` equal to this (case and surrounding spaces ignored).
    pub product: Option<String>,
    /// `category` equal to this (case and surrounding spaces ignored).
    pub category: Option<String>,
    pub window: Option<Window>,
    /// The line's amount at least this.
    pub min_amount: Option<f64>,
}

/// Days `from..=to` (both inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: i32,
    pub to: i32,
}

/// A campaign event kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CampaignEvent {
    Opened,
    Clicked,
}

/// A value of any type, for `is null`.
#[derive(Debug, Clone, PartialEq)]
pub enum AnyIr {
    Num(NumIr),
    Date(DateIr),
    Str(StrIr),
    Pred(Box<Pred>),
}

/// A condition per customer: true, false or unknown.
#[derive(Debug, Clone, PartialEq)]
pub enum Pred {
    Const(bool),
    BoolCol(usize),
    Num(BinOp, NumIr, NumIr),
    Date(BinOp, DateIr, DateIr),
    Str(BinOp, StrIr, StrIr),
    /// `a = b` (or `!=` when `ne`) of two conditions.
    BoolEq {
        ne: bool,
        a: Box<Pred>,
        b: Box<Pred>,
    },
    /// Text in a list of literals (a key lookup on category columns).
    StrIn(StrIr, Vec<String>),
    /// Text contains the (lower-cased) pattern, case ignored.
    Contains(StrIr, String),
    IsNull(Box<AnyIr>),
    And(Box<Pred>, Box<Pred>),
    Or(Box<Pred>, Box<Pred>),
    Not(Box<Pred>),
    Bought(OrderQuery),
    Complained(Option<Window>),
    Campaign {
        event: CampaignEvent,
        campaign: Option<String>,
        window: Option<Window>,
    },
    /// The next month-day of a date column falls within the window from the reference date.
    Recurring {
        col: usize,
        within: Shift,
    },
}

/// Dates are kept within ±2^26 days (about ±180,000 years) so that chained
/// shifts never overflow.
const MAX_DAY: i64 = 1 << 26;

impl Shift {
    /// `day` moved by this shift. Months and years keep the day of the month,
    /// clamped to the month's length (Jan 31 + 1m = Feb 28 or 29).
    pub fn apply(self, day: i32) -> i32 {
        let day = (day as i64).clamp(-MAX_DAY, MAX_DAY) as i32;
        let moved = match self.unit {
            Unit::Day => day as i64 + self.amount,
            Unit::Week => day as i64 + 7 * self.amount,
            Unit::Month | Unit::Year => {
                let months = if self.unit == Unit::Year {
                    12 * self.amount
                } else {
                    self.amount
                };
                let (y, m, d) = crate::calendar::civil_from_days(day);
                let index = (y as i64 * 12 + m as i64 - 1 + months).clamp(-MAX_DAY / 30, MAX_DAY / 30);
                let (y, m) = (index.div_euclid(12) as i32, index.rem_euclid(12) as u32 + 1);
                crate::calendar::days_from_civil(y, m, d.min(crate::calendar::days_in_month(y, m))) as i64
            }
        };
        moved.clamp(-MAX_DAY, MAX_DAY) as i32
    }

    /// The same shift the other way.
    pub fn negate(self) -> Shift {
        Shift {
            amount: -self.amount,
            unit: self.unit,
        }
    }
}
