//! `Workspace` methods of the forecast model (being built).
