//! Statistics helpers shared by the analyses.

pub mod linalg;
pub mod optim;
pub mod quantile;
pub mod seed;
pub mod special;
mod text;

pub use text::nearest;
