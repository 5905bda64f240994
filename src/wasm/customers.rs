//! `Workspace` methods over the customer table: the table itself, RFM and
//! audiences. (A separate `impl` block of the same JS class.)

use wasm_bindgen::prelude::*;

use super::convert::{from_js, js_error, to_js};
use super::types::{
    JsAudienceOptions, JsCustomerOptions, JsExportOptions, JsMovementOptions, JsPageOptions, JsRfmOptions,
};
use super::workspace::JsWorkspace;
use crate::campaign::{self, AudienceParams, ExportOptions};
use crate::segment::rfm::{self, RfmParams};
use crate::table::customers::{page, CustomerParams, PageParams};
use crate::Error;

/// Today as days since 1970-01-01, from the browser's clock.
pub(super) fn today() -> i32 {
    (js_sys::Date::now() / 86_400_000.0).floor() as i32
}

const AUDIENCE_KEYS: [&str; 11] = [
    "segment",
    "channel",
    "includeWithoutConsent",
    "suppressHardBounces",
    "suppressUnsubscribed",
    "complainedWithinDays",
    "contactedWithinDays",
    "controlFraction",
    "controlSize",
    "stratifyBy",
    "seed",
];

#[wasm_bindgen(js_class = Workspace)]
impl JsWorkspace {
    /// The customer table as Arrow IPC stream bytes: one row per customer,
    /// `customer_id` then every column computed so far (base features, and
    /// those added by `rfm()` and other analyses) or only `columns`.
    ///
    /// @param options - `{ columns?: string[], asOf?: "YYYY-MM-DD" }`; `asOf`
    ///   (default: the last order date) rebuilds the table when it changes.
    pub fn customers(&mut self, options: Option<JsCustomerOptions>) -> Result<Vec<u8>, JsValue> {
        let mut guard = self.ws()?;
        let ws = &mut *guard;
        #[derive(serde::Deserialize, Default)]
        #[serde(rename_all = "camelCase", default)]
        struct Opts {
            columns: Option<Vec<String>>,
            as_of: Option<String>,
        }
        let o: Opts = from_js("options", options.map(JsValue::from), &["columns", "asOf"])?;
        let t = ws
            .customers(&CustomerParams { as_of: o.as_of }, today())
            .map_err(js_error)?;
        t.to_ipc(o.columns.as_deref(), None).map_err(js_error)
    }

    /// One page of a customer list as Arrow IPC: the customers of `segment`
    /// (default: all), sorted by `sortBy` (nulls last), `offset` and `limit`
    /// (default 100) rows, `customer_id` and `columns` (default: all).
    #[wasm_bindgen(js_name = customerPage)]
    pub fn customer_page(&mut self, options: Option<JsPageOptions>) -> Result<Vec<u8>, JsValue> {
        let mut guard = self.ws()?;
        let ws = &mut *guard;
        let p: PageParams = from_js(
            "options",
            options.map(JsValue::from),
            &["segment", "columns", "sortBy", "descending", "offset", "limit"],
        )?;
        let rows = crate::segment::rows_of(ws, p.segment.as_deref(), today()).map_err(js_error)?;
        let table = ws.customers(&self_params(), today()).map_err(js_error)?;
        let rows = page(
            table,
            rows,
            p.sort_by.as_deref(),
            p.descending,
            p.offset,
            p.limit.unwrap_or(100),
        )
        .map_err(js_error)?;
        table.to_ipc(p.columns.as_deref(), Some(&rows)).map_err(js_error)
    }

    /// The customer table's columns: name, kind (`number`, `date`, `bool`,
    /// `text`, `category`), meaning and null count.
    #[wasm_bindgen(js_name = customerColumns, unchecked_return_type = "CustomerColumn[]")]
    pub fn customer_columns(&mut self) -> Result<JsValue, JsValue> {
        let mut guard = self.ws()?;
        let ws = &mut *guard;
        let t = ws.customers(&self_params(), today()).map_err(js_error)?;
        to_js(&t.describe())
    }

    /// RFM scores for every customer; adds `rfm_r`, `rfm_f`, `rfm_m`,
    /// `rfm_score` and `rfm_segment` to the customer table.
    ///
    /// @param options - `{ asOf, windowDays, scheme: "standard" | "three", lostAfterDays }`.
    /// @returns segment sizes, revenue shares and averages, and the R × F grid.
    #[wasm_bindgen(unchecked_return_type = "RfmReport")]
    pub fn rfm(&mut self, options: Option<JsRfmOptions>) -> Result<JsValue, JsValue> {
        let mut guard = self.ws()?;
        let ws = &mut *guard;
        let params: RfmParams = from_js(
            "options",
            options.map(JsValue::from),
            &["asOf", "windowDays", "scheme", "lostAfterDays"],
        )?;
        let opts = params.check(ws).map_err(js_error)?;
        let scores = rfm::score(ws, &opts);
        let report = rfm::report(&scores);
        let table = ws.customers(&self_params(), today()).map_err(js_error)?;
        for f in rfm::columns(&scores) {
            table.add(f).map_err(js_error)?;
        }
        to_js(&report)
    }

    /// Who moved between RFM segments from one reference date to another.
    ///
    /// @param options - `{ from: "YYYY-MM-DD", to: "YYYY-MM-DD", windowDays?, scheme?, lostAfterDays? }`.
    /// @returns `{ fromDate, toDate, segments, counts }` where `counts[i][j]`
    ///   customers were in `segments[i]` then and in `segments[j]` later.
    #[wasm_bindgen(js_name = rfmMovement, unchecked_return_type = "RfmMovement")]
    pub fn rfm_movement(&self, options: JsMovementOptions) -> Result<JsValue, JsValue> {
        let mut guard = self.ws()?;
        let ws = &mut *guard;
        #[derive(serde::Deserialize, Default)]
        #[serde(rename_all = "camelCase", default)]
        struct Opts {
            from: Option<String>,
            to: Option<String>,
            window_days: Option<u32>,
            scheme: Option<String>,
            lost_after_days: Option<u32>,
        }
        let o: Opts = from_js(
            "options",
            Some(JsValue::from(options)),
            &["from", "to", "windowDays", "scheme", "lostAfterDays"],
        )?;
        let at = |date: Option<String>, field: &str| {
            let date = date.ok_or_else(|| js_error(Error::option(field, "", "a date YYYY-MM-DD is required")))?;
            RfmParams {
                as_of: Some(date),
                window_days: o.window_days,
                scheme: o.scheme.clone(),
                lost_after_days: o.lost_after_days,
            }
            .check(ws)
            .map_err(js_error)
        };
        let (a, b) = (at(o.from.clone(), "from")?, at(o.to.clone(), "to")?);
        to_js(&rfm::movement(&rfm::score(ws, &a), &rfm::score(ws, &b)))
    }

    /// Builds a campaign audience: the segment's customers with consent for
    /// the channel, minus suppressions, split into target and a random
    /// control group. Give the reported `seed` again to rebuild it exactly.
    ///
    /// @returns counts per exclusion reason, target and control sizes, the
    ///   seed and a fingerprint of the data.
    #[wasm_bindgen(unchecked_return_type = "Audience")]
    pub fn audience(&mut self, options: Option<JsAudienceOptions>) -> Result<JsValue, JsValue> {
        let params: AudienceParams = from_js("options", options.map(JsValue::from), &AUDIENCE_KEYS)?;
        to_js(&self.build_audience(&params)?)
    }

    /// An audience as CSV (`customer_id`, `group`, then the chosen columns),
    /// safe against spreadsheet formula injection.
    ///
    /// @param options - the audience options (with the `seed` it reported).
    /// @param exportOptions - `{ columns?, hashEmails?, groups?: "target" | "control" | "both" }`.
    #[wasm_bindgen(js_name = audienceCsv)]
    pub fn audience_csv(
        &mut self,
        options: Option<JsAudienceOptions>,
        #[wasm_bindgen(js_name = exportOptions)] export_options: Option<JsExportOptions>,
    ) -> Result<String, JsValue> {
        let params: AudienceParams = from_js("options", options.map(JsValue::from), &AUDIENCE_KEYS)?;
        let export: ExportOptions = from_js(
            "exportOptions",
            export_options.map(JsValue::from),
            &["columns", "hashEmails", "groups"],
        )?;
        let audience = self.build_audience(&params)?;
        let mut guard = self.ws()?;
        let table = guard.customers(&self_params(), today()).map_err(js_error)?;
        campaign::export_csv(table, &audience, &export).map_err(js_error)
    }
}

impl JsWorkspace {
    fn build_audience(&mut self, params: &AudienceParams) -> Result<campaign::Audience, JsValue> {
        let mut guard = self.ws()?;
        let ws = &mut *guard;
        let candidates = crate::segment::rows_of(ws, params.segment.as_deref(), today()).map_err(js_error)?;
        let table = ws.customers(&self_params(), today()).map_err(js_error)?;
        let opts = params.check(table).map_err(js_error)?;
        Ok(campaign::build(table, &candidates, &opts))
    }
}

/// The customer table as it stands (built with the default reference date).
fn self_params() -> CustomerParams {
    CustomerParams::default()
}
