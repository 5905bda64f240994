//! `Workspace` methods of the clv model (being built).
