//! Typed columns of an entity table, stored as Arrow arrays.

use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, TimestampMillisecondType, UInt32Type};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Float64Array, StringArray, TimestampMillisecondArray, UInt32Array,
};
use arrow_buffer::{BooleanBufferBuilder, Buffer, NullBuffer, NullBufferBuilder, OffsetBuffer, ScalarBuffer};
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

    /// Bytes of memory the column's buffers hold.
    pub fn memory_bytes(&self) -> usize {
        match self {
            Column::Text(a) => array_bytes(a),
            Column::CustomerKey(a) | Column::OrderKey(a) => array_bytes(a),
            Column::Number(a) => array_bytes(a),
            Column::Date(a) => array_bytes(a),
            Column::Timestamp(a) => array_bytes(a),
            Column::Bool(a) => array_bytes(a),
        }
    }

    /// The rows `rows` of the column, in that order (a workspace snapshot).
    pub fn take(&self, rows: &[u32]) -> crate::Result<Column> {
        let data = super::customers::arrow_select_take(&self.array(), rows)?.to_data();
        Ok(match self {
            Column::Text(_) => Column::Text(StringArray::from(data)),
            Column::CustomerKey(_) => Column::CustomerKey(UInt32Array::from(data)),
            Column::OrderKey(_) => Column::OrderKey(UInt32Array::from(data)),
            Column::Number(_) => Column::Number(Float64Array::from(data)),
            Column::Date(_) => Column::Date(Date32Array::from(data)),
            Column::Timestamp(_) => Column::Timestamp(TimestampMillisecondArray::from(data)),
            Column::Bool(_) => Column::Bool(BooleanArray::from(data)),
        })
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

/// Builds one column of a file being parsed. Values go into plain vectors that
/// grow only when told how much (see [`ColumnBuilder::reserve`]) and become
/// Arrow buffers without a copy: Arrow's own builders double their buffers on
/// growth, which would leave a loaded column up to twice its size.
#[derive(Debug)]
pub struct ColumnBuilder {
    data: Values,
    nulls: NullBufferBuilder,
}

#[derive(Debug)]
enum Values {
    Text {
        offsets: Vec<i32>,
        bytes: Vec<u8>,
    },
    Key {
        keys: Vec<u32>,
        local: KeyDict,
        order: bool,
        last: Option<u32>,
    },
    Number(Vec<f64>),
    Date(Vec<i32>),
    Timestamp(Vec<i64>),
    Bool(BooleanBufferBuilder),
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

/// Grows `v` to hold at least `rows` values, exactly (no doubling). Room is
/// asked for, not demanded: when it cannot be had (a size estimate beyond the
/// memory there is), `v` grows value by value as usual instead.
fn grow<T>(v: &mut Vec<T>, rows: usize) {
    if rows > v.capacity() {
        let _ = v.try_reserve_exact(rows - v.len());
    }
}

/// Grows `v` to hold at least `rows` values when a later part of a file is
/// appended: by an eighth at least, as a file's parts may come in many pieces
/// (growing each time to exactly the rows would copy the column once per
/// piece). The spare room goes when the column is finished.
fn grow_for_part<T>(v: &mut Vec<T>, rows: usize) {
    if rows > v.capacity() {
        grow(v, rows.max(v.capacity() + v.capacity() / 8));
    }
}

/// `values` of a later part appended to `v` (see [`grow_for_part`]).
fn extend_part<T: Copy>(v: &mut Vec<T>, values: &[T]) {
    grow_for_part(v, v.len() + values.len());
    v.extend_from_slice(values);
}

/// An empty vector with room for `n` values, if it can be had.
fn with_room<T>(n: usize) -> Vec<T> {
    let mut v = Vec::new();
    grow(&mut v, n);
    v
}

/// Rows a bit buffer reserves up front (bits are cheap; more grows by doubling).
const BIT_ROWS: usize = 1 << 20;

impl ColumnBuilder {
    /// A builder for a field type with room for `rows` rows (and, for text,
    /// `text_bytes` bytes of values).
    pub fn new(ty: FieldType, rows: usize, text_bytes: usize) -> Self {
        let data = match ty {
            FieldType::Text => {
                let mut offsets = with_room(rows.saturating_add(1));
                offsets.push(0);
                Values::Text {
                    offsets,
                    bytes: with_room(text_bytes),
                }
            }
            FieldType::CustomerKey | FieldType::OrderKey => Values::Key {
                keys: with_room(rows),
                local: KeyDict::default(),
                order: ty == FieldType::OrderKey,
                last: None,
            },
            FieldType::Number => Values::Number(with_room(rows)),
            FieldType::Date => Values::Date(with_room(rows)),
            FieldType::Timestamp => Values::Timestamp(with_room(rows)),
            FieldType::Bool => Values::Bool(BooleanBufferBuilder::new(rows.min(BIT_ROWS))),
        };
        ColumnBuilder {
            data,
            nulls: NullBufferBuilder::new(rows.min(BIT_ROWS)),
        }
    }

    /// Rows appended so far.
    pub fn len(&self) -> usize {
        self.nulls.len()
    }

    /// True when no row was appended.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Rows there is room for without growing.
    pub fn row_capacity(&self) -> usize {
        match &self.data {
            Values::Text { offsets, .. } => offsets.capacity().saturating_sub(1),
            Values::Key { keys, .. } => keys.capacity(),
            Values::Number(v) => v.capacity(),
            Values::Date(v) => v.capacity(),
            Values::Timestamp(v) => v.capacity(),
            Values::Bool(b) => b.capacity(),
        }
    }

    /// Whether this builds a text column.
    pub fn is_text(&self) -> bool {
        matches!(self.data, Values::Text { .. })
    }

    /// Bytes of text values there is room for without growing.
    pub fn text_capacity(&self) -> usize {
        match &self.data {
            Values::Text { bytes, .. } => bytes.capacity(),
            _ => 0,
        }
    }

    /// Bytes of text values appended so far (0 for other types).
    pub fn text_len(&self) -> usize {
        match &self.data {
            Values::Text { bytes, .. } => bytes.len(),
            _ => 0,
        }
    }

    /// Makes room for `rows` rows in all and, for text, `text_bytes` bytes of
    /// values in all, growing to exactly that (never less than what is there).
    pub fn reserve(&mut self, rows: usize, text_bytes: usize) {
        match &mut self.data {
            Values::Text { offsets, bytes } => {
                grow(offsets, rows.saturating_add(1));
                grow(bytes, text_bytes);
            }
            Values::Key { keys, .. } => grow(keys, rows),
            Values::Number(v) => grow(v, rows),
            Values::Date(v) => grow(v, rows),
            Values::Timestamp(v) => grow(v, rows),
            // Bits grow by doubling: an eighth of a byte per row is not worth exactness.
            Values::Bool(_) => {}
        }
    }

    /// Appends a null.
    #[inline]
    pub fn push_null(&mut self) {
        match &mut self.data {
            Values::Text { offsets, bytes } => offsets.push(i32::try_from(bytes.len()).unwrap_or(i32::MAX)),
            Values::Key { keys, .. } => keys.push(0),
            Values::Number(v) => v.push(0.0),
            Values::Date(v) => v.push(0),
            Values::Timestamp(v) => v.push(0),
            Values::Bool(b) => b.append(false),
        }
        self.nulls.append_null();
    }

    /// Appends a field's text (valid UTF-8): as it is to a text column, its
    /// id (trimmed) to a key column; a null to a column of another type.
    #[inline]
    pub fn push_text(&mut self, raw: &[u8]) {
        match &mut self.data {
            Values::Text { offsets, bytes } => {
                super::bytes::push_short(bytes, raw);
                offsets.push(i32::try_from(bytes.len()).unwrap_or(i32::MAX));
            }
            Values::Key { keys, local, last, .. } => {
                let raw = raw.trim_ascii();
                // Order lines come grouped: the same id as the row before skips the hash.
                let k = match *last {
                    Some(k) if super::keys::same_id(local.key_bytes(k), raw) => k,
                    _ => local.intern(raw),
                };
                *last = Some(k);
                keys.push(k);
            }
            _ => return self.push_null(),
        }
        self.nulls.append_non_null();
    }

    /// Appends a number (a null to a column of another type).
    #[inline]
    pub fn push_number(&mut self, x: f64) {
        match &mut self.data {
            Values::Number(v) => v.push(x),
            _ => return self.push_null(),
        }
        self.nulls.append_non_null();
    }

    /// Appends a date, in days since 1970-01-01 (a null to a column of another type).
    #[inline]
    pub fn push_date(&mut self, x: i32) {
        match &mut self.data {
            Values::Date(v) => v.push(x),
            _ => return self.push_null(),
        }
        self.nulls.append_non_null();
    }

    /// Appends a timestamp, in milliseconds since 1970 (a null to a column of another type).
    #[inline]
    pub fn push_timestamp(&mut self, x: i64) {
        match &mut self.data {
            Values::Timestamp(v) => v.push(x),
            _ => return self.push_null(),
        }
        self.nulls.append_non_null();
    }

    /// Appends a boolean (a null to a column of another type).
    #[inline]
    pub fn push_bool(&mut self, x: bool) {
        match &mut self.data {
            Values::Bool(b) => b.append(x),
            _ => return self.push_null(),
        }
        self.nulls.append_non_null();
    }

    /// Drops the last row (of a record rejected after this column took its
    /// value). Not for key columns, whose ids stay interned: their values are
    /// appended once the rest of the record is known to be valid.
    pub fn pop_row(&mut self) {
        let rows = self.len().saturating_sub(1);
        match &mut self.data {
            Values::Text { offsets, bytes } => {
                offsets.truncate(rows + 1);
                bytes.truncate(offsets.last().map_or(0, |&o| o as usize));
            }
            Values::Key { keys, .. } => keys.truncate(rows),
            Values::Number(v) => v.truncate(rows),
            Values::Date(v) => v.truncate(rows),
            Values::Timestamp(v) => v.truncate(rows),
            Values::Bool(b) => b.truncate(rows),
        }
        self.nulls.truncate(rows);
    }

    /// For a key column, makes room in its dictionary for the distinct ids of
    /// `rows` rows in all, projected from the share of distinct ids so far
    /// (nothing before 1,000 rows, when that share says little).
    pub fn reserve_distinct(&mut self, rows: usize) {
        if let Values::Key { keys, local, .. } = &mut self.data {
            let (seen, distinct) = (keys.len(), local.len());
            if seen < 1000 || rows <= seen {
                return;
            }
            let projected = (distinct as f64 * rows as f64 / seen as f64 * 1.05) as usize;
            if projected > local.capacity() {
                let bytes_each = local.text_bytes() / distinct.max(1) + 1;
                local.reserve(projected - distinct, bytes_each);
            }
        }
    }

    /// Appends the rows of `array`, a column of the same field as this
    /// builder parsed from a later part of the file (key columns come
    /// dictionary-encoded, their ids interned here). Answers an error when
    /// the array is not of this builder's type.
    pub fn extend(&mut self, array: &dyn Array) -> crate::Result<()> {
        let expected = self.type_name();
        let mismatch = || {
            crate::Error::Arrow(arrow_schema::ArrowError::InvalidArgumentError(format!(
                "a part of the file has a {} column where this column is {expected}",
                array.data_type(),
            )))
        };
        match &mut self.data {
            Values::Text { offsets, bytes } => {
                let a = array.as_string_opt::<i32>().ok_or_else(mismatch)?;
                let (from, to) = (a.value_offsets()[0], a.value_offsets()[a.len()]);
                let base = bytes.len() as i64 - i64::from(from);
                grow_for_part(offsets, offsets.len() + a.len());
                grow_for_part(bytes, bytes.len() + (to - from) as usize);
                bytes.extend_from_slice(&a.value_data()[from as usize..to as usize]);
                offsets.extend(
                    a.value_offsets()[1..]
                        .iter()
                        .map(|&o| i32::try_from(i64::from(o) + base).unwrap_or(i32::MAX)),
                );
            }
            Values::Key { keys, local, last, .. } => {
                let a = array.as_dictionary_opt::<UInt32Type>().ok_or_else(mismatch)?;
                let values = a.values().as_string_opt::<i32>().ok_or_else(mismatch)?;
                grow_for_part(keys, keys.len() + a.len());
                // Room for the part's ids at once (interning them one by one would double the table).
                let id_bytes = values.value_offsets()[values.len()] - values.value_offsets()[0];
                local.reserve(values.len(), id_bytes as usize / values.len().max(1) + 1);
                let remap: Vec<u32> = (0..values.len())
                    .map(|i| local.intern(values.value(i).as_bytes()))
                    .collect();
                keys.extend(
                    a.keys()
                        .values()
                        .iter()
                        .map(|&k| remap.get(k as usize).copied().unwrap_or(0)),
                );
                *last = None;
            }
            Values::Number(v) => extend_part(
                v,
                array.as_primitive_opt::<Float64Type>().ok_or_else(mismatch)?.values(),
            ),
            Values::Date(v) => extend_part(v, array.as_primitive_opt::<Date32Type>().ok_or_else(mismatch)?.values()),
            Values::Timestamp(v) => extend_part(
                v,
                array
                    .as_primitive_opt::<TimestampMillisecondType>()
                    .ok_or_else(mismatch)?
                    .values(),
            ),
            Values::Bool(b) => b.append_buffer(array.as_boolean_opt().ok_or_else(mismatch)?.values()),
        }
        match array.logical_nulls() {
            Some(n) => self.nulls.append_buffer(&n),
            None => self.nulls.append_n_non_nulls(array.len()),
        }
        Ok(())
    }

    fn type_name(&self) -> &'static str {
        match self.data {
            Values::Text { .. } => "text",
            Values::Key { .. } => "key",
            Values::Number(_) => "number",
            Values::Date(_) => "date",
            Values::Timestamp(_) => "timestamp",
            Values::Bool(_) => "boolean",
        }
    }

    /// The finished column; spare capacity is given back first.
    pub fn finish(mut self) -> ParsedColumn {
        let nulls = self.nulls.finish();
        match self.data {
            Values::Text { mut offsets, mut bytes } => {
                offsets.shrink_to_fit();
                bytes.shrink_to_fit();
                ParsedColumn::Ready(Column::Text(text_array(offsets, bytes, nulls)))
            }
            Values::Key {
                mut keys, local, order, ..
            } => {
                keys.shrink_to_fit();
                ParsedColumn::Keys {
                    keys: UInt32Array::new(ScalarBuffer::from(keys), nulls),
                    local,
                    order,
                }
            }
            Values::Number(mut v) => {
                v.shrink_to_fit();
                ParsedColumn::Ready(Column::Number(Float64Array::new(ScalarBuffer::from(v), nulls)))
            }
            Values::Date(mut v) => {
                v.shrink_to_fit();
                ParsedColumn::Ready(Column::Date(Date32Array::new(ScalarBuffer::from(v), nulls)))
            }
            Values::Timestamp(mut v) => {
                v.shrink_to_fit();
                ParsedColumn::Ready(Column::Timestamp(TimestampMillisecondArray::new(
                    ScalarBuffer::from(v),
                    nulls,
                )))
            }
            Values::Bool(mut b) => ParsedColumn::Ready(Column::Bool(BooleanArray::new(b.finish(), nulls))),
        }
    }
}

/// A string array over `offsets` and `bytes`, without copying them. The
/// ingest text is valid UTF-8 and split only at ASCII bytes, so the check
/// passes; were it ever to fail, the values are converted lossily instead.
fn text_array(offsets: Vec<i32>, bytes: Vec<u8>, nulls: Option<NullBuffer>) -> StringArray {
    let (offsets_buf, values) = (ScalarBuffer::from(offsets), Buffer::from_vec(bytes));
    match StringArray::try_new(OffsetBuffer::new(offsets_buf.clone()), values.clone(), nulls.clone()) {
        Ok(a) => a,
        Err(_) => {
            let o = offsets_buf.as_ref();
            let mut b = StringBuilder::new();
            for i in 0..o.len().saturating_sub(1) {
                let (s, e) = (o[i] as usize, o[i + 1] as usize);
                match (&nulls, values.as_slice().get(s..e)) {
                    (Some(n), _) if n.is_null(i) => b.append_null(),
                    (_, Some(v)) => b.append_value(String::from_utf8_lossy(v)),
                    (_, None) => b.append_null(),
                }
            }
            b.finish()
        }
    }
}

/// Bytes of memory an Arrow array's buffers hold (their capacity, not their length).
pub fn array_bytes(array: &dyn Array) -> usize {
    array.get_buffer_memory_size()
}
