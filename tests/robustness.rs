//! Bad input never panics and never loses rows silently: thousands of random,
//! CSV-shaped inputs (quotes, delimiters, line ends, multi-byte text, broken
//! numbers and dates) through the public load API, with the invariants checked
//! on every one. Seeded, so a failure reproduces.

mod common;

use common::{random_input, rng};
use rapport::{report, Entity, LoadOptions, Workspace};

#[test]
fn random_inputs_never_panic_and_rows_always_add_up() {
    let mut rng = rng(20261123);
    let (mut loaded_files, mut errors) = (0, 0);
    for case in 0..5_000 {
        let bytes = random_input(&mut rng);
        let entity = [None, Some(Entity::Orders), Some(Entity::Customers)][case % 3];
        let mut ws = Workspace::new();
        match ws.load(entity, &bytes, &LoadOptions::named("random.csv")) {
            Ok(r) => {
                loaded_files += 1;
                assert_eq!(
                    r.rows_read,
                    r.rows_loaded + r.rows_rejected,
                    "case {case}: {:?}",
                    String::from_utf8_lossy(&bytes)
                );
                assert_eq!(r.rejected.len() as u64, r.rows_rejected, "case {case}");
                for x in r.rejected.iter().chain(&r.nulled) {
                    assert!(
                        x.row >= 2,
                        "case {case}: data rows start on line 2, got {} in {:?}",
                        x.row,
                        String::from_utf8_lossy(&bytes)
                    );
                    assert!(!x.reason.is_empty());
                }
                let _ = report::monthly_revenue(&ws);
                let _ = ws.entity_ipc(r.entity, &Default::default());
            }
            Err(e) => {
                errors += 1;
                assert!(!e.to_string().is_empty());
                assert!(ws.summary().is_empty(), "case {case}: a failed load left data behind");
            }
        }
    }
    // Both paths were exercised.
    assert!(
        loaded_files > 500 && errors > 500,
        "loaded {loaded_files}, errors {errors}"
    );
}
