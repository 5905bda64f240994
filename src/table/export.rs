//! Entity tables out as Arrow IPC (the stream format), for JS and for files.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, StringBuilder, TimestampMillisecondBuilder, UInt32Builder,
};
use arrow_array::types::UInt32Type;
use arrow_array::{ArrayRef, DictionaryArray, RecordBatch};
use arrow_ipc::writer::StreamWriter;
use arrow_schema::{Field, Schema};

use super::column::{export_type, Column};
use super::workspace::{EntityTable, Workspace};
use crate::ingest::{Entity, FieldType};
use crate::{Error, Result};

impl Workspace {
    /// The loaded rows of `entity` as one Arrow IPC stream: the canonical fields
    /// any file had (in the entity's order), then attributes, then `source` when
    /// the entity has no such field; a file lacking a column gives nulls. Ids come
    /// dictionary-encoded. `query` limits the rows or picks one file.
    pub fn entity_ipc(&self, entity: Entity, query: &TableQuery) -> Result<Vec<u8>> {
        let tables: Vec<&EntityTable> = self
            .tables(entity)
            .filter(|t| query.file.as_ref().is_none_or(|f| &t.file == f))
            .collect();
        if tables.is_empty() {
            return Err(Error::MissingData(match &query.file {
                Some(f) => format!("no {} loaded from a file named '{f}'", entity.name()),
                None => format!("no {} loaded", entity.name()),
            }));
        }
        // Rows taken from each file, in load order, up to the limit.
        let mut left = query.limit.unwrap_or(usize::MAX);
        let take: Vec<usize> = tables
            .iter()
            .map(|t| {
                let n = t.rows.min(left);
                left -= n;
                n
            })
            .collect();
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
            let parts: Vec<(Option<&Column>, usize)> = tables
                .iter()
                .zip(&take)
                .map(|(t, &n)| {
                    let col = t
                        .columns
                        .iter()
                        .find(|(c, _, col)| c == name && col.field_type() == *ty);
                    (col.map(|(_, _, col)| col), n)
                })
                .collect();
            arrays.push(self.concat(*ty, &parts)?);
            fields.push(Field::new(name.as_str(), export_type(*ty), true));
        }
        if !names.iter().any(|(n, _)| n == "source") {
            let mut b = StringBuilder::new();
            for (t, &n) in tables.iter().zip(&take) {
                (0..n).for_each(|_| b.append_value(&t.source));
            }
            arrays.push(Arc::new(b.finish()));
            fields.push(Field::new("source", export_type(FieldType::Text), false));
        }
        let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)?;
        write_ipc(&batch)
    }

    /// One exported column: the first `n` rows of each file's column (nulls
    /// where a file lacks it), concatenated.
    fn concat(&self, ty: FieldType, parts: &[(Option<&Column>, usize)]) -> Result<ArrayRef> {
        macro_rules! gather {
            ($builder:expr, $variant:path) => {{
                let mut b = $builder;
                for &(part, n) in parts {
                    match part {
                        Some($variant(a)) => b.extend(a.iter().take(n)),
                        _ => b.append_nulls(n),
                    }
                }
                b.finish()
            }};
        }
        Ok(match ty {
            FieldType::Text => {
                let mut b = StringBuilder::new();
                for &(part, n) in parts {
                    match part {
                        Some(Column::Text(a)) => b.extend(a.iter().take(n)),
                        _ => (0..n).for_each(|_| b.append_null()),
                    }
                }
                Arc::new(b.finish())
            }
            FieldType::CustomerKey => {
                let keys = gather!(UInt32Builder::new(), Column::CustomerKey);
                Arc::new(DictionaryArray::<UInt32Type>::try_new(
                    keys,
                    Arc::new(self.customer_keys().to_arrow()),
                )?)
            }
            FieldType::OrderKey => {
                let keys = gather!(UInt32Builder::new(), Column::OrderKey);
                Arc::new(DictionaryArray::<UInt32Type>::try_new(
                    keys,
                    Arc::new(self.order_keys().to_arrow()),
                )?)
            }
            FieldType::Number => Arc::new(gather!(Float64Builder::new(), Column::Number)),
            FieldType::Date => Arc::new(gather!(Date32Builder::new(), Column::Date)),
            FieldType::Timestamp => Arc::new(gather!(TimestampMillisecondBuilder::new(), Column::Timestamp)),
            FieldType::Bool => Arc::new(gather!(BooleanBuilder::new(), Column::Bool)),
        })
    }
}

/// Which rows of an entity to export.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TableQuery {
    /// At most this many rows (the first, in load order).
    pub limit: Option<usize>,
    /// Only the rows of the file loaded under this name.
    pub file: Option<String>,
}

/// One record batch as Arrow IPC stream bytes.
pub fn write_ipc(batch: &RecordBatch) -> Result<Vec<u8>> {
    let mut w = StreamWriter::try_new(Vec::new(), &batch.schema())?;
    w.write(batch)?;
    w.finish()?;
    Ok(w.into_inner()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LoadOptions;
    use arrow_array::cast::AsArray;
    use arrow_array::Array;
    use arrow_ipc::reader::StreamReader;

    fn read(bytes: &[u8]) -> RecordBatch {
        let mut r = StreamReader::try_new(std::io::Cursor::new(bytes), None).unwrap();
        r.next().unwrap().unwrap()
    }

    #[test]
    fn files_of_an_entity_export_as_one_table_with_nulls_where_a_file_lacks_a_column() {
        let mut ws = Workspace::new();
        ws.load(
            None,
            b"customer_id,email\nC1,a@x\nC2,b@x\n",
            &LoadOptions::named("shop.csv"),
        )
        .unwrap();
        ws.load(
            None,
            b"customer_id,city,tier\nC2,Lund,gold\n",
            &LoadOptions::named("crm.csv"),
        )
        .unwrap();
        let b = read(&ws.entity_ipc(Entity::Customers, &TableQuery::default()).unwrap());
        let names: Vec<String> = b.schema().fields().iter().map(|f| f.name().clone()).collect();
        assert_eq!(names, vec!["customer_id", "email", "city", "tier", "source"]);
        assert_eq!(b.num_rows(), 3);
        let ids = b.column(0).as_dictionary::<UInt32Type>();
        let values = ids.values().as_string::<i32>();
        let id_of = |i: usize| values.value(ids.keys().value(i) as usize).to_string();
        assert_eq!((id_of(0), id_of(2)), ("C1".to_string(), "C2".to_string()));
        assert_eq!(ids.keys().value(1), ids.keys().value(2), "one customer, one key");
        assert!(b.column(2).is_null(0));
        assert_eq!(b.column(2).as_string::<i32>().value(2), "Lund");
        let source = b.column(4).as_string::<i32>();
        assert_eq!((source.value(0), source.value(2)), ("shop", "crm"));
    }

    #[test]
    fn a_query_takes_the_first_rows_across_files_or_one_file() {
        let mut ws = Workspace::new();
        ws.load(
            None,
            b"customer_id,email\nC1,a@x\nC2,b@x\n",
            &LoadOptions::named("a.csv"),
        )
        .unwrap();
        ws.load(None, b"customer_id,email\nC3,c@x\n", &LoadOptions::named("b.csv"))
            .unwrap();
        let q = |limit: Option<usize>, file: Option<&str>| TableQuery {
            limit,
            file: file.map(String::from),
        };
        assert_eq!(
            read(&ws.entity_ipc(Entity::Customers, &q(Some(1), None)).unwrap()).num_rows(),
            1
        );
        assert_eq!(
            read(&ws.entity_ipc(Entity::Customers, &q(Some(3), None)).unwrap()).num_rows(),
            3
        );
        assert_eq!(
            read(&ws.entity_ipc(Entity::Customers, &q(None, Some("b.csv"))).unwrap()).num_rows(),
            1
        );
        assert!(matches!(
            ws.entity_ipc(Entity::Customers, &q(None, Some("c.csv"))),
            Err(Error::MissingData(_))
        ));
        assert!(matches!(
            ws.entity_ipc(Entity::Orders, &q(None, None)),
            Err(Error::MissingData(_))
        ));
    }
}
