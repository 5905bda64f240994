//! `rapport propensity`: churn, response or default propensity by logistic
//! regression; prints the report, writes every customer's score with `--out`.

use std::path::PathBuf;

use clap::Args;
use rapport::models::propensity::{self, PropensityParams};
use rapport::table::customers::{CustomerParams, Values};
use rapport::{Error, Result};

use super::InputArgs;

#[derive(Args)]
pub(crate) struct PropensityArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// What to predict: churn (no order in the window after the cut-off),
    /// response (clicked or converted when targeted) or default (a late or
    /// defaulted payment).
    #[arg(long, default_value = "churn")]
    label: String,
    /// Cut-off date YYYY-MM-DD: features as of it, the label observed after it
    /// (default: the last order date, or last campaign event, minus the window).
    #[arg(long)]
    cutoff: Option<String>,
    /// Days after the cut-off in which the label is observed (default 90).
    #[arg(long = "window-days")]
    window_days: Option<u32>,
    /// response only: the campaign whose targets are modelled.
    #[arg(long)]
    campaign: Option<String>,
    /// Seed of the train/test split (default: drawn and reported).
    #[arg(long)]
    seed: Option<u64>,
    /// L2 penalty on the standardised coefficients (default 1).
    #[arg(long)]
    l2: Option<f64>,
    /// Share held out for the test metrics (default 0.3).
    #[arg(long = "test-fraction")]
    test_fraction: Option<f64>,
    /// Name of the score column (default churn_risk, propensity_response, propensity_default).
    #[arg(long)]
    column: Option<String>,
    /// Adds the explanation of this customer's score to the report.
    #[arg(long)]
    explain: Option<String>,
    /// Writes customer_id,<column> for every customer as CSV.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub(crate) fn run(args: PropensityArgs) -> Result<()> {
    let (mut ws, _) = args.input.load()?;
    let params = PropensityParams {
        label: Some(args.label),
        cutoff: args.cutoff,
        window_days: args.window_days,
        campaign: args.campaign,
        seed: args.seed,
        l2: args.l2,
        test_fraction: args.test_fraction,
        column: args.column,
    }
    .check()?;
    let today = super::today();
    let report = propensity::propensity(&mut ws, &params, today, None)?;
    let mut result = serde_json::to_value(&report).map_err(|e| Error::MissingData(e.to_string()))?;
    if let Some(id) = &args.explain {
        let e = propensity::explain_score(&mut ws, &report.column, id, today)?;
        result["explanation"] = serde_json::to_value(e).map_err(|e| Error::MissingData(e.to_string()))?;
    }
    if let Some(path) = &args.out {
        let table = ws.customers(&CustomerParams::default(), today)?;
        let Some(Values::Number(scores)) = table.get(&report.column).map(|f| &f.values) else {
            return Err(Error::MissingData(format!("no score column '{}'", report.column)));
        };
        let mut csv = format!("customer_id,{}\n", rapport::campaign::csv_cell(&report.column));
        for (i, id) in table.ids().iter().enumerate() {
            csv.push_str(&format!(
                "{},{}\n",
                rapport::campaign::csv_cell(id.unwrap_or_default()),
                scores.values()[i]
            ));
        }
        super::write_file(path, &csv)?;
    }
    super::print_json(&result)
}
