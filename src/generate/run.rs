//! The people loop: draw each person, write every record that concerns them,
//! drop them. Second records of the same person (planted duplicates) wait in a
//! small queue and are written a few thousand people later, so their ids are
//! not next to the original's; the orders placed on a second shop account wait
//! with it.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::calendar::{self, HISTORY_END, HISTORY_START};
use super::campaigns::{self, Campaigns};
use super::catalogue::Catalogue;
use super::csv_out::{CsvFile, Opener};
use super::orders::{self, Account, Order, Purchases};
use super::people::{daytime_seconds, Plan, Profile, ACQUISITION_CHANNELS};
use super::records::{self, EmailRow, ShopRow, SupportRow};
use super::rng::{self, sub_rng, Stream};
use super::support::{self, TicketCounter};
use super::web::{self, SessionCounter};
use super::{GenerateOptions, GenerateSummary};

/// Writes the sample data described by `opts`, creating each file through
/// `open` (called once per file with a relative path such as `orders.csv` or
/// `truth/identity.csv`).
///
/// # Errors
/// The first I/O error of `open` or of a writer it returned.
///
/// ```
/// use rapport::generate::{generate, GenerateOptions};
/// let opts = GenerateOptions { customers: 200, seed: 1, lean_orders: false, orders_only: false };
/// let mut names = Vec::new();
/// let summary = generate(&opts, &mut |name| {
///     names.push(name.to_string());
///     Ok(Box::new(std::io::sink()))
/// }).unwrap();
/// assert!(names.contains(&"truth/identity.csv".to_string()));
/// assert_eq!(summary.files.len(), 14);
/// ```
pub fn generate(
    opts: &GenerateOptions,
    open: &mut dyn FnMut(&str) -> io::Result<Box<dyn Write>>,
) -> io::Result<GenerateSummary> {
    let mut run = Run::start(opts, open)?;
    let people = opts.customers as u64;
    for person in 0..people {
        run.emit_pending(Some(person))?;
        run.person(person, people)?;
    }
    run.emit_pending(None)?;
    run.finish(opts)
}

/// Files written only in full mode.
struct FullFiles {
    shop: CsvFile,
    email: CsvFile,
    support: CsvFile,
    campaigns: CsvFile,
    events: CsvFile,
    consents: CsvFile,
    tickets: CsvFile,
    surveys: CsvFile,
    web: CsvFile,
    spend: CsvFile,
    identity: CsvFile,
    uplift: CsvFile,
    params: CsvFile,
}

/// A record written later than its person.
enum Pending {
    Shop {
        row: Option<ShopRow>,
        orders: Vec<Order>,
        region: &'static str,
    },
    Email(EmailRow),
    Support(SupportRow),
}

struct Run {
    seed: u64,
    lean: bool,
    catalogue: Catalogue,
    orders: CsvFile,
    full: Option<Box<FullFiles>>,
    campaigns: Campaigns,
    tickets: TicketCounter,
    sessions: SessionCounter,
    next_shop: u64,
    next_email: u64,
    next_support: u64,
    next_order: u64,
    /// Waiting records by (person step at which to write, sequence) with their person.
    pending: BTreeMap<(u64, u64), (u64, Pending)>,
    pending_seq: u64,
    /// New shop accounts per (month since history start, acquisition channel).
    signups: Vec<[u64; 6]>,
}

impl Run {
    fn start(opts: &GenerateOptions, open: &mut Opener<'_>) -> io::Result<Run> {
        let (orders, full) = if opts.orders_only {
            (open_orders(opts, open)?, None)
        } else {
            let shop = CsvFile::create(open, "customers_shop.csv", b',', &records::SHOP_HEADER)?;
            let email = CsvFile::create(open, "customers_email.csv", b',', &records::EMAIL_HEADER)?;
            let support = CsvFile::create(open, "customers_support.csv", b';', &records::SUPPORT_HEADER)?;
            let orders = open_orders(opts, open)?;
            let full = FullFiles {
                shop,
                email,
                support,
                campaigns: CsvFile::create(open, "campaigns.csv", b',', &campaigns::CAMPAIGNS_HEADER)?,
                events: CsvFile::create(open, "campaign_events.csv", b',', &campaigns::EVENTS_HEADER)?,
                consents: CsvFile::create(open, "consents.csv", b',', &campaigns::CONSENTS_HEADER)?,
                tickets: CsvFile::create(open, "tickets.csv", b',', &support::TICKETS_HEADER)?,
                surveys: CsvFile::create(open, "surveys.csv", b',', &support::SURVEYS_HEADER)?,
                web: CsvFile::create(open, "web_events.csv", b',', &web::WEB_HEADER)?,
                spend: CsvFile::create(open, "acquisition_spend.csv", b',', &["channel", "period", "spend"])?,
                identity: CsvFile::create(open, "truth/identity.csv", b',', &["source", "record_id", "person_id"])?,
                uplift: CsvFile::create(open, "truth/campaign_uplift.csv", b',', &campaigns::UPLIFT_HEADER)?,
                params: CsvFile::create(
                    open,
                    "truth/customer_params.csv",
                    b',',
                    &[
                        "person_id",
                        "shop_id",
                        "lambda",
                        "p_dropout",
                        "spend_scale",
                        "churned_at",
                    ],
                )?,
            };
            (orders, Some(Box::new(full)))
        };
        let months = (calendar::month_index(HISTORY_END) - calendar::month_index(HISTORY_START) + 1) as usize;
        Ok(Run {
            seed: opts.seed,
            lean: opts.lean_orders,
            catalogue: Catalogue::build(opts.seed),
            orders,
            full,
            campaigns: Campaigns::new(opts.seed),
            tickets: TicketCounter::new(),
            sessions: SessionCounter::new(),
            next_shop: 1,
            next_email: 1,
            next_support: 1,
            next_order: 1,
            pending: BTreeMap::new(),
            pending_seq: 0,
            signups: vec![[0; 6]; months],
        })
    }

    fn defer(&mut self, due: u64, person: u64, record: Pending) {
        self.pending.insert((due, self.pending_seq), (person, record));
        self.pending_seq += 1;
    }

    /// Writes the waiting records due at step `step` (all of them when `None`).
    fn emit_pending(&mut self, step: Option<u64>) -> io::Result<()> {
        while let Some(entry) = self.pending.first_entry() {
            if step.is_some_and(|s| entry.key().0 > s) {
                break;
            }
            let (person, record) = entry.remove();
            match record {
                Pending::Shop { row, orders, region } => {
                    let id = self.take_shop_id();
                    if let (Some(row), Some(full)) = (row, self.full.as_mut()) {
                        row.write(&mut full.shop, id)?;
                        identity(&mut full.identity, "shop", "C", id, 6, person)?;
                    }
                    self.write_orders(&orders, id, region)?;
                }
                Pending::Email(row) => {
                    let id = self.next_email;
                    self.next_email += 1;
                    if let Some(full) = self.full.as_mut() {
                        row.write(&mut full.email, id)?;
                        identity(&mut full.identity, "email", "E", id, 6, person)?;
                    }
                }
                Pending::Support(row) => {
                    let id = self.next_support;
                    self.next_support += 1;
                    if let Some(full) = self.full.as_mut() {
                        row.write(&mut full.support, id)?;
                        identity(&mut full.identity, "support", "S", id, 6, person)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn take_shop_id(&mut self) -> u64 {
        let id = self.next_shop;
        self.next_shop += 1;
        id
    }

    fn write_orders(&mut self, orders: &[Order], customer_id: u64, region: &str) -> io::Result<()> {
        for order in orders {
            orders::write_order(
                &mut self.orders,
                self.next_order,
                customer_id,
                order,
                &self.catalogue,
                region,
                self.lean,
            )?;
            self.next_order += 1;
        }
        Ok(())
    }

    /// Draws person `person` and writes everything about them.
    fn person(&mut self, person: u64, people: u64) -> io::Result<()> {
        let plan = Plan::draw(self.seed, person, people);
        let region = plan.locale().region;
        let mut purchases = orders::simulate(self.seed, &plan, &self.catalogue);
        let (main_orders, second_orders): (Vec<Order>, Vec<Order>) = std::mem::take(&mut purchases.orders)
            .into_iter()
            .partition(|o| o.account == Account::Main);

        let shop_id = plan.shop.map(|_| self.take_shop_id());
        let mut profile_rng = sub_rng(self.seed, Stream::Profile, person);
        let profile = self.full.is_some().then(|| Profile::draw(&plan, &mut profile_rng));
        if let Some(id) = shop_id {
            if let (Some(full), Some(profile)) = (self.full.as_mut(), &profile) {
                let row = ShopRow::draw(&plan, profile, None, &mut profile_rng);
                row.write(&mut full.shop, id)?;
                identity(&mut full.identity, "shop", "C", id, 6, person)?;
                write_params(&mut full.params, person, id, &purchases)?;
                let (signup, channel) = row.acquisition();
                let month = calendar::month_index(signup) - calendar::month_index(HISTORY_START);
                let slot = channel.and_then(|c| ACQUISITION_CHANNELS.iter().position(|a| *a == c));
                if let (Ok(month), Some(slot)) = (usize::try_from(month), slot) {
                    if let Some(counts) = self.signups.get_mut(month) {
                        counts[slot] += 1;
                    }
                }
            }
            self.write_orders(&main_orders, id, region)?;
        }
        if let Some(dup) = plan.shop_duplicate {
            let row = profile
                .as_ref()
                .map(|p| ShopRow::draw(&plan, p, Some(&dup), &mut profile_rng));
            self.defer(
                person + dup.delay,
                person,
                Pending::Shop {
                    row,
                    orders: second_orders,
                    region,
                },
            );
        }
        purchases.orders = main_orders;
        // From here on only full mode writes anything.
        let (Some(profile), Some(full)) = (profile, self.full.as_mut()) else {
            return Ok(());
        };
        if let Some(created) = plan.email {
            let id = self.next_email;
            self.next_email += 1;
            let row = EmailRow::draw(&plan, &profile, created, &mut profile_rng);
            row.write(&mut full.email, id)?;
            identity(&mut full.identity, "email", "E", id, 6, person)?;
            self.campaigns.contact(
                &plan,
                id,
                created,
                row.has_mobile(),
                &purchases,
                &mut full.events,
                &mut full.consents,
            )?;
        }
        if plan.support {
            let id = self.next_support;
            self.next_support += 1;
            let row = SupportRow::draw(&plan, &profile, &mut profile_rng);
            row.write(&mut full.support, id)?;
            identity(&mut full.identity, "support", "S", id, 6, person)?;
            support::requester(
                self.seed,
                &plan,
                id,
                &purchases,
                &mut self.tickets,
                &mut full.tickets,
                &mut full.surveys,
            )?;
        }
        if let Some(id) = shop_id {
            web::customer(
                self.seed,
                &plan,
                id,
                &purchases,
                &self.catalogue,
                &mut self.sessions,
                &mut full.web,
            )?;
        }
        web::anonymous(self.seed, person, &self.catalogue, &mut self.sessions, &mut full.web)?;

        let mut deferred = Vec::new();
        if let Some(dup) = plan.email_duplicate {
            let created = calendar::at(dup.created, daytime_seconds(&mut profile_rng));
            deferred.push((
                dup.delay,
                Pending::Email(EmailRow::draw(&plan, &profile, created, &mut profile_rng)),
            ));
        }
        if let Some(dup) = plan.support_duplicate {
            deferred.push((
                dup.delay,
                Pending::Support(SupportRow::draw(&plan, &profile, &mut profile_rng)),
            ));
        }
        for (delay, record) in deferred {
            self.defer(person + delay, person, record);
        }
        Ok(())
    }

    fn finish(mut self, opts: &GenerateOptions) -> io::Result<GenerateSummary> {
        let mut files = Vec::new();
        match self.full.take() {
            None => files.push(self.orders.finish()?),
            Some(full) => {
                let mut full = *full;
                self.campaigns.write_campaigns(&mut full.campaigns)?;
                self.campaigns.write_uplift(&mut full.uplift)?;
                write_spend(&mut full.spend, self.seed, &self.signups)?;
                for file in [
                    full.shop,
                    full.email,
                    full.support,
                    self.orders,
                    full.campaigns,
                    full.events,
                    full.consents,
                    full.tickets,
                    full.surveys,
                    full.web,
                    full.spend,
                    full.identity,
                    full.uplift,
                    full.params,
                ] {
                    files.push(file.finish()?);
                }
            }
        }
        Ok(GenerateSummary {
            seed: opts.seed,
            customers: opts.customers,
            files,
        })
    }
}

fn open_orders(opts: &GenerateOptions, open: &mut Opener<'_>) -> io::Result<CsvFile> {
    let header: &[&str] = if opts.lean_orders {
        &orders::LEAN_HEADER
    } else {
        &orders::FULL_HEADER
    };
    CsvFile::create(open, "orders.csv", b',', header)
}

fn identity(file: &mut CsvFile, source: &str, prefix: &str, id: u64, width: usize, person: u64) -> io::Result<()> {
    file.text(source);
    file.id(prefix, id, width);
    file.id("P", person + 1, 7);
    file.end_row()
}

fn write_params(file: &mut CsvFile, person: u64, shop_id: u64, purchases: &Purchases) -> io::Result<()> {
    let params = &purchases.params;
    file.id("P", person + 1, 7);
    file.id("C", shop_id, 6);
    file.decimal(if params.buyer { params.lambda_per_year } else { 0.0 }, 4);
    file.decimal(params.p_dropout, 4);
    file.decimal(params.spend_scale, 2);
    file.opt_date(params.churned_at);
    file.end_row()
}

/// Monthly acquisition spend per channel: a fixed part plus a cost per new
/// account that varies from month to month.
fn write_spend(file: &mut CsvFile, seed: u64, signups: &[[u64; 6]]) -> io::Result<()> {
    const COST_PER_SIGNUP: [f64; 6] = [6.0, 10.0, 15.0, 26.0, 4.0, 34.0];
    let months = signups.len().max(1) as f64;
    let mut mean = [0.0; 6];
    for counts in signups {
        for (m, c) in mean.iter_mut().zip(counts) {
            *m += *c as f64 / months;
        }
    }
    let (start_year, start_month, _) = calendar::civil_from_days(HISTORY_START);
    for (offset, counts) in signups.iter().enumerate() {
        let mut rng = sub_rng(seed, Stream::Acquisition, offset as u64);
        let month0 = start_month as usize - 1 + offset;
        let first_day = calendar::days_from_civil(start_year + (month0 / 12) as i32, (month0 % 12) as u32 + 1, 1);
        for (slot, channel) in ACQUISITION_CHANNELS.iter().enumerate() {
            let cost = COST_PER_SIGNUP[slot];
            let euros = 0.3 * mean[slot] * cost + counts[slot] as f64 * cost * rng::log_normal(&mut rng, 1.0, 0.15);
            file.text(channel);
            file.month(first_day);
            file.cents((euros * 100.0).round() as i64);
            file.end_row()?;
        }
    }
    Ok(())
}
