//! One Arrow value as text, the way Rapport's CSV reader takes it back:
//! integers in decimal, floats shortest round-trip, decimals exact, dates
//! `YYYY-MM-DD`, timestamps ISO 8601 (`Z` when the type has a zone, since Arrow
//! stores such instants in UTC), binary as lowercase hex, dictionaries decoded,
//! and nested values (lists, structs, maps, unions) as compact JSON.

use std::fmt::Write;

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, OffsetSizeTrait};
use arrow_buffer::ArrowNativeType;
use arrow_schema::{DataType, IntervalUnit, TimeUnit};

/// Whether a type can be written (all of Arrow's types today).
pub fn supported(ty: &DataType) -> bool {
    use DataType::*;
    match ty {
        Null | Boolean | Int8 | Int16 | Int32 | Int64 | UInt8 | UInt16 | UInt32 | UInt64 | Float16 | Float32
        | Float64 | Timestamp(..) | Date32 | Date64 | Time32(_) | Time64(_) | Duration(_) | Interval(_) | Binary
        | FixedSizeBinary(_) | LargeBinary | BinaryView | Utf8 | LargeUtf8 | Utf8View | Decimal32(..)
        | Decimal64(..) | Decimal128(..) | Decimal256(..) => true,
        List(f) | ListView(f) | FixedSizeList(f, _) | LargeList(f) | LargeListView(f) | Map(f, _) => {
            supported(f.data_type())
        }
        Struct(fields) => fields.iter().all(|f| supported(f.data_type())),
        Union(fields, _) => fields.iter().all(|(_, f)| supported(f.data_type())),
        Dictionary(k, v) => k.is_dictionary_key_type() && supported(v),
        RunEndEncoded(r, v) => matches!(r.data_type(), Int16 | Int32 | Int64) && supported(v.data_type()),
    }
}

/// Appends value `i` of `array` to `out`: as CSV cell text (`json == false`; a
/// null is empty) or as a JSON value inside a nested one (`json == true`).
pub fn write_value(out: &mut String, array: &dyn Array, i: usize, json: bool) {
    use DataType::*;
    if i >= array.len() {
        return;
    }
    if array.is_null(i) {
        if json {
            out.push_str("null");
        }
        return;
    }
    match array.data_type() {
        Null => {
            if json {
                out.push_str("null");
            }
        }
        Boolean => out.push_str(if array.as_boolean().value(i) { "true" } else { "false" }),
        Int8 => int(out, array.as_primitive::<Int8Type>().value(i)),
        Int16 => int(out, array.as_primitive::<Int16Type>().value(i)),
        Int32 => int(out, array.as_primitive::<Int32Type>().value(i)),
        Int64 => int(out, array.as_primitive::<Int64Type>().value(i)),
        UInt8 => int(out, array.as_primitive::<UInt8Type>().value(i)),
        UInt16 => int(out, array.as_primitive::<UInt16Type>().value(i)),
        UInt32 => int(out, array.as_primitive::<UInt32Type>().value(i)),
        UInt64 => int(out, array.as_primitive::<UInt64Type>().value(i)),
        Float16 => float(
            out,
            f64::from(array.as_primitive::<Float16Type>().value(i).to_f32()),
            json,
        ),
        Float32 => float32(out, array.as_primitive::<Float32Type>().value(i), json),
        Float64 => float(out, array.as_primitive::<Float64Type>().value(i), json),
        Decimal32(p, s) => out.push_str(&Decimal32Type::format_decimal(
            array.as_primitive::<Decimal32Type>().value(i),
            *p,
            *s,
        )),
        Decimal64(p, s) => out.push_str(&Decimal64Type::format_decimal(
            array.as_primitive::<Decimal64Type>().value(i),
            *p,
            *s,
        )),
        Decimal128(p, s) => out.push_str(&Decimal128Type::format_decimal(
            array.as_primitive::<Decimal128Type>().value(i),
            *p,
            *s,
        )),
        Decimal256(p, s) => out.push_str(&Decimal256Type::format_decimal(
            array.as_primitive::<Decimal256Type>().value(i),
            *p,
            *s,
        )),
        Utf8 => string(out, array.as_string::<i32>().value(i), json),
        LargeUtf8 => string(out, array.as_string::<i64>().value(i), json),
        Utf8View => string(out, array.as_string_view().value(i), json),
        Binary => hex(out, array.as_binary::<i32>().value(i), json),
        LargeBinary => hex(out, array.as_binary::<i64>().value(i), json),
        BinaryView => hex(out, array.as_binary_view().value(i), json),
        FixedSizeBinary(_) => hex(out, array.as_fixed_size_binary().value(i), json),
        Date32 => quoted(out, json, |o| {
            date(o, i64::from(array.as_primitive::<Date32Type>().value(i)))
        }),
        Date64 => quoted(out, json, |o| {
            date(o, array.as_primitive::<Date64Type>().value(i).div_euclid(86_400_000))
        }),
        Timestamp(unit, zone) => {
            let v = match unit {
                TimeUnit::Second => array.as_primitive::<TimestampSecondType>().value(i),
                TimeUnit::Millisecond => array.as_primitive::<TimestampMillisecondType>().value(i),
                TimeUnit::Microsecond => array.as_primitive::<TimestampMicrosecondType>().value(i),
                TimeUnit::Nanosecond => array.as_primitive::<TimestampNanosecondType>().value(i),
            };
            quoted(out, json, |o| timestamp(o, v, *unit, zone.is_some()));
        }
        Time32(unit) => {
            let v = match unit {
                TimeUnit::Second => array.as_primitive::<Time32SecondType>().value(i),
                _ => array.as_primitive::<Time32MillisecondType>().value(i),
            };
            quoted(out, json, |o| time_of_day(o, i64::from(v), *unit));
        }
        Time64(unit) => {
            let v = match unit {
                TimeUnit::Nanosecond => array.as_primitive::<Time64NanosecondType>().value(i),
                _ => array.as_primitive::<Time64MicrosecondType>().value(i),
            };
            quoted(out, json, |o| time_of_day(o, v, *unit));
        }
        Duration(unit) => {
            let v = match unit {
                TimeUnit::Second => array.as_primitive::<DurationSecondType>().value(i),
                TimeUnit::Millisecond => array.as_primitive::<DurationMillisecondType>().value(i),
                TimeUnit::Microsecond => array.as_primitive::<DurationMicrosecondType>().value(i),
                TimeUnit::Nanosecond => array.as_primitive::<DurationNanosecondType>().value(i),
            };
            let nanos = i128::from(v) * i128::from(nanos_per(*unit));
            quoted(out, json, |o| iso_duration(o, 0, 0, nanos));
        }
        Interval(unit) => {
            let (months, days, nanos) = match unit {
                IntervalUnit::YearMonth => (array.as_primitive::<IntervalYearMonthType>().value(i), 0, 0),
                IntervalUnit::DayTime => {
                    let v = array.as_primitive::<IntervalDayTimeType>().value(i);
                    (0, v.days, i128::from(v.milliseconds) * 1_000_000)
                }
                IntervalUnit::MonthDayNano => {
                    let v = array.as_primitive::<IntervalMonthDayNanoType>().value(i);
                    (v.months, v.days, i128::from(v.nanoseconds))
                }
            };
            quoted(out, json, |o| iso_duration(o, months, days, nanos));
        }
        List(_) => list(out, array.as_list::<i32>(), i),
        LargeList(_) => list(out, array.as_list::<i64>(), i),
        ListView(_) => list_view(out, array.as_list_view::<i32>(), i),
        LargeListView(_) => list_view(out, array.as_list_view::<i64>(), i),
        FixedSizeList(_, _) => {
            let l = array.as_fixed_size_list();
            elements(
                out,
                l.values().as_ref(),
                l.value_offset_at(i),
                l.value_length() as usize,
            );
        }
        Struct(fields) => {
            let s = array.as_struct();
            out.push('{');
            for (k, (field, column)) in fields.iter().zip(s.columns()).enumerate() {
                if k > 0 {
                    out.push(',');
                }
                json_string(out, field.name());
                out.push(':');
                write_value(out, column.as_ref(), i, true);
            }
            out.push('}');
        }
        Map(_, _) => {
            let m = array.as_map();
            let offsets = m.value_offsets();
            let (start, end) = (offsets[i] as usize, offsets[i + 1] as usize);
            let (keys, values) = (m.keys(), m.values());
            let mut key = String::new();
            out.push('{');
            for e in start..end {
                if e > start {
                    out.push(',');
                }
                key.clear();
                write_value(&mut key, keys.as_ref(), e, false);
                json_string(out, &key);
                out.push(':');
                write_value(out, values.as_ref(), e, true);
            }
            out.push('}');
        }
        Union(_, _) => {
            let u = array.as_union();
            write_value(out, u.child(u.type_id(i)).as_ref(), u.value_offset(i), json);
        }
        Dictionary(key, _) => {
            let (values, k) = match key.as_ref() {
                Int8 => dict::<Int8Type>(array, i),
                Int16 => dict::<Int16Type>(array, i),
                Int32 => dict::<Int32Type>(array, i),
                Int64 => dict::<Int64Type>(array, i),
                UInt8 => dict::<UInt8Type>(array, i),
                UInt16 => dict::<UInt16Type>(array, i),
                UInt32 => dict::<UInt32Type>(array, i),
                UInt64 => dict::<UInt64Type>(array, i),
                _ => return,
            };
            write_value(out, values, k, json);
        }
        RunEndEncoded(run_ends, _) => {
            let (values, k) = match run_ends.data_type() {
                Int16 => run::<Int16Type>(array, i),
                Int32 => run::<Int32Type>(array, i),
                Int64 => run::<Int64Type>(array, i),
                _ => return,
            };
            write_value(out, values, k, json);
        }
    }
}

fn dict<K: ArrowDictionaryKeyType>(array: &dyn Array, i: usize) -> (&dyn Array, usize) {
    let d = array.as_dictionary::<K>();
    // A negative key is out of range, and so written as nothing.
    let k = d.keys().values()[i].to_usize().unwrap_or(usize::MAX);
    (d.values().as_ref(), k)
}

fn run<R: RunEndIndexType>(array: &dyn Array, i: usize) -> (&dyn Array, usize) {
    let r = array.as_run::<R>();
    (r.values().as_ref(), r.get_physical_index(i))
}

fn list<O: OffsetSizeTrait>(out: &mut String, l: &arrow_array::GenericListArray<O>, i: usize) {
    let offsets = l.value_offsets();
    let (start, end) = (offsets[i].as_usize(), offsets[i + 1].as_usize());
    elements(out, l.values().as_ref(), start, end.saturating_sub(start));
}

fn list_view<O: OffsetSizeTrait>(out: &mut String, l: &arrow_array::GenericListViewArray<O>, i: usize) {
    let (start, len) = (l.value_offsets()[i].as_usize(), l.value_sizes()[i].as_usize());
    elements(out, l.values().as_ref(), start, len);
}

fn elements(out: &mut String, values: &dyn Array, start: usize, len: usize) {
    out.push('[');
    for e in 0..len {
        if e > 0 {
            out.push(',');
        }
        write_value(out, values, start.saturating_add(e), true);
    }
    out.push(']');
}

fn int(out: &mut String, v: impl std::fmt::Display) {
    let _ = write!(out, "{v}");
}

/// Shortest text that reads back as the same `f64`; an exponent only for
/// magnitudes a plain decimal would spell out at length.
pub fn float(out: &mut String, v: f64, json: bool) {
    if v.is_finite() {
        if v == 0.0 || (1e-7..1e16).contains(&v.abs()) {
            let _ = write!(out, "{v}");
        } else {
            let _ = write!(out, "{v:e}");
        }
    } else {
        let word = if v.is_nan() {
            "NaN"
        } else if v > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        };
        quoted(out, json, |o| o.push_str(word));
    }
}

fn float32(out: &mut String, v: f32, json: bool) {
    if v.is_finite() && (v == 0.0 || (1e-7..1e16).contains(&v.abs())) {
        let _ = write!(out, "{v}");
    } else if v.is_finite() {
        let _ = write!(out, "{v:e}");
    } else {
        float(out, f64::from(v), json);
    }
}

fn string(out: &mut String, s: &str, json: bool) {
    if json {
        json_string(out, s);
    } else {
        out.push_str(s);
    }
}

fn hex(out: &mut String, bytes: &[u8], json: bool) {
    quoted(out, json, |o| {
        for b in bytes {
            let _ = write!(o, "{b:02x}");
        }
    });
}

/// Writes `body`, in double quotes when inside JSON.
fn quoted(out: &mut String, json: bool, body: impl FnOnce(&mut String)) {
    if json {
        out.push('"');
    }
    body(out);
    if json {
        out.push('"');
    }
}

fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The proleptic Gregorian date of a day count from 1970-01-01
/// (H. Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `YYYY-MM-DD` of a day count from 1970-01-01.
pub fn date(out: &mut String, days: i64) {
    let (y, m, d) = civil_from_days(days);
    let _ = write!(out, "{y:04}-{m:02}-{d:02}");
}

fn nanos_per(unit: TimeUnit) -> i64 {
    match unit {
        TimeUnit::Second => 1_000_000_000,
        TimeUnit::Millisecond => 1_000_000,
        TimeUnit::Microsecond => 1_000,
        TimeUnit::Nanosecond => 1,
    }
}

fn per_second(unit: TimeUnit) -> (i64, usize) {
    match unit {
        TimeUnit::Second => (1, 0),
        TimeUnit::Millisecond => (1_000, 3),
        TimeUnit::Microsecond => (1_000_000, 6),
        TimeUnit::Nanosecond => (1_000_000_000, 9),
    }
}

/// `HH:MM:SS[.fff]` of seconds in a day, with the fraction's digits of the unit
/// when it is not zero.
fn clock(out: &mut String, secs_of_day: i64, frac: i64, digits: usize) {
    let (h, m, s) = (secs_of_day / 3600, secs_of_day / 60 % 60, secs_of_day % 60);
    let _ = write!(out, "{h:02}:{m:02}:{s:02}");
    if frac != 0 {
        let _ = write!(out, ".{frac:0digits$}");
    }
}

/// ISO 8601 `YYYY-MM-DDTHH:MM:SS[.fff]`, with `Z` when the instant is UTC.
pub fn timestamp(out: &mut String, v: i64, unit: TimeUnit, utc: bool) {
    let (per, digits) = per_second(unit);
    let (secs, frac) = (v.div_euclid(per), v.rem_euclid(per));
    date(out, secs.div_euclid(86_400));
    out.push('T');
    clock(out, secs.rem_euclid(86_400), frac, digits);
    if utc {
        out.push('Z');
    }
}

fn time_of_day(out: &mut String, v: i64, unit: TimeUnit) {
    let (per, digits) = per_second(unit);
    clock(out, v.div_euclid(per).rem_euclid(86_400), v.rem_euclid(per), digits);
}

/// An ISO 8601 duration: `P1Y2M3DT4.5S`, `PT90S`, `-PT1.5S`, `PT0S`.
fn iso_duration(out: &mut String, months: i32, days: i32, nanos: i128) {
    let negative = months <= 0 && days <= 0 && nanos <= 0 && (months, days, nanos) != (0, 0, 0);
    let (months, days, nanos) = if negative {
        (-i64::from(months), -i64::from(days), -nanos)
    } else {
        (i64::from(months), i64::from(days), nanos)
    };
    if negative {
        out.push('-');
    }
    out.push('P');
    if months / 12 != 0 {
        let _ = write!(out, "{}Y", months / 12);
    }
    if months % 12 != 0 {
        let _ = write!(out, "{}M", months % 12);
    }
    if days != 0 {
        let _ = write!(out, "{days}D");
    }
    if nanos != 0 || (months, days) == (0, 0) {
        let (s, f) = (nanos.div_euclid(1_000_000_000), nanos.rem_euclid(1_000_000_000));
        let _ = write!(out, "T{s}");
        if f != 0 {
            let digits = format!("{f:09}");
            let _ = write!(out, ".{}", digits.trim_end_matches('0'));
        }
        out.push('S');
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::builder::{Int32Builder, ListBuilder, MapBuilder, StringBuilder};
    use arrow_array::*;
    use arrow_schema::{Field, Fields};

    use super::*;

    fn cells(array: &dyn Array) -> Vec<String> {
        (0..array.len())
            .map(|i| {
                let mut s = String::new();
                write_value(&mut s, array, i, false);
                s
            })
            .collect()
    }

    #[test]
    fn floats_are_shortest_round_trip_and_exponents_only_when_huge() {
        let a = Float64Array::from(vec![0.1, 89.99, -20.0, 1e21, 1.5e-9, 0.0, f64::NAN, f64::NEG_INFINITY]);
        assert_eq!(
            cells(&a),
            ["0.1", "89.99", "-20", "1e21", "1.5e-9", "0", "NaN", "-Infinity"]
        );
        assert_eq!(cells(&Float32Array::from(vec![0.1f32, 3.25])), ["0.1", "3.25"]);
    }

    #[test]
    fn decimals_are_exact_and_integers_decimal() {
        let d = Decimal128Array::from(vec![Some(550), Some(-110), None, Some(123_456_789_012_345_678)])
            .with_precision_and_scale(20, 2)
            .unwrap();
        assert_eq!(cells(&d), ["5.50", "-1.10", "", "1234567890123456.78"]);
        assert_eq!(cells(&UInt64Array::from(vec![u64::MAX])), ["18446744073709551615"]);
        assert_eq!(cells(&Int8Array::from(vec![-128])), ["-128"]);
    }

    #[test]
    fn dates_and_timestamps_are_iso_with_z_only_for_zoned_types() {
        assert_eq!(
            cells(&Date32Array::from(vec![0, 19_782, -1, 11_016])),
            ["1970-01-01", "2024-02-29", "1969-12-31", "2000-02-29"]
        );
        assert_eq!(
            cells(&Date64Array::from(vec![1_704_412_800_000, -1])),
            ["2024-01-05", "1969-12-31"]
        );
        let zoned = TimestampMillisecondArray::from(vec![1_704_442_500_000, 1_705_510_950_250])
            .with_timezone("Europe/Stockholm");
        assert_eq!(cells(&zoned), ["2024-01-05T08:15:00Z", "2024-01-17T17:02:30.250Z"]);
        let naive = TimestampMicrosecondArray::from(vec![-1, 86_400_000_001]);
        assert_eq!(
            cells(&naive),
            ["1969-12-31T23:59:59.999999", "1970-01-02T00:00:00.000001"]
        );
        assert_eq!(
            cells(&TimestampSecondArray::from(vec![0]).with_timezone("+00:00")),
            ["1970-01-01T00:00:00Z"]
        );
        assert_eq!(
            cells(&Time64NanosecondArray::from(vec![3_723_000_000_001])),
            ["01:02:03.000000001"]
        );
        assert_eq!(cells(&Time32SecondArray::from(vec![86_399])), ["23:59:59"]);
    }

    #[test]
    fn durations_and_intervals_are_iso_8601() {
        assert_eq!(
            cells(&DurationMillisecondArray::from(vec![90_500, -1_500, 0])),
            ["PT90.5S", "-PT1.5S", "PT0S"]
        );
        let iv = IntervalMonthDayNanoArray::from(vec![IntervalMonthDayNano::new(14, 3, 4_500_000_000)]);
        assert_eq!(cells(&iv), ["P1Y2M3DT4.5S"]);
        assert_eq!(cells(&IntervalYearMonthArray::from(vec![12])), ["P1Y"]);
    }

    #[test]
    fn binary_is_lowercase_hex_and_dictionaries_are_decoded() {
        assert_eq!(
            cells(&BinaryArray::from(vec![&[0xDE_u8, 0xAD, 0x0F][..], &[][..]])),
            ["dead0f", ""]
        );
        let dict: DictionaryArray<Int8Type> = vec![Some("books"), None, Some("toys"), Some("books")]
            .into_iter()
            .collect();
        assert_eq!(cells(&dict), ["books", "", "toys", "books"]);
        let ree =
            RunArray::<Int32Type>::try_new(&Int32Array::from(vec![2, 3]), &StringArray::from(vec![Some("a"), None]))
                .unwrap();
        assert_eq!(cells(&ree), ["a", "a", ""]);
    }

    #[test]
    fn nested_values_are_compact_json() {
        let mut lb = ListBuilder::new(Int32Builder::new());
        lb.append_value([Some(1), None, Some(3)]);
        lb.append_null();
        lb.append_value([]);
        assert_eq!(cells(&lb.finish()), ["[1,null,3]", "", "[]"]);

        let s = StructArray::new(
            Fields::from(vec![
                Field::new("name", DataType::Utf8, true),
                Field::new("at", DataType::Date32, true),
                Field::new("ok", DataType::Boolean, true),
            ]),
            vec![
                Arc::new(StringArray::from(vec![Some("Zoë \"Z\"\n"), None])),
                Arc::new(Date32Array::from(vec![Some(19_782), None])),
                Arc::new(BooleanArray::from(vec![Some(true), None])),
            ],
            None,
        );
        assert_eq!(
            cells(&s),
            [
                r#"{"name":"Zoë \"Z\"\n","at":"2024-02-29","ok":true}"#,
                r#"{"name":null,"at":null,"ok":null}"#
            ]
        );

        let mut mb = MapBuilder::new(None, StringBuilder::new(), Int32Builder::new());
        mb.keys().append_value("a");
        mb.values().append_value(1);
        mb.keys().append_value("b");
        mb.values().append_null();
        mb.append(true).unwrap();
        assert_eq!(cells(&mb.finish()), [r#"{"a":1,"b":null}"#]);
    }

    #[test]
    fn every_type_a_file_can_hold_is_supported() {
        assert!(supported(&DataType::Map(
            Arc::new(Field::new(
                "entries",
                DataType::Struct(Fields::from(vec![
                    Field::new("k", DataType::Utf8, false),
                    Field::new("v", DataType::Decimal256(40, 3), true)
                ])),
                false
            )),
            false
        )));
        assert!(!supported(&DataType::Dictionary(
            Box::new(DataType::Utf8),
            Box::new(DataType::Utf8)
        )));
    }
}
