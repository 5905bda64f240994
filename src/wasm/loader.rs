//! `Loader`: the JS handle on a core [`crate::LoadSession`], a load fed piece by piece.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::convert::{from_js, js_error, to_js};
use super::types::JsLoadOptions;
use super::workspace::{parse_entity, LOAD_OPTIONS};
use crate::ingest::PartReport;
use crate::{Error, LoadOptions, LoadSession, Workspace};

/// How a loader's load ended, once it has.
#[derive(Clone, Copy)]
enum Ended {
    Finished,
    Failed,
    Cancelled,
}

/// A load in progress, begun by `Workspace.beginLoad`: push the file's pieces
/// in order, then `finish()`. The workspace is not touched until `finish`
/// succeeds; after an error, `finish`, `cancel` or `free` the loader is spent.
///
/// ```js
/// const loader = ws.beginLoad("auto", { fileName: file.name }, file.size);
/// try {
///   for await (const chunk of file.stream()) showProgress(loader.push(chunk));
///   const report = loader.finish();
/// } finally {
///   loader.free();
/// }
/// ```
#[wasm_bindgen(js_name = Loader)]
pub struct JsLoader {
    session: Option<LoadSession>,
    workspace: Rc<RefCell<Workspace>>,
    ended: Option<Ended>,
    /// Reads a later part of a file (`Loader.part`): it ends with `finishPart`.
    part: bool,
}

impl JsLoader {
    pub(super) fn new(session: LoadSession, workspace: Rc<RefCell<Workspace>>) -> Self {
        JsLoader {
            session: Some(session),
            workspace,
            ended: None,
            part: false,
        }
    }

    fn spent(&self) -> JsValue {
        js_error(match self.ended {
            Some(Ended::Cancelled) => Error::Cancelled,
            Some(Ended::Finished) => Error::option("loader", "finished", "this load is finished; begin another"),
            _ => Error::option("loader", "failed", "this load failed; begin another"),
        })
    }

    /// An error unless this loader reads a later part (`Loader.part`): `method` is for those.
    fn later_part_only(&self, method: &str) -> Result<(), JsValue> {
        if self.part {
            return Ok(());
        }
        Err(js_error(Error::option(
            "loader",
            method,
            "this loader reads a whole file: finish() it",
        )))
    }
}

#[wasm_bindgen(js_class = Loader)]
impl JsLoader {
    /// Reads the next piece of the file; every record it completes is parsed.
    ///
    /// @param chunk - the next bytes of the file (any length).
    /// @returns progress: `{ stage, done, total, bytesDone, bytesTotal }`
    ///   (`bytesTotal` is `null` when the size was not given).
    /// @throws RapportError (`FORMAT`, `INGEST`, `OPTIONS`) when the file cannot
    ///   be loaded as asked; the loader is then spent.
    #[wasm_bindgen(unchecked_return_type = "Progress")]
    pub fn push(&mut self, chunk: &[u8]) -> Result<JsValue, JsValue> {
        let Some(session) = self.session.as_mut() else {
            return Err(self.spent());
        };
        match session.push(chunk) {
            Ok(progress) => to_js(&progress),
            Err(e) => {
                self.session = None;
                self.ended = Some(Ended::Failed);
                Err(js_error(e))
            }
        }
    }

    /// Begins reading a later part of a file on its own, e.g. on a second
    /// worker with its own module instance, while the first part's `Loader`
    /// reads the start of the file: push only the part's bytes, which start
    /// right after a line break, then `finishPart()` and hand the result to
    /// the first part's `addPart`.
    ///
    /// @param entity - as for `Workspace.load` (what the first part's loader was given).
    /// @param options - as for `Workspace.load`.
    /// @param head - the file's first bytes, at least 1 MiB and a few more (or
    ///   all of them): the dialect, the header and how each column is read are
    ///   settled on them exactly as the first part's loader settles them.
    /// @param partBytes - the part's size in bytes.
    /// @returns a `Loader` for the part.
    /// @throws RapportError `FORMAT` when the file cannot be read in parts (its
    ///   text is not plain UTF-8, it was converted from another format, the
    ///   head is too short): read it with one loader instead.
    ///
    /// ```js
    /// // second worker:
    /// const part = Loader.part("orders", { fileName }, head, bytes.length);
    /// part.push(bytes);
    /// postMessage(part.finishPart());
    /// // first worker, after pushing the bytes before the split:
    /// if (loader.addPart(columns, report)) report = loader.finish();
    /// else { loader.free(); readWithOneLoader(); }
    /// ```
    pub fn part(
        #[wasm_bindgen(unchecked_param_type = "EntityName | \"auto\" | undefined")] entity: Option<String>,
        options: Option<JsLoadOptions>,
        head: &[u8],
        #[wasm_bindgen(js_name = partBytes)] part_bytes: f64,
    ) -> Result<JsLoader, JsValue> {
        let entity = parse_entity(entity.as_deref())?;
        let opts: LoadOptions = from_js("options", options.map(JsValue::from), &LOAD_OPTIONS)?;
        if !(part_bytes.is_finite() && part_bytes >= 0.0) {
            return Err(js_error(Error::option(
                "partBytes",
                part_bytes,
                "expected a size in bytes",
            )));
        }
        let session = LoadSession::part(entity, &opts, head, part_bytes as u64).map_err(js_error)?;
        let mut loader = JsLoader::new(session, Rc::new(RefCell::new(Workspace::new())));
        loader.part = true;
        Ok(loader)
    }

    /// Ends a later part (a loader from `Loader.part`): parses what is left
    /// and answers the part's columns and report for the first part's `addPart`.
    #[wasm_bindgen(js_name = finishPart, unchecked_return_type = "LoadPart")]
    pub fn finish_part(&mut self) -> Result<JsValue, JsValue> {
        self.later_part_only("finishPart")?;
        let Some(session) = self.session.take() else {
            return Err(self.spent());
        };
        let part = session.finish_part().map_err(|e| {
            self.ended = Some(Ended::Failed);
            js_error(e)
        })?;
        self.ended = Some(Ended::Finished);
        part_to_js(part)
    }

    /// Hands out what a later part's loader has read so far (every record
    /// complete so far) as a part of its own, for the first part's `addPart`,
    /// and goes on reading: a long part sent on in pieces, so this instance
    /// never holds more than about one piece's columns. Its `partBytes` is then
    /// a piece's size. Add the parts taken, then `finishPart()`'s, in order.
    #[wasm_bindgen(js_name = takePart, unchecked_return_type = "LoadPart")]
    pub fn take_part(&mut self) -> Result<JsValue, JsValue> {
        self.later_part_only("takePart")?;
        let Some(session) = self.session.as_mut() else {
            return Err(self.spent());
        };
        match session.take_part() {
            Ok(part) => part_to_js(part),
            Err(e) => {
                self.session = None;
                self.ended = Some(Ended::Failed);
                Err(js_error(e))
            }
        }
    }

    /// Appends a later part's rows (parts in file order) to this loader, which
    /// read the file up to where that part starts; then `finish()` as usual.
    ///
    /// @param columns - `columns` of what the part's `finishPart()` answered.
    /// @param report - `report` of it.
    /// @returns `false` when the parts do not join (the split fell inside a
    ///   quoted field, or the text is not plain UTF-8): the loader is then
    ///   spent, and the file is to be read with one loader.
    #[wasm_bindgen(js_name = addPart)]
    pub fn add_part(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array[]")] columns: js_sys::Array,
        #[wasm_bindgen(unchecked_param_type = "LoadPart[\"report\"]")] report: JsValue,
    ) -> Result<bool, JsValue> {
        if self.part {
            return Err(js_error(Error::option(
                "loader",
                "addPart",
                "parts are added to the first part's loader",
            )));
        }
        let report: PartReport = serde_wasm_bindgen::from_value(report)
            .map_err(|e| js_error(Error::option("report", "{…}", e.to_string())))?;
        let Some(session) = self.session.as_mut() else {
            return Err(self.spent());
        };
        // Each column is copied in only when it is added (one at a time in memory),
        // straight from its array: `new Uint8Array(array)` would copy it once more.
        let columns = (0..columns.length()).map(|i| {
            let column = columns.get(i);
            match column.dyn_ref::<js_sys::Uint8Array>() {
                Some(bytes) => bytes.to_vec(),
                None => js_sys::Uint8Array::new(&column).to_vec(),
            }
        });
        match session.add_part(report, columns) {
            Ok(true) => Ok(true),
            Ok(false) => {
                self.session = None;
                self.ended = Some(Ended::Failed);
                Ok(false)
            }
            Err(e) => {
                self.session = None;
                self.ended = Some(Ended::Failed);
                Err(js_error(e))
            }
        }
    }

    /// Ends the file: parses what is left and adds the file to the workspace.
    ///
    /// @returns the load report, as `Workspace.load` returns it.
    /// @throws RapportError as `push` does; the workspace is then unchanged.
    #[wasm_bindgen(unchecked_return_type = "LoadReport")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let Ok(mut ws) = self.workspace.try_borrow_mut() else {
            return Err(js_error(Error::option(
                "loader",
                "finish",
                "the workspace is busy (finish from inside its own load callback)",
            )));
        };
        if self.part {
            return Err(js_error(Error::option(
                "loader",
                "finish",
                "this loader reads a later part: finishPart() it",
            )));
        }
        let Some(session) = self.session.take() else {
            return Err(self.spent());
        };
        match session.finish(&mut ws) {
            Ok(report) => {
                self.ended = Some(Ended::Finished);
                to_js(&report)
            }
            Err(e) => {
                self.ended = Some(Ended::Failed);
                Err(js_error(e))
            }
        }
    }

    /// Drops what was read: the workspace stays as it was. Later calls throw
    /// `CANCELLED`.
    pub fn cancel(&mut self) {
        if self.session.take().is_some() {
            self.ended = Some(Ended::Cancelled);
        }
    }
}

/// A part's columns (each copied out of wasm memory once) and report, as JS.
fn part_to_js(part: crate::ingest::Part) -> Result<JsValue, JsValue> {
    let out = js_sys::Object::new();
    let columns: js_sys::Array = part
        .columns
        .iter()
        .map(|c| js_sys::Uint8Array::from(c.as_slice()))
        .collect();
    js_sys::Reflect::set(&out, &"columns".into(), &columns)?;
    js_sys::Reflect::set(&out, &"report".into(), &to_js(&part.report)?)?;
    Ok(out.into())
}
