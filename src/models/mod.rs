//! Predictive models over the order lines and the customer table: customer
//! lifetime value (BG/NBD, Gamma–Gamma), churn and response propensity
//! (logistic regression), recommendations (co-occurrence, association rules,
//! neighbours) and forecasts (exponential smoothing, ARIMA). Pure Rust: each
//! model takes the workspace or plain slices and returns serde-ready reports;
//! scores become customer-table columns.

pub mod clv;
pub mod forecast;
pub mod propensity;
pub mod recommend;
