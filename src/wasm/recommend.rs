//! `Workspace` methods of the recommend model (being built).
