//! The JavaScript binding layer, and the only module that knows about JS.
//! Each export converts its arguments, calls the core, converts the result.

mod cluster;
mod clv;
mod cohort;
mod convert;
mod customer_view;
mod customers;
mod forecast;
mod loader;
mod propensity;
mod recommend;
mod reports;
mod segment;
mod types;
mod workspace;

pub use loader::JsLoader;
pub use workspace::JsWorkspace;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsValue;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Runs when the module is instantiated: a panic (a bug, never bad input) is
/// written to the console with its message instead of an opaque trap.
#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error(&format!("rapport: internal error: {info}"))
    }));
}

/// The version of the Rapport core.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The header and first rows of a file as the reader splits them, before any
/// typing: format, dialect, encoding, `header` and `rows` of strings.
///
/// @param bytes - the file's bytes.
/// @param options - `{ fileName, format, delimiter, rows }` (20 rows by default).
#[wasm_bindgen(unchecked_return_type = "Preview")]
pub fn preview(bytes: &[u8], options: Option<types::JsPreviewOptions>) -> Result<JsValue, JsValue> {
    let opts: crate::ingest::PreviewOptions = convert::from_js(
        "options",
        options.map(JsValue::from),
        &["fileName", "format", "delimiter", "rows"],
    )?;
    convert::to_js(&crate::ingest::preview(bytes, &opts).map_err(convert::js_error)?)
}

/// The canonical fields of an entity, for a mapping editor.
///
/// @returns `[{ name, type, required }]` in the entity's order.
#[wasm_bindgen(unchecked_return_type = "FieldInfo[]")]
pub fn fields(#[wasm_bindgen(unchecked_param_type = "EntityName")] entity: &str) -> Result<JsValue, JsValue> {
    let e = crate::Entity::parse(entity)
        .ok_or_else(|| convert::js_error(crate::Error::option("entity", entity, "unknown entity")))?;
    let list: Vec<crate::ingest::FieldInfo> = e.fields().iter().map(crate::ingest::FieldInfo::from).collect();
    convert::to_js(&list)
}

/// Bytes of linear memory the module holds now (it only grows), for progress
/// displays and memory benchmarks.
#[wasm_bindgen(js_name = memoryBytes)]
pub fn memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65_536) as f64
}
