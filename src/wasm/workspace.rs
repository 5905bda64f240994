//! `Workspace`: the JS handle on a core [`crate::Workspace`].

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::convert::{from_js, js_error, to_js};
use super::loader::JsLoader;
use super::types::{JsLoadOptions, JsProgressCallback, JsQualityOptions, JsTableQuery};
use crate::quality::{self, QualityParams};
use crate::table::TableQuery;
use crate::{report, Entity, Error, LoadOptions, Progress, Workspace};

/// A workspace holds the files loaded in one analysis session, all in this
/// module's memory; nothing leaves the machine.
///
/// ```js
/// import init, { Workspace } from "rapport";
/// await init();
/// const ws = new Workspace();
/// const report = ws.load("orders", bytes, { fileName: "orders.csv" });
/// const months = ws.monthlyRevenue();
/// ```
///
/// Shared with the `Loader`s it begins, which add their file to it when they finish.
#[wasm_bindgen(js_name = Workspace)]
pub struct JsWorkspace(pub(super) Rc<RefCell<Workspace>>);

impl JsWorkspace {
    /// The workspace, for one call. A call made while another runs on the same
    /// workspace (from inside a progress callback) is refused, not a panic.
    pub(super) fn ws(&self) -> Result<std::cell::RefMut<'_, Workspace>, JsValue> {
        self.0.try_borrow_mut().map_err(|_| {
            js_error(Error::option(
                "workspace",
                "busy",
                "another call on this workspace is still running (was it called from a progress callback?)",
            ))
        })
    }
}

/// The entity a load names (`"auto"`, `""` or absent: recognised from the headers).
pub(super) fn parse_entity(entity: Option<&str>) -> Result<Option<Entity>, JsValue> {
    match entity {
        None | Some("auto") | Some("") => Ok(None),
        Some(name) => Ok(Some(Entity::parse(name).ok_or_else(|| {
            js_error(Error::option("entity", name, "expected orders, customers, campaign_events, campaigns, acquisition_spend, consents, tickets, surveys, web_events or auto"))
        })?)),
    }
}

pub(super) const LOAD_OPTIONS: [&str; 6] = ["fileName", "format", "mapping", "source", "delimiter", "formats"];

impl Default for JsWorkspace {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen(js_class = Workspace)]
impl JsWorkspace {
    /// An empty workspace.
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsWorkspace {
        JsWorkspace(Rc::new(RefCell::new(Workspace::new())))
    }

    /// Loads one file (CSV or TSV bytes) and appends it to its entity's table.
    ///
    /// @param entity - `"orders"`, `"customers"`, … or `"auto"`/`undefined` to
    ///   recognise the entity from the headers.
    /// @param bytes - the file's bytes.
    /// @param options - `{ fileName, format, mapping, source, delimiter, formats }`.
    /// @param onProgress - called about every megabyte with `{stage, done, total,
    ///   bytesDone, bytesTotal}`; return `false` to cancel.
    /// @returns the load report: entity, dialect, mapping, `rowsRead`,
    ///   `rowsLoaded`, `rowsRejected` and every reject with its row and column.
    /// @throws RapportError with `code` `FORMAT`, `INGEST`, `OPTIONS` or `CANCELLED`;
    ///   a failed load changes nothing.
    #[wasm_bindgen(unchecked_return_type = "LoadReport")]
    pub fn load(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "EntityName | \"auto\" | undefined")] entity: Option<String>,
        bytes: &[u8],
        options: Option<JsLoadOptions>,
        #[wasm_bindgen(js_name = onProgress)] on_progress: Option<JsProgressCallback>,
    ) -> Result<JsValue, JsValue> {
        let entity = parse_entity(entity.as_deref())?;
        let opts: LoadOptions = from_js("options", options.map(JsValue::from), &LOAD_OPTIONS)?;
        let on_progress: Option<js_sys::Function> = on_progress.map(JsCast::unchecked_into);
        let mut progress = |p: Progress| match &on_progress {
            None => true,
            Some(f) => match to_js(&p).and_then(|v| f.call1(&JsValue::NULL, &v)) {
                Ok(ret) => ret.as_bool() != Some(false),
                Err(_) => false,
            },
        };
        let report = self
            .0
            .borrow_mut()
            .load_with_progress(entity, bytes, &opts, &mut progress)
            .map_err(js_error)?;
        to_js(&report)
    }

    /// Begins loading a file that comes in pieces, e.g. from `file.stream()`:
    /// push each piece to the returned `Loader` in order, then `finish()` it to
    /// add the file to this workspace. Nothing is added before `finish`
    /// succeeds; `cancel()` (or `free()`) drops what was read.
    ///
    /// @param entity - as for `load`.
    /// @param options - as for `load`.
    /// @param totalBytes - the file's size, when known: columns are sized from
    ///   it, so they end no bigger than needed, and progress says how far.
    /// @returns a `Loader`.
    /// @throws RapportError `OPTIONS` for a bad entity, option or size.
    ///
    /// ```js
    /// const loader = ws.beginLoad("auto", { fileName: file.name }, file.size);
    /// for await (const chunk of file.stream()) loader.push(chunk); // → { bytesDone, bytesTotal, … }
    /// const report = loader.finish();
    /// ```
    #[wasm_bindgen(js_name = beginLoad)]
    pub fn begin_load(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EntityName | \"auto\" | undefined")] entity: Option<String>,
        options: Option<JsLoadOptions>,
        #[wasm_bindgen(js_name = totalBytes)] total_bytes: Option<f64>,
    ) -> Result<JsLoader, JsValue> {
        let entity = parse_entity(entity.as_deref())?;
        let opts: LoadOptions = from_js("options", options.map(JsValue::from), &LOAD_OPTIONS)?;
        let total = match total_bytes {
            None => None,
            Some(t) if t.is_finite() && t >= 0.0 && t.fract() == 0.0 && t <= 9_007_199_254_740_991.0 => Some(t as u64),
            Some(t) => {
                return Err(js_error(Error::option(
                    "totalBytes",
                    t,
                    "expected a whole number of bytes, 0 or more",
                )))
            }
        };
        let session = self.0.borrow().begin_load(entity, &opts, total);
        Ok(JsLoader::new(session, Rc::clone(&self.0)))
    }

    /// Bytes of memory the loaded data holds: every column's Arrow buffers and
    /// the id dictionaries (compare with `memoryBytes()`).
    #[wasm_bindgen(js_name = columnarBytes)]
    pub fn columnar_bytes(&self) -> f64 {
        self.0.borrow().columnar_bytes() as f64
    }

    /// Orders, revenue and buying customers per calendar month.
    ///
    /// @returns `{ period: "month", rows: [{ period: "2024-01", orders, revenue, customers }] }`
    /// @throws RapportError `MISSING_DATA` when no orders are loaded.
    #[wasm_bindgen(js_name = monthlyRevenue, unchecked_return_type = "MonthlyRevenue")]
    pub fn monthly_revenue(&self) -> Result<JsValue, JsValue> {
        to_js(&report::monthly_revenue(&self.0.borrow()).map_err(js_error)?)
    }

    /// The data-quality profile of everything loaded: per entity and column,
    /// completeness, validity, uniqueness and currency, with scores from 0 to 1
    /// and the worst offenders.
    ///
    /// @param options - `{ asOf: "YYYY-MM-DD" (default today), maxIssues (default 1000) }`.
    #[wasm_bindgen(unchecked_return_type = "QualityReport")]
    pub fn quality(&self, options: Option<JsQualityOptions>) -> Result<JsValue, JsValue> {
        let params: QualityParams = from_js("options", options.map(JsValue::from), &["asOf", "maxIssues"])?;
        let today = (js_sys::Date::now() / 86_400_000.0).floor() as i32;
        let opts = params.check(today).map_err(js_error)?;
        to_js(&quality::profile(&self.0.borrow(), &opts))
    }

    /// Removes every table loaded from the file named `fileName` (e.g. to load
    /// it again with another mapping).
    ///
    /// @returns the number of rows removed.
    #[wasm_bindgen(js_name = removeFile)]
    pub fn remove_file(&mut self, #[wasm_bindgen(js_name = fileName)] file_name: &str) -> u32 {
        self.0.borrow_mut().remove_file(file_name) as u32
    }

    /// What is loaded: per entity the number of files and rows, and the columns.
    #[wasm_bindgen(unchecked_return_type = "TableSummary[]")]
    pub fn tables(&self) -> Result<JsValue, JsValue> {
        to_js(&self.0.borrow().summary())
    }

    /// The loaded rows of one entity as Arrow IPC stream bytes (read with
    /// `tableFromIPC` of `apache-arrow`): canonical fields, attributes and
    /// `source`; ids come dictionary-encoded.
    ///
    /// @param entity - an entity name, e.g. `"orders"`.
    /// @param query - `{ limit, file }`: only the first `limit` rows, only the
    ///   rows of the file loaded under the name `file`.
    pub fn table(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EntityName")] entity: &str,
        query: Option<JsTableQuery>,
    ) -> Result<Vec<u8>, JsValue> {
        let e = Entity::parse(entity).ok_or_else(|| js_error(Error::option("entity", entity, "unknown entity")))?;
        let query: TableQuery = from_js("query", query.map(JsValue::from), &["limit", "file"])?;
        self.0.borrow().entity_ipc(e, &query).map_err(js_error)
    }
}
