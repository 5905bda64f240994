//! Bad input never panics and never loses rows silently: thousands of random,
//! CSV-shaped inputs (quotes, delimiters, line ends, multi-byte text, broken
//! numbers and dates) through the public load API, with the invariants checked
//! on every one. Seeded, so a failure reproduces.

mod common;

use common::{random_input, rng};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rapport::ingest::SAMPLE_TEXT;
use rapport::{report, Entity, LoadOptions, Workspace};

/// `bytes` loaded whole and pushed in pieces of random sizes (up to `max`
/// bytes each) give the same outcome: the same report and table, or the same error.
fn same_whole_and_in_pieces(rng: &mut ChaCha8Rng, bytes: &[u8], entity: Option<Entity>, max: usize, case: usize) {
    let opts = LoadOptions::named("random.csv");
    let mut ws = Workspace::new();
    let whole = ws
        .load(entity, bytes, &opts)
        .map(|r| (format!("{r:?}"), ws.entity_ipc(r.entity, &Default::default()).ok()));
    let mut pieces = Workspace::new();
    let mut session = pieces.begin_load(entity, &opts, rng.random_bool(0.5).then_some(bytes.len() as u64));
    let mut at = 0;
    let mut pushed = Ok(());
    while at < bytes.len() && pushed.is_ok() {
        let n = rng.random_range(1..=max).min(bytes.len() - at);
        pushed = session.push(&bytes[at..at + n]).map(|_| ());
        at += n;
    }
    let chunked = pushed
        .and_then(|()| session.finish(&mut pieces))
        .map(|r| (format!("{r:?}"), pieces.entity_ipc(r.entity, &Default::default()).ok()));
    match (&whole, &chunked) {
        (Ok(a), Ok(b)) => assert!(a == b, "case {case}: pieces differ from the whole: {} vs {}", a.0, b.0),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "case {case}"),
        _ => panic!(
            "case {case}: whole {:?} vs pieces {:?}",
            whole.as_ref().map(|r| &r.0),
            chunked.as_ref().map(|r| &r.0)
        ),
    }
    if chunked.is_err() {
        assert!(
            pieces.summary().is_empty(),
            "case {case}: a failed load left data behind"
        );
    }
}

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
                same_whole_and_in_pieces(&mut rng, &bytes, entity, 16, case);
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

/// Random inputs pushed in random pieces load as they do whole. Each input's
/// rows are put after a megabyte of blank lines, so they are read after the
/// sample the session settles on, cut wherever the pieces end.
#[test]
fn random_inputs_in_random_pieces_load_as_they_do_whole() {
    let mut rng = rng(20261124);
    for case in 0..120 {
        let input = random_input(&mut rng);
        let cut = input.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
        let mut bytes = input[..cut].to_vec();
        bytes.resize(cut + SAMPLE_TEXT + rng.random_range(0..4096), b'\n');
        bytes.extend_from_slice(&input[cut..]);
        let entity = [None, Some(Entity::Orders), Some(Entity::Customers)][case % 3];
        let max = [3, 64, 4096][case % 3];
        same_whole_and_in_pieces(&mut rng, &bytes, entity, max, case);
    }
}
