//! The files a command reads (`--orders`, `--customers`, …, `--auto`) and
//! loading them into a workspace: CSV/TSV as they are, Parquet, Arrow IPC and
//! XLSX converted to CSV by `rapport-formats`.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use clap::Args;
use rapport::{Entity, Error, LoadOptions, Result, Workspace};

#[derive(Args)]
pub(crate) struct InputArgs {
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
    pub(crate) fn load(&self) -> Result<(Workspace, Vec<rapport::LoadReport>)> {
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
                // Overrides apply to the files whose header row has that column
                // (the header as the loader reads it: dialect, encoding, quotes).
                let head = rapport::ingest::preview(
                    &bytes,
                    &rapport::ingest::PreviewOptions {
                        file_name: opts.file_name.clone(),
                        format: opts.format.clone(),
                        rows: Some(0),
                        ..Default::default()
                    },
                )?;
                opts.mapping = mapping
                    .iter()
                    .filter(|(h, _)| head.header.iter().any(|x| x.trim() == h.as_str()))
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
pub(crate) struct Input {
    pub(crate) bytes: Vec<u8>,
    pub(crate) format: Option<&'static str>,
    pub(crate) warnings: Vec<String>,
}

pub(crate) fn read_input(path: &Path, sheet: Option<&str>) -> Result<Input> {
    let file = path.display().to_string();
    let bytes = fs::read(path).map_err(|e| Error::Format {
        file: file.clone(),
        reason: e.to_string(),
    })?;
    let bytes = gunzip(&file, bytes)?;
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

/// A gzip-compressed file (`orders.csv.gz`, as the bundled sample ships) decompressed,
/// every member of it; any other file as it is.
fn gunzip(file: &str, bytes: Vec<u8>) -> Result<Vec<u8>> {
    if !bytes.starts_with(&[0x1F, 0x8B]) {
        return Ok(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(4));
    flate2::read::MultiGzDecoder::new(bytes.as_slice())
        .read_to_end(&mut out)
        .map_err(|e| Error::Format {
            file: file.to_string(),
            reason: format!("the file is gzip-compressed but does not decompress: {e}"),
        })?;
    Ok(out)
}
