use super::*;
use crate::table::customers::CustomerParams;
use crate::table::Feature;
use crate::{Entity, LoadOptions, Workspace};

/// 200 customers: c0..c199. Consent: email granted for even ids, withdrawn for
/// ids divisible by 10 (a later record overrides the grant), no record for odd ids.
/// c2 bounced hard, c4 unsubscribed, c6 complained 10 days before the reference date.
fn ws() -> Workspace {
    let mut customers = String::from("customer_id,email,signup_date\n");
    let mut consents = String::from("customer_id,channel,status,updated_at\n");
    let mut orders = String::from("order_id,customer_id,order_date,amount\n");
    for i in 0..200 {
        let email = if i == 8 {
            "not-an-email".to_string()
        } else {
            format!("c{i}@example.se")
        };
        customers.push_str(&format!("c{i},{email},2024-01-01\n"));
        orders.push_str(&format!("o{i},c{i},2024-06-30,{}\n", 10 + i));
        if i % 2 == 0 {
            if i % 10 == 0 {
                // Out of order: the withdrawal is written before the older grant.
                consents.push_str(&format!("c{i},email,withdrawn,2024-05-01T00:00:00Z\n"));
            }
            consents.push_str(&format!("c{i},email,granted,2024-02-01T00:00:00Z\n"));
        }
    }
    let mut ws = Workspace::new();
    for (entity, text, name) in [
        (Entity::Customers, customers, "customers.csv"),
        (Entity::Consents, consents, "consents.csv"),
        (Entity::Orders, orders, "orders.csv"),
    ] {
        ws.load(Some(entity), text.as_bytes(), &LoadOptions::named(name))
            .unwrap();
    }
    ws.load(
        Some(Entity::CampaignEvents),
        b"campaign_id,customer_id,event,timestamp\nK,c2,bounced_hard,2024-03-01T00:00:00Z\nK,c4,unsubscribed,2024-03-01T00:00:00Z\nK,c12,sent,2024-06-25T00:00:00Z\n",
        &LoadOptions::named("events.csv"),
    )
    .unwrap();
    ws.load(
        Some(Entity::Tickets),
        b"ticket_id,customer_id,opened_at,complaint\nT1,c6,2024-06-20T00:00:00Z,true\nT2,c14,2024-01-20T00:00:00Z,true\n",
        &LoadOptions::named("tickets.csv"),
    )
    .unwrap();
    ws
}

fn all(t: &CustomerTable) -> Vec<u32> {
    (0..t.len() as u32).collect()
}

fn count(a: &Audience, reason: &str) -> u64 {
    a.excluded.iter().find(|e| e.reason == reason).unwrap().count
}

#[test]
fn exclusions_are_counted_once_each_under_the_first_reason() {
    let mut ws = ws();
    let t = ws.customers(&CustomerParams::default(), 0).unwrap();
    let p = AudienceParams {
        seed: Some(1),
        contacted_within_days: Some(7),
        ..Default::default()
    };
    let a = build(t, &all(t), &p.check(t).unwrap());
    assert_eq!(a.candidates, 200);
    assert_eq!(count(&a, "no consent record"), 100);
    assert_eq!(count(&a, "consent withdrawn"), 20);
    assert_eq!(count(&a, "no valid address for the channel"), 1); // c8
    assert_eq!(count(&a, "hard bounce"), 1); // c2
    assert_eq!(count(&a, "unsubscribed"), 1); // c4
    assert_eq!(count(&a, "complained recently"), 1); // c6; c14's is too old
    assert_eq!(count(&a, "contacted recently"), 1); // c12
    assert_eq!(a.eligible, 200 - 100 - 20 - 5);
    assert_eq!(a.target + a.control, a.eligible);
    assert_eq!(a.control, (0.1f64 * a.eligible as f64).round() as u64);
}

#[test]
fn customers_without_a_record_can_be_let_in() {
    let mut ws = ws();
    let t = ws.customers(&CustomerParams::default(), 0).unwrap();
    let p = AudienceParams {
        include_without_consent: Some(true),
        complained_within_days: Some(0),
        seed: Some(1),
        ..Default::default()
    };
    let a = build(t, &all(t), &p.check(t).unwrap());
    assert_eq!(count(&a, "no consent record"), 0);
    assert_eq!(count(&a, "complained recently"), 0);
    assert_eq!(a.eligible, 200 - 20 - 3);
}

#[test]
fn the_same_seed_rebuilds_the_same_audience_and_another_seed_does_not() {
    let mut ws = ws();
    let t = ws.customers(&CustomerParams::default(), 0).unwrap();
    let p = AudienceParams {
        seed: Some(42),
        control_size: Some(20),
        ..Default::default()
    };
    let a = build(t, &all(t), &p.check(t).unwrap());
    let b = build(t, &all(t), &p.check(t).unwrap());
    assert_eq!(a.control_rows, b.control_rows);
    assert_eq!(a.target_rows, b.target_rows);
    assert_eq!(a.fingerprint, b.fingerprint);
    assert_eq!(a.control, 20);
    let c = build(
        t,
        &all(t),
        &AudienceParams {
            seed: Some(43),
            control_size: Some(20),
            ..Default::default()
        }
        .check(t)
        .unwrap(),
    );
    assert_ne!(a.control_rows, c.control_rows);
    assert_eq!(a.fingerprint, c.fingerprint);
    // Target and control never overlap.
    assert!(a.control_rows.iter().all(|r| a.target_rows.binary_search(r).is_err()));
}

#[test]
fn a_drawn_seed_is_reported() {
    let mut ws = ws();
    let t = ws.customers(&CustomerParams::default(), 0).unwrap();
    let o = AudienceParams::default().check(t).unwrap();
    let a = build(t, &all(t), &o);
    assert_eq!(a.seed, o.seed);
}

/// A stratified draw gives each stratum the same control share (to within one
/// customer), whatever the seed; and over many seeds, the control group's mix
/// of an unstratified attribute does not differ from the target's more than
/// chance allows.
#[test]
fn control_groups_are_balanced_on_the_stratifier_and_by_chance_elsewhere() {
    let mut ws = ws();
    let t = ws.customers(&CustomerParams::default(), 0).unwrap();
    let n = t.len();
    let labels: Vec<Option<&str>> = (0..n).map(|i| Some(if i % 3 == 0 { "high" } else { "low" })).collect();
    t.add(Feature::new("tier", "test", Values::category(labels))).unwrap();
    let high = |r: &u32| (*r as usize).is_multiple_of(3);
    let mut z_scores = Vec::new();
    for seed in 0..200u64 {
        let p = AudienceParams {
            include_without_consent: Some(true),
            control_fraction: Some(0.3),
            stratify_by: Some("tier".into()),
            seed: Some(seed),
            ..Default::default()
        };
        let a = build(t, &all(t), &p.check(t).unwrap());
        for s in &a.strata {
            let expected = s.eligible as f64 * a.control as f64 / a.eligible as f64;
            assert!((s.control as f64 - expected).abs() <= 1.0, "{s:?}");
        }
        // Unstratified: is the id's parity balanced? Two-proportion z.
        let p = AudienceParams {
            include_without_consent: Some(true),
            control_fraction: Some(0.3),
            seed: Some(seed),
            ..Default::default()
        };
        let a = build(t, &all(t), &p.check(t).unwrap());
        let share = |rows: &[u32]| rows.iter().filter(|r| high(r)).count() as f64 / rows.len() as f64;
        let (pc, pt) = (share(&a.control_rows), share(&a.target_rows));
        let pooled = (pc * a.control as f64 + pt * a.target as f64) / a.eligible as f64;
        let se = (pooled * (1.0 - pooled) * (1.0 / a.control as f64 + 1.0 / a.target as f64)).sqrt();
        z_scores.push((pc - pt) / se);
    }
    // About 5 % of seeds exceed |z| > 1.96 by chance; far more means a biased draw.
    let extreme = z_scores.iter().filter(|z| z.abs() > 1.96).count();
    assert!(extreme <= 25, "{extreme} of 200 seeds unbalanced");
    let mean = z_scores.iter().sum::<f64>() / z_scores.len() as f64;
    assert!(mean.abs() < 0.3, "mean z {mean}");
}

#[test]
fn options_are_checked_once_with_the_field_named() {
    let mut ws = ws();
    let t = ws.customers(&CustomerParams::default(), 0).unwrap();
    let bad = |p: AudienceParams, field: &str| {
        let err = p.check(t).unwrap_err();
        assert!(
            matches!(err, Error::Options { field: ref f, .. } if f == field),
            "{err}"
        );
    };
    bad(
        AudienceParams {
            channel: Some("fax".into()),
            ..Default::default()
        },
        "channel",
    );
    bad(
        AudienceParams {
            control_fraction: Some(1.5),
            ..Default::default()
        },
        "controlFraction",
    );
    bad(
        AudienceParams {
            stratify_by: Some("order_count".into()),
            ..Default::default()
        },
        "stratifyBy",
    );
    bad(
        AudienceParams {
            stratify_by: Some("tierr".into()),
            ..Default::default()
        },
        "stratifyBy",
    );
}

#[test]
fn the_export_lists_both_groups_with_hashed_emails() {
    let mut ws = ws();
    let t = ws.customers(&CustomerParams::default(), 0).unwrap();
    let a = build(
        t,
        &all(t),
        &AudienceParams {
            seed: Some(3),
            ..Default::default()
        }
        .check(t)
        .unwrap(),
    );
    let csv = crate::campaign::export_csv(
        t,
        &a,
        &crate::campaign::ExportOptions {
            columns: Some(vec!["email".into(), "order_count".into()]),
            hash_emails: true,
            groups: None,
        },
    )
    .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "customer_id,group,email_sha256,order_count");
    assert_eq!(lines.len() as u64, 1 + a.eligible);
    assert_eq!(
        lines.iter().filter(|l| l.contains(",control,")).count() as u64,
        a.control
    );
    let first = lines[1].split(',').collect::<Vec<_>>();
    assert_eq!(first[2].len(), 64);
    assert_eq!(first[3], "1");
}
