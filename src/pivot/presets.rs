//! The questions the CRM literature asks, each one pivot definition.

use serde::Serialize;

use super::params::{PivotDefinition, Sort};

/// A named, ready-made report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preset {
    pub name: &'static str,
    /// The question it answers.
    pub question: &'static str,
    pub definition: PivotDefinition,
}

fn def(rows: &str, columns: Option<&str>, measures: &[&str], sort: Option<&str>) -> PivotDefinition {
    PivotDefinition {
        rows: rows.into(),
        columns: columns.map(String::from),
        measures: measures.iter().map(|m| m.to_string()).collect(),
        sort: sort.map(|by| Sort {
            by: by.into(),
            descending: true,
        }),
        ..Default::default()
    }
}

/// Every preset.
pub fn presets() -> Vec<Preset> {
    let value = [
        "customers",
        "revenue",
        "revenue_per_customer",
        "aov",
        "repeat_rate",
        "churn_share",
    ];
    let mut out = vec![
        Preset {
            name: "new_vs_old",
            question: "Are new customers more valuable than old ones? (tenure band × value)",
            definition: def("tenure_band", None, &value, None),
        },
        Preset {
            name: "under_35",
            question: "Are customers under 35 more valuable? (age band × value)",
            definition: def("age_band", None, &value, None),
        },
        Preset {
            name: "region_demographics",
            question: "Does value differ by region and demographics? (region × gender)",
            definition: def(
                "region",
                Some("gender"),
                &["customers", "revenue", "revenue_per_customer"],
                None,
            ),
        },
        Preset {
            name: "acquisition",
            question: "Which acquisition source brings the most valuable customers?",
            definition: def(
                "acquisition_channel",
                None,
                &[
                    "customers",
                    "revenue",
                    "revenue_per_customer",
                    "repeat_rate",
                    "churn_share",
                    "profit",
                ],
                Some("revenue_per_customer"),
            ),
        },
        Preset {
            name: "web_growth",
            question: "Is the web channel growing the business? (month × sales channel revenue)",
            definition: def("month", Some("channel"), &["revenue", "orders", "customers"], None),
        },
        Preset {
            name: "buyers",
            question: "Who buys and who does not? (buyers vs non-buyers by age band)",
            definition: def("age_band", Some("buyer"), &["customers"], None),
        },
    ];
    for p in &mut out {
        p.definition.name = Some(p.name.to_string());
    }
    out
}

/// The preset of this name.
pub fn preset(name: &str) -> crate::Result<PivotDefinition> {
    presets()
        .into_iter()
        .find(|p| p.name == name.trim())
        .map(|p| p.definition)
        .ok_or_else(|| {
            let names: Vec<&str> = presets().iter().map(|p| p.name).collect();
            crate::Error::option("preset", name, format!("expected one of {}", names.join(", ")))
        })
}
