//! Customer lifetime value: BG/NBD and modified BG/NBD repeat-purchase models,
//! the Gamma–Gamma spend model and discounted CLV, with lifetimes' conventions
//! (README "Customer lifetime value").

mod bgnbd;
mod distinct;
mod fit;
mod gamma_gamma;
mod params;
mod report;
pub mod simulate;
mod summary;

pub use bgnbd::{fit as fit_bgnbd, AliveOdds, BgFit, BgParams, History, TransactionModel};
pub use fit::{
    discounted_value, fit_clv, fit_summary, sufficiency_warnings, BgReport, ClvFit, ClvReport, CustomerScore, GgReport,
    HoldoutBucket, HoldoutReport, LAST_BUCKET, NEXT_ORDER_CAP_DAYS,
};
pub use gamma_gamma::{fit as fit_gamma_gamma, pearson, GgFit, GgParams};
pub use params::{ClvOptions, ClvParams};
pub use report::{AliveMatrix, HistogramBin, TopCustomer};
pub use summary::{
    summarise, summarise_lines, summary_from_columns, CustomerSummary, Summary, SummaryCounts, TimeUnit,
};

#[cfg(test)]
mod tests;
