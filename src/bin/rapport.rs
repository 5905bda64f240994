//! `rapport`: the native command line over the same core as the browser build.
//! Prints JSON (snake_case field names) on standard output.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use rapport::generate::{generate, GenerateOptions};
use rapport::{report, Error, Result, Workspace};
use serde_json::Value;

#[path = "rapport/clv.rs"]
mod clv;
#[path = "rapport/forecast.rs"]
mod forecast;
#[path = "rapport/input.rs"]
mod input;
#[path = "rapport/propensity.rs"]
mod propensity;
#[path = "rapport/recommend.rs"]
mod recommend;
#[path = "rapport/segments.rs"]
mod segments;

use input::{read_input, InputArgs};
use segments::{run_audience, run_clusters, run_segment, run_tiers, AudienceArgs, ClustersArgs};

#[derive(Parser)]
#[command(
    name = "rapport",
    version,
    about = "Analytical CRM on your own machine: customer data never leaves it."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a realistic, deterministic CRM data set (every entity plus ground truth).
    Generate(GenerateArgs),
    /// Print a file's format, dialect, encoding, header and first rows as read.
    Preview {
        /// The file.
        file: PathBuf,
        /// How many rows.
        #[arg(long, default_value_t = 20)]
        rows: usize,
        /// The XLSX sheet to read (default: the first).
        #[arg(long)]
        sheet: Option<String>,
    },
    /// Load files and print the load report of each.
    Load(InputArgs),
    /// The 360° view of one customer: columns, complaint history, timeline, records.
    Customer {
        #[command(flatten)]
        input: InputArgs,
        /// The customer's id as in the files.
        #[arg(long)]
        id: String,
        /// Records shown per entity and timeline events, newest first.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// The data-quality profile: completeness, validity, uniqueness, currency.
    Quality {
        #[command(flatten)]
        input: InputArgs,
        /// Reference date YYYY-MM-DD (default: today).
        #[arg(long = "as-of")]
        as_of: Option<String>,
        /// Offending values listed per entity.
        #[arg(long = "max-issues")]
        max_issues: Option<usize>,
    },
    /// RFM scores and named segments (and movement between two dates).
    Rfm {
        #[command(flatten)]
        input: InputArgs,
        /// Reference date YYYY-MM-DD (default: the last order date).
        #[arg(long = "as-of")]
        as_of: Option<String>,
        /// Only orders in this many days up to the reference date count.
        #[arg(long = "window-days")]
        window_days: Option<u32>,
        /// `standard` (quintiles, named segments) or `three` (terciles, six groups).
        #[arg(long)]
        scheme: Option<String>,
        /// Last order older than this many days: Lost (default 365; 0 = off).
        #[arg(long = "lost-after-days")]
        lost_after_days: Option<u32>,
        /// Also print the movement from this earlier reference date to --as-of.
        #[arg(long = "movement-from")]
        movement_from: Option<String>,
        /// Write each customer's scores and segment to this CSV file.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Build a campaign audience: segment ∩ consent − suppressions, with a control group.
    Audience(AudienceArgs),
    /// Customers selected by an expression (README, "Selection language"): JSON
    /// with count, total, expr and as_of; the ids to --out as CSV.
    Segment {
        #[command(flatten)]
        input: InputArgs,
        /// The selection expression, e.g. "order_count >= 3 and not bought('SKU-1')".
        #[arg(long)]
        expr: String,
        /// Write the selected customer ids to this CSV file (header customer_id).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Reference date YYYY-MM-DD of `today` (default: the last order date, else today).
        #[arg(long = "as-of")]
        as_of: Option<String>,
    },
    /// Customer lifetime value: BG/NBD and Gamma–Gamma fit, holdout check, per-customer scores.
    Clv(clv::ClvArgs),
    /// Churn, response or default propensity by logistic regression.
    Propensity(propensity::PropensityArgs),
    /// Product pairs, association rules and top-k recommendations per customer.
    Recommend(recommend::RecommendArgs),
    /// Revenue, orders or active customers per week or month, forecast with intervals.
    Forecast(forecast::ForecastArgs),
    /// Orders, revenue and customers per calendar month.
    Monthly {
        #[command(flatten)]
        input: InputArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
    /// Acquisition cohorts and retention: per cohort its size and, per period k after
    /// the first order, active customers, orders, revenue, unbounded retention, NRR, LTV.
    Cohorts {
        #[command(flatten)]
        input: InputArgs,
        /// week (ISO, Monday start), month or quarter.
        #[arg(long, default_value = "month")]
        period: String,
        /// first_order, first_product, first_category, first_campaign or a customer column (e.g. acquisition_channel).
        #[arg(long)]
        by: Option<String>,
        /// Reference date YYYY-MM-DD (default: the last order date).
        #[arg(long = "as-of")]
        as_of: Option<String>,
        /// What `retention` measures: customers, orders or revenue.
        #[arg(long)]
        measure: Option<String>,
        /// At most this many periods per cohort.
        #[arg(long = "max-periods")]
        max_periods: Option<u32>,
    },
    /// Lifecycle flows per period (new, retained, reactivated, returning, churned) and the business trend.
    Lifecycle {
        #[command(flatten)]
        input: InputArgs,
        /// week (ISO, Monday start), month or quarter.
        #[arg(long, default_value = "month")]
        period: String,
        /// Days without an order after which a customer has churned.
        #[arg(long = "inactive-days", default_value_t = 90)]
        inactive_days: u32,
        /// Reference date YYYY-MM-DD (default: the last order date).
        #[arg(long = "as-of")]
        as_of: Option<String>,
    },
    /// Loyalty points, tiers and value per tier under rules from a JSON file (README "Loyalty").
    Loyalty {
        #[command(flatten)]
        input: InputArgs,
        /// The rules as JSON (default rules when absent).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Reference date YYYY-MM-DD (default: the last order date).
        #[arg(long = "as-of")]
        as_of: Option<String>,
        /// Also print the tier movement from this earlier date to --as-of.
        #[arg(long = "movement-from")]
        movement_from: Option<String>,
    },
    /// A pivot report: one or two dimensions × measures with totals (README "Reports").
    Report {
        #[command(flatten)]
        input: InputArgs,
        /// Row dimension (e.g. country, age_band, region, category, month).
        #[arg(long)]
        rows: Option<String>,
        /// Column dimension.
        #[arg(long)]
        columns: Option<String>,
        /// Measures, comma-separated (e.g. customers,orders,revenue,aov).
        #[arg(long, value_delimiter = ',')]
        measures: Vec<String>,
        /// A preset (new_vs_old, under_35, region_demographics, acquisition, web_growth, buyers); the flags override it.
        #[arg(long)]
        preset: Option<String>,
        /// Days without an order after which a buyer counts as churned.
        #[arg(long = "inactive-days")]
        inactive_days: Option<u32>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
    /// Market segments: k-means on standardised customer features, with a profile per cluster.
    Clusters(ClustersArgs),
    /// Value tiers (high / mid / low) by revenue, profit or any number column, and the Pareto share.
    Tiers {
        #[command(flatten)]
        input: InputArgs,
        /// The measure: monetary_total, profit_total or any number column of the customer table.
        #[arg(long, default_value = "monetary_total")]
        by: String,
        /// Share of customers in the high tier.
        #[arg(long)]
        high: Option<f64>,
        /// Share of customers in the mid tier.
        #[arg(long)]
        mid: Option<f64>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Csv,
}

#[derive(Args)]
struct GenerateArgs {
    /// Number of people.
    #[arg(long, default_value_t = 5_000)]
    customers: usize,
    /// Seed; drawn at random (and printed) when absent.
    #[arg(long)]
    seed: Option<u64>,
    /// Output folder (created when missing).
    #[arg(long)]
    out: PathBuf,
    /// Orders with only the seven columns order_id,customer_id,order_date,product_id,category,quantity,amount.
    #[arg(long)]
    lean: bool,
    /// Write only this entity (only `orders` is supported).
    #[arg(long, value_parser = ["orders"])]
    only: Option<String>,
}

/// JSON with the API's field names in snake_case (`rowsRead` → `rows_read`).
fn snake_case_keys(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let mut s = String::with_capacity(k.len() + 4);
                    for c in k.chars() {
                        if c.is_ascii_uppercase() {
                            s.push('_');
                            s.push(c.to_ascii_lowercase());
                        } else {
                            s.push(c);
                        }
                    }
                    (s, snake_case_keys(v))
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(snake_case_keys).collect()),
        other => other,
    }
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    let v = serde_json::to_value(value).map_err(|e| Error::MissingData(format!("cannot print result: {e}")))?;
    let text = serde_json::to_string_pretty(&snake_case_keys(v)).map_err(|e| Error::MissingData(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    Ok(())
}

fn run_generate(args: &GenerateArgs) -> Result<()> {
    let seed = rapport::stats::seed::seed_or_draw(args.seed)?;
    let opts = GenerateOptions {
        customers: args.customers,
        seed,
        lean_orders: args.lean,
        orders_only: args.only.is_some(),
    };
    let out: &Path = &args.out;
    fs::create_dir_all(out)?;
    let summary = generate(&opts, &mut |name| {
        let path = out.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        Ok(Box::new(BufWriter::with_capacity(1 << 20, File::create(path)?)) as Box<dyn Write>)
    })?;
    print_json(&summary)
}

fn today() -> i32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| (d.as_secs() / 86_400) as i32)
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    fs::write(path, text).map_err(|e| Error::Format {
        file: path.display().to_string(),
        reason: e.to_string(),
    })
}

fn run_rfm(
    ws: &Workspace,
    params: rapport::segment::rfm::RfmParams,
    from: Option<String>,
    out: Option<&Path>,
) -> Result<()> {
    use rapport::segment::rfm;
    let scores = rfm::score(ws, &params.check(ws)?);
    let mut result = serde_json::to_value(rfm::report(&scores)).map_err(|e| Error::MissingData(e.to_string()))?;
    if let Some(from) = from {
        let earlier = rfm::RfmParams {
            as_of: Some(from),
            ..params.clone()
        };
        let moved = rfm::movement(&rfm::score(ws, &earlier.check(ws)?), &scores);
        result["movement"] = serde_json::to_value(moved).map_err(|e| Error::MissingData(e.to_string()))?;
    }
    if let Some(path) = out {
        let mut csv = String::from("customer_id,recency_days,frequency,monetary,r,f,m,segment\n");
        for c in 0..scores.r.len() {
            let Some(seg) = scores.segment_of(c) else { continue };
            let id = ws.customer_keys().key_bytes(c as u32);
            csv.push_str(&format!(
                "{},{},{},{},{},{},{},{}\n",
                rapport::campaign::csv_cell(&String::from_utf8_lossy(id)),
                scores.values.recency[c].unwrap_or(0.0),
                scores.values.frequency[c],
                rapport::campaign::number_text(scores.values.monetary[c]),
                scores.r[c],
                scores.f[c],
                scores.m[c],
                rapport::campaign::csv_cell(seg)
            ));
        }
        write_file(path, &csv)?;
    }
    print_json(&result)
}

fn run_loyalty(input: InputArgs, rules: Option<PathBuf>, as_of: Option<String>, from: Option<String>) -> Result<()> {
    use rapport::loyalty::{self, LoyaltyRules};
    let (mut ws, _) = input.load()?;
    let rules: LoyaltyRules = match &rules {
        None => LoyaltyRules::default(),
        Some(path) => {
            let text = fs::read_to_string(path)?;
            serde_json::from_str(&text).map_err(|e| Error::option("rules", path.display(), e.to_string()))?
        }
    };
    let valid = rules.check()?;
    let report = loyalty::loyalty(&mut ws, &valid, as_of.as_deref(), today())?;
    let mut result = serde_json::to_value(&report).map_err(|e| Error::MissingData(e.to_string()))?;
    if let Some(from) = from {
        let moved = loyalty::movement(&mut ws, &valid, &from, as_of.as_deref(), today())?;
        result["movement"] = serde_json::to_value(moved).map_err(|e| Error::MissingData(e.to_string()))?;
    }
    print_json(&result)
}

#[allow(clippy::too_many_arguments)]
fn run_report(
    input: InputArgs,
    rows: Option<String>,
    columns: Option<String>,
    measures: Vec<String>,
    preset: Option<String>,
    inactive_days: Option<u32>,
    format: Format,
) -> Result<()> {
    use rapport::pivot;
    let mut def = match &preset {
        Some(name) => pivot::preset(name)?,
        None => pivot::PivotDefinition::default(),
    };
    if let Some(r) = rows {
        def.rows = r;
    }
    if columns.is_some() {
        def.columns = columns;
    }
    if !measures.is_empty() {
        def.measures = measures;
    }
    if inactive_days.is_some() {
        def.inactive_days = inactive_days;
    }
    let valid = def.check()?;
    let (mut ws, _) = input.load()?;
    let result = pivot::pivot(&mut ws, &valid, today())?;
    match format {
        Format::Json => print_json(&result),
        Format::Csv => {
            let mut out = std::io::stdout().lock();
            out.write_all(pivot::to_csv(&result).as_bytes())?;
            Ok(())
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Generate(args) => run_generate(&args),
        Command::Preview { file, rows, sheet } => {
            let input = read_input(&file, sheet.as_deref())?;
            let opts = rapport::ingest::PreviewOptions {
                file_name: file.display().to_string(),
                rows: Some(rows),
                format: input.format.map(String::from),
                ..Default::default()
            };
            let mut preview = rapport::ingest::preview(&input.bytes, &opts)?;
            preview.warnings.extend(input.warnings);
            print_json(&preview)
        }
        Command::Load(input) => {
            let (_, reports) = input.load()?;
            print_json(&reports)
        }
        Command::Customer { input, id, limit } => {
            let (mut ws, _) = input.load()?;
            let params = rapport::customer_view::ViewOptions { limit: Some(limit) }.check()?;
            ws.customers(&rapport::table::customers::CustomerParams::default(), today())?;
            let table = ws
                .customer_table()
                .ok_or_else(|| Error::MissingData("no customer table".into()))?;
            print_json(&rapport::customer_view::customer_view(&ws, table, &id, params)?)
        }
        Command::Quality {
            input,
            as_of,
            max_issues,
        } => {
            let (ws, _) = input.load()?;
            let opts = rapport::quality::QualityParams { as_of, max_issues }.check(today())?;
            print_json(&rapport::quality::profile(&ws, &opts))
        }
        Command::Rfm {
            input,
            as_of,
            window_days,
            scheme,
            lost_after_days,
            movement_from,
            out,
        } => {
            let (ws, _) = input.load()?;
            let params = rapport::segment::rfm::RfmParams {
                as_of,
                window_days,
                scheme,
                lost_after_days,
            };
            run_rfm(&ws, params, movement_from, out.as_deref())
        }
        Command::Audience(args) => run_audience(args),
        Command::Segment {
            input,
            expr,
            out,
            as_of,
        } => run_segment(&input, &expr, out.as_deref(), as_of),
        Command::Clusters(args) => run_clusters(args),
        Command::Cohorts {
            input,
            period,
            by,
            as_of,
            measure,
            max_periods,
        } => {
            let (mut ws, _) = input.load()?;
            let params = rapport::cohort::CohortParams {
                period: Some(period),
                by,
                as_of,
                max_periods,
                measure,
            };
            let opts = params.check(&ws)?;
            print_json(&rapport::cohort::cohorts(&mut ws, &opts)?)
        }
        Command::Lifecycle {
            input,
            period,
            inactive_days,
            as_of,
        } => {
            let (ws, _) = input.load()?;
            let params = rapport::lifecycle::LifecycleParams {
                period: Some(period),
                inactive_days: Some(inactive_days),
                as_of,
            };
            print_json(&rapport::lifecycle::lifecycle(&ws, &params.check(&ws)?))
        }
        Command::Loyalty {
            input,
            rules,
            as_of,
            movement_from,
        } => run_loyalty(input, rules, as_of, movement_from),
        Command::Report {
            input,
            rows,
            columns,
            measures,
            preset,
            inactive_days,
            format,
        } => run_report(input, rows, columns, measures, preset, inactive_days, format),
        Command::Tiers { input, by, high, mid } => run_tiers(input, by, high, mid),
        Command::Clv(args) => clv::run(args),
        Command::Propensity(args) => propensity::run(args),
        Command::Recommend(args) => recommend::run(args),
        Command::Forecast(args) => forecast::run(args),
        Command::Monthly { input, format } => {
            let (ws, _) = input.load()?;
            let monthly = report::monthly_revenue(&ws)?;
            match format {
                Format::Json => print_json(&monthly),
                Format::Csv => {
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "period,orders,revenue,customers")?;
                    for r in &monthly.rows {
                        writeln!(out, "{},{},{},{}", r.period, r.orders, r.revenue, r.customers)?;
                    }
                    Ok(())
                }
            }
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rapport: {e}");
            ExitCode::FAILURE
        }
    }
}
