//! `rapport clv`: BG/NBD (or modified BG/NBD) and Gamma–Gamma over the orders,
//! the report as JSON on standard output and one CSV row per customer.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use clap::Args;
use rapport::models::clv::{self, ClvParams};
use rapport::{Error, Result};

use super::{print_json, today, InputArgs};

#[derive(Args)]
pub(crate) struct ClvArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// Last day (YYYY-MM-DD) of the calibration period (default: the last order date).
    #[arg(long = "calibration-end")]
    calibration_end: Option<String>,
    /// Last day of the holdout period: predicted against actual repeat purchases.
    #[arg(long = "holdout-end")]
    holdout_end: Option<String>,
    /// Time unit of recency, T and the model's rates.
    #[arg(long = "time-unit", value_parser = ["day", "week"], default_value = "day")]
    time_unit: String,
    /// CLV horizon in months.
    #[arg(long, default_value_t = 12)]
    horizon: u32,
    /// Monthly discount rate of the CLV sum.
    #[arg(long = "discount-rate", default_value_t = 0.01)]
    discount_rate: f64,
    /// Repeat-purchase model.
    #[arg(long, value_parser = ["bgnbd", "mbgnbd"], default_value = "bgnbd")]
    model: String,
    /// L2 penalty on the parameters (lifetimes' penalizer_coef).
    #[arg(long, default_value_t = 0.0)]
    penalizer: f64,
    /// Per-customer CSV: customer_id,frequency,recency,T,monetary_value,p_alive,expected_purchases,clv.
    #[arg(long)]
    out: PathBuf,
}

fn csv_text(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn number(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite()).map(|x| x.to_string()).unwrap_or_default()
}

pub(crate) fn run(args: ClvArgs) -> Result<()> {
    let (mut ws, _) = args.input.load()?;
    let opts = ClvParams {
        calibration_end: args.calibration_end,
        holdout_end: args.holdout_end,
        time_unit: Some(args.time_unit),
        horizon_months: Some(args.horizon),
        discount_rate: Some(args.discount_rate),
        model: Some(args.model),
        penalizer: Some(args.penalizer),
    }
    .check(&ws)?;
    let fit = clv::fit_clv(&mut ws, &opts, today())?;
    let file = File::create(&args.out)
        .map_err(|e| Error::Io(std::io::Error::new(e.kind(), format!("{}: {e}", args.out.display()))))?;
    let mut w = BufWriter::new(file);
    writeln!(
        w,
        "customer_id,frequency,recency,T,monetary_value,p_alive,expected_purchases,clv"
    )?;
    let keys = ws.customer_keys();
    for s in &fit.scores {
        let c = &s.summary;
        writeln!(
            w,
            "{},{},{},{},{},{},{},{}",
            csv_text(keys.value(c.customer)),
            c.frequency,
            c.recency,
            c.age,
            c.monetary_value,
            number(Some(s.p_alive)),
            number(Some(s.expected_purchases)),
            number(s.clv)
        )?;
    }
    w.flush()?;
    print_json(&fit.report)
}
