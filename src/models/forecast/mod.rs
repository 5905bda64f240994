//! forecast model (being built).
