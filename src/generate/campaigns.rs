//! E-mail and sms campaigns with a randomised control group, the consents that
//! decide who may be contacted, and the true uplift of each campaign.
//!
//! Every contacted person has a conversion probability without the campaign
//! (`p_control`) and a personal effect `τ = campaign uplift × responsiveness ×
//! variant factor`, received only when the message is delivered. The truth file
//! reports, per campaign, the exact mean over everyone assigned (target and
//! control) of `P(convert | target) − P(convert | control)`.

use super::calendar::{self, Day, Instant, HISTORY_END};
use super::catalogue::shuffle;
use super::csv_out::CsvFile;
use super::orders::Purchases;
use super::people::Plan;
use super::rng::{self, sub_rng, GenRng, Stream};

/// Header of `campaigns.csv`.
pub(crate) const CAMPAIGNS_HEADER: [&str; 5] = ["campaign_id", "name", "channel", "sent_at", "cost"];
/// Header of `campaign_events.csv`.
pub(crate) const EVENTS_HEADER: [&str; 8] = [
    "campaign_id",
    "customer_id",
    "event",
    "timestamp",
    "channel",
    "revenue",
    "group",
    "variant",
];
/// Header of `consents.csv`.
pub(crate) const CONSENTS_HEADER: [&str; 4] = ["customer_id", "channel", "status", "updated_at"];
/// Header of `truth/campaign_uplift.csv`.
pub(crate) const UPLIFT_HEADER: [&str; 4] = ["campaign_id", "true_uplift", "target_size", "control_size"];

const CONSENT_CHANNELS: [&str; 4] = ["email", "sms", "post", "phone"];
const EMAIL: usize = 0;
const SMS: usize = 1;
/// Share of each audience held out as control.
const CONTROL_SHARE: f64 = 0.10;
const SOFT_BOUNCE: f64 = 0.03;

/// Who a campaign is sent to (among contacts who consented to its channel).
#[derive(Debug, Clone, Copy)]
enum Audience {
    Everyone,
    /// People who bought at least once before the send.
    Buyers,
    /// Buyers whose last order is more than this many days before the send.
    Lapsed(Day),
    /// People of these countries.
    Countries(&'static [&'static str]),
}

struct Spec {
    name: &'static str,
    channel: usize,
    date: (i32, u32, u32),
    audience: Audience,
    /// Share of the eligible contacts selected.
    reach: f64,
    /// Conversion probability of an average contact without the campaign.
    base_rate: f64,
    /// Whether the target group is split into an A/B test (B works 1.4× better).
    ab_test: bool,
    /// Forces a campaign that does nothing (true uplift 0).
    no_effect: bool,
}

#[rustfmt::skip]
const SPECS: [Spec; 12] = [
    Spec { name: "Autumn Collection 2023", channel: EMAIL, date: (2023, 9, 5), audience: Audience::Everyone, reach: 0.8, base_rate: 0.020, ab_test: false, no_effect: false },
    Spec { name: "Black Friday 2023", channel: EMAIL, date: (2023, 11, 24), audience: Audience::Everyone, reach: 0.95, base_rate: 0.035, ab_test: false, no_effect: false },
    Spec { name: "Christmas Last Call 2023", channel: SMS, date: (2023, 12, 12), audience: Audience::Everyone, reach: 0.9, base_rate: 0.030, ab_test: false, no_effect: false },
    Spec { name: "Spring Sale 2024", channel: EMAIL, date: (2024, 3, 14), audience: Audience::Everyone, reach: 0.85, base_rate: 0.020, ab_test: true, no_effect: false },
    Spec { name: "Midsummer Flash Sale 2024", channel: SMS, date: (2024, 6, 18), audience: Audience::Countries(&["SE"]), reach: 1.0, base_rate: 0.025, ab_test: false, no_effect: false },
    Spec { name: "Back to School 2024", channel: EMAIL, date: (2024, 8, 20), audience: Audience::Everyone, reach: 0.7, base_rate: 0.015, ab_test: false, no_effect: false },
    Spec { name: "Black Friday 2024", channel: EMAIL, date: (2024, 11, 29), audience: Audience::Everyone, reach: 0.95, base_rate: 0.035, ab_test: true, no_effect: false },
    Spec { name: "Valentine's Picks 2025", channel: EMAIL, date: (2025, 2, 11), audience: Audience::Everyone, reach: 0.6, base_rate: 0.015, ab_test: false, no_effect: false },
    Spec { name: "Loyalty Points Reminder", channel: SMS, date: (2025, 5, 6), audience: Audience::Buyers, reach: 0.9, base_rate: 0.025, ab_test: false, no_effect: true },
    Spec { name: "Win-back: We Miss You", channel: EMAIL, date: (2025, 8, 26), audience: Audience::Lapsed(180), reach: 1.0, base_rate: 0.010, ab_test: false, no_effect: false },
    Spec { name: "Black Friday 2025", channel: EMAIL, date: (2025, 11, 28), audience: Audience::Everyone, reach: 0.95, base_rate: 0.035, ab_test: true, no_effect: false },
    Spec { name: "Spring Sale 2026", channel: SMS, date: (2026, 4, 15), audience: Audience::Everyone, reach: 0.85, base_rate: 0.020, ab_test: false, no_effect: false },
];

/// One campaign as sent.
struct Campaign {
    spec: &'static Spec,
    sent_at: Instant,
    /// Uplift in conversion probability for a contact of average responsiveness.
    uplift: f64,
    fixed_cost_cents: i64,
}

/// Running counts of one campaign, for its cost and its true uplift.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    target: u64,
    control: u64,
    sent: u64,
    effect_sum: f64,
}

/// The campaigns of one generated company and what they reached.
pub(crate) struct Campaigns {
    seed: u64,
    campaigns: Vec<Campaign>,
    tallies: Vec<Tally>,
}

/// A consent record.
#[derive(Debug, Clone, Copy)]
struct Consent {
    channel: usize,
    granted: bool,
    at: Instant,
}

impl Campaigns {
    /// The campaign calendar of `seed`.
    pub(crate) fn new(seed: u64) -> Campaigns {
        let mut rng = sub_rng(seed, Stream::CampaignSetup, 0);
        let campaigns = SPECS
            .iter()
            .map(|spec| {
                let (y, m, d) = spec.date;
                let minutes = rng::int_between(&mut rng, 8 * 60, 11 * 60);
                Campaign {
                    spec,
                    sent_at: calendar::at(calendar::days_from_civil(y, m, d), minutes * 60),
                    uplift: if spec.no_effect {
                        0.0
                    } else {
                        rng::uniform(&mut rng, 0.004, 0.035)
                    },
                    fixed_cost_cents: rng::int_between(&mut rng, 300, 1_500) * 100,
                }
            })
            .collect::<Vec<_>>();
        let tallies = vec![Tally::default(); campaigns.len()];
        Campaigns {
            seed,
            campaigns,
            tallies,
        }
    }

    /// Draws the consents and campaign events of one e-mail tool contact and
    /// writes them (consents deliberately in no particular order).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn contact(
        &mut self,
        plan: &Plan,
        contact_id: u64,
        created: Instant,
        has_mobile: bool,
        purchases: &Purchases,
        events: &mut CsvFile,
        consents: &mut CsvFile,
    ) -> std::io::Result<()> {
        let mut rng = sub_rng(self.seed, Stream::Campaigns, plan.person);
        let rng = &mut rng;
        let mut history = consent_history(created, has_mobile, rng);

        let open_rate = rng::beta(rng, 2.0, 5.0);
        let click_rate = rng::beta(rng, 2.0, 9.0);
        let responsiveness = rng::gamma(rng, 4.0, 0.25);
        let propensity = rng::gamma(rng, 3.0, 1.0 / 3.0) * if purchases.params.buyer { 1.5 } else { 0.6 };
        let bad_address = [rng::chance(rng, 0.015), rng::chance(rng, 0.02)];
        // The tool stops sending to an address after it bounced hard.
        let mut suppressed = [false, false];
        let spend = purchases.params.spend_scale;

        for (index, campaign) in self.campaigns.iter().enumerate() {
            let spec = campaign.spec;
            let sent_at = campaign.sent_at + rng::int_between(rng, 0, 45 * 60);
            let channel = spec.channel;
            let eligible = created < sent_at
                && !suppressed[channel]
                && (channel != SMS || has_mobile)
                && consent_at(&history, channel, sent_at)
                && in_audience(spec.audience, plan, purchases, calendar::day_of(sent_at));
            if !eligible || !rng::chance(rng, spec.reach) {
                continue;
            }
            let tally = &mut self.tallies[index];
            let control = rng::chance(rng, CONTROL_SHARE);
            let variant = match (control, spec.ab_test) {
                (true, _) => "",
                (false, true) => {
                    if rng::chance(rng, 0.5) {
                        "A"
                    } else {
                        "B"
                    }
                }
                (false, false) => "main",
            };
            let p_control = (spec.base_rate * propensity).min(0.5);
            let variant_factor = if spec.ab_test { 1.2 } else { 1.0 }; // mean of A (1.0) and B (1.4)
            let delivery = if bad_address[channel] { 0.0 } else { 1.0 - SOFT_BOUNCE };
            // The effect of being assigned to the target, averaged over variants and delivery.
            tally.effect_sum += delivery * campaign.uplift * responsiveness * variant_factor;
            let channel_name = CONSENT_CHANNELS[channel];
            let mut row = EventRow {
                campaign: index as u64 + 1,
                contact_id,
                channel: channel_name,
                control,
                variant,
            };
            if control {
                tally.control += 1;
                if rng::chance(rng, p_control) {
                    let at = sent_at + (rng::exponential(rng, 2.0) * 86_400.0) as i64;
                    row.converted(events, at, spend, rng)?;
                }
                continue;
            }
            tally.target += 1;
            tally.sent += 1;
            row.write(events, "sent", sent_at, None)?;
            let bounced = if bad_address[channel] {
                row.write(events, "bounced_hard", sent_at + rng::int_between(rng, 2, 30), None)?;
                suppressed[channel] = true;
                true
            } else if rng::chance(rng, SOFT_BOUNCE) {
                row.write(events, "bounced_soft", sent_at + rng::int_between(rng, 2, 600), None)?;
                true
            } else {
                false
            };
            if bounced {
                // Not delivered: converts as if never contacted.
                if rng::chance(rng, p_control) {
                    let at = sent_at + (rng::exponential(rng, 2.0) * 86_400.0) as i64;
                    row.converted(events, at, spend, rng)?;
                }
                continue;
            }
            let delivered_at = sent_at + rng::int_between(rng, 1, 40);
            row.write(events, "delivered", delivered_at, None)?;
            let mut last = delivered_at;
            if channel == EMAIL && rng::chance(rng, open_rate) {
                last += (rng::exponential(rng, 6.0) * 3600.0) as i64 + 30;
                row.write(events, "opened", last, None)?;
            }
            let clicks = if channel == EMAIL {
                last > delivered_at && rng::chance(rng, click_rate)
            } else {
                rng::chance(rng, 0.6 * click_rate)
            };
            if clicks {
                last += (rng::exponential(rng, 8.0) * 60.0) as i64 + 5;
                row.write(events, "clicked", last, None)?;
            }
            let tau = campaign.uplift * responsiveness * if variant == "B" { 1.4 } else { 1.0 };
            if rng::chance(rng, p_control + tau) {
                let at = if clicks {
                    last + rng::int_between(rng, 60, 3 * 3600)
                } else {
                    delivered_at + (rng::exponential(rng, 2.0) * 86_400.0) as i64
                };
                row.converted(events, at, spend, rng)?;
            }
            let complains = channel == EMAIL && rng::chance(rng, 0.0006);
            if complains || rng::chance(rng, if channel == EMAIL { 0.004 } else { 0.006 }) {
                let at = last + rng::int_between(rng, 20, 2 * 3600);
                row.write(events, if complains { "complained" } else { "unsubscribed" }, at, None)?;
                withdraw(&mut history, channel, at);
            }
        }
        shuffle(&mut history, rng);
        for consent in &history {
            consents.id("E", contact_id, 6);
            consents.text(CONSENT_CHANNELS[consent.channel]);
            consents.text(if consent.granted { "granted" } else { "withdrawn" });
            consents.timestamp(consent.at);
            consents.end_row()?;
        }
        Ok(())
    }

    /// Writes `campaigns.csv` (costs from the messages actually sent).
    pub(crate) fn write_campaigns(&self, file: &mut CsvFile) -> std::io::Result<()> {
        for (index, (campaign, tally)) in self.campaigns.iter().zip(&self.tallies).enumerate() {
            let per_message_cents = if campaign.spec.channel == SMS { 6.0 } else { 0.2 };
            file.id("CMP", index as u64 + 1, 2);
            file.text(campaign.spec.name);
            file.text(CONSENT_CHANNELS[campaign.spec.channel]);
            file.timestamp(campaign.sent_at);
            file.cents(campaign.fixed_cost_cents + (per_message_cents * tally.sent as f64).round() as i64);
            file.end_row()?;
        }
        Ok(())
    }

    /// Writes `truth/campaign_uplift.csv`.
    pub(crate) fn write_uplift(&self, file: &mut CsvFile) -> std::io::Result<()> {
        for (index, tally) in self.tallies.iter().enumerate() {
            let assigned = tally.target + tally.control;
            file.id("CMP", index as u64 + 1, 2);
            file.decimal(
                if assigned == 0 {
                    0.0
                } else {
                    tally.effect_sum / assigned as f64
                },
                6,
            );
            file.int(tally.target as i64);
            file.int(tally.control as i64);
            file.end_row()?;
        }
        Ok(())
    }
}

/// The fixed columns of one contact's events in one campaign.
struct EventRow<'a> {
    campaign: u64,
    contact_id: u64,
    channel: &'a str,
    control: bool,
    variant: &'a str,
}

impl EventRow<'_> {
    fn write(
        &mut self,
        file: &mut CsvFile,
        event: &str,
        at: Instant,
        revenue_cents: Option<i64>,
    ) -> std::io::Result<()> {
        file.id("CMP", self.campaign, 2);
        file.id("E", self.contact_id, 6);
        file.text(event);
        file.timestamp(at);
        file.text(self.channel);
        match revenue_cents {
            Some(cents) => file.cents(cents),
            None => file.empty(),
        }
        file.text(if self.control { "control" } else { "target" });
        file.text(self.variant);
        file.end_row()
    }

    /// A conversion with revenue around the person's spend scale (dropped when
    /// it would fall after the end of the history).
    fn converted(
        &mut self,
        file: &mut CsvFile,
        at: Instant,
        spend_scale: f64,
        rng: &mut GenRng,
    ) -> std::io::Result<()> {
        let revenue = (rng::gamma(rng, 4.0, spend_scale / 4.0) * 100.0).round() as i64;
        if calendar::day_of(at) > HISTORY_END {
            return Ok(());
        }
        self.write(file, "converted", at, Some(revenue.max(100)))
    }
}

/// Whether the person belongs to the audience on day `day`.
fn in_audience(audience: Audience, plan: &Plan, purchases: &Purchases, day: Day) -> bool {
    let last_order = purchases
        .orders
        .iter()
        .take_while(|o| o.date < day)
        .map(|o| o.date)
        .last();
    match audience {
        Audience::Everyone => true,
        Audience::Buyers => last_order.is_some(),
        Audience::Lapsed(days) => last_order.is_some_and(|d| day - d > days),
        Audience::Countries(codes) => codes.contains(&plan.locale().code),
    }
}

/// A contact's consent history from their creation to the end of the history.
fn consent_history(created: Instant, has_mobile: bool, rng: &mut GenRng) -> Vec<Consent> {
    // chance of an opt-in, mean delay in days, withdrawals per year
    const RULES: [(f64, f64, f64); 4] = [
        (0.95, 0.0, 0.08),
        (0.40, 120.0, 0.12),
        (0.25, 0.0, 0.05),
        (0.12, 60.0, 0.20),
    ];
    let end = calendar::at(HISTORY_END, 86_399);
    let mut history = Vec::new();
    for (channel, &(rate, delay, hazard)) in RULES.iter().enumerate() {
        if channel == SMS && !has_mobile {
            continue;
        }
        if !rng::chance(rng, rate) {
            if channel == EMAIL {
                history.push(Consent {
                    channel,
                    granted: false,
                    at: created,
                });
            }
            continue;
        }
        let mut at =
            created + (rng::exponential(rng, delay.max(0.01)) * 86_400.0) as i64 + rng::int_between(rng, 0, 59);
        let mut granted = true;
        while at <= end && history.len() < 40 {
            history.push(Consent { channel, granted, at });
            at += if granted {
                (rng::exponential(rng, 365.0 / hazard) * 86_400.0) as i64
            } else if rng::chance(rng, 0.25) {
                (rng::exponential(rng, 200.0) * 86_400.0) as i64
            } else {
                break;
            };
            granted = !granted;
        }
    }
    history
}

/// Whether consent for `channel` is granted at `at`.
fn consent_at(history: &[Consent], channel: usize, at: Instant) -> bool {
    history
        .iter()
        .filter(|c| c.channel == channel && c.at <= at)
        .max_by_key(|c| c.at)
        .is_some_and(|c| c.granted)
}

/// Records a withdrawal at `at`, dropping what the history had planned after it.
fn withdraw(history: &mut Vec<Consent>, channel: usize, at: Instant) {
    history.retain(|c| c.channel != channel || c.at < at);
    history.push(Consent {
        channel,
        granted: false,
        at,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_follows_the_latest_record_before_the_moment() {
        let history = [
            Consent {
                channel: EMAIL,
                granted: true,
                at: 100,
            },
            Consent {
                channel: EMAIL,
                granted: false,
                at: 300,
            },
            Consent {
                channel: SMS,
                granted: true,
                at: 50,
            },
        ];
        assert!(!consent_at(&history, EMAIL, 99));
        assert!(consent_at(&history, EMAIL, 200));
        assert!(!consent_at(&history, EMAIL, 400));
        assert!(consent_at(&history, SMS, 400));
    }

    #[test]
    fn a_withdrawal_overrides_later_planned_grants() {
        let mut history = vec![
            Consent {
                channel: EMAIL,
                granted: true,
                at: 100,
            },
            Consent {
                channel: EMAIL,
                granted: true,
                at: 900,
            },
        ];
        withdraw(&mut history, EMAIL, 500);
        assert!(!consent_at(&history, EMAIL, 1_000));
    }

    #[test]
    fn twelve_campaigns_one_without_effect() {
        let campaigns = Campaigns::new(1);
        assert_eq!(campaigns.campaigns.len(), 12);
        assert_eq!(campaigns.campaigns.iter().filter(|c| c.uplift == 0.0).count(), 1);
        assert!(campaigns.campaigns.windows(2).all(|w| w[0].sent_at < w[1].sent_at));
    }
}
