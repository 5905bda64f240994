//! Entity tables out as Arrow IPC (the stream format), for JS and for files.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, StringBuilder, TimestampMillisecondBuilder, UInt32Builder,
};
use arrow_array::types::UInt32Type;
use arrow_array::{Array, ArrayRef, DictionaryArray, RecordBatch};
use arrow_ipc::writer::StreamWriter;
use arrow_schema::{Field, Schema};

use super::column::{export_type, Column};
use super::workspace::{EntityTable, Workspace};
use crate::ingest::{Entity, FieldType};
use crate::{Error, Result};

impl Workspace {
    /// Every loaded row of `entity` as one Arrow IPC stream: the canonical fields
    /// any file had (in the entity's order), then attributes, then `source`
    /// when the entity has no such field; a file lacking a column gives nulls.
    pub fn entity_ipc(&self, entity: Entity) -> Result<Vec<u8>> {
        let tables: Vec<&EntityTable> = self.tables(entity).collect();
        if tables.is_empty() {
            return Err(Error::MissingData(format!("no {} loaded", entity.name())));
        }
        let mut names: Vec<(String, FieldType)> = Vec::new();
        for spec in entity.fields() {
            if tables.iter().any(|t| t.field(spec.name).is_some()) {
                names.push((spec.name.to_string(), spec.ty));
            }
        }
        for t in &tables {
            for (name, canonical, col) in &t.columns {
                if !canonical && !names.iter().any(|(n, _)| n == name) {
                    names.push((name.clone(), col.field_type()));
                }
            }
        }
        let mut fields = Vec::new();
        let mut arrays: Vec<ArrayRef> = Vec::new();
        for (name, ty) in &names {
            let parts: Vec<Option<&Column>> = tables
                .iter()
                .map(|t| {
                    t.columns
                        .iter()
                        .find(|(n, _, c)| n == name && c.field_type() == *ty)
                        .map(|(_, _, c)| c)
                })
                .collect();
            let rows: Vec<usize> = tables.iter().map(|t| t.rows).collect();
            arrays.push(concat(*ty, &parts, &rows, self)?);
            fields.push(Field::new(name.as_str(), export_type(*ty), true));
        }
        if !names.iter().any(|(n, _)| n == "source") {
            let mut b = StringBuilder::new();
            for t in &tables {
                for _ in 0..t.rows {
                    b.append_value(&t.source);
                }
            }
            arrays.push(Arc::new(b.finish()));
            fields.push(Field::new("source", export_type(FieldType::Text), false));
        }
        let schema = Arc::new(Schema::new(fields));
        let batch = RecordBatch::try_new(schema.clone(), arrays)?;
        write_ipc(&batch)
    }
}

/// One record batch as Arrow IPC stream bytes.
pub fn write_ipc(batch: &RecordBatch) -> Result<Vec<u8>> {
    let mut w = StreamWriter::try_new(Vec::new(), &batch.schema())?;
    w.write(batch)?;
    w.finish()?;
    Ok(w.into_inner()?)
}

fn concat(ty: FieldType, parts: &[Option<&Column>], rows: &[usize], ws: &Workspace) -> Result<ArrayRef> {
    macro_rules! gather {
        ($builder:expr, $variant:path) => {{
            let mut b = $builder;
            for (part, &n) in parts.iter().zip(rows) {
                match part {
                    Some($variant(a)) => b.extend(a.iter()),
                    _ => b.append_nulls(n),
                }
            }
            Arc::new(b.finish()) as ArrayRef
        }};
    }
    Ok(match ty {
        FieldType::Text => {
            let mut b = StringBuilder::new();
            for (part, &n) in parts.iter().zip(rows) {
                match part {
                    Some(Column::Text(a)) => b.extend(a.iter()),
                    _ => (0..n).for_each(|_| b.append_null()),
                }
            }
            Arc::new(b.finish())
        }
        FieldType::CustomerKey | FieldType::OrderKey => {
            let keys = if ty == FieldType::CustomerKey {
                gather!(UInt32Builder::new(), Column::CustomerKey)
            } else {
                gather!(UInt32Builder::new(), Column::OrderKey)
            };
            let dict = if ty == FieldType::CustomerKey {
                ws.customer_keys()
            } else {
                ws.order_keys()
            };
            let keys = keys
                .as_any()
                .downcast_ref::<arrow_array::UInt32Array>()
                .cloned()
                .ok_or_else(|| Error::MissingData("internal: key column is not u32".into()))?;
            Arc::new(DictionaryArray::<UInt32Type>::try_new(keys, Arc::new(dict.to_arrow()))?)
        }
        FieldType::Number => gather!(Float64Builder::new(), Column::Number),
        FieldType::Date => gather!(Date32Builder::new(), Column::Date),
        FieldType::Timestamp => gather!(TimestampMillisecondBuilder::new(), Column::Timestamp),
        FieldType::Bool => gather!(BooleanBuilder::new(), Column::Bool),
    })
}
