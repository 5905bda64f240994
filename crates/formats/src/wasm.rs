//! The JavaScript binding of the format readers (`rapport/formats`), and the
//! only module of this crate that knows about JS. Each export converts its
//! arguments, calls the core, converts the result.

use serde::Serialize as _;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsValue;

use crate::{ConvertOptions, Error};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A format this module reads; "arrow" is the Arrow IPC file or stream format. */
export type FormatName = "parquet" | "arrow" | "xlsx";

/** Options of `toCsv` (`rapport_formats::ConvertOptions`). */
export interface ConvertOptions {
  /** The XLSX sheet to read (default: the first). Ignored, with a warning, for other formats. */
  sheet?: string;
}

/** A file converted to CSV (`rapport_formats::Converted`). Load `csv` with
 *  `Workspace.load(entity, csv, { format })` so the report names the format. */
export interface Converted {
  format: FormatName;
  /** The sheet read (XLSX only, else null). */
  sheet: string | null;
  /** Every sheet of the workbook, in order (empty for Parquet and Arrow). */
  sheets: string[];
  /** Data rows written, the header not counted. */
  rows: number;
  columns: number;
  /** RFC 4180 CSV in UTF-8: comma-separated, "\n" line ends, header first. */
  csv: Uint8Array;
  /** What the user should know: skipped rows, error cells, ignored options. */
  warnings: string[];
}
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "ConvertOptions")]
    pub type JsConvertOptions;

    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Runs when the module is instantiated: a panic (a bug, never bad input) is
/// written to the console with its message instead of an opaque trap.
#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error(&format!("rapport/formats: internal error: {info}"))
    }));
}

/// A JS `Error` named `RapportError` with a stable `code`.
fn js_error(code: &str, message: &str) -> JsValue {
    let js = js_sys::Error::new(message);
    js.set_name("RapportError");
    let _ = js_sys::Reflect::set(&js, &JsValue::from_str("code"), &JsValue::from_str(code));
    js.into()
}

fn format_error(err: Error) -> JsValue {
    js_error("FORMAT", &err.to_string())
}

fn options(value: Option<JsConvertOptions>) -> Result<ConvertOptions, JsValue> {
    let Some(value) = value.map(JsValue::from).filter(|v| !v.is_undefined() && !v.is_null()) else {
        return Ok(ConvertOptions::default());
    };
    if !value.is_object() {
        return Err(js_error("OPTIONS", "option 'options': expected an options object"));
    }
    // serde-wasm-bindgen reads only the fields it knows: a typo must not pass silently.
    let object: &js_sys::Object = value.unchecked_ref();
    if let Some(key) = js_sys::Object::keys(object)
        .iter()
        .filter_map(|k| k.as_string())
        .find(|k| k != "sheet")
    {
        return Err(js_error(
            "OPTIONS",
            &format!("option '{key}': unknown option (known: sheet)"),
        ));
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| js_error("OPTIONS", &format!("option 'options': {e}")))
}

/// Which format these bytes are: `"parquet"`, `"arrow"` (IPC file or stream),
/// `"xlsx"`, or `undefined` (CSV, TSV and anything else).
///
/// @param bytes - the file's bytes (the first few KiB suffice for Parquet and Arrow).
/// @example
/// ```js
/// if (sniff(bytes)) ({ csv: bytes } = toCsv(bytes));
/// ```
#[wasm_bindgen(unchecked_return_type = "FormatName | undefined")]
pub fn sniff(bytes: &[u8]) -> JsValue {
    crate::sniff(bytes).map_or(JsValue::UNDEFINED, |k| JsValue::from_str(k.name()))
}

/// Converts a Parquet, Arrow IPC or XLSX file to the CSV the Rapport core
/// loads, typed values written as text (dates ISO, floats shortest, …).
///
/// @param bytes - the file's bytes.
/// @param options - `{ sheet }`: the XLSX sheet (default: the first).
/// @returns `{ format, sheet, sheets, rows, columns, csv, warnings }`.
/// @throws RapportError with `code: "FORMAT"` when the file is corrupt or
/// unsupported (an encrypted workbook, a sheet that does not exist, a codec).
/// @example
/// ```js
/// const c = toCsv(bytes, { sheet: "Orders" });
/// ws.load("orders", c.csv, { fileName: "orders.xlsx", format: c.format });
/// ```
#[wasm_bindgen(js_name = toCsv, unchecked_return_type = "Converted")]
pub fn to_csv(bytes: &[u8], options: Option<JsConvertOptions>) -> Result<JsValue, JsValue> {
    let opts = self::options(options)?;
    let converted = crate::to_csv(bytes, &opts).map_err(format_error)?;
    let object = converted
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_error("FORMAT", &format!("internal: cannot convert result: {e}")))?;
    let csv = js_sys::Uint8Array::from(converted.csv.as_slice());
    js_sys::Reflect::set(&object, &JsValue::from_str("csv"), &csv)?;
    Ok(object)
}
