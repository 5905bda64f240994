//! The purchase process behind `orders.csv`, in the spirit of BG/NBD and
//! Gamma–Gamma: each buyer has a purchase rate λ ~ Gamma(r, α) and, after every
//! purchase, drops out for good with probability p ~ Beta(a, b); the value of an
//! order is Gamma-distributed around the buyer's own spend scale. Purchase
//! times follow a Poisson process thinned by month and weekday seasonality.
//! Baskets follow the buyer's category tastes, price level and the products'
//! co-purchase partners, within an order and across orders.

use super::calendar::{self, Day, HISTORY_END, HISTORY_START};
use super::catalogue::{Catalogue, CATEGORIES};
use super::csv_out::CsvFile;
use super::people::Plan;
use super::rng::{self, sub_rng, GenRng, Stream};

/// Header of `orders.csv` in full mode.
pub(crate) const FULL_HEADER: [&str; 18] = [
    "order_id",
    "customer_id",
    "order_date",
    "product_id",
    "category",
    "quantity",
    "amount",
    "cost",
    "currency",
    "channel",
    "status",
    "region",
    "store",
    "sales_rep",
    "payment_method",
    "payment_status",
    "due_date",
    "paid_date",
];
/// Header of `orders.csv` in lean mode.
pub(crate) const LEAN_HEADER: [&str; 7] = [
    "order_id",
    "customer_id",
    "order_date",
    "product_id",
    "category",
    "quantity",
    "amount",
];

// Tuned so that a default run has about 10 order lines per person and about
// 30 % of shop accounts without any order in the history.

/// Share of shop customers who ever buy.
const BUYER_RATE: f64 = 0.75;
/// λ ~ Gamma(shape r = 1.4, scale 1/α = 7.6), purchases per year (mean 10.6).
const LAMBDA_SHAPE: f64 = 1.4;
const LAMBDA_SCALE_PER_YEAR: f64 = 7.6;
/// p ~ Beta(a = 1.6, b = 13) (mean 0.11).
const DROPOUT_A: f64 = 1.6;
const DROPOUT_B: f64 = 13.0;
/// Gamma–Gamma: order value ~ Gamma(shape 5, rate ν), ν ~ Gamma(shape 3.5,
/// rate 32); the spend scale (expected order value, EUR) is 5/ν.
const VALUE_SHAPE: f64 = 5.0;
const SCALE_SHAPE: f64 = 3.5;
const SCALE_RATE: f64 = 32.0;

/// Which shop account an order was placed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Account {
    Main,
    /// The person's second shop record.
    Duplicate,
}

/// Where an order was placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Channel {
    Web,
    Store,
    App,
}

impl Channel {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Store => "store",
            Channel::App => "app",
        }
    }
}

/// How an order was paid, as of the end of the history.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Payment {
    pub method: &'static str,
    /// `paid`, `late`, `defaulted`, or `open` (an invoice not yet due).
    pub status: &'static str,
    pub due: Option<Day>,
    pub paid: Option<Day>,
}

/// One order line; a return is its own line with negative quantity and amount.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line {
    pub product: u16,
    pub quantity: i32,
    pub amount_cents: i64,
    pub cost_cents: i64,
    pub returned: bool,
}

/// One order (several lines share its id).
#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub date: Day,
    pub account: Account,
    pub channel: Channel,
    pub store: Option<u16>,
    /// Index into the store's reps.
    pub rep: Option<usize>,
    pub payment: Payment,
    pub lines: Vec<Line>,
}

/// The generating parameters of one shop customer (written to the truth).
#[derive(Debug, Clone, Copy)]
pub(crate) struct BuyerParams {
    /// Whether the customer ever buys; λ is reported as 0 when not.
    pub buyer: bool,
    /// Purchase rate while alive, purchases per year.
    pub lambda_per_year: f64,
    /// Probability of dropping out after each purchase.
    pub p_dropout: f64,
    /// Expected order value in euros.
    pub spend_scale: f64,
    /// Day of the purchase after which the customer dropped out, if they did.
    pub churned_at: Option<Day>,
}

/// A shop customer's orders over the history, in date order.
#[derive(Debug, Clone)]
pub(crate) struct Purchases {
    pub params: BuyerParams,
    pub orders: Vec<Order>,
}

/// Per-customer habits that shape each basket.
struct Shopper<'a> {
    catalogue: &'a Catalogue,
    category_weights: [f64; 12],
    channel_weights: [f64; 3],
    home_store: Option<u16>,
    favourite_rep: usize,
    payment_method: &'static str,
    company: bool,
    credit_risk: f64,
    history: Vec<u16>,
}

/// The orders of the shop customer planned by `plan` (none without a shop account).
pub(crate) fn simulate(seed: u64, plan: &Plan, catalogue: &Catalogue) -> Purchases {
    let mut rng = sub_rng(seed, Stream::Orders, plan.person);
    let rng = &mut rng;
    let buyer = plan.shop.is_some() && rng::chance(rng, BUYER_RATE);
    let lambda_per_year = rng::gamma(rng, LAMBDA_SHAPE, LAMBDA_SCALE_PER_YEAR);
    let p_dropout = rng::beta(rng, DROPOUT_A, DROPOUT_B).max(0.005);
    let nu = rng::gamma(rng, SCALE_SHAPE, 1.0 / SCALE_RATE).max(1e-3);
    let spend_scale = (VALUE_SHAPE / nu).min(5_000.0);
    let mut params = BuyerParams {
        buyer,
        lambda_per_year,
        p_dropout,
        spend_scale,
        churned_at: None,
    };
    let Some(signup) = plan.shop.filter(|_| buyer) else {
        return Purchases {
            params,
            orders: Vec::new(),
        };
    };
    let mut shopper = Shopper::draw(plan, catalogue, rng);

    // A customer from before the history is either still active at its start
    // (and, being memoryless, next buys after an exponential wait) or gone.
    let mut t = if signup < HISTORY_START {
        if rng::chance(rng, 0.3) {
            params.churned_at = Some(rng::int_between(rng, i64::from(signup), i64::from(HISTORY_START) - 1) as Day);
            return Purchases {
                params,
                orders: Vec::new(),
            };
        }
        f64::from(HISTORY_START) + rng::exponential(rng, 365.0 / lambda_per_year)
    } else if rng::chance(rng, 0.55) {
        f64::from(signup)
    } else {
        f64::from(signup) + rng::exponential(rng, 30.0)
    };
    let peak_rate_per_day = lambda_per_year / 365.0 * calendar::MAX_SEASONALITY;
    let mut orders = Vec::new();
    while t <= f64::from(HISTORY_END) + 0.999 {
        let day = t.floor() as Day;
        let account = match plan.shop_duplicate {
            Some(dup) if day >= dup.created && rng::chance(rng, 0.5) => Account::Duplicate,
            _ => Account::Main,
        };
        orders.push(shopper.order(day, account, spend_scale, rng));
        if rng::chance(rng, p_dropout) {
            params.churned_at = Some(day);
            break;
        }
        // Next purchase: thin a peak-rate Poisson process by the season.
        loop {
            t += rng::exponential(rng, 1.0 / peak_rate_per_day);
            if t > f64::from(HISTORY_END) + 0.999 {
                break;
            }
            let season = calendar::seasonality(t.floor() as Day);
            if rng::chance(rng, season / calendar::MAX_SEASONALITY) {
                break;
            }
        }
    }
    Purchases { params, orders }
}

impl<'a> Shopper<'a> {
    fn draw(plan: &Plan, catalogue: &'a Catalogue, rng: &mut GenRng) -> Shopper<'a> {
        let mut category_weights = [0.0; 12];
        for (w, spec) in category_weights.iter_mut().zip(CATEGORIES.iter()) {
            *w = spec.popularity * rng::gamma(rng, 0.6, 1.0);
        }
        let stores = catalogue
            .stores_by_locale
            .get(plan.locale)
            .map_or(&[][..], Vec::as_slice);
        let home_store = (!stores.is_empty()).then(|| *rng::pick(rng, stores));
        let base = if home_store.is_some() {
            [0.5, 0.3, 0.2]
        } else {
            [0.65, 0.0, 0.35]
        };
        let mut channel_weights = [0.0; 3];
        for (w, b) in channel_weights.iter_mut().zip(base) {
            *w = b * rng::gamma(rng, 1.2, 1.0);
        }
        let code = plan.locale().code;
        let payment_method = if plan.company {
            ["invoice", "card", "paypal"][rng::weighted(rng, &[0.75, 0.2, 0.05])]
        } else {
            let klarna = if matches!(code, "SE" | "DE" | "NL") { 0.22 } else { 0.06 };
            let invoice = if matches!(code, "DE" | "SE" | "NL") { 0.16 } else { 0.07 };
            ["card", "paypal", "klarna", "invoice"][rng::weighted(rng, &[0.55, 0.2, klarna, invoice])]
        };
        Shopper {
            catalogue,
            category_weights,
            channel_weights,
            home_store,
            favourite_rep: rng::index(rng, 4),
            payment_method,
            company: plan.company,
            credit_risk: rng::beta(rng, 1.2, 18.0),
            history: Vec::new(),
        }
    }

    fn order(&mut self, date: Day, account: Account, spend_scale: f64, rng: &mut GenRng) -> Order {
        let channel = [Channel::Web, Channel::Store, Channel::App][rng::weighted(rng, &self.channel_weights)];
        let (store, rep) = match (channel, self.home_store) {
            (Channel::Store, Some(store)) => {
                let reps = self.catalogue.stores[usize::from(store)].reps.len();
                let rep = if rng::chance(rng, 0.6) {
                    self.favourite_rep % reps.max(1)
                } else {
                    rng::index(rng, reps)
                };
                (Some(store), Some(rep))
            }
            _ => (None, None),
        };
        let payment = self.payment(date, channel, rng);
        let value = rng::gamma(rng, VALUE_SHAPE, spend_scale / VALUE_SHAPE);
        let mean_extra = (0.5 + 0.55 * (1.0 + value / 25.0).ln()).min(8.0);
        let count = 1 + rng::poisson(rng, mean_extra).min(11) as usize;
        let unit_target = (value / count as f64).max(1.0);
        let (month, day_of_month) = {
            let (_, m, d) = calendar::civil_from_days(date);
            (m, d)
        };
        let black_friday = month == 11 && day_of_month >= 22;

        let mut lines: Vec<Line> = Vec::with_capacity(count + 1);
        for _ in 0..count {
            let product = self.pick_product(&lines, unit_target, rng);
            let item = &self.catalogue.products[usize::from(product)];
            let price = item.price_cents as f64 / 100.0;
            let mut quantity = 1;
            if price < unit_target / 1.8 {
                quantity += rng::poisson(rng, ((unit_target / price - 1.0) * 0.4).min(3.0)) as i32;
            } else if rng::chance(rng, 0.06) {
                quantity = 2;
            }
            let quantity = quantity.min(6);
            if let Some(line) = lines.iter_mut().find(|l| l.product == product) {
                line.quantity += quantity;
                continue;
            }
            lines.push(Line {
                product,
                quantity,
                amount_cents: 0,
                cost_cents: 0,
                returned: false,
            });
            if !self.history.contains(&product) {
                if self.history.len() >= 30 {
                    self.history.remove(0);
                }
                self.history.push(product);
            }
        }
        let mut returns = Vec::new();
        for line in &mut lines {
            let item = &self.catalogue.products[usize::from(line.product)];
            let discount = match rng::weighted(rng, &[0.89, 0.08, 0.03]) {
                _ if black_friday && rng::chance(rng, 0.4) => 0.20,
                1 => 0.10,
                2 => 0.20,
                _ => 0.0,
            };
            let gross = item.price_cents as f64 * f64::from(line.quantity);
            line.amount_cents = (gross * (1.0 - discount)).round() as i64;
            line.cost_cents = item.cost_cents * i64::from(line.quantity);
            if rng::chance(rng, CATEGORIES[item.category].return_rate) {
                returns.push(Line {
                    product: line.product,
                    quantity: -line.quantity,
                    amount_cents: -line.amount_cents,
                    cost_cents: -line.cost_cents,
                    returned: true,
                });
            }
        }
        lines.extend(returns);
        Order {
            date,
            account,
            channel,
            store,
            rep,
            payment,
            lines,
        }
    }

    /// The next product of a basket: a partner of something already in it, a
    /// repeat or partner of an earlier purchase, or a fresh pick by taste and price.
    fn pick_product(&self, lines: &[Line], unit_target: f64, rng: &mut GenRng) -> u16 {
        let products = &self.catalogue.products;
        if let Some(anchor) = (!lines.is_empty()).then(|| rng::pick(rng, lines).product) {
            let partners = &products[usize::from(anchor)].partners;
            if !partners.is_empty() && rng::chance(rng, 0.5) {
                return *rng::pick(rng, partners);
            }
        } else if !self.history.is_empty() && rng::chance(rng, 0.4) {
            let earlier = *rng::pick(rng, &self.history);
            let item = &products[usize::from(earlier)];
            if rng::chance(rng, CATEGORIES[item.category].repeat_rate) || item.partners.is_empty() {
                return earlier;
            }
            return *rng::pick(rng, &item.partners);
        }
        let category = rng::weighted(rng, &self.category_weights);
        let members = &self.catalogue.by_category[category];
        let target = unit_target.ln();
        let weights: Vec<f64> = members
            .iter()
            .map(|&m| {
                let item = &products[usize::from(m)];
                let gap = item.ln_price - target;
                item.popularity / (1.0 + gap * gap)
            })
            .collect();
        members[rng::weighted(rng, &weights)]
    }

    fn payment(&self, date: Day, channel: Channel, rng: &mut GenRng) -> Payment {
        let method = match channel {
            Channel::Store if self.company => {
                if rng::chance(rng, 0.5) {
                    "invoice"
                } else {
                    "card"
                }
            }
            Channel::Store => {
                if rng::chance(rng, 0.9) {
                    "card"
                } else {
                    "klarna"
                }
            }
            _ if rng::chance(rng, 0.8) => self.payment_method,
            _ => ["card", "paypal", "klarna", "invoice"][rng::weighted(rng, &[0.6, 0.2, 0.1, 0.1])],
        };
        if method != "invoice" {
            return Payment {
                method,
                status: "paid",
                due: None,
                paid: Some(date),
            };
        }
        let due = date + if self.company { 30 } else { 14 };
        let defaults = rng::chance(rng, 0.25 * self.credit_risk);
        let late = rng::chance(rng, (2.0 * self.credit_risk + 0.04).min(0.8));
        let planned = if defaults {
            None
        } else if late {
            Some(due + 1 + rng::exponential(rng, 18.0) as Day)
        } else {
            Some(date + rng::int_between(rng, 1, i64::from(due - date)) as Day)
        };
        // The export is a snapshot at the end of the history.
        let (status, paid) = match planned {
            Some(paid) if paid <= HISTORY_END => (if paid > due { "late" } else { "paid" }, Some(paid)),
            _ if HISTORY_END > due + 90 => ("defaulted", None),
            _ if HISTORY_END > due => ("late", None),
            _ => ("open", None),
        };
        Payment {
            method,
            status,
            due: Some(due),
            paid,
        }
    }
}

/// Writes the lines of `order` with the given ids.
pub(crate) fn write_order(
    file: &mut CsvFile,
    order_id: u64,
    customer_id: u64,
    order: &Order,
    catalogue: &Catalogue,
    region: &str,
    lean: bool,
) -> std::io::Result<()> {
    for line in &order.lines {
        file.id("O", order_id, 7);
        file.id("C", customer_id, 6);
        file.date(order.date);
        file.id("P", u64::from(line.product) + 1, 4);
        file.text(catalogue.category_name(line.product));
        file.int(i64::from(line.quantity));
        file.cents(line.amount_cents);
        if !lean {
            file.cents(line.cost_cents);
            file.text("EUR");
            file.text(order.channel.as_str());
            file.text(if line.returned { "returned" } else { "completed" });
            file.text(region);
            let store = order.store.map(|s| &catalogue.stores[usize::from(s)]);
            file.opt_text(store.map(|s| s.name));
            file.opt_text(
                store
                    .zip(order.rep)
                    .and_then(|(s, r)| s.reps.get(r))
                    .map(String::as_str),
            );
            file.text(order.payment.method);
            file.text(order.payment.status);
            file.opt_date(order.payment.due);
            file.opt_date(order.payment.paid);
        }
        file.end_row()?;
    }
    Ok(())
}
