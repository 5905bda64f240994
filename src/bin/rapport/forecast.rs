//! `rapport forecast`: revenue, orders or active customers per week or month,
//! forecast with 95 % intervals by the method a rolling-origin backtest picks.

use clap::Args;
use rapport::models::forecast::{self, ForecastParams};
use rapport::Result;

use super::{print_json, InputArgs};

#[derive(Args)]
pub(crate) struct ForecastArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// week (ISO, Monday start), month or quarter.
    #[arg(long, default_value = "month")]
    period: String,
    /// revenue (net of returns), orders or customers (distinct active customers).
    #[arg(long, default_value = "revenue")]
    measure: String,
    /// Periods to forecast (default 12 months, 13 weeks, 4 quarters).
    #[arg(long)]
    horizon: Option<u32>,
    /// auto (every candidate, the backtest picks), ets or arima.
    #[arg(long, default_value = "auto")]
    method: String,
    /// Seed of the simulated intervals (drawn and printed when absent).
    #[arg(long)]
    seed: Option<u64>,
}

pub(crate) fn run(args: ForecastArgs) -> Result<()> {
    let opts = ForecastParams {
        period: Some(args.period),
        measure: Some(args.measure),
        horizon: args.horizon,
        method: Some(args.method),
        seed: args.seed,
    }
    .check()?;
    let (ws, _) = args.input.load()?;
    print_json(&forecast::forecast(&ws, &opts)?)
}
