//! clv model (being built).
