//! Audiences: a segment's customers who may be contacted on a channel, minus
//! suppressions, split into a target and a random control group.
//!
//! Consent comes from the customer table's `consent_<channel>` column (the
//! latest record per customer and channel wins). Each excluded customer is
//! counted under the first reason that applies, in the order of [`REASONS`].

use arrow_array::{Array, BooleanArray, Date32Array, StringArray};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::calendar::date_label;
use crate::quality::{valid_email, valid_phone};
use crate::stats::seed::seed_or_draw;
use crate::table::{CustomerTable, Values};
use crate::{Error, Result};

/// Exclusion reasons, in the order they are checked.
pub const REASONS: [&str; 7] = [
    "no consent record",
    "consent withdrawn",
    "no valid address for the channel",
    "hard bounce",
    "unsubscribed",
    "complained recently",
    "contacted recently",
];

/// Audience options as callers give them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct AudienceParams {
    /// The selection expression (default: every customer). Recorded as given.
    pub segment: Option<String>,
    /// `email` (default), `sms`, `post` or `phone`.
    pub channel: Option<String>,
    /// Customers without any consent record for the channel are included
    /// (default false: excluded).
    pub include_without_consent: Option<bool>,
    /// Drop customers whose messages bounced hard (default true).
    pub suppress_hard_bounces: Option<bool>,
    /// Drop customers who unsubscribed from a campaign (default true).
    pub suppress_unsubscribed: Option<bool>,
    /// Drop customers who complained (a complaint ticket or a spam report)
    /// within this many days of the reference date (default 30; 0 = off).
    pub complained_within_days: Option<u32>,
    /// Drop customers sent a campaign within this many days (default off).
    pub contacted_within_days: Option<u32>,
    /// Share of the eligible customers held out as control (default 0.1).
    pub control_fraction: Option<f64>,
    /// Exact control size instead of a fraction.
    pub control_size: Option<usize>,
    /// A category column (e.g. `rfm_segment`, `value_tier`) to stratify the
    /// control group by: each stratum gives the same share.
    pub stratify_by: Option<String>,
    /// Seed of the control draw (default: drawn, and reported).
    pub seed: Option<u64>,
}

/// Checked audience options.
#[derive(Debug, Clone)]
pub struct AudienceOptions {
    pub segment: Option<String>,
    pub channel: usize,
    pub include_without_consent: bool,
    pub suppress_hard_bounces: bool,
    pub suppress_unsubscribed: bool,
    pub complained_within_days: Option<u32>,
    pub contacted_within_days: Option<u32>,
    pub control: Control,
    pub stratify_by: Option<String>,
    pub seed: u64,
}

/// How big the control group is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Control {
    Fraction(f64),
    Size(usize),
}

const CHANNELS: [&str; 4] = crate::table::customers::CONSENT_CHANNELS;

impl AudienceParams {
    /// Checks the options against the customer table (the stratifier must be a
    /// category column); draws a seed when none is given.
    pub fn check(&self, table: &CustomerTable) -> Result<AudienceOptions> {
        let channel_text = self.channel.as_deref().unwrap_or("email");
        let channel = CHANNELS
            .iter()
            .position(|c| *c == channel_text)
            .ok_or_else(|| Error::option("channel", channel_text, "expected email, sms, post or phone"))?;
        let control = match (self.control_size, self.control_fraction) {
            (Some(_), Some(_)) => {
                return Err(Error::option(
                    "controlSize",
                    "",
                    "give controlSize or controlFraction, not both",
                ))
            }
            (Some(n), None) => Control::Size(n),
            (None, f) => {
                let f = f.unwrap_or(0.1);
                if !(0.0..1.0).contains(&f) {
                    return Err(Error::option(
                        "controlFraction",
                        f,
                        "expected a share from 0 up to (not including) 1",
                    ));
                }
                Control::Fraction(f)
            }
        };
        if let Some(col) = &self.stratify_by {
            match table.get(col) {
                Some(f) if matches!(f.values, Values::Category(_) | Values::Bool(_)) => {}
                Some(f) => {
                    return Err(Error::option(
                        "stratifyBy",
                        col,
                        format!("'{col}' is a {} column; stratify by a category column", f.values.kind()),
                    ))
                }
                None => {
                    return Err(Error::option(
                        "stratifyBy",
                        col,
                        format!("no such customer column; {}", table.suggest(col)),
                    ))
                }
            }
        }
        Ok(AudienceOptions {
            segment: self.segment.clone(),
            channel,
            include_without_consent: self.include_without_consent.unwrap_or(false),
            suppress_hard_bounces: self.suppress_hard_bounces.unwrap_or(true),
            suppress_unsubscribed: self.suppress_unsubscribed.unwrap_or(true),
            complained_within_days: match self.complained_within_days {
                Some(0) => None,
                Some(d) => Some(d),
                None => Some(30),
            },
            contacted_within_days: self.contacted_within_days.filter(|&d| d > 0),
            control,
            stratify_by: self.stratify_by.clone(),
            seed: seed_or_draw(self.seed)?,
        })
    }
}

/// One exclusion reason and how many customers it removed.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Exclusion {
    pub reason: &'static str,
    pub count: u64,
}

/// One stratum of the control draw.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stratum {
    pub stratum: String,
    pub eligible: u64,
    pub target: u64,
    pub control: u64,
}

/// A built audience: what it was built from (so it can be rebuilt exactly),
/// the counts, and the customer rows of target and control.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Audience {
    pub segment: Option<String>,
    pub channel: &'static str,
    pub as_of: String,
    pub seed: u64,
    /// A hash of the eligible customers' ids and consent state: rebuilding with
    /// the same expression and seed on the same data gives the same value.
    pub fingerprint: String,
    pub stratify_by: Option<String>,
    /// Customers in the segment.
    pub candidates: u64,
    pub excluded: Vec<Exclusion>,
    /// Candidates left after exclusions (target + control).
    pub eligible: u64,
    pub target: u64,
    pub control: u64,
    pub strata: Vec<Stratum>,
    #[serde(skip)]
    pub target_rows: Vec<u32>,
    #[serde(skip)]
    pub control_rows: Vec<u32>,
}

fn bools<'a>(table: &'a CustomerTable, name: &str) -> Option<&'a BooleanArray> {
    match table.get(name).map(|f| &f.values) {
        Some(Values::Bool(b)) => Some(b),
        _ => None,
    }
}

fn dates<'a>(table: &'a CustomerTable, name: &str) -> Option<&'a Date32Array> {
    match table.get(name).map(|f| &f.values) {
        Some(Values::Date(d)) => Some(d),
        _ => None,
    }
}

fn texts<'a>(table: &'a CustomerTable, name: &str) -> Option<&'a StringArray> {
    match table.get(name).map(|f| &f.values) {
        Some(Values::Text(s)) => Some(s),
        _ => None,
    }
}

/// Stable 64-bit FNV-1a (the same on every platform, unlike `Hasher`s).
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// Builds the audience from the segment's customer rows `candidates` (in row order).
pub fn build(table: &CustomerTable, candidates: &[u32], opts: &AudienceOptions) -> Audience {
    let ch = CHANNELS[opts.channel];
    let consent = bools(table, &format!("consent_{ch}"));
    let address = match ch {
        "email" => texts(table, "email").map(|s| (s, true)),
        "sms" | "phone" => texts(table, "phone").map(|s| (s, false)),
        _ => None,
    };
    let bounced = bools(table, "bounced_hard").filter(|_| opts.suppress_hard_bounces);
    let unsubscribed = bools(table, "unsubscribed").filter(|_| opts.suppress_unsubscribed);
    let complaint_dates: Vec<&Date32Array> = match opts.complained_within_days {
        Some(_) => ["last_complaint", "last_spam_complaint"]
            .iter()
            .filter_map(|n| dates(table, n))
            .collect(),
        None => Vec::new(),
    };
    let contacted = dates(table, "last_contacted").filter(|_| opts.contacted_within_days.is_some());
    let within = |d: &Date32Array, c: usize, days: u32| d.is_valid(c) && table.as_of - d.value(c) < days as i32;
    let is_true = |b: Option<&BooleanArray>, c: usize| b.is_some_and(|b| b.is_valid(c) && b.value(c));

    let mut excluded = [0u64; REASONS.len()];
    let mut eligible: Vec<u32> = Vec::with_capacity(candidates.len());
    let mut fp = Fnv::new();
    fp.write(&table.as_of.to_le_bytes());
    fp.write(ch.as_bytes());
    for &row in candidates {
        let c = row as usize;
        let reason = match consent.filter(|b| b.is_valid(c)) {
            Some(b) if !b.value(c) => Some(1),
            Some(_) => None,
            None if !opts.include_without_consent => Some(0),
            None => None,
        }
        .or_else(|| match address {
            Some((s, email)) => {
                let ok = s.is_valid(c) && {
                    let v = s.value(c);
                    if email {
                        valid_email(v)
                    } else {
                        valid_phone(v)
                    }
                };
                (!ok).then_some(2)
            }
            None if ch != "post" => Some(2),
            None => None,
        })
        .or_else(|| is_true(bounced, c).then_some(3))
        .or_else(|| is_true(unsubscribed, c).then_some(4))
        .or_else(|| {
            let days = opts.complained_within_days?;
            complaint_dates.iter().any(|d| within(d, c, days)).then_some(5)
        })
        .or_else(|| {
            let (d, days) = (contacted?, opts.contacted_within_days?);
            within(d, c, days).then_some(6)
        });
        match reason {
            Some(r) => excluded[r] += 1,
            None => {
                eligible.push(row);
                fp.write(table.ids().value(c).as_bytes());
                fp.write(&[0]);
            }
        }
    }

    // Strata: the stratifier's label per eligible customer (one stratum when none).
    let labels: Vec<String> = match opts.stratify_by.as_deref().and_then(|n| table.get(n)) {
        Some(f) => {
            let arr = f.values.array();
            let text = |c: usize| -> String {
                if arr.is_null(c) {
                    return "(none)".into();
                }
                match &f.values {
                    Values::Category(d) => {
                        let keys = d.keys();
                        let values = d.values();
                        let s = values.as_any().downcast_ref::<StringArray>();
                        s.map(|s| s.value(keys.value(c) as usize).to_string())
                            .unwrap_or_default()
                    }
                    Values::Bool(b) => b.value(c).to_string(),
                    _ => String::new(),
                }
            };
            eligible.iter().map(|&r| text(r as usize)).collect()
        }
        None => vec![String::new(); eligible.len()],
    };
    let mut names: Vec<String> = labels.clone();
    names.sort();
    names.dedup();
    let mut groups: Vec<Vec<u32>> = vec![Vec::new(); names.len()];
    for (i, &row) in eligible.iter().enumerate() {
        let g = names.binary_search(&labels[i]).unwrap_or(0);
        groups[g].push(row);
    }
    // Control sizes per stratum: proportional, largest remainder to the exact total.
    let total_control = match opts.control {
        Control::Fraction(f) => (f * eligible.len() as f64).round() as usize,
        Control::Size(n) => n.min(eligible.len()),
    };
    let share = if eligible.is_empty() {
        0.0
    } else {
        total_control as f64 / eligible.len() as f64
    };
    let mut sizes: Vec<usize> = groups
        .iter()
        .map(|g| (g.len() as f64 * share).floor() as usize)
        .collect();
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&a, &b| {
        let ra = groups[a].len() as f64 * share - sizes[a] as f64;
        let rb = groups[b].len() as f64 * share - sizes[b] as f64;
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let mut left = total_control.saturating_sub(sizes.iter().sum());
    for &g in order.iter().cycle().take(order.len() * 2) {
        if left == 0 {
            break;
        }
        if sizes[g] < groups[g].len() {
            sizes[g] += 1;
            left -= 1;
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let (mut target_rows, mut control_rows) = (Vec::new(), Vec::new());
    let mut strata = Vec::new();
    for (g, rows) in groups.iter_mut().enumerate() {
        rows.shuffle(&mut rng);
        let (control, target) = rows.split_at(sizes[g]);
        control_rows.extend_from_slice(control);
        target_rows.extend_from_slice(target);
        strata.push(Stratum {
            stratum: names[g].clone(),
            eligible: rows.len() as u64,
            target: target.len() as u64,
            control: control.len() as u64,
        });
    }
    target_rows.sort_unstable();
    control_rows.sort_unstable();
    Audience {
        segment: opts.segment.clone(),
        channel: ch,
        as_of: date_label(table.as_of),
        seed: opts.seed,
        fingerprint: format!("{:016x}", fp.0),
        stratify_by: opts.stratify_by.clone(),
        candidates: candidates.len() as u64,
        excluded: REASONS
            .iter()
            .zip(excluded)
            .map(|(&reason, count)| Exclusion { reason, count })
            .collect(),
        eligible: eligible.len() as u64,
        target: target_rows.len() as u64,
        control: control_rows.len() as u64,
        strata: if opts.stratify_by.is_some() { strata } else { Vec::new() },
        target_rows,
        control_rows,
    }
}

#[cfg(test)]
mod tests;
