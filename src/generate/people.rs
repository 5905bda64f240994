//! The latent people behind the customer records.
//!
//! A [`Plan`] says which systems a person is in and when they joined; it comes
//! from the person's `Plan` stream and is all the order generator needs, so the
//! orders-only mode draws exactly the same plans. A [`Profile`] (names, contact
//! details, addresses) comes from the `Profile` stream and is only drawn when
//! customer files are written.

use super::calendar::{self, Day, Instant, HISTORY_END, HISTORY_START};
use super::locale::{self, Locale};
use super::rng::{self, sub_rng, GenRng, Stream};
use super::text;

/// First day a pre-history shop account can have been opened.
const EARLIEST_SIGNUP: Day = calendar::days_from_civil(2020, 1, 1);

/// A planted hostile value (see [`hostile_kinds`]).
pub(crate) mod hostile {
    /// Shop first name `<img src=x onerror=alert(1)>`.
    pub const SCRIPT_NAME: u8 = 1;
    /// Shop company `=HYPERLINK(...)` (a spreadsheet formula).
    pub const FORMULA_COMPANY: u8 = 2;
    /// A last name with a comma and quotes in it.
    pub const COMMA_QUOTE_NAME: u8 = 4;
    /// A street with an embedded line break.
    pub const NEWLINE_STREET: u8 = 8;
    /// A help-desk last name with a semicolon (the help desk's delimiter).
    pub const SEMICOLON_NAME: u8 = 16;
    /// Every kind, in order.
    pub const ALL: [u8; 5] = [
        SCRIPT_NAME,
        FORMULA_COMPANY,
        COMMA_QUOTE_NAME,
        NEWLINE_STREET,
        SEMICOLON_NAME,
    ];
}

/// Which hostile values person `person` of `people` carries: each kind is
/// planted once, on people spread over the file (several kinds may share a
/// person when there are fewer than 12 people).
pub(crate) fn hostile_kinds(person: u64, people: u64) -> u8 {
    hostile::ALL
        .iter()
        .enumerate()
        .filter(|(k, _)| (2 * *k as u64 + 1) * people / 12 == person)
        .fold(0, |acc, (_, kind)| acc | kind)
}

/// A second record of the same person in the same system, written later.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Duplicate {
    /// How many people later the record is written (ids are given in write order).
    pub delay: u64,
    /// When the second account was opened.
    pub created: Day,
}

/// Which systems a person is in, and when they joined them.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// 0-based person index (`person_id` is `P` + index + 1).
    pub person: u64,
    pub locale: usize,
    pub female: bool,
    /// Buys for a business (invoices, a company name).
    pub company: bool,
    /// Shop signup day, when the person has a shop account.
    pub shop: Option<Day>,
    pub shop_duplicate: Option<Duplicate>,
    /// E-mail tool "Created At", when the person is in the e-mail tool.
    pub email: Option<Instant>,
    pub email_duplicate: Option<Duplicate>,
    pub support: bool,
    pub support_duplicate: Option<Duplicate>,
    /// Bits of [`hostile`].
    pub hostile: u8,
}

impl Plan {
    /// The plan of person `person` of `people`.
    pub(crate) fn draw(seed: u64, person: u64, people: u64) -> Plan {
        let mut rng = sub_rng(seed, Stream::Plan, person);
        let locale = locale::pick_locale(&mut rng);
        let female = rng::chance(&mut rng, 0.51);
        let company = rng::chance(&mut rng, 0.09);
        let hostile = hostile_kinds(person, people);

        let in_shop = rng::chance(&mut rng, 0.90) || hostile != 0;
        let in_email = rng::chance(&mut rng, if in_shop { 0.585 } else { 0.75 });
        let support_rate = match (in_shop, in_email) {
            (true, _) => 0.245,
            (false, true) => 0.10,
            (false, false) => 1.0,
        };
        let in_support = rng::chance(&mut rng, support_rate) || hostile & hostile::SEMICOLON_NAME != 0;

        let shop = in_shop.then(|| draw_signup(&mut rng));
        let shop_duplicate = match shop {
            Some(signup) if rng::chance(&mut rng, 0.03) => Some(Duplicate {
                delay: delay(&mut rng),
                created: later_day(&mut rng, signup),
            }),
            _ => None,
        };
        let email = in_email.then(|| {
            let day = match shop {
                Some(signup) if rng::chance(&mut rng, 0.7) => signup,
                Some(signup) => later_day(&mut rng, signup),
                None => rng::int_between(&mut rng, i64::from(EARLIEST_SIGNUP) + 366, i64::from(HISTORY_END)) as Day,
            };
            calendar::at(day, daytime_seconds(&mut rng))
        });
        let email_duplicate = match email {
            Some(created) if rng::chance(&mut rng, 0.015) => Some(Duplicate {
                delay: delay(&mut rng),
                created: later_day(&mut rng, calendar::day_of(created)),
            }),
            _ => None,
        };
        let support_duplicate = (in_support && rng::chance(&mut rng, 0.03)).then(|| Duplicate {
            delay: delay(&mut rng),
            created: HISTORY_START,
        });
        Plan {
            person,
            locale,
            female,
            company,
            shop,
            shop_duplicate,
            email,
            email_duplicate,
            support: in_support,
            support_duplicate,
            hostile,
        }
    }

    /// The person's country.
    pub(crate) fn locale(&self) -> &'static Locale {
        locale::get(self.locale)
    }
}

/// A shop signup: a fifth before the history window, the rest growing through it.
fn draw_signup(rng: &mut GenRng) -> Day {
    if rng::chance(rng, 0.22) {
        return rng::int_between(rng, i64::from(EARLIEST_SIGNUP), i64::from(HISTORY_START) - 1) as Day;
    }
    let span = f64::from(HISTORY_END - HISTORY_START);
    HISTORY_START + (span * rng::uniform(rng, 0.0, 1.0).powf(0.85)) as Day
}

/// A day after `day` (weeks to a couple of years), never past the history.
fn later_day(rng: &mut GenRng, day: Day) -> Day {
    let later = day + 14 + rng::exponential(rng, 240.0) as Day;
    if later <= HISTORY_END {
        later
    } else {
        rng::int_between(rng, i64::from(day), i64::from(HISTORY_END)) as Day
    }
}

/// How far later in the files a duplicate record is written.
fn delay(rng: &mut GenRng) -> u64 {
    rng::int_between(rng, 40, 4_000) as u64
}

/// A time of day in seconds, busier in the evening.
pub(crate) fn daytime_seconds(rng: &mut GenRng) -> i64 {
    const HOURS: [f64; 24] = [
        0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.6, 2.0, 2.2, 2.3, 2.4, 2.2, 2.1, 2.0, 2.0, 2.2, 2.6, 3.0, 3.2, 2.8,
        1.8, 0.8,
    ];
    let hour = rng::weighted(rng, &HOURS) as i64;
    hour * 3600 + rng::int_between(rng, 0, 3599)
}

/// A name in its native script and in Latin script (equal for Latin locales).
#[derive(Debug, Clone)]
pub(crate) struct Name {
    pub native: String,
    pub latin: String,
}

impl Name {
    fn from_pair(pair: &str) -> Name {
        Name {
            native: locale::native(pair).to_string(),
            latin: locale::latin(pair).to_string(),
        }
    }
}

/// A postal address.
#[derive(Debug, Clone)]
pub(crate) struct Address {
    pub street: String,
    pub postal_code: String,
    /// Index into the locale's cities.
    pub city: usize,
}

/// A person's true details, before any source system distorts them.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    pub first: Name,
    pub last: Name,
    pub gender: Option<&'static str>,
    pub birth: Option<Day>,
    pub email_local: String,
    pub email_domain: String,
    /// The company's domain, for people who buy for a business.
    pub work_domain: Option<String>,
    /// National significant digits of the mobile number.
    pub mobile: String,
    /// A number the person used before (some systems still have it).
    pub old_mobile: Option<String>,
    pub home: Address,
    /// Where the person lived before moving (some records still say so).
    pub previous: Option<Address>,
    pub company: Option<String>,
    pub job: Option<&'static str>,
    pub marital: Option<&'static str>,
    pub anniversary: Option<Day>,
    pub acquisition: Option<&'static str>,
}

const JOBS: &[&str] = &[
    "Teacher",
    "Nurse",
    "Software Engineer",
    "Accountant",
    "Sales Manager",
    "Electrician",
    "Student",
    "Retired",
    "Project Manager",
    "Physician",
    "Chef",
    "Graphic Designer",
    "Consultant",
    "Lawyer",
    "Police Officer",
    "Architect",
    "Marketing Specialist",
    "Carpenter",
    "Pharmacist",
    "Data Analyst",
    "Shop Assistant",
    "Driver",
    "Researcher",
    "Civil Servant",
];
const BUSINESS_JOBS: &[&str] = &[
    "Owner",
    "Managing Director",
    "Purchasing Manager",
    "Office Manager",
    "CFO",
    "Operations Manager",
    "Procurement Officer",
];

/// The shop's acquisition channels and their shares.
pub(crate) const ACQUISITION_CHANNELS: [&str; 6] = ["web", "store", "referral", "social", "email", "paid_search"];
const ACQUISITION_WEIGHTS: [f64; 6] = [0.32, 0.20, 0.10, 0.14, 0.08, 0.16];

impl Profile {
    /// The profile of the person planned by `plan`, drawn from `rng` (the
    /// person's `Profile` stream, which then goes on to vary their records).
    pub(crate) fn draw(plan: &Plan, rng: &mut GenRng) -> Profile {
        let loc = plan.locale();
        let first = Name::from_pair(rng::pick_str(rng, if plan.female { loc.female } else { loc.male }));
        let mut last = Name::from_pair(rng::pick_str(rng, loc.surnames));
        if let (true, Some(suffix)) = (plan.female, loc.female_surname_suffix) {
            last.native.push_str(locale::native(suffix));
            last.latin.push_str(locale::latin(suffix));
        }
        if rng::chance(rng, loc.mononym_rate) {
            last = Name {
                native: String::new(),
                latin: String::new(),
            };
        }
        let gender = match rng::weighted(rng, &[0.952, 0.008, 0.04]) {
            0 => Some(if plan.female { "F" } else { "M" }),
            1 => Some("X"),
            _ => None,
        };
        let age = (18.0 + rng::gamma(rng, 3.2, 8.0)).min(92.0);
        let birth_day = HISTORY_END - (age * 365.25) as Day - rng::int_between(rng, 0, 364) as Day;
        let birth_year = calendar::civil_from_days(birth_day).0;
        let birth = (!rng::chance(rng, 0.12)).then_some(birth_day);

        let company = plan.company.then(|| {
            rng::pick(rng, loc.companies)
                .replace("{}", &last.native)
                .replace("  ", " ")
        });
        let work_domain = company.as_deref().map(|c| {
            let slug = text::slug(&Name::from_pair(c).latin);
            format!("{}.example", if slug.len() < 3 { "company" } else { &slug })
        });
        let email_local = text::email_local(&first.latin, &last.latin, Some(birth_year), rng);
        let email_domain = rng::pick(rng, loc.email_domains).to_string();
        let mobile = loc.mobile_number(rng);
        let old_mobile = rng::chance(rng, 0.06).then(|| loc.mobile_number(rng));

        let home = draw_address(loc, rng);
        let previous = rng::chance(rng, 0.18).then(|| draw_address(loc, rng));

        let job = if plan.company {
            Some(*rng::pick(rng, BUSINESS_JOBS))
        } else {
            (!rng::chance(rng, 0.45)).then(|| *rng::pick(rng, JOBS))
        };
        let married_weights = if age < 25.0 {
            [0.85, 0.15, 0.0, 0.0]
        } else if age > 62.0 {
            [0.2, 0.5, 0.15, 0.15]
        } else {
            [0.3, 0.52, 0.14, 0.04]
        };
        let marital = ["single", "married", "divorced", "widowed"][rng::weighted(rng, &married_weights)];
        let anniversary = if marital == "married" && rng::chance(rng, 0.55) {
            let earliest = birth_day + (22.0 * 365.25) as Day;
            let latest = HISTORY_END - 365;
            (earliest < latest).then(|| rng::int_between(rng, i64::from(earliest), i64::from(latest)) as Day)
        } else {
            None
        };
        let marital = (!rng::chance(rng, 0.35)).then_some(marital);
        let acquisition =
            (!rng::chance(rng, 0.02)).then(|| ACQUISITION_CHANNELS[rng::weighted(rng, &ACQUISITION_WEIGHTS)]);
        Profile {
            first,
            last,
            gender,
            birth,
            email_local,
            email_domain,
            work_domain,
            mobile,
            old_mobile,
            home,
            previous,
            company,
            job,
            marital,
            anniversary,
            acquisition,
        }
    }
}

fn draw_address(loc: &Locale, rng: &mut GenRng) -> Address {
    let city = loc.pick_city(rng);
    Address {
        street: loc.street(rng),
        postal_code: loc.postal_code(city, rng),
        city,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_hostile_kind_is_planted_on_exactly_one_person() {
        for people in [1u64, 5, 12, 5_000] {
            for kind in hostile::ALL {
                let carriers = (0..people).filter(|&p| hostile_kinds(p, people) & kind != 0).count();
                assert_eq!(carriers, 1, "kind {kind} among {people} people");
            }
        }
    }

    #[test]
    fn plans_put_most_people_in_the_shop_and_everyone_somewhere() {
        let n = 4_000;
        let plans: Vec<Plan> = (0..n).map(|p| Plan::draw(11, p, n)).collect();
        let shop = plans.iter().filter(|p| p.shop.is_some()).count() as f64 / n as f64;
        let email = plans.iter().filter(|p| p.email.is_some()).count() as f64 / n as f64;
        let support = plans.iter().filter(|p| p.support).count() as f64 / n as f64;
        assert!((0.87..0.93).contains(&shop), "shop {shop}");
        assert!((0.55..0.65).contains(&email), "email {email}");
        assert!((0.21..0.29).contains(&support), "support {support}");
        assert!(plans.iter().all(|p| p.shop.is_some() || p.email.is_some() || p.support));
        for p in &plans {
            if let (Some(signup), Some(dup)) = (p.shop, p.shop_duplicate) {
                assert!(dup.created >= signup && dup.created <= HISTORY_END);
            }
        }
    }

    #[test]
    fn russian_women_get_the_feminine_surname() {
        let n = 3_000;
        let plan = (0..n)
            .map(|p| Plan::draw(5, p, n))
            .find(|p| p.locale().code == "RU" && p.female)
            .unwrap();
        let profile = Profile::draw(&plan, &mut sub_rng(5, Stream::Profile, plan.person));
        assert!(profile.last.native.ends_with('а'), "{}", profile.last.native);
        assert!(profile.last.latin.ends_with('a'), "{}", profile.last.latin);
    }
}
