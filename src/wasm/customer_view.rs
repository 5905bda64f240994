//! `Workspace.customerView` and `findCustomers`: the 360° view of one customer.

use wasm_bindgen::prelude::*;

use super::convert::{from_js, js_error, to_js};
use super::customers::today;
use super::workspace::JsWorkspace;
use crate::customer_view::{self, ViewOptions};
use crate::table::customers::CustomerParams;
use crate::Error;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Options of `customerView` (`crate::customer_view::ViewOptions`). */
export interface CustomerViewOptions {
  /** Records shown per entity and timeline events, newest first (default 50, at most 10,000). */
  limit?: number;
}

/** A cell as shown: dates `YYYY-MM-DD`, timestamps `YYYY-MM-DDTHH:MM:SSZ`. */
export type CellValue = string | number | boolean | null;

/** One row of a file (`crate::customer_view::Record`): every column, canonical or not. */
export interface CustomerRecord { file: string; source: string; date: string | null; fields: Record<string, CellValue>; }

/** A customer's rows in one entity, newest first; `total` counts all of them. */
export interface EntityHistory { total: number; records: CustomerRecord[]; }

/** One customer-table column of this customer. */
export interface CustomerAttribute { name: string; kind: string; about: string; value: CellValue; }

/** The complaint history's summary. */
export interface ComplaintSummary {
  tickets: number; complaints: number; open: number;
  meanResolutionDays: number | null; lastComplaint: string | null;
}

/** One line of the merged timeline. */
export interface TimelineEvent {
  date: string;
  kind: "order" | "return" | "complaint" | "ticket" | "survey" | "consent" | "campaign";
  summary: string;
}

/** The 360° view of one customer (`crate::customer_view::CustomerView`). */
export interface CustomerView {
  customerId: string;
  /** Every customer-table column (features, and scores analyses added). */
  attributes: CustomerAttribute[];
  profiles: EntityHistory; orders: EntityHistory; tickets: EntityHistory;
  complaints: ComplaintSummary;
  surveys: EntityHistory; consents: EntityHistory; campaignEvents: EntityHistory; webEvents: EntityHistory;
  timeline: TimelineEvent[];
}

/** A match of `findCustomers`. */
export interface CustomerMatch { customerId: string; name: string | null; email: string | null; }
"#;

#[wasm_bindgen]
extern "C" {
    /// A `CustomerViewOptions` object.
    #[wasm_bindgen(typescript_type = "CustomerViewOptions")]
    pub type JsCustomerViewOptions;
}

#[wasm_bindgen(js_class = Workspace)]
impl JsWorkspace {
    /// The 360° view of one customer: every customer-table column (including
    /// the scores of analyses run so far), each source system's profile row,
    /// orders, tickets with the complaint summary, surveys, consents, campaign
    /// and web events, and one timeline, newest first.
    ///
    /// @param customerId - the id as in the loaded files.
    /// @param options - `{ limit? }` records per entity (default 50).
    /// @throws RapportError `OPTIONS` (field `customerId`) for an unknown id.
    #[wasm_bindgen(js_name = customerView, unchecked_return_type = "CustomerView")]
    pub fn customer_view(
        &mut self,
        #[wasm_bindgen(js_name = customerId)] customer_id: &str,
        options: Option<JsCustomerViewOptions>,
    ) -> Result<JsValue, JsValue> {
        let mut guard = self.ws()?;
        let ws = &mut *guard;
        let o: ViewOptions = from_js("options", options.map(JsValue::from), &["limit"])?;
        let params = o.check().map_err(js_error)?;
        ws.customers(&CustomerParams::default(), today()).map_err(js_error)?;
        let table = ws
            .customer_table()
            .ok_or_else(|| js_error(Error::MissingData("no customer table".into())))?;
        to_js(&customer_view::customer_view(ws, table, customer_id, params).map_err(js_error)?)
    }

    /// Customers whose id, name, e-mail, phone or city contains `query`
    /// (case-insensitive; an exact id first).
    ///
    /// @param limit - at most this many (default 20).
    #[wasm_bindgen(js_name = findCustomers, unchecked_return_type = "CustomerMatch[]")]
    pub fn find_customers(&mut self, query: &str, limit: Option<u32>) -> Result<JsValue, JsValue> {
        let mut guard = self.ws()?;
        let ws = &mut *guard;
        let table = ws.customers(&CustomerParams::default(), today()).map_err(js_error)?;
        to_js(&customer_view::find(table, query, limit.unwrap_or(20) as usize))
    }
}
