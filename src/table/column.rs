//! Typed columns of an entity table, stored as Arrow arrays.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, StringBuilder, TimestampMillisecondBuilder, UInt32Builder,
};
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, StringArray, TimestampMillisecondArray, UInt32Array,
};
use arrow_schema::{DataType, TimeUnit};

use super::keys::KeyDict;
use crate::ingest::FieldType;

/// One stored column. Key columns hold dense indexes into the workspace's
/// customer or order dictionary.
#[derive(Debug, Clone)]
pub enum Column {
    Text(StringArray),
    CustomerKey(UInt32Array),
    OrderKey(UInt32Array),
    Number(Float64Array),
    Date(Date32Array),
    Timestamp(TimestampMillisecondArray),
    Bool(BooleanArray),
}

impl Column {
    /// The field type this column stores.
    pub fn field_type(&self) -> FieldType {
        match self {
            Column::Text(_) => FieldType::Text,
            Column::CustomerKey(_) => FieldType::CustomerKey,
            Column::OrderKey(_) => FieldType::OrderKey,
            Column::Number(_) => FieldType::Number,
            Column::Date(_) => FieldType::Date,
            Column::Timestamp(_) => FieldType::Timestamp,
            Column::Bool(_) => FieldType::Bool,
        }
    }

    /// The Arrow array itself (key columns as their `u32` indexes).
    pub fn array(&self) -> ArrayRef {
        match self {
            Column::Text(a) => Arc::new(a.clone()),
            Column::CustomerKey(a) | Column::OrderKey(a) => Arc::new(a.clone()),
            Column::Number(a) => Arc::new(a.clone()),
            Column::Date(a) => Arc::new(a.clone()),
            Column::Timestamp(a) => Arc::new(a.clone()),
            Column::Bool(a) => Arc::new(a.clone()),
        }
    }
}

/// The Arrow type a field is exported as (keys as dictionary-encoded text).
pub fn export_type(ty: FieldType) -> DataType {
    match ty {
        FieldType::Text => DataType::Utf8,
        FieldType::CustomerKey | FieldType::OrderKey => {
            DataType::Dictionary(Box::new(DataType::UInt32), Box::new(DataType::Utf8))
        }
        FieldType::Number => DataType::Float64,
        FieldType::Date => DataType::Date32,
        FieldType::Timestamp => DataType::Timestamp(TimeUnit::Millisecond, None),
        FieldType::Bool => DataType::Boolean,
    }
}

/// One parsed cell, held until the whole row is known to be valid. Text cells
/// are taken from the record's field when appended.
#[derive(Debug, Clone, Copy)]
pub enum Cell {
    Null,
    Text,
    Number(f64),
    Date(i32),
    Timestamp(i64),
    Bool(bool),
}

/// Builds one column of a file being parsed.
#[derive(Debug)]
pub enum ColumnBuilder {
    Text(StringBuilder),
    Key {
        keys: UInt32Builder,
        local: KeyDict,
        order: bool,
        last: Option<u32>,
    },
    Number(Float64Builder),
    Date(Date32Builder),
    Timestamp(TimestampMillisecondBuilder),
    Bool(BooleanBuilder),
}

/// A parsed column whose keys are still local to its file.
#[derive(Debug)]
pub enum ParsedColumn {
    Ready(Column),
    Keys {
        keys: UInt32Array,
        local: KeyDict,
        order: bool,
    },
}

impl ColumnBuilder {
    /// A builder for a field type with room for `capacity` rows.
    pub fn new(ty: FieldType, capacity: usize) -> Self {
        match ty {
            FieldType::Text => ColumnBuilder::Text(StringBuilder::with_capacity(capacity, capacity * 8)),
            FieldType::CustomerKey | FieldType::OrderKey => ColumnBuilder::Key {
                keys: UInt32Builder::with_capacity(capacity),
                local: KeyDict::default(),
                order: ty == FieldType::OrderKey,
                last: None,
            },
            FieldType::Number => ColumnBuilder::Number(Float64Builder::with_capacity(capacity)),
            FieldType::Date => ColumnBuilder::Date(Date32Builder::with_capacity(capacity)),
            FieldType::Timestamp => ColumnBuilder::Timestamp(TimestampMillisecondBuilder::with_capacity(capacity)),
            FieldType::Bool => ColumnBuilder::Bool(BooleanBuilder::with_capacity(capacity)),
        }
    }

    /// Appends a cell already parsed for this builder's type (`Null` otherwise);
    /// `raw` is the field's text, used by text and key cells.
    pub fn append(&mut self, cell: Cell, raw: &[u8]) {
        match (self, cell) {
            (ColumnBuilder::Text(b), Cell::Text) => match std::str::from_utf8(raw) {
                Ok(s) => b.append_value(s),
                Err(_) => b.append_null(),
            },
            (ColumnBuilder::Key { keys, local, last, .. }, Cell::Text) => {
                let raw = raw.trim_ascii();
                // Order lines come grouped: the same id as the row before skips the hash.
                let k = match *last {
                    Some(k) if local.key_bytes(k) == raw => k,
                    _ => local.intern(raw),
                };
                *last = Some(k);
                keys.append_value(k);
            }
            (ColumnBuilder::Number(b), Cell::Number(v)) => b.append_value(v),
            (ColumnBuilder::Date(b), Cell::Date(v)) => b.append_value(v),
            (ColumnBuilder::Timestamp(b), Cell::Timestamp(v)) => b.append_value(v),
            (ColumnBuilder::Bool(b), Cell::Bool(v)) => b.append_value(v),
            (b, _) => b.append_null(),
        }
    }

    fn append_null(&mut self) {
        match self {
            ColumnBuilder::Text(b) => b.append_null(),
            ColumnBuilder::Key { keys, .. } => keys.append_null(),
            ColumnBuilder::Number(b) => b.append_null(),
            ColumnBuilder::Date(b) => b.append_null(),
            ColumnBuilder::Timestamp(b) => b.append_null(),
            ColumnBuilder::Bool(b) => b.append_null(),
        }
    }

    /// The finished column.
    pub fn finish(self) -> ParsedColumn {
        match self {
            ColumnBuilder::Text(mut b) => ParsedColumn::Ready(Column::Text(b.finish())),
            ColumnBuilder::Key {
                mut keys, local, order, ..
            } => ParsedColumn::Keys {
                keys: keys.finish(),
                local,
                order,
            },
            ColumnBuilder::Number(mut b) => ParsedColumn::Ready(Column::Number(b.finish())),
            ColumnBuilder::Date(mut b) => ParsedColumn::Ready(Column::Date(b.finish())),
            ColumnBuilder::Timestamp(mut b) => ParsedColumn::Ready(Column::Timestamp(b.finish())),
            ColumnBuilder::Bool(mut b) => ParsedColumn::Ready(Column::Bool(b.finish())),
        }
    }
}
