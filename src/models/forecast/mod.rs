//! forecast model (being built).

pub mod arima;
