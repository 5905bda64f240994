//! The workspace: every loaded entity table plus the shared key dictionaries.

use serde::Serialize;

use super::column::{Column, ParsedColumn};
use super::customers::{self, CustomerParams, CustomerTable};
use super::keys::KeyDict;
use crate::ingest::{Entity, LoadOptions, LoadReport, LoadSession, ParsedTable, Progress};
use crate::{Error, Result};

/// Pieces [`Workspace::load`] feeds a load session: progress is reported (and
/// cancellation checked) between them, and the parse function, called again
/// and again, is what a wasm engine optimises (V8 tiers up a function between
/// calls, never inside a long-running one).
const LOAD_CHUNK: usize = 1 << 20;

/// One loaded file of one entity.
#[derive(Debug, Clone)]
pub struct EntityTable {
    pub entity: Entity,
    pub file: String,
    pub source: String,
    pub rows: usize,
    /// Name, whether it is a canonical field (else an attribute), data.
    pub columns: Vec<(String, bool, Column)>,
}

impl EntityTable {
    /// The canonical field `name`, if this file has it.
    pub fn field(&self, name: &str) -> Option<&Column> {
        self.columns
            .iter()
            .find(|(n, canonical, _)| *canonical && n == name)
            .map(|(_, _, c)| c)
    }
}

/// A line of [`Workspace::summary`].
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TableSummary {
    pub entity: Entity,
    pub files: usize,
    pub rows: usize,
    pub columns: Vec<String>,
}

/// Everything loaded in one session of analysis.
#[derive(Debug, Default)]
pub struct Workspace {
    tables: Vec<EntityTable>,
    customer_keys: KeyDict,
    order_keys: KeyDict,
    /// The customer table, built on first use; any load or removal drops it.
    customers: Option<CustomerTable>,
    /// Segments saved by name (see `crate::segment::saved`); loads keep them.
    pub(crate) segments: crate::segment::SegmentStore,
    /// The loyalty rules last used (`crate::loyalty::loyalty`); loads keep them.
    pub(crate) loyalty_rules: Option<crate::loyalty::LoyaltyRules>,
    /// Fitted propensity models keyed by their score column (`crate::models::propensity`).
    pub(crate) propensity_models: Vec<crate::models::propensity::PropensityModel>,
}

impl Workspace {
    /// An empty workspace.
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads one file; see [`Workspace::load_with_progress`].
    pub fn load(&mut self, entity: Option<Entity>, bytes: &[u8], opts: &LoadOptions) -> Result<LoadReport> {
        self.load_with_progress(entity, bytes, opts, &mut |_| true)
    }

    /// Parses a file of `entity` (recognised from its headers when `None`) and
    /// appends it to that entity's tables. `progress` is called about every
    /// megabyte; returning `false` cancels. A failed or cancelled load leaves the
    /// workspace exactly as it was. The bytes go through the same
    /// [`LoadSession`] as a file read piece by piece, in pieces of 1 MiB.
    pub fn load_with_progress(
        &mut self,
        entity: Option<Entity>,
        bytes: &[u8],
        opts: &LoadOptions,
        progress: &mut dyn FnMut(Progress) -> bool,
    ) -> Result<LoadReport> {
        let mut session = self.begin_load(entity, opts, Some(bytes.len() as u64));
        for chunk in bytes.chunks(LOAD_CHUNK) {
            if !progress(session.push(chunk)?) {
                return Err(Error::Cancelled);
            }
        }
        session.finish(self)
    }

    /// Starts loading a file that comes in pieces (e.g. read from a stream):
    /// push them in order, then [`LoadSession::finish`] into this workspace;
    /// dropping the session cancels. `total_bytes`, when known, sizes the
    /// columns so they end no bigger than needed. The workspace is not touched
    /// until `finish` succeeds.
    ///
    /// ```
    /// # use rapport::{LoadOptions, Workspace};
    /// let mut ws = Workspace::new();
    /// let file = b"order_id,customer_id,order_date,amount\nO1,C1,2024-01-05,10\n";
    /// let mut session = ws.begin_load(None, &LoadOptions::named("orders.csv"), Some(file.len() as u64));
    /// for piece in file.chunks(7) {
    ///     session.push(piece)?;
    /// }
    /// let report = session.finish(&mut ws)?;
    /// assert_eq!(report.rows_loaded, 1);
    /// # Ok::<(), rapport::Error>(())
    /// ```
    pub fn begin_load(&self, entity: Option<Entity>, opts: &LoadOptions, total_bytes: Option<u64>) -> LoadSession {
        LoadSession::new(entity, opts, total_bytes)
    }

    /// Appends a parsed file, merging its keys into the workspace's dictionaries.
    pub(crate) fn add_parsed(&mut self, parsed: ParsedTable, report: &LoadReport) {
        let columns = parsed
            .columns
            .into_iter()
            .map(|(name, canonical, col)| {
                let col = match col {
                    ParsedColumn::Ready(c) => c,
                    ParsedColumn::Keys { keys, local, order } => {
                        let dict = if order {
                            &mut self.order_keys
                        } else {
                            &mut self.customer_keys
                        };
                        // The first file of a key domain gives its dictionary as is (no
                        // re-interning of millions of ids); later files are merged into it.
                        let global = if dict.is_empty() {
                            *dict = local;
                            keys
                        } else {
                            let remap = local.merge_into(dict);
                            keys.unary::<_, arrow_array::types::UInt32Type>(|k| {
                                remap.get(k as usize).copied().unwrap_or(k)
                            })
                        };
                        if order {
                            Column::OrderKey(global)
                        } else {
                            Column::CustomerKey(global)
                        }
                    }
                };
                (name, canonical, col)
            })
            .collect();
        self.customers = None;
        self.tables.push(EntityTable {
            entity: parsed.entity,
            file: report.file.clone(),
            source: parsed.source,
            rows: parsed.rows,
            columns,
        });
    }

    /// Bytes of memory the loaded data holds: the Arrow buffers of every
    /// column of every table, and the key dictionaries.
    pub fn columnar_bytes(&self) -> usize {
        let columns: usize = self
            .tables
            .iter()
            .flat_map(|t| t.columns.iter())
            .map(|(_, _, c)| c.memory_bytes())
            .sum();
        columns + self.customer_keys.memory_bytes() + self.order_keys.memory_bytes()
    }

    /// Removes every table loaded from a file named `file` (to load it again,
    /// say with another mapping); answers how many rows went. Interned ids stay
    /// in the dictionaries, unreferenced.
    pub fn remove_file(&mut self, file: &str) -> usize {
        self.customers = None;
        let before: usize = self.tables.iter().map(|t| t.rows).sum();
        self.tables.retain(|t| t.file != file);
        before - self.tables.iter().map(|t| t.rows).sum::<usize>()
    }

    /// The loaded tables of `entity`, in load order.
    pub fn tables(&self, entity: Entity) -> impl Iterator<Item = &EntityTable> {
        self.tables.iter().filter(move |t| t.entity == entity)
    }

    /// The customer-id dictionary (dense customer index).
    pub fn customer_keys(&self) -> &KeyDict {
        &self.customer_keys
    }

    /// The order-id dictionary.
    pub fn order_keys(&self) -> &KeyDict {
        &self.order_keys
    }

    /// The customer table, building it (reference date from `params`, else the
    /// last order date, else `today`) when it is not built yet or `params` sets
    /// another reference date than it has. Analyses add their columns to it.
    pub fn customers(&mut self, params: &CustomerParams, today: i32) -> Result<&mut CustomerTable> {
        let stale = match (&self.customers, &params.as_of) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(c), Some(_)) => c.as_of != params.as_of(self, today)?,
        };
        if stale {
            let as_of = params.as_of(self, today)?;
            self.customers = Some(customers::build(self, as_of)?);
        }
        self.customers
            .as_mut()
            .ok_or_else(|| crate::Error::MissingData("the customer table could not be built".into()))
    }

    /// The workspace as it was at the end of day `as_of`: every order line,
    /// campaign event, consent, ticket, survey and web event dated after it is
    /// left out (customers files, campaigns and spend are kept whole). Same key
    /// dictionaries, so customer-table row `i` is the same customer in both.
    /// Models fit on it (features as of a cut-off) and score the workspace
    /// itself. Saved segments, rules and models are not carried over.
    pub fn snapshot(&self, as_of: i32) -> Result<Workspace> {
        let tables = self
            .tables
            .iter()
            .map(|t| {
                let field = match t.entity {
                    Entity::Orders => "order_date",
                    Entity::CampaignEvents | Entity::WebEvents => "timestamp",
                    Entity::Consents => "updated_at",
                    Entity::Tickets => "opened_at",
                    Entity::Surveys => "answered_at",
                    _ => return Ok(t.clone()),
                };
                let Some(dates) = t.field(field) else {
                    return Ok(t.clone());
                };
                let keep: Vec<u32> = (0..t.rows)
                    .filter(|&i| customers::day_at(dates, i).is_none_or(|d| d <= as_of))
                    .map(|i| i as u32)
                    .collect();
                if keep.len() == t.rows {
                    return Ok(t.clone());
                }
                let columns = t
                    .columns
                    .iter()
                    .map(|(n, canonical, c)| Ok((n.clone(), *canonical, c.take(&keep)?)))
                    .collect::<Result<_>>()?;
                Ok(EntityTable {
                    entity: t.entity,
                    file: t.file.clone(),
                    source: t.source.clone(),
                    rows: keep.len(),
                    columns,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Workspace {
            tables,
            customer_keys: self.customer_keys.clone(),
            order_keys: self.order_keys.clone(),
            ..Workspace::default()
        })
    }

    /// The loyalty rules last used, if any.
    pub fn loyalty_rules(&self) -> Option<&crate::loyalty::LoyaltyRules> {
        self.loyalty_rules.as_ref()
    }

    /// The customer table as last built, if any.
    pub fn customer_table(&self) -> Option<&CustomerTable> {
        self.customers.as_ref()
    }

    /// Rows and columns per loaded entity.
    pub fn summary(&self) -> Vec<TableSummary> {
        let mut out: Vec<TableSummary> = Vec::new();
        for t in &self.tables {
            let line = match out.iter_mut().position(|s| s.entity == t.entity) {
                Some(i) => &mut out[i],
                None => {
                    out.push(TableSummary {
                        entity: t.entity,
                        files: 0,
                        rows: 0,
                        columns: Vec::new(),
                    });
                    let last = out.len() - 1;
                    &mut out[last]
                }
            };
            line.files += 1;
            line.rows += t.rows;
            for (name, _, _) in &t.columns {
                if !line.columns.contains(name) {
                    line.columns.push(name.clone());
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDERS: &str = "order_id,customer_id,order_date,amount,note\nO1,C1,2024-01-05,10.50,a\nO1,C1,2024-01-05,2,\nO2,C2,2024-02-01,oops,b\nO3,,2024-02-02,1,c\nO4,C2,2024-02-30,5,d\n";

    #[test]
    fn rows_read_equal_loaded_plus_rejected_and_each_reject_says_where() {
        let mut ws = Workspace::new();
        let r = ws
            .load(None, ORDERS.as_bytes(), &LoadOptions::named("orders.csv"))
            .unwrap();
        assert_eq!(r.entity, Entity::Orders);
        assert_eq!((r.rows_read, r.rows_loaded, r.rows_rejected), (5, 2, 3));
        assert_eq!(r.rows_read, r.rows_loaded + r.rows_rejected);
        let at: Vec<(u64, Option<&str>)> = r.rejected.iter().map(|x| (x.row, x.column.as_deref())).collect();
        assert_eq!(
            at,
            vec![(4, Some("amount")), (5, Some("customer_id")), (6, Some("order_date"))]
        );
        assert_eq!(r.rejected[0].value, "oops");
        assert_eq!(ws.customer_keys().len(), 1);
    }

    #[test]
    fn removing_a_file_drops_its_rows_and_only_its() {
        let mut ws = Workspace::new();
        ws.load(None, b"customer_id\nC1\nC2\n", &LoadOptions::named("a.csv"))
            .unwrap();
        ws.load(None, b"customer_id\nC3\n", &LoadOptions::named("b.csv"))
            .unwrap();
        assert_eq!(ws.remove_file("a.csv"), 2);
        assert_eq!(ws.remove_file("a.csv"), 0);
        assert_eq!(ws.summary()[0].rows, 1);
    }

    #[test]
    fn a_failed_load_leaves_the_workspace_unchanged() {
        let mut ws = Workspace::new();
        ws.load(None, ORDERS.as_bytes(), &LoadOptions::named("orders.csv"))
            .unwrap();
        let before = ws.summary();
        let err = ws
            .load(Some(Entity::Orders), b"x,y\n1,2\n", &LoadOptions::named("bad.csv"))
            .unwrap_err();
        assert!(matches!(err, Error::Ingest { .. }), "{err}");
        let cancelled = ws.load_with_progress(
            None,
            "a".repeat(3 << 20).as_bytes(),
            &LoadOptions::named("big.csv"),
            &mut |_| false,
        );
        assert!(cancelled.is_err());
        assert_eq!(format!("{before:?}"), format!("{:?}", ws.summary()));
        assert_eq!(ws.customer_keys().len(), 1);
    }

    #[test]
    fn files_of_one_entity_append_and_share_customer_keys() {
        let mut ws = Workspace::new();
        ws.load(
            None,
            b"customer_id,email\nC1,a@x.se\nC2,b@x.se\n",
            &LoadOptions::named("customers_shop.csv"),
        )
        .unwrap();
        let r = ws
            .load(
                None,
                b"Kundnummer;E-post\nC2;b@x.se\nC3;c@x.se\n",
                &LoadOptions::named("crm.csv"),
            )
            .unwrap();
        assert_eq!(r.entity, Entity::Customers);
        assert_eq!(r.dialect.delimiter, ';');
        assert_eq!(r.source, "crm");
        let s = ws.summary();
        assert_eq!((s[0].files, s[0].rows), (2, 4));
        assert_eq!(ws.customer_keys().len(), 3);
    }

    #[test]
    fn an_unparsable_optional_cell_is_nulled_and_reported() {
        let mut ws = Workspace::new();
        let r = ws
            .load(
                None,
                b"order_id,customer_id,order_date,amount,quantity\nO1,C1,2024-01-01,5,two\n",
                &LoadOptions::named("o.csv"),
            )
            .unwrap();
        assert_eq!(r.rows_loaded, 1);
        assert_eq!(r.nulled.len(), 1);
        assert_eq!(
            (
                r.nulled[0].row,
                r.nulled[0].column.as_deref(),
                r.nulled[0].value.as_str()
            ),
            (2, Some("quantity"), "two")
        );
    }

    #[test]
    fn mapping_overrides_apply_and_bad_ones_name_the_field() {
        let mut ws = Workspace::new();
        let mut opts = LoadOptions::named("x.csv");
        opts.mapping.insert("Kund".into(), "customer_id".into());
        opts.mapping.insert("När".into(), "order_date".into());
        opts.mapping.insert("Summa".into(), "amount".into());
        let r = ws
            .load(
                Some(Entity::Orders),
                "Kund,När,Summa\nK1,2024-03-01,9\n".as_bytes(),
                &opts,
            )
            .unwrap();
        assert_eq!(r.rows_loaded, 1);
        opts.mapping.insert("Summa".into(), "amout".into());
        let err = ws
            .load(
                Some(Entity::Orders),
                "Kund,När,Summa\nK1,2024-03-01,9\n".as_bytes(),
                &opts,
            )
            .unwrap_err();
        assert!(
            matches!(err, Error::Options { ref field, .. } if field == "mapping"),
            "{err}"
        );
        assert!(err.to_string().contains("amout"));
    }

    #[test]
    fn ragged_rows_are_rejected_but_a_trailing_delimiter_is_not() {
        let mut ws = Workspace::new();
        let r = ws
            .load(
                None,
                b"customer_id,email\nC1,a@x\nC2\nC3,c@x,\n\n",
                &LoadOptions::named("customers.csv"),
            )
            .unwrap();
        assert_eq!((r.rows_read, r.rows_loaded, r.rows_rejected), (3, 2, 1));
        assert_eq!(r.rejected[0].reason, "expected 2 fields, found 1");
        assert_eq!(r.rejected[0].row, 3);
    }
}
