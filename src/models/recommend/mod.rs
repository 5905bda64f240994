//! recommend model (being built).
