//! Fitting a propensity model on the workspace, its report, scoring every
//! customer and explaining one score.

use arrow_array::Array;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::design::Design;
use super::history::{self, HistoryFeatures};
use super::labels::{self, Label, Labelled, MODEL};
use super::logistic::{auc, fit_logistic, log_loss, LogisticFit};
use super::params::ValidParams;
use crate::calendar::date_label;
use crate::stats::seed::seed_or_draw;
use crate::table::customers::{self, CustomerParams, CustomerTable, Feature, Values};
use crate::table::Workspace;
use crate::{Error, Result};

/// A fitted propensity model: the feature transform and the coefficients.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PropensityModel {
    /// The score column it fills.
    pub column: String,
    pub label: Label,
    pub design: Design,
    pub fit: LogisticFit,
    /// The BG/NBD fit at the cut-off behind the purchase-history features of
    /// the churn label (none for other labels, or without repeat buyers to fit it on).
    #[serde(skip)]
    pub history: Option<HistoryFeatures>,
}

impl PropensityModel {
    /// The workspace's customer table (as of `today`'s default reference date)
    /// with the model's purchase-history features added: what [`score`](Self::score)
    /// and [`explain`] read. A copy; the workspace's table is left as it is.
    pub fn prepare(&self, ws: &mut Workspace, today: i32) -> Result<CustomerTable> {
        let mut table = ws.customers(&CustomerParams::default(), today)?.clone();
        if let Some(h) = &self.history {
            h.add_to(ws, &mut table)?;
        }
        Ok(table)
    }

    /// The log-odds of every row of `table` (from [`prepare`](Self::prepare)).
    pub fn log_odds(&self, table: &CustomerTable) -> Vec<f64> {
        let rows: Vec<u32> = (0..table.len() as u32).collect();
        let x = self.design.matrix(table, &rows);
        let p = self.design.len();
        (0..rows.len())
            .map(|i| self.fit.log_odds(x.get(i * p..(i + 1) * p).unwrap_or(&[])))
            .collect()
    }

    /// `P(positive)` of every row of `table` (from [`prepare`](Self::prepare)),
    /// computed with the training transform.
    pub fn score(&self, table: &CustomerTable) -> Vec<f64> {
        self.log_odds(table).into_iter().map(super::logistic::sigmoid).collect()
    }
}

/// A single-feature baseline the model is compared with.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Baseline {
    /// The column of the cut-off table (`p_alive_bgnbd`, `recency_days`, …)
    /// or the name of a supplied score.
    pub column: String,
    /// Whether a higher value means more likely positive (else lower).
    pub higher_is_positive: bool,
    /// AUC on the test rows.
    pub auc: Option<f64>,
}

/// One of 10 equal-width bins of predicted probability, on the test rows.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CalibrationBin {
    pub lower: f64,
    pub upper: f64,
    pub customers: usize,
    pub mean_predicted: Option<f64>,
    pub observed_rate: Option<f64>,
}

/// One decile of the test rows ranked by score, highest first.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Gain {
    pub decile: usize,
    pub customers: usize,
    pub positives: usize,
    /// Positive rate in the decile.
    pub rate: f64,
    /// `rate` / the overall positive rate.
    pub lift: f64,
    /// Share of all positives in deciles 1..=this one.
    pub cumulative_gain: f64,
    pub cumulative_lift: f64,
}

/// One model feature's coefficient.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Coefficient {
    pub feature: String,
    /// The customer-table column it comes from.
    pub column: String,
    /// Per standard deviation of the feature (log-odds).
    pub standardised: f64,
    /// Per unit of the feature (log-odds).
    pub original: f64,
    /// Training mean and standard deviation of the feature.
    pub mean: f64,
    pub sd: f64,
}

/// What `propensity` answers.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PropensityReport {
    pub label: Label,
    /// The score column added to the customer table.
    pub column: String,
    pub campaign: Option<String>,
    /// Features as of this date (`YYYY-MM-DD`) …
    pub cutoff: String,
    /// … the label observed after it, through this date.
    pub window_end: String,
    /// The reference date of the customer table the scores were added to.
    pub scored_as_of: String,
    /// Customers scored (every customer of the table).
    pub scored: usize,
    pub seed: u64,
    pub l2: f64,
    pub test_fraction: f64,
    pub n_train: usize,
    pub n_test: usize,
    pub positives_train: usize,
    pub positives_test: usize,
    /// Test-set AUC of the model.
    pub auc: Option<f64>,
    /// Test-set mean log-loss.
    pub log_loss: f64,
    /// Test-set AUC of `baseline`.
    pub baseline_auc: Option<f64>,
    /// The baseline to beat: a supplied score, else for churn P(alive) of a
    /// BG/NBD fit at the cut-off (lower = more churn), else the label's column.
    pub baseline: Option<Baseline>,
    /// Every baseline scored, `baseline` first. Churn: P(alive)
    /// (`p_alive_bgnbd`), the BG/NBD's own P(no order in the window)
    /// (`no_order_log_odds_bgnbd`), then `recency_days`.
    pub baselines: Vec<Baseline>,
    pub calibration: Vec<CalibrationBin>,
    pub gains: Vec<Gain>,
    /// Log-odds of the mean (training) customer.
    pub intercept: f64,
    /// The intercept on the original scale of the features.
    pub intercept_original: f64,
    /// Sorted by |standardised| descending.
    pub coefficients: Vec<Coefficient>,
    pub iterations: usize,
}

/// A supplied baseline score: a name and one value per customer-table row
/// (higher = more likely positive), e.g. `1 − P(alive)` of the CLV model.
pub type BaselineScore<'a> = (&'a str, Vec<f64>);

fn labelled(ws: &Workspace, p: &ValidParams) -> Result<Labelled> {
    match p.label {
        Label::Churn => labels::churn(ws, p.cutoff, p.window_days),
        Label::Response => labels::response(ws, p.cutoff, p.window_days, p.campaign.as_deref()),
        Label::Default => labels::default(ws, p.cutoff, p.window_days),
    }
}

/// Stratified split of the population's positions: (train, test).
fn split(y: &[f64], test_fraction: f64, seed: u64) -> Result<(Vec<usize>, Vec<usize>)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for class in [0.0, 1.0] {
        let mut idx: Vec<usize> = (0..y.len()).filter(|&i| y[i] == class).collect();
        if idx.len() < 2 {
            return Err(Error::model(
                MODEL,
                format!(
                    "{} {} customer(s) in the population: need at least 2 of each class to train and test",
                    idx.len(),
                    if class == 1.0 { "positive" } else { "negative" }
                ),
            ));
        }
        idx.shuffle(&mut rng);
        let k = ((idx.len() as f64 * test_fraction).round() as usize).clamp(1, idx.len() - 1);
        test.extend_from_slice(&idx[..k]);
        train.extend_from_slice(&idx[k..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    Ok((train, test))
}

fn calibration(p: &[f64], y: &[f64]) -> Vec<CalibrationBin> {
    (0..10)
        .map(|b| {
            let (lower, upper) = (b as f64 / 10.0, (b + 1) as f64 / 10.0);
            let inside: Vec<usize> = (0..p.len())
                .filter(|&i| ((p[i] * 10.0).floor() as usize).min(9) == b)
                .collect();
            let n = inside.len();
            let mean = |v: &[f64]| (n > 0).then(|| inside.iter().map(|&i| v[i]).sum::<f64>() / n as f64);
            CalibrationBin {
                lower,
                upper,
                customers: n,
                mean_predicted: mean(p),
                observed_rate: mean(y),
            }
        })
        .collect()
}

fn gains(p: &[f64], y: &[f64]) -> Vec<Gain> {
    let n = p.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| p[b].total_cmp(&p[a]).then(a.cmp(&b)));
    let total_pos = y.iter().sum::<f64>();
    let base = total_pos / n.max(1) as f64;
    let (mut cum_n, mut cum_pos) = (0usize, 0usize);
    (0..10)
        .map(|d| {
            let (from, to) = (d * n / 10, (d + 1) * n / 10);
            let positives = order[from..to].iter().filter(|&&i| y[i] == 1.0).count();
            let customers = to - from;
            cum_n += customers;
            cum_pos += positives;
            let rate = if customers > 0 {
                positives as f64 / customers as f64
            } else {
                0.0
            };
            let cum_rate = if cum_n > 0 { cum_pos as f64 / cum_n as f64 } else { 0.0 };
            let ratio = |r: f64| if base > 0.0 { r / base } else { 0.0 };
            Gain {
                decile: d + 1,
                customers,
                positives,
                rate,
                lift: ratio(rate),
                cumulative_gain: if total_pos > 0.0 {
                    cum_pos as f64 / total_pos
                } else {
                    0.0
                },
                cumulative_lift: ratio(cum_rate),
            }
        })
        .collect()
}

/// The built-in baseline of a label: a column of the cut-off table and its direction.
fn default_baseline(label: Label) -> (&'static str, bool) {
    match label {
        Label::Churn => ("recency_days", true),
        Label::Response => ("recency_days", false),
        Label::Default => ("share_paid_late", true),
    }
}

/// The baseline of a number column of the cut-off table, on the test rows.
fn column_baseline(
    table: &CustomerTable,
    column: &str,
    higher: bool,
    test_rows: &[u32],
    y_test: &[f64],
) -> Option<Baseline> {
    let Some(Values::Number(a)) = table.get(column).map(|f| &f.values) else {
        return None;
    };
    let v: Vec<Option<f64>> = test_rows
        .iter()
        .map(|&r| a.is_valid(r as usize).then(|| a.value(r as usize)))
        .collect();
    Some(Baseline {
        column: column.to_string(),
        higher_is_positive: higher,
        auc: baseline_auc(&v, higher, y_test),
    })
}

fn baseline_auc(values: &[Option<f64>], higher: bool, test_y: &[f64]) -> Option<f64> {
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    let fill = present.iter().sum::<f64>() / present.len().max(1) as f64;
    let s: Vec<f64> = values
        .iter()
        .map(|v| {
            let v = v.unwrap_or(fill);
            if higher {
                v
            } else {
                -v
            }
        })
        .collect();
    auc(&s, test_y)
}

/// Fits the model of `params` and adds its scores to the customer table as of
/// the latest data (`ws.customers(default, today)`), keeping the model in the
/// workspace under the column's name (see [`explain_score`]).
///
/// The features come from the workspace cut at the cut-off date
/// ([`Workspace::snapshot`]); the population is split (stratified, seeded)
/// into train and test; the transform ([`Design`]) is learnt on train; the
/// metrics are on test. Scoring applies the same transform to the current
/// customer table, so a churn score reads "risk of no order in the next
/// `window` days" from today's recency, frequency, ….
pub fn propensity(
    ws: &mut Workspace,
    params: &ValidParams,
    today: i32,
    baseline: Option<BaselineScore>,
) -> Result<PropensityReport> {
    let labelled = labelled(ws, params)?;
    if labelled.rows.is_empty() {
        return Err(Error::model(
            MODEL,
            format!(
                "no customer in the population of label '{}' between {} and {}",
                params.label.name(),
                date_label(labelled.cutoff),
                date_label(labelled.window_end)
            ),
        ));
    }
    let seed = seed_or_draw(params.seed)?;
    let (train, test) = split(&labelled.y, params.test_fraction, seed)?;
    let snapshot = ws.snapshot(labelled.cutoff)?;
    let mut at_cutoff = customers::build(&snapshot, labelled.cutoff)?;
    let history = (params.label == Label::Churn)
        .then(|| HistoryFeatures::fit(&snapshot, labelled.cutoff, params.window_days))
        .flatten();
    if let Some(h) = &history {
        h.add_to(&snapshot, &mut at_cutoff)?;
    }
    let rows = |idx: &[usize]| -> Vec<u32> { idx.iter().map(|&i| labelled.rows[i]).collect() };
    let (train_rows, test_rows) = (rows(&train), rows(&test));
    let y_of = |idx: &[usize]| -> Vec<f64> { idx.iter().map(|&i| labelled.y[i]).collect() };
    let (y_train, y_test) = (y_of(&train), y_of(&test));

    let design = Design::fit(&at_cutoff, &train_rows, &[]);
    let p = design.len();
    let fit = fit_logistic(&design.matrix(&at_cutoff, &train_rows), &y_train, p, params.l2)?;
    let predicted = fit.predict(&design.matrix(&at_cutoff, &test_rows), test_rows.len());

    let mut baselines = Vec::new();
    if let Some((name, values)) = baseline {
        if values.len() != at_cutoff.len() {
            return Err(Error::option(
                "baseline",
                name,
                format!("{} values for {} customers", values.len(), at_cutoff.len()),
            ));
        }
        let v: Vec<Option<f64>> = test_rows
            .iter()
            .map(|&r| Some(values[r as usize]).filter(|x| x.is_finite()))
            .collect();
        baselines.push(Baseline {
            column: name.to_string(),
            higher_is_positive: true,
            auc: baseline_auc(&v, true, &y_test),
        });
    }
    if params.label == Label::Churn {
        baselines.extend(column_baseline(
            &at_cutoff,
            history::P_ALIVE,
            false,
            &test_rows,
            &y_test,
        ));
        baselines.extend(column_baseline(
            &at_cutoff,
            history::NO_ORDER_LOG_ODDS,
            true,
            &test_rows,
            &y_test,
        ));
    }
    let (column, higher) = default_baseline(params.label);
    baselines.extend(column_baseline(&at_cutoff, column, higher, &test_rows, &y_test));

    let mut coefficients: Vec<Coefficient> = design
        .columns
        .iter()
        .zip(&fit.coef)
        .map(|(c, &b)| Coefficient {
            feature: c.name.clone(),
            column: c.column.clone(),
            standardised: b,
            original: b / c.sd,
            mean: c.mean,
            sd: c.sd,
        })
        .collect();
    let intercept_original = fit.intercept - coefficients.iter().map(|c| c.original * c.mean).sum::<f64>();
    coefficients.sort_by(|a, b| b.standardised.abs().total_cmp(&a.standardised.abs()));

    let model = PropensityModel {
        column: params.column.clone(),
        label: params.label,
        design,
        fit,
        history,
    };
    let scores = model.score(&model.prepare(ws, today)?);
    let table = ws.customers(&CustomerParams::default(), today)?;
    table.add(Feature::new(
        &model.column,
        &format!(
            "P({}) from the propensity model (logistic regression; features as of the scoring date)",
            match params.label {
                Label::Churn => format!("no order in the next {} days", params.window_days),
                Label::Response => "click or conversion when targeted by a campaign".to_string(),
                Label::Default => "a late or defaulted payment on the next orders".to_string(),
            }
        ),
        Values::Number(scores.iter().map(|&s| Some(s)).collect()),
    ))?;
    let scored_as_of = date_label(table.as_of);
    let scored = table.len();
    let report = PropensityReport {
        label: params.label,
        column: model.column.clone(),
        campaign: params.campaign.clone(),
        cutoff: date_label(labelled.cutoff),
        window_end: date_label(labelled.window_end),
        scored_as_of,
        scored,
        seed,
        l2: params.l2,
        test_fraction: params.test_fraction,
        n_train: train.len(),
        n_test: test.len(),
        positives_train: y_train.iter().filter(|&&v| v == 1.0).count(),
        positives_test: y_test.iter().filter(|&&v| v == 1.0).count(),
        auc: auc(&predicted, &y_test),
        log_loss: log_loss(&predicted, &y_test),
        baseline_auc: baselines.first().and_then(|b| b.auc),
        baseline: baselines.first().cloned(),
        baselines,
        calibration: calibration(&predicted, &y_test),
        gains: gains(&predicted, &y_test),
        intercept: model.fit.intercept,
        intercept_original,
        coefficients,
        iterations: model.fit.iterations,
    };
    ws.propensity_models.retain(|m| m.column != model.column);
    ws.propensity_models.push(model);
    Ok(report)
}

/// One feature's part of a score.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Contribution {
    pub feature: String,
    /// The customer's value of the feature (a category level as 1/0, a null as
    /// the imputed mean).
    pub value: f64,
    /// coefficient × standardised value: log-odds added to the mean customer's.
    pub contribution: f64,
}

/// Why a customer has the score they have.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    pub customer_id: String,
    pub score: f64,
    /// Log-odds of the mean (training) customer; adding every contribution
    /// gives this customer's log-odds.
    pub base_log_odds: f64,
    /// Sorted by |contribution|, largest first.
    pub contributions: Vec<Contribution>,
}

/// Each feature's contribution to `customer_id`'s log-odds under `model`, on
/// `table` (from [`PropensityModel::prepare`]).
pub fn explain(model: &PropensityModel, table: &CustomerTable, customer_id: &str) -> Result<Explanation> {
    let row = table
        .row_of(customer_id)
        .ok_or_else(|| Error::option("customerId", customer_id, "no such customer"))? as u32;
    let raw = model.design.raw_matrix(table, &[row]);
    let mut contributions: Vec<Contribution> = model
        .design
        .columns
        .iter()
        .zip(&model.fit.coef)
        .zip(&raw)
        .map(|((c, &b), &v)| Contribution {
            feature: c.name.clone(),
            value: v,
            contribution: b * (v - c.mean) / c.sd,
        })
        .collect();
    let log_odds = model.fit.intercept + contributions.iter().map(|c| c.contribution).sum::<f64>();
    contributions.sort_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
    Ok(Explanation {
        customer_id: customer_id.to_string(),
        score: super::logistic::sigmoid(log_odds),
        base_log_odds: model.fit.intercept,
        contributions,
    })
}

impl Workspace {
    /// The propensity model that fills score column `column`, if one was fitted.
    pub fn propensity_model(&self, column: &str) -> Option<&PropensityModel> {
        self.propensity_models.iter().find(|m| m.column == column)
    }
}

/// [`explain`] with the workspace's model of column `column` on its customer table.
pub fn explain_score(ws: &mut Workspace, column: &str, customer_id: &str, today: i32) -> Result<Explanation> {
    let model = ws.propensity_model(column).cloned().ok_or_else(|| {
        let fitted: Vec<&str> = ws.propensity_models.iter().map(|m| m.column.as_str()).collect();
        Error::option(
            "model",
            column,
            if fitted.is_empty() {
                "no propensity model fitted yet: run propensity first".to_string()
            } else {
                format!("no propensity model fills this column (fitted: {})", fitted.join(", "))
            },
        )
    })?;
    let table = model.prepare(ws, today)?;
    explain(&model, &table, customer_id)
}
