//! propensity model (being built).
