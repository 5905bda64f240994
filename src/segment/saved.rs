//! Segments saved by name, for `in_segment('Name')` and for the page's list.
//! A saved segment keeps its expression's text and is re-checked and
//! re-evaluated on every use, so it follows the data as files load.

use serde::{Deserialize, Serialize};

use super::expr::{compile_as, Context};
use crate::table::CustomerTable;
use crate::{Error, Result, Workspace};

/// One saved segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSegment {
    pub name: String,
    pub expr: String,
}

/// The saved segments of a session, in the order they were first saved.
#[derive(Debug, Clone, Default)]
pub struct SegmentStore {
    segments: Vec<SavedSegment>,
}

/// Longest segment name accepted.
pub const MAX_NAME: usize = 100;

impl SegmentStore {
    /// The segment named `name` (exactly, else ignoring case).
    pub fn get(&self, name: &str) -> Option<&SavedSegment> {
        self.segments.iter().find(|s| s.name == name).or_else(|| {
            self.segments
                .iter()
                .find(|s| s.name.to_lowercase() == name.to_lowercase())
        })
    }

    /// Every saved segment.
    pub fn iter(&self) -> impl Iterator<Item = &SavedSegment> {
        self.segments.iter()
    }

    /// Number of saved segments.
    pub fn len(&self) -> usize {
        self.segments.len()
    }

    /// Whether none is saved.
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Saves `expr` as `name` (replacing a segment of that name) after checking
    /// it against `table`: an expression that does not check, or that refers
    /// back to `name` through `in_segment`, is refused and nothing changes.
    pub fn save(&mut self, table: &CustomerTable, ws: &Workspace, name: &str, expr: &str) -> Result<()> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME {
            return Err(Error::option(
                "name",
                name,
                format!("a segment needs a name of 1 to {MAX_NAME} characters"),
            ));
        }
        let mut next = self.clone();
        let entry = SavedSegment {
            name: name.to_string(),
            expr: expr.to_string(),
        };
        match next.segments.iter_mut().find(|s| s.name == name) {
            Some(s) => *s = entry,
            None => next.segments.push(entry),
        }
        compile_as(
            &Context {
                table,
                ws,
                segments: &next,
            },
            name,
            expr,
        )?;
        *self = next;
        Ok(())
    }

    /// Removes the segment named `name`; answers whether there was one.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.segments.len();
        self.segments.retain(|s| s.name != name);
        before != self.segments.len()
    }
}

impl Workspace {
    /// The segments saved in this workspace.
    pub fn segments(&self) -> &SegmentStore {
        &self.segments
    }

    /// The evaluation context over the customer table as last built
    /// ([`Workspace::customers`]) and this workspace's saved segments.
    pub fn segment_context(&self) -> Result<Context<'_>> {
        let table = self.customer_table().ok_or_else(|| {
            Error::MissingData("the customer table is not built: load data and build it first".into())
        })?;
        Ok(Context {
            table,
            ws: self,
            segments: &self.segments,
        })
    }

    /// Saves a segment in this workspace, checked against the customer table
    /// as last built; see [`SegmentStore::save`].
    pub fn save_segment(&mut self, name: &str, expr: &str) -> Result<()> {
        let ctx = self.segment_context()?;
        let mut store = self.segments.clone();
        store.save(ctx.table, self, name, expr)?;
        self.segments = store;
        Ok(())
    }

    /// Removes the saved segment `name`; answers whether there was one.
    pub fn remove_segment(&mut self, name: &str) -> bool {
        self.segments.remove(name)
    }
}
