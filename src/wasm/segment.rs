//! `Workspace` segment methods: the selection language from JS. Positions
//! cross the boundary as JS string indexes (UTF-16 code units), so `err.at`
//! and `completion.from` index the expression string as given.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::convert::{js_error, to_js};
use super::workspace::JsWorkspace;
use crate::segment::{complete, count, select, Context};
use crate::table::customers::CustomerParams;
use crate::Error;
use crate::Workspace;

/// The JS string index of byte `at` of `text`.
fn utf16_at(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    text[..at].encode_utf16().count()
}

/// The byte offset of JS string index `index` of `text`.
fn byte_at(text: &str, index: usize) -> usize {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units >= index {
            return i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// An error of expression `text` with its position as a JS string index.
fn expr_error(text: &str, err: Error) -> JsValue {
    js_error(match err {
        Error::Expr {
            at,
            message,
            suggestion,
        } => Error::Expr {
            at: utf16_at(text, at),
            message,
            suggestion,
        },
        other => other,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SavedSegmentInfo {
    name: String,
    expr: String,
    count: Option<usize>,
    error: Option<String>,
}

impl JsWorkspace {
    /// Builds the customer table when it is not built (reference date: the
    /// last order, else today) and answers the evaluation context. A built
    /// table is current: every load drops it. Not re-deriving the reference
    /// date (a scan of every order date) keeps the live count cheap.
    fn context(ws: &mut Workspace) -> Result<Context<'_>, JsValue> {
        if ws.customer_table().is_none() {
            let today = (js_sys::Date::now() / 86_400_000.0).floor() as i32;
            ws.customers(&CustomerParams::default(), today).map_err(js_error)?;
        }
        ws.segment_context().map_err(js_error)
    }
}

#[wasm_bindgen(js_class = Workspace)]
impl JsWorkspace {
    /// How many customers an expression selects — fast enough to run on every
    /// keystroke (no ids are materialised).
    ///
    /// ```js
    /// ws.segmentCount("order_count >= 3 and recency_days <= 90 and country in ('SE', 'DE')");
    /// ```
    /// @param expr - a selection expression (README, "Selection language").
    /// @returns the number of customers selected.
    /// @throws RapportError `EXPR` with `at` (string index) and, for a misspelt
    ///   name, `suggestion`; `MISSING_DATA` when nothing with customer ids is loaded.
    #[wasm_bindgen(js_name = segmentCount)]
    pub fn segment_count(&mut self, expr: &str) -> Result<f64, JsValue> {
        let mut guard = self.ws()?;
        let ctx = Self::context(&mut guard)?;
        count(&ctx, expr).map(|n| n as f64).map_err(|e| expr_error(expr, e))
    }

    /// An expression's segment in brief.
    ///
    /// @returns `{ count, total, expr, asOf }`.
    /// @throws RapportError `EXPR` with `at`, as `segmentCount`.
    #[wasm_bindgen(unchecked_return_type = "SegmentSummary")]
    pub fn segment(&mut self, expr: &str) -> Result<JsValue, JsValue> {
        let mut guard = self.ws()?;
        let ctx = Self::context(&mut guard)?;
        let seg = select(&ctx, expr).map_err(|e| expr_error(expr, e))?;
        to_js(&seg.summary(&ctx, expr))
    }

    /// The selected customers as Arrow IPC stream bytes (`tableFromIPC` of
    /// `apache-arrow`): `customer_id`, then the chosen customer-table columns.
    ///
    /// @param expr - a selection expression.
    /// @param columns - customer-table columns to add (none by default).
    #[wasm_bindgen(js_name = segmentIds)]
    pub fn segment_ids(&mut self, expr: &str, columns: Option<Vec<String>>) -> Result<Vec<u8>, JsValue> {
        let mut guard = self.ws()?;
        let ctx = Self::context(&mut guard)?;
        let seg = select(&ctx, expr).map_err(|e| expr_error(expr, e))?;
        let columns = columns.unwrap_or_default();
        ctx.table.to_ipc(Some(&columns), Some(&seg.rows)).map_err(js_error)
    }

    /// Saves an expression under a name, for `in_segment('name')` and
    /// `segments()`; a segment of the same name is replaced. An expression that
    /// does not check, or refers back to itself, is refused and nothing changes.
    ///
    /// @returns `{ name, expr, count, error: null }`.
    #[wasm_bindgen(js_name = saveSegment, unchecked_return_type = "SavedSegmentInfo")]
    pub fn save_segment(&mut self, name: &str, expr: &str) -> Result<JsValue, JsValue> {
        let mut guard = self.ws()?;
        Self::context(&mut guard)?;
        guard.save_segment(name, expr).map_err(|e| expr_error(expr, e))?;
        let ctx = guard.segment_context().map_err(js_error)?;
        let n = count(&ctx, expr).map_err(|e| expr_error(expr, e))?;
        to_js(&SavedSegmentInfo {
            name: name.trim().to_string(),
            expr: expr.to_string(),
            count: Some(n),
            error: None,
        })
    }

    /// The saved segments with their counts now; one that no longer evaluates
    /// (a column it uses is gone) has `count: null` and the reason in `error`.
    #[wasm_bindgen(unchecked_return_type = "SavedSegmentInfo[]")]
    pub fn segments(&mut self) -> Result<JsValue, JsValue> {
        let mut guard = self.ws()?;
        let ctx = Self::context(&mut guard)?;
        let list: Vec<SavedSegmentInfo> = ctx
            .segments
            .iter()
            .map(|s| {
                let n = count(&ctx, &s.expr);
                SavedSegmentInfo {
                    name: s.name.clone(),
                    expr: s.expr.clone(),
                    count: n.as_ref().ok().copied(),
                    error: n.err().map(|e| e.to_string()),
                }
            })
            .collect();
        to_js(&list)
    }

    /// Completions for an expression editor at the cursor: columns (with their
    /// type and meaning), functions (with their signature) and keywords that
    /// fit there.
    ///
    /// @param text - the expression so far.
    /// @param cursor - the cursor as a string index.
    /// @returns `[{ label, kind, detail, from }]`; `label` replaces `text.slice(from, cursor)`.
    #[wasm_bindgen(js_name = completeSegment, unchecked_return_type = "Completion[]")]
    pub fn complete_segment(&mut self, text: &str, cursor: u32) -> Result<JsValue, JsValue> {
        let mut guard = self.ws()?;
        let ctx = Self::context(&mut guard)?;
        let mut list = complete(ctx.table, text, byte_at(text, cursor as usize));
        for c in &mut list {
            c.from = utf16_at(text, c.from);
        }
        to_js(&list)
    }
}
