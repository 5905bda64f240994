//! `Loader`: the JS handle on a core [`crate::LoadSession`], a load fed piece by piece.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::convert::{js_error, to_js};
use crate::{Error, LoadSession, Workspace};

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
}

impl JsLoader {
    pub(super) fn new(session: LoadSession, workspace: Rc<RefCell<Workspace>>) -> Self {
        JsLoader {
            session: Some(session),
            workspace,
            ended: None,
        }
    }

    fn spent(&self) -> JsValue {
        js_error(match self.ended {
            Some(Ended::Cancelled) => Error::Cancelled,
            Some(Ended::Finished) => Error::option("loader", "finished", "this load is finished; begin another"),
            _ => Error::option("loader", "failed", "this load failed; begin another"),
        })
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
