//! Loyalty rules as callers save them (the page keeps them in the browser, the
//! workspace keeps the last ones used), and checked once.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// What points are earned on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The line's amount (a return earns negative points).
    Revenue,
    /// The line's amount minus its cost (lines without a cost earn nothing).
    Profit,
}

/// One tier, listed best first. Exactly one of `minPoints`, `topShare`,
/// `topCount` is set, the same one on every tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TierRule {
    pub name: String,
    /// Threshold tiers: a customer with at least this many points (and fewer
    /// than the tier above needs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_points: Option<f64>,
    /// Ranked tiers: the top share of the members with points, cumulative
    /// (`0.1` then `0.3`: the best 10 %, then the next 20 %).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_share: Option<f64>,
    /// Ranked tiers: the top N members with points, cumulative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_count: Option<u64>,
}

/// The rules of a loyalty scheme (README "Loyalty"). Every field has a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct LoyaltyRules {
    /// `"revenue"` (default) or `"profit"`.
    pub basis: String,
    /// Points per unit of currency of the basis (default 1).
    pub points_per_unit: f64,
    /// Multiplier per order-line category (matched ignoring case and spaces); 1 otherwise.
    pub category_multipliers: HashMap<String, f64>,
    /// Points credited on the day membership starts (sign-up date, else first order).
    pub signup_bonus: f64,
    /// Points credited on each birthday after membership starts.
    pub birthday_bonus: f64,
    /// Points dated more than this many months before the reference date have
    /// expired (none expire when absent).
    pub expiry_months: Option<u32>,
    /// Tiers, best first (default: Gold ≥ 2000, Silver ≥ 500, Bronze ≥ 1 point).
    pub tiers: Vec<TierRule>,
}

impl Default for LoyaltyRules {
    fn default() -> Self {
        let tier = |name: &str, min: f64| TierRule {
            name: name.into(),
            min_points: Some(min),
            top_share: None,
            top_count: None,
        };
        LoyaltyRules {
            basis: "revenue".into(),
            points_per_unit: 1.0,
            category_multipliers: HashMap::new(),
            signup_bonus: 0.0,
            birthday_bonus: 0.0,
            expiry_months: None,
            tiers: vec![tier("Gold", 2000.0), tier("Silver", 500.0), tier("Bronze", 1.0)],
        }
    }
}

/// How tiers are cut.
#[derive(Debug, Clone, PartialEq)]
pub enum TierCuts {
    /// Minimum points per tier, decreasing.
    Threshold(Vec<f64>),
    /// Cumulative number of ranked members per tier, as a share (increasing).
    TopShare(Vec<f64>),
    /// Cumulative number of ranked members per tier (increasing).
    TopCount(Vec<u64>),
}

/// [`LoyaltyRules`] checked.
#[derive(Debug, Clone)]
pub struct ValidRules {
    pub rules: LoyaltyRules,
    pub basis: Basis,
    /// Lower-cased, trimmed category → multiplier.
    pub multipliers: HashMap<String, f64>,
    pub names: Vec<String>,
    pub cuts: TierCuts,
}

fn finite(field: &str, v: f64) -> Result<f64> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(Error::option(field, v, "expected a finite number"))
    }
}

impl LoyaltyRules {
    /// Checks the rules: finite numbers, named tiers of one kind in order.
    pub fn check(&self) -> Result<ValidRules> {
        let basis = match self.basis.trim() {
            "revenue" | "" => Basis::Revenue,
            "profit" => Basis::Profit,
            other => return Err(Error::option("basis", other, "expected \"revenue\" or \"profit\"")),
        };
        if finite("pointsPerUnit", self.points_per_unit)? < 0.0 {
            return Err(Error::option(
                "pointsPerUnit",
                self.points_per_unit,
                "expected 0 or more",
            ));
        }
        for (f, v) in [
            ("signupBonus", self.signup_bonus),
            ("birthdayBonus", self.birthday_bonus),
        ] {
            if finite(f, v)? < 0.0 {
                return Err(Error::option(f, v, "expected 0 or more points"));
            }
        }
        let mut multipliers = HashMap::new();
        for (k, &v) in &self.category_multipliers {
            if finite("categoryMultipliers", v)? < 0.0 {
                return Err(Error::option(
                    "categoryMultipliers",
                    format!("{k}: {v}"),
                    "expected 0 or more",
                ));
            }
            multipliers.insert(k.trim().to_lowercase(), v);
        }
        if self.expiry_months == Some(0) || self.expiry_months.is_some_and(|m| m > 1200) {
            return Err(Error::option(
                "expiryMonths",
                self.expiry_months.unwrap_or(0),
                "expected 1 to 1200 months (leave it out for no expiry)",
            ));
        }
        if self.tiers.is_empty() || self.tiers.len() > 20 {
            return Err(Error::option(
                "tiers",
                self.tiers.len(),
                "expected 1 to 20 tiers, best first",
            ));
        }
        let mut names: Vec<String> = Vec::new();
        for t in &self.tiers {
            let name = t.name.trim();
            if name.is_empty() || name.eq_ignore_ascii_case("none") || names.iter().any(|n| n == name) {
                return Err(Error::option(
                    "tiers.name",
                    name,
                    "expected a unique name other than \"none\"",
                ));
            }
            names.push(name.to_string());
        }
        let kinds: Vec<u8> = self
            .tiers
            .iter()
            .map(|t| match (t.min_points, t.top_share, t.top_count) {
                (Some(_), None, None) => Ok(0),
                (None, Some(_), None) => Ok(1),
                (None, None, Some(_)) => Ok(2),
                _ => Err(Error::option(
                    "tiers",
                    &t.name,
                    "each tier needs exactly one of minPoints, topShare, topCount",
                )),
            })
            .collect::<Result<_>>()?;
        if kinds.iter().any(|&k| k != kinds[0]) {
            return Err(Error::option(
                "tiers",
                "mixed",
                "every tier must use the same kind of cut",
            ));
        }
        let cuts = match kinds[0] {
            0 => {
                let v: Vec<f64> = self.tiers.iter().filter_map(|t| t.min_points).collect();
                for (i, &m) in v.iter().enumerate() {
                    finite("tiers.minPoints", m)?;
                    if i > 0 && m >= v[i - 1] {
                        return Err(Error::option(
                            "tiers.minPoints",
                            m,
                            "expected decreasing thresholds, best tier first",
                        ));
                    }
                }
                TierCuts::Threshold(v)
            }
            1 => {
                let v: Vec<f64> = self.tiers.iter().filter_map(|t| t.top_share).collect();
                for (i, &s) in v.iter().enumerate() {
                    if !(s > 0.0 && s <= 1.0) || (i > 0 && s <= v[i - 1]) {
                        return Err(Error::option(
                            "tiers.topShare",
                            s,
                            "expected cumulative shares in (0, 1], increasing, best tier first",
                        ));
                    }
                }
                TierCuts::TopShare(v)
            }
            _ => {
                let v: Vec<u64> = self.tiers.iter().filter_map(|t| t.top_count).collect();
                for (i, &c) in v.iter().enumerate() {
                    if c == 0 || (i > 0 && c <= v[i - 1]) {
                        return Err(Error::option(
                            "tiers.topCount",
                            c,
                            "expected cumulative counts of 1 or more, increasing, best tier first",
                        ));
                    }
                }
                TierCuts::TopCount(v)
            }
        };
        Ok(ValidRules {
            rules: self.clone(),
            basis,
            multipliers,
            names,
            cuts,
        })
    }
}
