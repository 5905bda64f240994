//! `Workspace` methods of the propensity model (being built).
