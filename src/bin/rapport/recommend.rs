//! `rapport recommend`: product pairs, association rules, recommendations for
//! one customer, the holdout evaluation, and top-k per customer as CSV.

use std::path::PathBuf;

use clap::Args;
use rapport::campaign::{csv_cell, number_text};
use rapport::models::recommend::{self as rec, PairParams, RecommendParams, RuleParams};
use rapport::Result;
use serde_json::{json, Map, Value};

use super::{print_json, today, write_file, InputArgs};

#[derive(Args)]
pub(crate) struct RecommendArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// Recommend for this customer id.
    #[arg(long)]
    customer: Option<String>,
    /// Products per customer.
    #[arg(long, default_value_t = 10)]
    k: usize,
    /// Print this many top product pairs (0: none).
    #[arg(long, default_value_t = 20)]
    pairs: usize,
    /// Rank pairs by lift, count, cosine or jaccard.
    #[arg(long, default_value = "lift")]
    by: String,
    /// Pairs bought by fewer customers are left out.
    #[arg(long = "min-count", default_value_t = 2)]
    min_count: u32,
    /// Only pairs among the N products bought by the most customers.
    #[arg(long)]
    among: Option<usize>,
    /// Print association rules A → B.
    #[arg(long)]
    rules: bool,
    /// Rules: minimum support (share of buyers who bought both).
    #[arg(long = "min-support")]
    min_support: Option<f64>,
    /// Rules: minimum confidence.
    #[arg(long = "min-confidence")]
    min_confidence: Option<f64>,
    /// Evaluate on a time-based holdout against the popularity baseline.
    #[arg(long)]
    evaluate: bool,
    /// First day of the holdout, YYYY-MM-DD (default: the last 90 days).
    #[arg(long)]
    split: Option<String>,
    /// Customers with fewer distinct products get neighbours' purchases blended in.
    #[arg(long = "min-history")]
    min_history: Option<usize>,
    /// Write the top k of every customer to this CSV (customer_id,rank,product_id,score).
    #[arg(long)]
    out: Option<PathBuf>,
}

pub(crate) fn run(args: RecommendArgs) -> Result<()> {
    let (mut ws, _) = args.input.load()?;
    let opts = RecommendParams {
        k: Some(args.k),
        min_history: args.min_history,
        split: args.split.clone(),
        ..Default::default()
    }
    .check()?;
    let mut out = Map::new();
    let started = std::time::Instant::now();
    if args.pairs > 0 {
        let p = PairParams {
            top: Some(args.pairs),
            min_count: Some(args.min_count),
            by: Some(args.by.clone()),
            among: args.among,
            product: None,
        }
        .check()?;
        // confidenceAB would print as confidence_a_b: name the CLI keys here.
        let pairs: Vec<Value> = rec::product_pairs(&ws, &p)?
            .iter()
            .map(|x| {
                json!({"a": x.a, "b": x.b, "count": x.count, "support": x.support,
                    "confidence_ab": x.confidence_ab, "confidence_ba": x.confidence_ba,
                    "lift": x.lift, "cosine": x.cosine, "jaccard": x.jaccard})
            })
            .collect();
        out.insert("pairs".into(), Value::Array(pairs));
    }
    if args.rules {
        let r = RuleParams {
            min_support: args.min_support,
            min_confidence: args.min_confidence,
            ..Default::default()
        }
        .check()?;
        out.insert("rules".into(), json!(rec::association_rules(&ws, &r)?));
    }
    if let Some(id) = &args.customer {
        out.insert(
            "recommendations".into(),
            json!({ "customer_id": id, "items": rec::recommend(&mut ws, id, &opts, today())? }),
        );
    }
    if args.evaluate {
        out.insert(
            "evaluation".into(),
            json!(rec::evaluate_workspace(&mut ws, &opts, today())?),
        );
    }
    if let Some(path) = &args.out {
        let all = rec::recommend_all(&mut ws, &opts, today())?;
        let mut csv = String::from("customer_id,rank,product_id,score\n");
        for (id, items) in &all {
            for (rank, r) in items.iter().enumerate() {
                csv.push_str(&format!(
                    "{},{},{},{}\n",
                    csv_cell(id),
                    rank + 1,
                    csv_cell(&r.product_id),
                    number_text((r.score * 1e6).round() / 1e6)
                ));
            }
        }
        write_file(path, &csv)?;
        out.insert(
            "written".into(),
            json!({ "file": path.display().to_string(), "customers": all.len() }),
        );
    }
    out.insert("elapsed_ms".into(), json!(started.elapsed().as_millis() as u64));
    print_json(&Value::Object(out))
}
