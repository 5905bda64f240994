//! Help-desk tickets and satisfaction surveys. Tickets of shop buyers follow
//! their orders (a delivery or a defect after a purchase, a billing question
//! after a late invoice); surveys score lower after a complaint.

use super::calendar::{self, Instant, HISTORY_END, HISTORY_START};
use super::csv_out::CsvFile;
use super::orders::Purchases;
use super::people::{daytime_seconds, Plan};
use super::rng::{self, sub_rng, GenRng, Stream};

/// Header of `tickets.csv`.
pub(crate) const TICKETS_HEADER: [&str; 7] = [
    "ticket_id",
    "customer_id",
    "opened_at",
    "closed_at",
    "category",
    "complaint",
    "product_id",
];
/// Header of `surveys.csv`.
pub(crate) const SURVEYS_HEADER: [&str; 4] = ["customer_id", "answered_at", "score", "scale"];

/// Ticket categories and the chance that a ticket of that kind is a complaint.
const CATEGORIES: [(&str, f64); 6] = [
    ("delivery", 0.35),
    ("billing", 0.30),
    ("product_defect", 0.60),
    ("returns", 0.25),
    ("account", 0.10),
    ("general", 0.05),
];

/// Numbers tickets across all requesters.
pub(crate) struct TicketCounter {
    next: u64,
}

impl TicketCounter {
    pub(crate) fn new() -> TicketCounter {
        TicketCounter { next: 1 }
    }
}

struct Ticket {
    opened: Instant,
    closed: Option<Instant>,
    category: &'static str,
    complaint: bool,
    product: Option<u16>,
}

/// Draws and writes the tickets and surveys of help-desk requester `requester_id`.
pub(crate) fn requester(
    seed: u64,
    plan: &Plan,
    requester_id: u64,
    purchases: &Purchases,
    counter: &mut TicketCounter,
    tickets: &mut CsvFile,
    surveys: &mut CsvFile,
) -> std::io::Result<()> {
    let mut rng = sub_rng(seed, Stream::Support, plan.person);
    let rng = &mut rng;
    let count = rng::poisson(rng, 0.9) as usize + usize::from(purchases.orders.is_empty());
    let mut drawn: Vec<Ticket> = (0..count).map(|_| draw_ticket(purchases, rng)).collect();
    drawn.sort_by_key(|t| t.opened);
    let mut complaints = 0;
    for ticket in &drawn {
        complaints += usize::from(ticket.complaint);
        tickets.id("T", counter.next, 7);
        counter.next += 1;
        tickets.id("S", requester_id, 6);
        tickets.timestamp(ticket.opened);
        tickets.opt_timestamp(ticket.closed);
        tickets.text(ticket.category);
        tickets.text(if ticket.complaint { "true" } else { "false" });
        match ticket.product {
            Some(p) => tickets.id("P", u64::from(p) + 1, 4),
            None => tickets.empty(),
        }
        tickets.end_row()?;

        // A short satisfaction survey after some closed tickets.
        if let Some(closed) = ticket.closed {
            let answered = closed + rng::int_between(rng, 600, 2 * 86_400);
            if rng::chance(rng, 0.45) && calendar::day_of(answered) <= HISTORY_END {
                let weights = if ticket.complaint {
                    [0.35, 0.30, 0.20, 0.10, 0.05]
                } else {
                    [0.03, 0.05, 0.12, 0.35, 0.45]
                };
                let score = rng::weighted(rng, &weights) as i64 + 1;
                write_survey(surveys, requester_id, answered, score, "csat5")?;
            }
        }
    }
    // The yearly relationship survey (NPS), lower for people who complained.
    if rng::chance(rng, 0.3) {
        let day = rng::int_between(rng, i64::from(HISTORY_START), i64::from(HISTORY_END));
        let mean = if complaints > 0 { 5.0 } else { 8.2 };
        let score = (mean + 2.0 * rng::normal(rng)).round().clamp(0.0, 10.0) as i64;
        write_survey(
            surveys,
            requester_id,
            calendar::at(day as calendar::Day, daytime_seconds(rng)),
            score,
            "nps10",
        )?;
    }
    Ok(())
}

fn draw_ticket(purchases: &Purchases, rng: &mut GenRng) -> Ticket {
    let about_order =
        (!purchases.orders.is_empty() && rng::chance(rng, 0.75)).then(|| rng::pick(rng, &purchases.orders));
    let (opened_day, category, product) = match about_order {
        Some(order) => {
            let late = order.payment.status == "late" || order.payment.status == "defaulted";
            let category = if late && rng::chance(rng, 0.6) {
                "billing"
            } else {
                ["delivery", "product_defect", "returns", "billing"][rng::weighted(rng, &[0.4, 0.3, 0.2, 0.1])]
            };
            let line = rng::pick(rng, &order.lines);
            let product = (category != "billing").then_some(line.product);
            (
                order.date + 1 + rng::exponential(rng, 6.0) as calendar::Day,
                category,
                product,
            )
        }
        None => {
            let category = ["account", "general", "billing", "delivery"][rng::weighted(rng, &[0.4, 0.4, 0.1, 0.1])];
            (
                rng::int_between(rng, i64::from(HISTORY_START), i64::from(HISTORY_END)) as calendar::Day,
                category,
                None,
            )
        }
    };
    let opened_day = opened_day.min(HISTORY_END);
    let base = CATEGORIES
        .iter()
        .find(|(name, _)| *name == category)
        .map_or(0.1, |(_, p)| *p);
    let complaint = rng::chance(rng, base);
    let opened = calendar::at(opened_day, daytime_seconds(rng));
    let hours = rng::log_normal(rng, if complaint { 40.0 } else { 16.0 }, 1.0);
    let closes = opened + (hours * 3600.0) as i64;
    let stale = rng::chance(rng, 0.01);
    let closed = (!stale && calendar::day_of(closes) <= HISTORY_END).then_some(closes);
    Ticket {
        opened,
        closed,
        category,
        complaint,
        product,
    }
}

fn write_survey(file: &mut CsvFile, requester_id: u64, at: Instant, score: i64, scale: &str) -> std::io::Result<()> {
    file.id("S", requester_id, 6);
    file.timestamp(at);
    file.int(score);
    file.text(scale);
    file.end_row()
}
