//! How each column of a file is read: which field it maps to (the plan), and
//! how its dates and numbers are written (its style, given or inferred).

use std::collections::BTreeMap;

use super::csv::Records;
use super::dialect::Dialect;
use super::entity::{field_for_header, normalise_header, Entity, FieldSpec, FieldType};
use super::load::LoadOptions;
use super::styles::{infer_date_style, infer_number_style, DateStyle, NumberStyle};
use super::values::is_blank;
use crate::{Error, Result};

/// What one column of a file becomes.
pub(super) enum Target {
    Field(&'static FieldSpec),
    Attribute,
    Ignored,
}

pub(super) fn plan_columns(entity: Entity, headers: &[String], opts: &LoadOptions, file: &str) -> Result<Vec<Target>> {
    let overrides: BTreeMap<String, &str> = opts
        .mapping
        .iter()
        .map(|(h, f)| (normalise_header(h), f.as_str()))
        .collect();
    for (header, field) in &opts.mapping {
        if !headers.iter().any(|h| normalise_header(h) == normalise_header(header)) {
            return Err(Error::option(
                "mapping",
                header,
                format!("no column '{header}' in {file}"),
            ));
        }
        if !matches!(field.as_str(), "attribute" | "ignore") && !entity.fields().iter().any(|s| s.name == field) {
            let known: Vec<&str> = entity.fields().iter().map(|s| s.name).collect();
            return Err(Error::option(
                "mapping",
                field,
                format!(
                    "{} has no field '{field}' (fields: {})",
                    entity.name(),
                    known.join(", ")
                ),
            ));
        }
    }
    let mut taken: Vec<&'static str> = Vec::new();
    let mut plan = Vec::with_capacity(headers.len());
    for h in headers {
        let target = match overrides.get(&normalise_header(h)) {
            Some(&"ignore") => Target::Ignored,
            Some(&"attribute") => Target::Attribute,
            Some(field) => entity
                .fields()
                .iter()
                .find(|s| s.name == *field)
                .map_or(Target::Attribute, Target::Field),
            None => field_for_header(entity, h).map_or(Target::Attribute, Target::Field),
        };
        let target = match target {
            Target::Field(s) if taken.contains(&s.name) => Target::Attribute,
            Target::Field(s) => {
                taken.push(s.name);
                Target::Field(s)
            }
            t => t,
        };
        plan.push(target);
    }
    if let Some(missing) = entity.fields().iter().find(|s| s.required && !taken.contains(&s.name)) {
        return Err(Error::Ingest {
            at: crate::error::Location { file: file.to_string(), row: Some(1), column: None },
            reason: format!(
                "{} need a '{}' column and none of the headers ({}) maps to it; map one with mapping {{\"Header\": \"{}\"}}",
                entity.name(),
                missing.name,
                headers.join(", "),
                missing.name
            ),
        });
    }
    Ok(plan)
}

pub(super) fn type_word(ty: FieldType, style: CellStyle) -> String {
    match ty {
        FieldType::Text | FieldType::CustomerKey | FieldType::OrderKey => "text".into(),
        FieldType::Number => format!("number (written like {})", style.label(ty).unwrap_or("1,234.56")),
        FieldType::Date => format!("date (written like {})", style.date.label()),
        FieldType::Timestamp => format!("timestamp (written like {} hh:mm)", style.date.label()),
        FieldType::Bool => "true/false value".into(),
    }
}

/// How one column's dates and numbers are read.
#[derive(Debug, Clone, Copy)]
pub(super) struct CellStyle {
    pub(super) date: DateStyle,
    pub(super) number: NumberStyle,
}

impl CellStyle {
    const DEFAULT: CellStyle = CellStyle {
        date: DateStyle::Iso,
        number: NumberStyle::DecimalPoint,
    };

    pub(super) fn label(self, ty: FieldType) -> Option<&'static str> {
        match ty {
            FieldType::Date | FieldType::Timestamp => Some(self.date.label()),
            FieldType::Number => Some(match self.number {
                NumberStyle::DecimalPoint => "1,234.56",
                NumberStyle::DecimalComma => "1.234,56",
            }),
            _ => None,
        }
    }

    fn parse(text: &str) -> Option<CellStyle> {
        let d = CellStyle::DEFAULT;
        Some(match text.trim().to_ascii_uppercase().as_str() {
            "YYYY-MM-DD" | "ISO" => CellStyle {
                date: DateStyle::Iso,
                ..d
            },
            "DD/MM/YYYY" | "DD.MM.YYYY" | "DMY" => CellStyle {
                date: DateStyle::DayFirst,
                ..d
            },
            "MM/DD/YYYY" | "MDY" => CellStyle {
                date: DateStyle::MonthFirst,
                ..d
            },
            "EXCEL" => CellStyle {
                date: DateStyle::ExcelSerial,
                ..d
            },
            "1,234.56" | "POINT" => CellStyle {
                number: NumberStyle::DecimalPoint,
                ..d
            },
            "1.234,56" | "COMMA" => CellStyle {
                number: NumberStyle::DecimalComma,
                ..d
            },
            _ => return None,
        })
    }
}

/// Rows sampled to infer how a column writes dates and numbers.
const STYLE_SAMPLE_ROWS: usize = 2000;

/// Each column's style: from `opts.formats`, else inferred from the first rows
/// of `sample` (the file's first text, which runs to the end of the file when
/// `last`); with a warning for every column whose reading was a guess.
pub(super) fn column_styles(
    sample: &[u8],
    last: bool,
    dialect: Dialect,
    plan: &[Target],
    headers: &[String],
    opts: &LoadOptions,
) -> Result<(Vec<CellStyle>, Vec<String>)> {
    let typed = |t: &Target| match t {
        Target::Field(s) if matches!(s.ty, FieldType::Number | FieldType::Date | FieldType::Timestamp) => Some(s.ty),
        _ => None,
    };
    let mut given: Vec<Option<CellStyle>> = vec![None; headers.len()];
    for (header, format) in &opts.formats {
        let i = headers
            .iter()
            .position(|h| normalise_header(h) == normalise_header(header));
        let i = i.ok_or_else(|| Error::option("formats", header, format!("no column '{header}' in the file")))?;
        let style = CellStyle::parse(format).ok_or_else(|| {
            Error::option(
                "formats",
                format,
                "expected YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY, excel, 1,234.56 or 1.234,56",
            )
        })?;
        given[i] = Some(style);
    }
    let mut samples: Vec<Vec<Vec<u8>>> = vec![Vec::new(); headers.len()];
    if plan.iter().zip(&given).any(|(t, g)| typed(t).is_some() && g.is_none()) {
        let mut records = Records::streaming(sample, dialect, last);
        records.next_record();
        for _ in 0..STYLE_SAMPLE_ROWS {
            let Some(rec) = records.next_record() else { break };
            for (i, t) in plan.iter().enumerate() {
                let f = rec.field(i);
                if typed(t).is_some() && given[i].is_none() && !is_blank(f) {
                    samples[i].push(f.to_vec());
                }
            }
        }
    }
    let mut warnings = Vec::new();
    let styles = plan
        .iter()
        .enumerate()
        .map(|(i, t)| {
            if let Some(style) = given[i] {
                return style;
            }
            let cells: Vec<&[u8]> = samples[i].iter().map(Vec::as_slice).collect();
            match typed(t) {
                Some(FieldType::Number) => CellStyle {
                    number: infer_number_style(&cells),
                    ..CellStyle::DEFAULT
                },
                Some(ty) => {
                    let (date, warning) = infer_date_style(&cells, ty == FieldType::Timestamp);
                    if let Some(w) = warning {
                        warnings.push(format!("column '{}': {w}", headers[i]));
                    }
                    CellStyle {
                        date,
                        ..CellStyle::DEFAULT
                    }
                }
                None => CellStyle::DEFAULT,
            }
        })
        .collect();
    Ok((styles, warnings))
}
