//! Purchase-history features from a BG/NBD model: the model is fitted on the
//! orders up to the cut-off (lifetimes' summary in days) and then read on any
//! customer's history as of any date with the same parameters, so training
//! (histories at the cut-off) and scoring (histories today) see one transform
//! and nothing after the cut-off reaches the fit.
//!
//! - `p_alive_bgnbd`: P(alive) at the reference date;
//! - `expected_orders_bgnbd`: expected repeat purchases in the label window;
//! - `no_order_log_odds_bgnbd`: the log-odds of no purchase in the window,
//!   `1 − P(alive) · (1 − E[e^(−λ·window)])` — the model's own churn probability,
//!   which also weighs a live customer's (slow) purchase rate;
//! - `recency_over_gap`: days since the last order over the customer's mean
//!   gap between purchase days (null for one-time buyers).
//!
//! `p_alive_bgnbd` at the cut-off is also the churn label's baseline.

use arrow_array::Float64Array;

use crate::models::clv::{fit_bgnbd, summarise, BgFit, History, TransactionModel};
use crate::table::customers::{CustomerTable, Feature, Values};
use crate::table::Workspace;
use crate::Result;

/// The columns added, in order.
pub const P_ALIVE: &str = "p_alive_bgnbd";
pub const EXPECTED_ORDERS: &str = "expected_orders_bgnbd";
pub const NO_ORDER_LOG_ODDS: &str = "no_order_log_odds_bgnbd";
pub const RECENCY_OVER_GAP: &str = "recency_over_gap";

/// A BG/NBD fit at the cut-off and the label window it looks ahead.
#[derive(Debug, Clone)]
pub struct HistoryFeatures {
    pub fit: BgFit,
    /// Days of the label window.
    pub window_days: f64,
}

impl HistoryFeatures {
    /// Fits BG/NBD on the purchase days up to `cutoff`; `None` when it cannot
    /// be fitted (no repeat buyer, no finite optimum): the model then goes without.
    pub fn fit(ws: &Workspace, cutoff: i32, window_days: i32) -> Option<HistoryFeatures> {
        let summary = summarise(ws, cutoff, None, crate::models::clv::TimeUnit::Day);
        let histories: Vec<History> = summary.customers.iter().map(history).collect();
        let fit = fit_bgnbd(TransactionModel::Bgnbd, &histories, 0.0).ok()?;
        Some(HistoryFeatures {
            fit,
            window_days: f64::from(window_days),
        })
    }

    /// Adds the four columns to `table`, from `ws`'s purchase days up to the
    /// table's reference date (customers without an order get nulls).
    pub fn add_to(&self, ws: &Workspace, table: &mut CustomerTable) -> Result<()> {
        let n = table.len();
        let mut cols: [Vec<Option<f64>>; 4] = std::array::from_fn(|_| vec![None; n]);
        let summary = summarise(ws, table.as_of, None, crate::models::clv::TimeUnit::Day);
        for c in &summary.customers {
            let i = c.customer as usize;
            if i >= n {
                continue;
            }
            let h = history(c);
            let p_alive = self.fit.p_alive(h);
            let p_none = self.fit.p_no_purchase(h, self.window_days);
            cols[0][i] = Some(p_alive);
            cols[1][i] = Some(self.fit.expected_purchases(h, self.window_days)).filter(|v| v.is_finite());
            cols[2][i] = Some(logit(p_none));
            cols[3][i] = (c.frequency > 0).then(|| (c.age - c.recency) / (c.recency / f64::from(c.frequency)));
        }
        let about = [
            (
                P_ALIVE,
                "P(alive) under the BG/NBD model fitted at the propensity cut-off",
            ),
            (
                EXPECTED_ORDERS,
                "expected repeat purchases in the label window (BG/NBD fitted at the cut-off)",
            ),
            (
                NO_ORDER_LOG_ODDS,
                "log-odds of no purchase in the label window (BG/NBD fitted at the cut-off)",
            ),
            (
                RECENCY_OVER_GAP,
                "days since the last purchase over the customer's mean days between purchases",
            ),
        ];
        for ((name, text), v) in about.into_iter().zip(cols) {
            table.add(Feature::new(name, text, Values::Number(Float64Array::from(v))))?;
        }
        Ok(())
    }
}

fn history(c: &crate::models::clv::CustomerSummary) -> History {
    History {
        x: f64::from(c.frequency),
        t_x: c.recency,
        t: c.age,
    }
}

/// ln(p / (1 − p)), p kept within [1e-12, 1 − 1e-12] so a certainty stays finite.
fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    (p / (1.0 - p)).ln()
}
