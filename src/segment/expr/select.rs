//! Running an expression: the evaluation context, the selected segment, and
//! the fast count for the live display.

use serde::Serialize;

use super::bits::Tri;
use super::check::compile;
use super::eval::Eval;
use crate::segment::SegmentStore;
use crate::table::CustomerTable;
use crate::{Result, Workspace};

/// What an expression is evaluated against: the customer table (columns and
/// the reference date `today`), the workspace's entity tables (behaviour
/// predicates) and the saved segments (`in_segment`).
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub table: &'a CustomerTable,
    pub ws: &'a Workspace,
    pub segments: &'a SegmentStore,
}

/// The customers an expression selects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// Customers selected.
    pub count: usize,
    /// Customers in the table.
    pub total: usize,
    /// The selected customer-table rows, ascending.
    pub rows: Vec<u32>,
}

/// A segment in brief, as the CLI prints it and the JS API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentSummary {
    pub count: usize,
    pub total: usize,
    /// The expression as given.
    pub expr: String,
    /// The reference date `today` meant, `YYYY-MM-DD`.
    pub as_of: String,
}

impl Segment {
    /// The summary of this segment of `expr` over `ctx`'s table.
    pub fn summary(&self, ctx: &Context, expr: &str) -> SegmentSummary {
        SegmentSummary {
            count: self.count,
            total: self.total,
            expr: expr.to_string(),
            as_of: crate::calendar::date_label(ctx.table.as_of),
        }
    }
}

fn truth(ctx: &Context, text: &str) -> Result<Tri> {
    let pred = compile(ctx, text)?;
    Ok(Eval::new(ctx).pred(&pred))
}

/// How many customers `text` selects (no row ids materialised): the live count
/// while typing.
///
/// ```
/// use rapport::segment::{count, Context, SegmentStore};
/// use rapport::table::customers::CustomerParams;
/// use rapport::{Entity, LoadOptions, Workspace};
/// let mut ws = Workspace::new();
/// let csv = "order_id,customer_id,order_date,amount\nO1,A,2024-01-05,120\nO2,A,2024-03-01,80\nO3,B,2024-03-02,15\n";
/// ws.load(Some(Entity::Orders), csv.as_bytes(), &LoadOptions::named("orders.csv")).unwrap();
/// ws.customers(&CustomerParams::default(), 0).unwrap();
/// let table = ws.customer_table().unwrap();
/// let ctx = Context { table, ws: &ws, segments: &SegmentStore::default() };
/// assert_eq!(count(&ctx, "order_count >= 2 and monetary_total > 100").unwrap(), 1);
/// ```
pub fn count(ctx: &Context, text: &str) -> Result<usize> {
    Ok(truth(ctx, text)?.count())
}

/// The customers `text` selects, with their rows in the customer table.
pub fn select(ctx: &Context, text: &str) -> Result<Segment> {
    let t = truth(ctx, text)?;
    let rows = t.rows();
    Ok(Segment {
        count: rows.len(),
        total: ctx.table.len(),
        rows,
    })
}
