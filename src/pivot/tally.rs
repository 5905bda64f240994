//! The pivot's passes: order lines, customers, then tickets and survey answers,
//! each adding to the cell it falls in and to the row, column and grand totals.

use arrow_array::{Array, Float64Array};

use super::dims::Dim;
use super::distinct::{CellDistinct, Grid};
use super::locate::{customer_codes, Event};
use super::params::{Measure, ValidDefinition};
use crate::cohort::each_line;
use crate::ingest::Entity;
use crate::table::customers::text_at;
use crate::table::{Column, CustomerTable, Values, Workspace};

/// What one slot (a cell, or a row, column or grand total) adds up.
#[derive(Default, Clone)]
pub(super) struct Acc {
    /// Whether anything fell in the slot.
    pub touched: bool,
    /// The order lines' sums, rolled up from the cells' [`LineSums`].
    pub lines: LineSums,
    pub customers: u64,
    pub buyers: u64,
    pub repeaters: u64,
    pub churned: u64,
    pub complainers: u64,
    pub complaints: u64,
    /// Resolution times of tickets, in days.
    pub durations: Vec<f64>,
    /// CSAT scores: their sum and how many.
    pub csat: (f64, u64),
    /// NPS answers: promoters, detractors and how many.
    pub nps: (u64, u64, u64),
}

/// The additive sums of the order lines in one cell, rolled up into the
/// row, column and grand totals once the lines are all seen (four times
/// fewer updates per line than adding each line to every total).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct LineSums {
    touched: bool,
    pub revenue: f64,
    pub profit: f64,
    /// Lines without an order id, each one order.
    pub line_orders: u64,
    pub late: u64,
    /// Lines with a payment status.
    pub with_payment: u64,
}

impl LineSums {
    /// Adds one line: its revenue, its profit when it has a cost, whether it
    /// was paid late when it has a payment status, and whether it is an order
    /// of its own (no order id, not a return).
    fn add_line(&mut self, amount: f64, cost: Option<f64>, late: Option<bool>, own_order: bool) {
        self.touched = true;
        self.revenue += amount;
        if let Some(cost) = cost {
            self.profit += amount - cost;
        }
        if let Some(lt) = late {
            self.with_payment += 1;
            self.late += u64::from(lt);
        }
        if own_order {
            self.line_orders += 1;
        }
    }

    /// Adds another cell's sums (rolling a cell up into a total).
    fn add(&mut self, other: &LineSums) {
        self.touched |= other.touched;
        self.revenue += other.revenue;
        self.profit += other.profit;
        self.line_orders += other.line_orders;
        self.late += other.late;
        self.with_payment += other.with_payment;
    }
}

impl Acc {
    /// Adds a customer at customer grain: a buyer with one order or more, a
    /// repeater with two, churned (a buyer only) and a complainer as given.
    fn add_customer(&mut self, order_count: f64, churned: bool, complainer: bool) {
        self.touched = true;
        self.customers += 1;
        if order_count >= 1.0 {
            self.buyers += 1;
            self.repeaters += u64::from(order_count >= 2.0);
            self.churned += u64::from(churned);
        }
        self.complainers += u64::from(complainer);
    }

    /// Adds a ticket (a complaint, a resolution time) or a survey answer (NPS
    /// or CSAT).
    fn add_event(&mut self, e: &Event) {
        self.touched = true;
        if e.kind == 0 {
            self.complaints += u64::from(e.complaint);
            if let Some(d) = e.duration {
                self.durations.push(d);
            }
        } else if e.nps {
            self.nps.2 += 1;
            self.nps.0 += u64::from(e.score >= 9.0);
            self.nps.1 += u64::from(e.score <= 6.0);
        } else {
            self.csat.0 += e.score;
            self.csat.1 += 1;
        }
    }
}

/// The customer-table columns the measures read, by customer row.
pub(super) struct CustomerColumns {
    pub order_count: Option<Float64Array>,
    pub recency: Option<Float64Array>,
    pub complaints: Option<Float64Array>,
    /// How many customers the table has.
    pub len: usize,
}

impl CustomerColumns {
    /// Reads the columns from the customer table (absent ones as `None`).
    pub fn read(table: &CustomerTable) -> CustomerColumns {
        CustomerColumns {
            order_count: number_col(table, "order_count"),
            recency: number_col(table, "recency_days"),
            complaints: number_col(table, "complaints"),
            len: table.len(),
        }
    }
}

/// A number column of the customer table, when it has one.
fn number_col(t: &CustomerTable, name: &str) -> Option<Float64Array> {
    match t.get(name).map(|f| &f.values) {
        Some(Values::Number(a)) => Some(a.clone()),
        _ => None,
    }
}

/// Customer `c`'s value in a number column, when the column has one.
fn num(a: &Option<Float64Array>, c: usize) -> Option<f64> {
    a.as_ref().filter(|a| c < a.len() && a.is_valid(c)).map(|a| a.value(c))
}

/// Whether a line's payment status says it was paid late (`late` or
/// `defaulted`); none without a status.
fn paid_late(col: Option<&Column>, row: usize) -> Option<bool> {
    text_at(col, row).map(|s| {
        let s = s.trim().to_ascii_lowercase();
        s == "late" || s == "defaulted"
    })
}

/// Everything the passes add up, per slot of the grid.
pub(super) struct Tally {
    grid: Grid,
    acc: Vec<Acc>,
    /// The lines' sums, in their own cell only until [`Tally::roll_up_line_sums`].
    line_sums: Vec<LineSums>,
    /// `(order, cell)` of the kept lines, when a measure counts orders.
    orders: CellDistinct,
    /// `(customer, cell)` of the kept lines at order-line grain: every
    /// customer, the churned ones and the complainers, when a measure needs them.
    customers: Option<CellDistinct>,
    churned: Option<CellDistinct>,
    complained: Option<CellDistinct>,
    /// `(slot, customer, order)` of the kept lines, for the repeat rate at order-line grain.
    triples: Vec<(u32, u32, u32)>,
    want_orders: bool,
    want_repeat: bool,
    late_wanted: bool,
    line_grain: bool,
    /// Days without an order after which a buyer counts as churned.
    inactive_days: f64,
    columns: CustomerColumns,
}

impl Tally {
    /// Empty sums for every slot of `grid`, with room for `lines` order lines
    /// where the definition's measures count distinct orders or customers.
    pub fn new(grid: Grid, def: &ValidDefinition, line_grain: bool, columns: CustomerColumns, lines: usize) -> Tally {
        let wants = |m: Measure| def.measures.contains(&m);
        let want_orders = def
            .measures
            .iter()
            .any(|m| matches!(m, Measure::Orders | Measure::Aov | Measure::ComplaintsPer100Orders));
        let orders = if want_orders {
            CellDistinct::with_capacity(lines)
        } else {
            CellDistinct::default()
        };
        let want_customers = def.measures.iter().any(|m| {
            matches!(
                m,
                Measure::Customers
                    | Measure::RevenuePerCustomer
                    | Measure::RepeatRate
                    | Measure::ChurnShare
                    | Measure::ComplaintRate
            )
        });
        Tally {
            grid,
            acc: vec![Acc::default(); grid.slots()],
            line_sums: vec![LineSums::default(); grid.slots()],
            orders,
            customers: (line_grain && want_customers).then(|| CellDistinct::with_capacity(lines)),
            churned: (line_grain && wants(Measure::ChurnShare)).then(CellDistinct::default),
            complained: (line_grain && wants(Measure::ComplaintRate) && columns.complaints.is_some())
                .then(CellDistinct::default),
            triples: Vec::new(),
            want_orders,
            want_repeat: line_grain && wants(Measure::RepeatRate),
            late_wanted: wants(Measure::LateShare),
            line_grain,
            inactive_days: def.inactive_days as f64,
            columns,
        }
    }

    /// The order-line pass: every kept line (`line_codes` from
    /// [`super::locate::line_codes`], in the same order) adds its sums to its
    /// cell and, unless a return, its order and customer to the distinct counts.
    /// At customer grain a line counts only when its customer passes the filters.
    pub fn add_lines(&mut self, ws: &Workspace, dims: &[Dim], line_codes: &[(u32, u32)]) {
        let pay_cols: Vec<Option<&Column>> = ws.tables(Entity::Orders).map(|t| t.field("payment_status")).collect();
        let mut idx = 0usize;
        let mut line_no = ws.order_keys().len() as u32;
        each_line(ws, i32::MAX, |l| {
            let (r, col) = line_codes[idx];
            idx += 1;
            line_no = line_no.wrapping_add(1);
            if r == u32::MAX || (!self.line_grain && customer_codes(dims, l.customer as usize).is_none()) {
                return;
            }
            let (slots, k) = self.grid.slots_of(r, col);
            let late = if self.late_wanted {
                paid_late(pay_cols[l.table as usize], l.row as usize)
            } else {
                None
            };
            // The sums go to the line's cell only; the totals are added up from the cells after.
            self.line_sums[slots[0]].add_line(l.amount, l.cost, late, !l.is_return && l.order.is_none());
            if !l.is_return {
                self.count_line(&slots[..k], l.customer, l.order, line_no);
            }
        });
    }

    /// Adds a kept line that is not a return to the distinct counts: its
    /// order (or, without an order id, its line number) and its customer.
    fn count_line(&mut self, slots: &[usize], customer: u32, order: Option<u32>, line_no: u32) {
        let cell = slots[0] as u32;
        let c = customer as usize;
        if self.want_repeat {
            for &s in slots {
                self.triples.push((s as u32, customer, order.unwrap_or(line_no)));
            }
        }
        if let (Some(o), true) = (order, self.want_orders) {
            self.orders.push(o, cell);
        }
        if let Some(d) = self.customers.as_mut() {
            d.push(customer, cell);
        }
        if let Some(d) = self.churned.as_mut() {
            if num(&self.columns.recency, c).is_some_and(|x| x > self.inactive_days) {
                d.push(customer, cell);
            }
        }
        if let Some(d) = self.complained.as_mut() {
            if num(&self.columns.complaints, c).is_some_and(|x| x >= 1.0) {
                d.push(customer, cell);
            }
        }
    }

    /// Adds each cell's line sums to its row, column and grand totals.
    pub fn roll_up_line_sums(&mut self) {
        let stride = self.grid.stride();
        for (cell, sums) in self.line_sums.iter().enumerate().filter(|(_, a)| a.touched) {
            let (r, c) = (cell / stride, cell % stride);
            let (slots, k) = self.grid.slots_of(r as u32, c as u32);
            for &s in &slots[..k] {
                let a = &mut self.acc[s];
                a.touched = true;
                a.lines.add(sums);
            }
        }
    }

    /// At order-line grain: the customers with an order line in each slot
    /// (every one, the repeaters, the churned and the complainers), counted
    /// once per slot.
    pub fn count_line_customers(&mut self) {
        self.count_repeaters();
        let grid = self.grid;
        let count = |d: Option<CellDistinct>| d.map_or_else(|| vec![0; grid.slots()], |d| d.counts(grid));
        let (cu, ch, co) = (
            count(self.customers.take()),
            count(self.churned.take()),
            count(self.complained.take()),
        );
        for (s, a) in self.acc.iter_mut().enumerate() {
            a.customers = cu[s];
            a.buyers = cu[s];
            a.churned = ch[s];
            a.complainers = co[s];
        }
    }

    /// A repeater at order-line grain: a customer with two orders or more in the slot.
    fn count_repeaters(&mut self) {
        let triples = &mut self.triples;
        triples.sort_unstable();
        triples.dedup();
        let mut i = 0;
        while i < triples.len() {
            let (s, c, _) = triples[i];
            let mut j = i;
            while j < triples.len() && triples[j].0 == s && triples[j].1 == c {
                j += 1;
            }
            if j - i >= 2 {
                self.acc[s as usize].repeaters += 1;
            }
            i = j;
        }
    }

    /// The customer pass, at customer grain: every customer the filters keep
    /// adds to its cell and totals.
    pub fn add_customers(&mut self, dims: &[Dim]) {
        let cols = &self.columns;
        for c in 0..cols.len {
            let Some((r, col)) = customer_codes(dims, c) else {
                continue;
            };
            let (slots, k) = self.grid.slots_of(r, col);
            let order_count = num(&cols.order_count, c).unwrap_or(0.0);
            let churned = num(&cols.recency, c).is_some_and(|x| x > self.inactive_days);
            let complainer = num(&cols.complaints, c).is_some_and(|x| x >= 1.0);
            for &s in &slots[..k] {
                self.acc[s].add_customer(order_count, churned, complainer);
            }
        }
    }

    /// The events pass: every ticket and survey answer adds to its cell and totals.
    pub fn add_events(&mut self, events: &[Event]) {
        for e in events {
            let (slots, k) = self.grid.slots_of(e.codes.0, e.codes.1);
            for &s in &slots[..k] {
                self.acc[s].add_event(e);
            }
        }
    }

    /// Each slot's sums, and its count of distinct orders.
    pub fn finish(self) -> (Vec<Acc>, Vec<u64>) {
        let order_counts = self.orders.counts(self.grid);
        (self.acc, order_counts)
    }
}
