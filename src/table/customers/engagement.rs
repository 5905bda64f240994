//! The customer table's features from what customers do besides ordering:
//! support tickets, consents, campaign responses and web events.

use arrow_array::{Array, BooleanArray};

use super::build::{consent_channel, consent_granted, date, day_at, number, text_at, CONSENT_CHANNELS, DAY_MS};
use super::{CustomerTable, Feature, Values};
use crate::ingest::Entity;
use crate::table::{Column, Workspace};
use crate::Result;

pub(super) fn add_support_features(t: &mut CustomerTable, ws: &Workspace) -> Result<()> {
    let n = t.len();
    let mut tickets = vec![0u32; n];
    let mut complaints = vec![0u32; n];
    let mut last_complaint: Vec<Option<i32>> = vec![None; n];
    let mut any_tickets = false;
    for tab in ws.tables(Entity::Tickets) {
        let Some(Column::CustomerKey(k)) = tab.field("customer_id") else {
            continue;
        };
        any_tickets = true;
        let complaint = tab.field("complaint");
        let opened = tab.field("opened_at");
        for i in 0..tab.rows {
            let c = k.value(i) as usize;
            tickets[c] += 1;
            if let Some(Column::Bool(b)) = complaint {
                if b.is_valid(i) && b.value(i) {
                    complaints[c] += 1;
                    if let Some(d) = opened.and_then(|o| day_at(o, i)) {
                        last_complaint[c] = Some(last_complaint[c].map_or(d, |x: i32| x.max(d)));
                    }
                }
            }
        }
    }
    if any_tickets {
        t.add(Feature::new(
            "ticket_count",
            "support tickets",
            number(tickets.iter().map(|&x| Some(x as f64))),
        ))?;
        t.add(Feature::new(
            "complaints",
            "tickets marked as complaints",
            number(complaints.iter().map(|&x| Some(x as f64))),
        ))?;
        t.add(Feature::new(
            "last_complaint",
            "date the latest complaint was opened",
            date(last_complaint),
        ))?;
    }
    // Latest CSAT (1–5) and NPS (0–10) answers.
    let mut csat: Vec<Option<(i32, f64)>> = vec![None; n];
    let mut nps: Vec<Option<(i32, f64)>> = vec![None; n];
    let mut any = (false, false);
    for tab in ws.tables(Entity::Surveys) {
        let (Some(Column::CustomerKey(k)), Some(Column::Number(score))) =
            (tab.field("customer_id"), tab.field("score"))
        else {
            continue;
        };
        let scale = tab.field("scale");
        let when = tab.field("answered_at");
        for i in 0..tab.rows {
            if !score.is_valid(i) {
                continue;
            }
            let c = k.value(i) as usize;
            let s = score.value(i);
            let d = when.and_then(|w| day_at(w, i)).unwrap_or(i32::MIN);
            let is_nps = match text_at(scale, i) {
                Some(x) => x.to_ascii_lowercase().contains("nps"),
                None => s > 5.0 || s == 0.0,
            };
            let slot = if is_nps { &mut nps[c] } else { &mut csat[c] };
            if slot.is_none_or(|(d0, _)| d >= d0) {
                *slot = Some((d, s));
            }
            if is_nps {
                any.1 = true;
            } else {
                any.0 = true;
            }
        }
    }
    if any.0 {
        t.add(Feature::new(
            "last_csat",
            "latest CSAT answer (1-5)",
            number(csat.iter().map(|x| x.map(|(_, s)| s))),
        ))?;
    }
    if any.1 {
        t.add(Feature::new(
            "last_nps",
            "latest NPS answer (0-10)",
            number(nps.iter().map(|x| x.map(|(_, s)| s))),
        ))?;
    }
    Ok(())
}

/// Latest consent per customer and channel: `(when, granted)`.
pub fn latest_consents(ws: &Workspace) -> [Vec<Option<(i64, bool)>>; 4] {
    let n = ws.customer_keys().len();
    let mut out: [Vec<Option<(i64, bool)>>; 4] = std::array::from_fn(|_| vec![None; n]);
    for tab in ws.tables(Entity::Consents) {
        let (Some(Column::CustomerKey(k)), Some(Column::Text(ch)), Some(Column::Text(st))) =
            (tab.field("customer_id"), tab.field("channel"), tab.field("status"))
        else {
            continue;
        };
        let when = tab.field("updated_at");
        for i in 0..tab.rows {
            let (Some(j), Some(granted)) = (
                ch.is_valid(i).then(|| consent_channel(ch.value(i))).flatten(),
                st.is_valid(i).then(|| consent_granted(st.value(i))).flatten(),
            ) else {
                continue;
            };
            let ts = match when {
                Some(Column::Timestamp(x)) if x.is_valid(i) => x.value(i),
                Some(Column::Date(x)) if x.is_valid(i) => x.value(i) as i64 * DAY_MS,
                _ => i64::MIN,
            };
            let slot = &mut out[j][k.value(i) as usize];
            // The latest record wins; on a tie, the later row in load order.
            if slot.is_none_or(|(t0, _)| ts >= t0) {
                *slot = Some((ts, granted));
            }
        }
    }
    out
}

pub(super) fn add_consent_features(t: &mut CustomerTable, ws: &Workspace) -> Result<()> {
    if ws.tables(Entity::Consents).next().is_none() {
        return Ok(());
    }
    for (j, per) in latest_consents(ws).iter().enumerate() {
        let name = format!("consent_{}", CONSENT_CHANNELS[j]);
        t.add(Feature::new(
            &name,
            &format!(
                "latest {} consent: true granted, false withdrawn, null no record",
                CONSENT_CHANNELS[j]
            ),
            Values::Bool(per.iter().map(|x| x.map(|(_, g)| g)).collect::<BooleanArray>()),
        ))?;
    }
    Ok(())
}

pub(super) fn add_campaign_features(t: &mut CustomerTable, ws: &Workspace) -> Result<()> {
    let n = t.len();
    let mut last_contacted: Vec<Option<i32>> = vec![None; n];
    let mut bounced = vec![false; n];
    let mut unsubscribed = vec![false; n];
    let mut campaign_complaint: Vec<Option<i32>> = vec![None; n];
    let mut any = false;
    for tab in ws.tables(Entity::CampaignEvents) {
        let (Some(Column::CustomerKey(k)), Some(Column::Text(ev))) = (tab.field("customer_id"), tab.field("event"))
        else {
            continue;
        };
        any = true;
        let when = tab.field("timestamp");
        for i in 0..tab.rows {
            if !ev.is_valid(i) {
                continue;
            }
            let c = k.value(i) as usize;
            let d = when.and_then(|w| day_at(w, i));
            let max = |slot: &mut Option<i32>| {
                if let Some(d) = d {
                    *slot = Some(slot.map_or(d, |x| x.max(d)));
                }
            };
            match ev.value(i).trim().to_ascii_lowercase().as_str() {
                "sent" | "delivered" => max(&mut last_contacted[c]),
                "bounced_hard" | "hard_bounce" | "hardbounce" => bounced[c] = true,
                "unsubscribed" | "unsubscribe" => unsubscribed[c] = true,
                "complained" | "spam_complaint" => max(&mut campaign_complaint[c]),
                _ => {}
            }
        }
    }
    if any {
        t.add(Feature::new(
            "last_contacted",
            "date of the latest campaign sent to the customer",
            date(last_contacted),
        ))?;
        t.add(Feature::new(
            "bounced_hard",
            "a campaign message to the customer bounced hard",
            Values::Bool(bounced.iter().map(|&b| Some(b)).collect::<BooleanArray>()),
        ))?;
        t.add(Feature::new(
            "unsubscribed",
            "the customer unsubscribed from a campaign",
            Values::Bool(unsubscribed.iter().map(|&b| Some(b)).collect::<BooleanArray>()),
        ))?;
        t.add(Feature::new(
            "last_spam_complaint",
            "date the customer last marked a campaign as spam",
            date(campaign_complaint),
        ))?;
    }
    Ok(())
}

pub(super) fn add_web_features(t: &mut CustomerTable, ws: &Workspace) -> Result<()> {
    let n = t.len();
    let mut visits = vec![0u32; n];
    let mut last: Vec<Option<i32>> = vec![None; n];
    let mut any = false;
    for tab in ws.tables(Entity::WebEvents) {
        let Some(Column::CustomerKey(k)) = tab.field("customer_id") else {
            continue;
        };
        any = true;
        let session = tab.field("session_id");
        let when = tab.field("timestamp");
        let mut prev: Option<(u32, &str)> = None;
        for i in 0..tab.rows {
            if !k.is_valid(i) {
                continue;
            }
            let c = k.value(i);
            // Events of a session come together: a new (customer, session) pair is a visit.
            let s = text_at(session, i).unwrap_or("");
            if s.is_empty() || prev != Some((c, s)) {
                visits[c as usize] += 1;
            }
            prev = Some((c, s));
            if let Some(d) = when.and_then(|w| day_at(w, i)) {
                let slot = &mut last[c as usize];
                *slot = Some(slot.map_or(d, |x| x.max(d)));
            }
        }
    }
    if any {
        t.add(Feature::new(
            "visits",
            "web sessions (events of one session counted once)",
            number(visits.iter().map(|&v| Some(v as f64))),
        ))?;
        t.add(Feature::new("last_visit", "date of the latest web event", date(last)))?;
    }
    Ok(())
}
