//! Web-shop click streams. Tracking began on 2024-07-01; about 40 % of shop
//! customers are tracked. Each of their web or app orders since then has a
//! session (product pages, add to cart, checkout), sometimes begun before they
//! logged in (rows with only a visitor id); other sessions are browsing only.
//! Fully anonymous visitors are mixed in.

use super::calendar::{self, Day, Instant, HISTORY_END};
use super::catalogue::{Catalogue, CATEGORIES};
use super::csv_out::{id_string, CsvFile};
use super::orders::{Channel, Purchases};
use super::people::{daytime_seconds, Plan};
use super::rng::{self, sub_rng, GenRng, Stream};

/// Header of `web_events.csv`.
pub(crate) const WEB_HEADER: [&str; 6] = ["customer_id", "visitor_id", "timestamp", "session_id", "event", "url"];

/// First day with web tracking.
pub(crate) const TRACKING_START: Day = calendar::days_from_civil(2024, 7, 1);
const TRACKED_SHARE: f64 = 0.40;
const SEARCH_WORDS: [&str; 8] = [
    "gift",
    "sale",
    "black",
    "organic",
    "wireless",
    "kids",
    "running",
    "garden+hose",
];

/// Numbers sessions across all visitors.
pub(crate) struct SessionCounter {
    next: u64,
}

impl SessionCounter {
    pub(crate) fn new() -> SessionCounter {
        SessionCounter { next: 1 }
    }
}

struct Event {
    logged_in: bool,
    at: Instant,
    kind: &'static str,
    url: String,
}

struct Session {
    visitor: usize,
    events: Vec<Event>,
}

/// Draws and writes the web events of shop customer `customer_id`, if tracked.
pub(crate) fn customer(
    seed: u64,
    plan: &Plan,
    customer_id: u64,
    purchases: &Purchases,
    catalogue: &Catalogue,
    counter: &mut SessionCounter,
    file: &mut CsvFile,
) -> std::io::Result<()> {
    let mut rng = sub_rng(seed, Stream::Web, plan.person);
    let rng = &mut rng;
    let Some(signup) = plan.shop else {
        return Ok(());
    };
    if !rng::chance(rng, TRACKED_SHARE) {
        return Ok(());
    }
    let visitors = [visitor_id(rng), visitor_id(rng)];
    let second_device = rng::chance(rng, 0.35);
    let mut sessions = Vec::new();
    for order in &purchases.orders {
        if order.date < TRACKING_START || order.channel == Channel::Store {
            continue;
        }
        let visitor = usize::from(second_device && order.channel == Channel::App);
        let mut at = calendar::at(order.date, daytime_seconds(rng));
        let anonymous_start = rng::chance(rng, 0.4);
        let mut events = Vec::new();
        if anonymous_start {
            events.push(Event {
                logged_in: false,
                at,
                kind: "page_view",
                url: "/".to_string(),
            });
        }
        for line in order.lines.iter().filter(|l| !l.returned).take(3) {
            at += rng::int_between(rng, 15, 240);
            let url = format!("/product/{}", id_string("P", u64::from(line.product) + 1, 4));
            events.push(Event {
                logged_in: true,
                at,
                kind: "page_view",
                url: url.clone(),
            });
            at += rng::int_between(rng, 10, 180);
            events.push(Event {
                logged_in: true,
                at,
                kind: "add_to_cart",
                url,
            });
        }
        at += rng::int_between(rng, 30, 400);
        events.push(Event {
            logged_in: true,
            at,
            kind: "checkout",
            url: "/checkout".to_string(),
        });
        sessions.push(Session { visitor, events });
    }
    let first = signup.max(TRACKING_START);
    if first <= HISTORY_END {
        let last = purchases
            .params
            .churned_at
            .map_or(HISTORY_END, |d| (d + 120).min(HISTORY_END))
            .max(first);
        for _ in 0..rng::poisson(rng, 2.5) {
            let day = rng::int_between(rng, i64::from(first), i64::from(last)) as Day;
            let logged_in = rng::chance(rng, 0.7);
            let visitor = usize::from(second_device && rng::chance(rng, 0.4));
            sessions.push(Session {
                visitor,
                events: browse(day, logged_in, catalogue, rng),
            });
        }
    }
    sessions.sort_by_key(|s| s.events.first().map_or(0, |e| e.at));
    for session in &sessions {
        let customer = id_string("C", customer_id, 6);
        write_session(file, Some(&customer), &visitors[session.visitor], session, counter)?;
    }
    Ok(())
}

/// Draws and writes the sessions of anonymous visitors attached to step `index`
/// of the people loop (about one visitor per four people).
pub(crate) fn anonymous(
    seed: u64,
    index: u64,
    catalogue: &Catalogue,
    counter: &mut SessionCounter,
    file: &mut CsvFile,
) -> std::io::Result<()> {
    let mut rng = sub_rng(seed, Stream::Anonymous, index);
    let rng = &mut rng;
    if !rng::chance(rng, 0.25) {
        return Ok(());
    }
    let visitor = visitor_id(rng);
    let mut days: Vec<Day> = (0..1 + rng::poisson(rng, 0.6))
        .map(|_| rng::int_between(rng, i64::from(TRACKING_START), i64::from(HISTORY_END)) as Day)
        .collect();
    days.sort_unstable();
    for day in days {
        let session = Session {
            visitor: 0,
            events: browse(day, false, catalogue, rng),
        };
        write_session(file, None, &visitor, &session, counter)?;
    }
    Ok(())
}

/// A cookie id such as `v-3f9c0a7d12e4b865`.
fn visitor_id(rng: &mut GenRng) -> String {
    format!("v-{}", rng::hex(rng, 16))
}

/// A browsing session: an entry page, a few product pages, maybe an abandoned cart.
fn browse(day: Day, logged_in: bool, catalogue: &Catalogue, rng: &mut GenRng) -> Vec<Event> {
    let mut at = calendar::at(day, daytime_seconds(rng));
    let category = rng::index(rng, CATEGORIES.len());
    let entry = match rng::weighted(rng, &[0.4, 0.4, 0.2]) {
        0 => "/".to_string(),
        1 => format!("/category/{}", CATEGORIES[category].name),
        _ => format!("/search?q={}", rng::pick(rng, &SEARCH_WORDS)),
    };
    let mut events = vec![Event {
        logged_in,
        at,
        kind: "page_view",
        url: entry,
    }];
    let mut product = *rng::pick(rng, &catalogue.by_category[category]);
    for _ in 0..rng::poisson(rng, 1.5) {
        at += rng::int_between(rng, 8, 300);
        let url = format!("/product/{}", id_string("P", u64::from(product) + 1, 4));
        events.push(Event {
            logged_in,
            at,
            kind: "page_view",
            url,
        });
        let partners = &catalogue.products[usize::from(product)].partners;
        if !partners.is_empty() {
            product = *rng::pick(rng, partners);
        }
    }
    if events.len() > 1 && rng::chance(rng, 0.2) {
        at += rng::int_between(rng, 5, 120);
        let url = events[events.len() - 1].url.clone();
        events.push(Event {
            logged_in,
            at,
            kind: "add_to_cart",
            url,
        });
    }
    events
}

fn write_session(
    file: &mut CsvFile,
    customer: Option<&str>,
    visitor: &str,
    session: &Session,
    counter: &mut SessionCounter,
) -> std::io::Result<()> {
    let id = counter.next;
    counter.next += 1;
    for event in &session.events {
        file.opt_text(customer.filter(|_| event.logged_in));
        file.text(visitor);
        file.timestamp(event.at);
        file.id("W", id, 8);
        file.text(event.kind);
        file.text(&event.url);
        file.end_row()?;
    }
    Ok(())
}
