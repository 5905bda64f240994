//! `rapport`: the native command line over the same core as the browser build.
//! Prints JSON (snake_case field names) on standard output.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use rapport::generate::{generate, GenerateOptions};
use rapport::{report, Entity, Error, LoadOptions, Result, Workspace};
use serde_json::Value;

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
    /// Orders, revenue and customers per calendar month.
    Monthly {
        #[command(flatten)]
        input: InputArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
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

#[derive(Args)]
struct InputArgs {
    /// Customer files (any number).
    #[arg(long, num_args = 1..)]
    customers: Vec<PathBuf>,
    /// Order-line files.
    #[arg(long, num_args = 1..)]
    orders: Vec<PathBuf>,
    /// Campaign event files.
    #[arg(long = "campaign-events", num_args = 1..)]
    campaign_events: Vec<PathBuf>,
    /// Campaign files.
    #[arg(long, num_args = 1..)]
    campaigns: Vec<PathBuf>,
    /// Consent files.
    #[arg(long, num_args = 1..)]
    consents: Vec<PathBuf>,
    /// Support ticket files.
    #[arg(long, num_args = 1..)]
    tickets: Vec<PathBuf>,
    /// Survey files.
    #[arg(long, num_args = 1..)]
    surveys: Vec<PathBuf>,
    /// Web event files.
    #[arg(long = "web-events", num_args = 1..)]
    web_events: Vec<PathBuf>,
    /// Files whose entity is recognised from their headers.
    #[arg(long = "auto", num_args = 1..)]
    auto: Vec<PathBuf>,
    /// Column mapping overrides: 'Header=field,Other header=field'.
    #[arg(long)]
    map: Option<String>,
    /// The sheet of XLSX workbooks to read (default: the first).
    #[arg(long)]
    sheet: Option<String>,
}

impl InputArgs {
    fn load(&self) -> Result<(Workspace, Vec<rapport::LoadReport>)> {
        let mut mapping = std::collections::BTreeMap::new();
        if let Some(map) = &self.map {
            for pair in map.split(',').filter(|p| !p.trim().is_empty()) {
                let (h, f) = pair
                    .split_once('=')
                    .ok_or_else(|| Error::option("map", pair, "expected 'Header=field'"))?;
                mapping.insert(h.trim().to_string(), f.trim().to_string());
            }
        }
        let groups: [(Option<Entity>, &Vec<PathBuf>); 9] = [
            (Some(Entity::Customers), &self.customers),
            (Some(Entity::Campaigns), &self.campaigns),
            (Some(Entity::CampaignEvents), &self.campaign_events),
            (Some(Entity::Consents), &self.consents),
            (Some(Entity::Tickets), &self.tickets),
            (Some(Entity::Surveys), &self.surveys),
            (Some(Entity::WebEvents), &self.web_events),
            (None, &self.auto),
            (Some(Entity::Orders), &self.orders),
        ];
        let mut ws = Workspace::new();
        let mut reports = Vec::new();
        for (entity, files) in groups {
            for path in files {
                let input = read_input(path, self.sheet.as_deref())?;
                let bytes = input.bytes;
                let mut opts = LoadOptions::named(&path.display().to_string());
                opts.format = input.format.map(String::from);
                // Overrides apply to the files that have the header.
                let text = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]);
                let first_line = text.lines().next().unwrap_or("");
                opts.mapping = mapping
                    .iter()
                    .filter(|(h, _)| first_line.contains(h.as_str()))
                    .map(|(h, f)| (h.clone(), f.clone()))
                    .collect();
                let mut report = ws.load(entity, &bytes, &opts)?;
                report.warnings.extend(input.warnings);
                reports.push(report);
            }
        }
        Ok((ws, reports))
    }
}

/// A file's bytes as the core loads them: CSV/TSV as they are; Parquet, Arrow
/// IPC and XLSX converted to CSV by `rapport-formats`, with the format to
/// pass as `LoadOptions.format` and what the conversion warned about.
struct Input {
    bytes: Vec<u8>,
    format: Option<&'static str>,
    warnings: Vec<String>,
}

fn read_input(path: &Path, sheet: Option<&str>) -> Result<Input> {
    let file = path.display().to_string();
    let bytes = fs::read(path).map_err(|e| Error::Format {
        file: file.clone(),
        reason: e.to_string(),
    })?;
    if rapport_formats::sniff(&bytes).is_none() {
        return Ok(Input {
            bytes,
            format: None,
            warnings: Vec::new(),
        });
    }
    let opts = rapport_formats::ConvertOptions {
        sheet: sheet.map(String::from),
    };
    let converted = rapport_formats::to_csv(&bytes, &opts).map_err(|e| Error::Format {
        file,
        reason: e.to_string(),
    })?;
    Ok(Input {
        bytes: converted.csv,
        format: Some(converted.format),
        warnings: converted.warnings,
    })
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
        Command::Quality {
            input,
            as_of,
            max_issues,
        } => {
            let (ws, _) = input.load()?;
            let today = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| (d.as_secs() / 86_400) as i32);
            let opts = rapport::quality::QualityParams { as_of, max_issues }.check(today)?;
            print_json(&rapport::quality::profile(&ws, &opts))
        }
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
