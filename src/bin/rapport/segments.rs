//! Commands over the customer table's segments: `segment`, `audience`,
//! `clusters` and `tiers`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use rapport::Result;

use super::{print_json, today, write_file, InputArgs};

/// `rapport clusters`: k-means segments of the customer table.
#[derive(Args)]
pub(crate) struct ClustersArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Customer columns to cluster on, comma-separated (e.g. monetary_total,order_count,recency_days).
    #[arg(long, value_delimiter = ',', required = true)]
    features: Vec<String>,
    /// Number of clusters; without it, the best silhouette of --k-range.
    #[arg(long, conflicts_with = "k_range")]
    k: Option<usize>,
    /// The ks scanned, e.g. 2..10 (both ends included).
    #[arg(long = "k-range", value_parser = parse_k_range)]
    k_range: Option<(usize, usize)>,
    /// Seed; drawn at random (and printed) when absent.
    #[arg(long)]
    seed: Option<u64>,
    /// Customers the silhouette is computed on.
    #[arg(long)]
    sample: Option<usize>,
    /// k-means++ starts per fit.
    #[arg(long = "n-init")]
    n_init: Option<usize>,
    /// Print only the k scan (inertia and silhouette per k), no final fit.
    #[arg(long = "scan-only", conflicts_with = "k")]
    scan_only: bool,
}

/// `2..10` (or `2..=10`, `2-10`) as both ends.
fn parse_k_range(text: &str) -> std::result::Result<(usize, usize), String> {
    let (a, b) = text
        .split_once("..=")
        .or_else(|| text.split_once(".."))
        .or_else(|| text.split_once('-'))
        .ok_or_else(|| format!("expected FROM..TO such as 2..10, got '{text}'"))?;
    let num = |s: &str| s.trim().parse::<usize>().map_err(|e| format!("'{s}': {e}"));
    Ok((num(a)?, num(b)?))
}

#[derive(Args)]
pub(crate) struct AudienceArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Selection expression (default: every customer).
    #[arg(long)]
    segment: Option<String>,
    /// email, sms, post or phone.
    #[arg(long, default_value = "email")]
    channel: String,
    /// Let in customers with no consent record for the channel.
    #[arg(long = "include-without-consent")]
    include_without_consent: bool,
    /// Drop customers who complained this many days before the reference date (default 30; 0 = off).
    #[arg(long = "complained-within-days")]
    complained_within_days: Option<u32>,
    /// Drop customers sent a campaign this many days before the reference date.
    #[arg(long = "contacted-within-days")]
    contacted_within_days: Option<u32>,
    /// Control share (default 0.1).
    #[arg(long = "control-fraction")]
    control_fraction: Option<f64>,
    /// Exact control size instead of a share.
    #[arg(long = "control-size")]
    control_size: Option<usize>,
    /// Category column to stratify the control group by (e.g. rfm_segment).
    #[arg(long = "stratify-by")]
    stratify_by: Option<String>,
    /// Seed of the control draw (drawn and printed when absent).
    #[arg(long)]
    seed: Option<u64>,
    /// Write target and control to this CSV file.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Columns of the CSV after customer_id and group (comma-separated; default email).
    #[arg(long)]
    columns: Option<String>,
    /// Write e-mails as SHA-256 (for ad-platform customer lists).
    #[arg(long = "hash-emails")]
    hash_emails: bool,
}

pub(crate) fn run_audience(args: AudienceArgs) -> Result<()> {
    use rapport::campaign::{self, AudienceParams, ExportOptions};
    let (mut ws, _) = args.input.load()?;
    let params = AudienceParams {
        segment: args.segment.clone(),
        channel: Some(args.channel.clone()),
        include_without_consent: Some(args.include_without_consent),
        complained_within_days: args.complained_within_days,
        contacted_within_days: args.contacted_within_days,
        control_fraction: args.control_fraction,
        control_size: args.control_size,
        stratify_by: args.stratify_by.clone(),
        seed: args.seed,
        ..Default::default()
    };
    let columns: Option<Vec<String>> = args.columns.as_ref().map(|c| {
        c.split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    });
    let mut wanted: Vec<&str> = columns.iter().flatten().map(String::as_str).collect();
    wanted.extend(args.stratify_by.as_deref());
    rapport::segment::derive_missing(&mut ws, &wanted, today())?;
    let candidates = rapport::segment::rows_of(&mut ws, params.segment.as_deref(), today())?;
    let table = ws.customers(&Default::default(), today())?;
    let audience = campaign::build(table, &candidates, &params.check(table)?);
    if let Some(path) = &args.out {
        let export = ExportOptions {
            columns,
            hash_emails: args.hash_emails,
            groups: None,
        };
        write_file(path, &campaign::export_csv(table, &audience, &export)?)?;
    }
    print_json(&audience)
}

/// `rapport segment`: evaluates `expr` over the customer table of the files.
pub(crate) fn run_segment(input: &InputArgs, expr: &str, out: Option<&Path>, as_of: Option<String>) -> Result<()> {
    let (mut ws, _) = input.load()?;
    let today = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| (d.as_secs() / 86_400) as i32);
    ws.customers(&rapport::table::customers::CustomerParams { as_of }, today)?;
    let ctx = ws.segment_context()?;
    let seg = rapport::segment::select(&ctx, expr)?;
    if let Some(path) = out {
        let mut w = BufWriter::new(File::create(path)?);
        writeln!(w, "customer_id")?;
        let ids = ctx.table.ids();
        for &r in &seg.rows {
            let id = ids.value(r as usize);
            // Quoted when needed; a leading formula character is neutralised.
            let id = if id.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{id}")
            } else {
                id.to_string()
            };
            if id.contains([',', '"', '\n', '\r']) {
                writeln!(w, "\"{}\"", id.replace('"', "\"\""))?;
            } else {
                writeln!(w, "{id}")?;
            }
        }
        w.flush()?;
    }
    print_json(&seg.summary(&ctx, expr))
}

pub(crate) fn run_clusters(args: ClustersArgs) -> Result<()> {
    let (mut ws, _) = args.input.load()?;
    let table = ws.customers(&rapport::table::customers::CustomerParams::default(), today())?;
    let params = rapport::segment::ClusterParams {
        features: args.features,
        k: args.k,
        k_range: args.k_range,
        seed: args.seed,
        sample: args.sample,
        n_init: args.n_init,
        ..Default::default()
    };
    if args.scan_only {
        print_json(&rapport::segment::choose_k(table, &params)?)
    } else {
        print_json(&rapport::segment::clusters(table, &params)?)
    }
}

pub(crate) fn run_tiers(input: InputArgs, by: String, high: Option<f64>, mid: Option<f64>) -> Result<()> {
    let (mut ws, _) = input.load()?;
    let table = ws.customers(&rapport::table::customers::CustomerParams::default(), today())?;
    let params = rapport::segment::ValueTierParams {
        by: Some(by),
        high,
        mid,
    };
    print_json(&rapport::segment::value_tiers(table, &params)?)
}
