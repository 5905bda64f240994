//! Statistics helpers shared by the analyses.

pub mod seed;
