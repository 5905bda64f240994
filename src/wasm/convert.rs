//! Conversions between core types and JS values.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::Error;

/// A core error as a JS `Error` named `RapportError` with a stable `code` and,
/// for data errors, `file`, `row` and `column` properties; for expression
/// errors `at` (and `suggestion` when there is a near name).
pub fn js_error(err: Error) -> JsValue {
    let js = js_sys::Error::new(&err.to_string());
    js.set_name("RapportError");
    let set = |k: &str, v: JsValue| {
        let _ = js_sys::Reflect::set(&js, &JsValue::from_str(k), &v);
    };
    set("code", JsValue::from_str(err.code()));
    match &err {
        Error::Ingest { at, .. } => {
            set("file", JsValue::from_str(&at.file));
            if let Some(row) = at.row {
                set("row", JsValue::from_f64(row as f64));
            }
            if let Some(column) = &at.column {
                set("column", JsValue::from_str(column));
            }
        }
        Error::Format { file, .. } => set("file", JsValue::from_str(file)),
        Error::Options { field, .. } => set("field", JsValue::from_str(field)),
        Error::Expr { at, suggestion, .. } => {
            set("at", JsValue::from_f64(*at as f64));
            if let Some(s) = suggestion {
                set("suggestion", JsValue::from_str(s));
            }
        }
        _ => {}
    }
    js.into()
}

/// A small result as a plain JS object (numbers as numbers, maps as objects).
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_error(Error::MissingData(format!("internal: cannot convert result: {e}"))))
}

/// An options object (absent, `undefined` or `null` gives the defaults). A key
/// not in `known` is an error naming it, so a typo never passes silently.
pub fn from_js<T: DeserializeOwned + Default>(
    name: &str,
    value: Option<JsValue>,
    known: &[&str],
) -> Result<T, JsValue> {
    let Some(value) = value else { return Ok(T::default()) };
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    if !value.is_object() {
        return Err(js_error(Error::option(
            name,
            "(not an object)",
            "expected an options object",
        )));
    }
    let object: &js_sys::Object = value.unchecked_ref();
    for key in js_sys::Object::keys(object).iter().filter_map(|k| k.as_string()) {
        if !known.contains(&key.as_str()) {
            return Err(js_error(Error::option(
                name,
                &key,
                format!("unknown option '{key}' (known: {})", known.join(", ")),
            )));
        }
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| js_error(Error::option(name, "{…}", e.to_string())))
}
