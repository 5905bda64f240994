//! Churn risk and propensity: L2-regularised logistic regression (Newton /
//! IRLS with Cholesky) on customer-table features as of a cut-off date, the
//! label observed in a window after it; test-set AUC, log-loss, calibration
//! and gains against a single-feature baseline; scores added to the customer
//! table; per-customer explanations. See README "Churn and propensity".

mod design;
mod history;
mod labels;
mod logistic;
mod model;
mod params;

pub use design::{Design, DesignColumn, Source, MAX_LEVELS};
pub use history::HistoryFeatures;
pub use labels::{Label, Labelled};
pub use logistic::{auc, fit_logistic, log_loss, sigmoid, LogisticFit};
pub use model::{
    explain, explain_score, propensity, Baseline, BaselineScore, CalibrationBin, Coefficient, Contribution,
    Explanation, Gain, PropensityModel, PropensityReport,
};
pub use params::{PropensityParams, ValidParams};

/// Label builders (population and labels of each label kind).
pub mod label {
    pub use super::labels::{churn, default, response};
}

#[cfg(test)]
mod tests;
