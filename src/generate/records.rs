//! How each source system records a person: the shop, the e-mail tool and the
//! help desk each keep their own copy, with their own habits (spelling,
//! transliteration, phone format, e-mail alias, stale address) — the planted
//! variations an identity-resolution step has to see through.

use super::calendar::{self, Instant};
use super::csv_out::CsvFile;
use super::locale::{self, Locale, PhoneStyle};
use super::people::{hostile, Address, Duplicate, Plan, Profile, ACQUISITION_CHANNELS};
use super::rng::{self, GenRng};
use super::text;

/// Header of `customers_shop.csv`.
pub(crate) const SHOP_HEADER: [&str; 17] = [
    "customer_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "street",
    "postal_code",
    "city",
    "country",
    "birth_date",
    "gender",
    "signup_date",
    "acquisition_channel",
    "company",
    "job",
    "marital_status",
    "anniversary",
];
/// Header of `customers_email.csv`.
pub(crate) const EMAIL_HEADER: [&str; 7] = [
    "Contact ID",
    "Email Address",
    "First Name",
    "Last Name",
    "Mobile",
    "Country",
    "Created At",
];
/// Header of `customers_support.csv` (semicolon-delimited).
pub(crate) const SUPPORT_HEADER: [&str; 7] = [
    "Requester ID",
    "First name",
    "Last name",
    "E-mail",
    "Phone number",
    "City",
    "Country",
];

/// Which copy of a person is being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum System {
    Shop,
    ShopDuplicate,
    Email,
    Support,
}

/// Probabilities of each name distortion in one system.
struct NameNoise {
    transliterate: f64,
    fold: f64,
    typo: f64,
    upper_last: f64,
    lower_all: f64,
    upper_all: f64,
    swap: f64,
    missing_first: f64,
}

#[rustfmt::skip]
fn name_noise(system: System) -> NameNoise {
    match system {
        System::Shop => NameNoise { transliterate: 0.0, fold: 0.0, typo: 0.0, upper_last: 0.0, lower_all: 0.0, upper_all: 0.0, swap: 0.0, missing_first: 0.004 },
        System::ShopDuplicate => NameNoise { transliterate: 0.15, fold: 0.15, typo: 0.15, upper_last: 0.05, lower_all: 0.05, upper_all: 0.04, swap: 0.03, missing_first: 0.0 },
        System::Email => NameNoise { transliterate: 0.35, fold: 0.20, typo: 0.03, upper_last: 0.0, lower_all: 0.08, upper_all: 0.02, swap: 0.02, missing_first: 0.05 },
        System::Support => NameNoise { transliterate: 0.50, fold: 0.15, typo: 0.06, upper_last: 0.10, lower_all: 0.03, upper_all: 0.04, swap: 0.05, missing_first: 0.02 },
    }
}

/// First and last name as `system` stores them.
fn names(profile: &Profile, loc: &Locale, system: System, rng: &mut GenRng) -> (String, String) {
    let noise = name_noise(system);
    let (mut first, mut last) = if !loc.latin_script && rng::chance(rng, noise.transliterate) {
        (profile.first.latin.clone(), profile.last.latin.clone())
    } else {
        (profile.first.native.clone(), profile.last.native.clone())
    };
    if (text::has_accent(&first) || text::has_accent(&last)) && rng::chance(rng, noise.fold) {
        let german = loc.german_fold && rng::chance(rng, 0.6);
        first = text::fold_ascii(&first, german);
        last = text::fold_ascii(&last, german);
    }
    if rng::chance(rng, noise.typo) {
        if rng::chance(rng, 0.5) {
            first = text::typo(&first, rng);
        } else {
            last = text::typo(&last, rng);
        }
    }
    if rng::chance(rng, noise.upper_last) {
        last = last.to_uppercase();
    } else if rng::chance(rng, noise.lower_all) {
        first = first.to_lowercase();
        last = last.to_lowercase();
    } else if rng::chance(rng, noise.upper_all) {
        first = first.to_uppercase();
        last = last.to_uppercase();
    }
    if rng::chance(rng, noise.swap) {
        std::mem::swap(&mut first, &mut last);
    }
    if rng::chance(rng, noise.missing_first) {
        first.clear();
    }
    (first, last)
}

/// The e-mail address as `system` stores it (aliases, other domains, case).
fn email(profile: &Profile, system: System, rng: &mut GenRng) -> Option<String> {
    // same, upper case, +alias, other provider, work address, missing
    let (weights, tag): ([f64; 6], &str) = match system {
        System::Shop => ([0.97, 0.0, 0.0, 0.0, 0.0, 0.03], ""),
        System::ShopDuplicate => ([0.05, 0.10, 0.30, 0.40, 0.10, 0.05], "shop"),
        System::Email => ([0.80, 0.04, 0.07, 0.06, 0.03, 0.0], "news"),
        System::Support => ([0.55, 0.05, 0.04, 0.15, 0.06, 0.15], "support"),
    };
    let local = &profile.email_local;
    let domain = &profile.email_domain;
    Some(match rng::weighted(rng, &weights) {
        0 => format!("{local}@{domain}"),
        1 => format!("{local}@{domain}").to_uppercase(),
        2 => format!("{local}+{tag}@{domain}"),
        3 => {
            let other = ["mail.example", "proton.example", "outlook.example", "icloud.example"];
            let pick = rng::pick(rng, &other);
            format!("{local}@{}", if pick == domain { "post.example" } else { pick })
        }
        4 => match &profile.work_domain {
            Some(work) => {
                let first = text::slug(&profile.first.latin);
                let last = text::slug(&profile.last.latin);
                format!("{first}.{last}@{work}")
            }
            None => format!("{local}{}@{domain}", rng::int_between(rng, 1, 99)),
        },
        _ => return None,
    })
}

/// The phone number as `system` writes it.
fn phone(profile: &Profile, loc: &Locale, system: System, rng: &mut GenRng) -> Option<String> {
    // missing rate; international, E.164, national, national punctuated
    let (missing, styles): (f64, [f64; 4]) = match system {
        System::Shop => (0.15, [0.45, 0.0, 0.35, 0.20]),
        System::ShopDuplicate => (0.30, [0.45, 0.0, 0.35, 0.20]),
        System::Email => (0.35, [0.25, 0.55, 0.20, 0.0]),
        System::Support => (0.30, [0.25, 0.0, 0.35, 0.40]),
    };
    if rng::chance(rng, missing) {
        return None;
    }
    let number = match (&profile.old_mobile, system) {
        (Some(old), System::ShopDuplicate | System::Support) if rng::chance(rng, 0.5) => old,
        _ => &profile.mobile,
    };
    let style = [
        PhoneStyle::International,
        PhoneStyle::E164,
        PhoneStyle::National,
        PhoneStyle::NationalPunctuated,
    ][rng::weighted(rng, &styles)];
    Some(loc.format_phone(number, style))
}

/// City name as written by a system: native, transliterated or folded.
fn city_name(loc: &Locale, address: &Address, system: System, rng: &mut GenRng) -> String {
    let pair = loc.cities[address.city.min(loc.cities.len() - 1)].name;
    let native = locale::native(pair);
    if system == System::Shop {
        return native.to_string();
    }
    if !loc.latin_script && rng::chance(rng, 0.5) {
        return locale::latin(pair).to_string();
    }
    if text::has_accent(native) && rng::chance(rng, 0.2) {
        return text::fold_ascii(native, false);
    }
    native.to_string()
}

/// One row of `customers_shop.csv`.
#[derive(Debug, Clone)]
pub(crate) struct ShopRow {
    first: String,
    last: String,
    email: Option<String>,
    phone: Option<String>,
    street: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    country: Option<&'static str>,
    birth: Option<calendar::Day>,
    gender: Option<&'static str>,
    signup: calendar::Day,
    channel: Option<&'static str>,
    company: Option<String>,
    job: Option<&'static str>,
    marital: Option<&'static str>,
    anniversary: Option<calendar::Day>,
}

impl ShopRow {
    /// The person's main shop record (`duplicate` None) or their second account.
    pub(crate) fn draw(plan: &Plan, profile: &Profile, duplicate: Option<&Duplicate>, rng: &mut GenRng) -> ShopRow {
        let loc = plan.locale();
        let system = if duplicate.is_some() {
            System::ShopDuplicate
        } else {
            System::Shop
        };
        let (mut first, mut last) = names(profile, loc, system, rng);
        let email = email(profile, system, rng);
        let phone = phone(profile, loc, system, rng);
        // The main record is often never updated after a move; a second account
        // then tends to carry the other address.
        let stale = profile.previous.is_some() && rng::chance(rng, 0.35);
        let address = match (&profile.previous, duplicate, stale) {
            (Some(old), None, true) => old,
            (Some(old), Some(_), false) if rng::chance(rng, 0.5) => old,
            _ => &profile.home,
        };
        let has_street = !rng::chance(rng, 0.04);
        let mut street = has_street.then(|| address.street.clone());
        let postal_code = has_street.then(|| address.postal_code.clone());
        let city = (!rng::chance(rng, 0.015)).then(|| city_name(loc, address, system, rng));
        let country = (!rng::chance(rng, 0.02)).then_some(loc.code);
        let mut company = profile.company.clone();
        let signup = match duplicate {
            Some(dup) => dup.created,
            None => plan.shop.unwrap_or(calendar::HISTORY_START),
        };
        let (birth, gender, channel, job, marital, anniversary) = match duplicate {
            None => (
                profile.birth,
                profile.gender,
                profile.acquisition,
                profile.job,
                profile.marital,
                profile.anniversary,
            ),
            Some(_) => (
                profile.birth.filter(|_| rng::chance(rng, 0.6)),
                profile.gender.filter(|_| rng::chance(rng, 0.7)),
                Some(*rng::pick(rng, &ACQUISITION_CHANNELS)),
                profile.job.filter(|_| rng::chance(rng, 0.4)),
                profile.marital.filter(|_| rng::chance(rng, 0.4)),
                profile.anniversary.filter(|_| rng::chance(rng, 0.3)),
            ),
        };
        if duplicate.is_none() {
            if plan.hostile & hostile::SCRIPT_NAME != 0 {
                first = "<img src=x onerror=alert(1)>".to_string();
            }
            if plan.hostile & hostile::FORMULA_COMPANY != 0 {
                company = Some("=HYPERLINK(\"http://example.com\",\"click\")".to_string());
            }
            if plan.hostile & hostile::COMMA_QUOTE_NAME != 0 {
                last = comma_quote_name(&last);
            }
            if plan.hostile & hostile::NEWLINE_STREET != 0 {
                street = Some(format!("{}\nc/o Reception, 2nd floor", address.street));
            }
        }
        ShopRow {
            first,
            last,
            email,
            phone,
            street,
            postal_code,
            city,
            country,
            birth,
            gender,
            signup,
            channel,
            company,
            job,
            marital,
            anniversary,
        }
    }

    /// Signup day and acquisition channel (for the acquisition spend).
    pub(crate) fn acquisition(&self) -> (calendar::Day, Option<&'static str>) {
        (self.signup, self.channel)
    }

    /// Writes the row with shop id `id`.
    pub(crate) fn write(&self, file: &mut CsvFile, id: u64) -> std::io::Result<()> {
        file.id("C", id, 6);
        file.text(&self.first);
        file.text(&self.last);
        file.opt_text(self.email.as_deref());
        file.opt_text(self.phone.as_deref());
        file.opt_text(self.street.as_deref());
        file.opt_text(self.postal_code.as_deref());
        file.opt_text(self.city.as_deref());
        file.opt_text(self.country);
        file.opt_date(self.birth);
        file.opt_text(self.gender);
        file.date(self.signup);
        file.opt_text(self.channel);
        file.opt_text(self.company.as_deref());
        file.opt_text(self.job);
        file.opt_text(self.marital);
        file.opt_date(self.anniversary);
        file.end_row()
    }
}

/// A last name with a comma and double quotes in it (`Smith, "Jr."`).
fn comma_quote_name(last: &str) -> String {
    format!("{}, \"Jr.\"", if last.is_empty() { "Smith" } else { last })
}

/// One row of `customers_email.csv`.
#[derive(Debug, Clone)]
pub(crate) struct EmailRow {
    email: Option<String>,
    first: String,
    last: String,
    mobile: Option<String>,
    country: Option<String>,
    created: Instant,
}

impl EmailRow {
    /// The person's e-mail tool contact, created at `created`.
    pub(crate) fn draw(plan: &Plan, profile: &Profile, created: Instant, rng: &mut GenRng) -> EmailRow {
        let loc = plan.locale();
        let (first, mut last) = names(profile, loc, System::Email, rng);
        if plan.hostile & hostile::COMMA_QUOTE_NAME != 0 {
            last = comma_quote_name(&last);
        }
        let email = email(profile, System::Email, rng);
        let mobile = phone(profile, loc, System::Email, rng);
        let country = match rng::weighted(rng, &[0.85, 0.05, 0.10]) {
            0 => Some(loc.code.to_string()),
            1 => Some(loc.code.to_lowercase()),
            _ => None,
        };
        EmailRow {
            email,
            first,
            last,
            mobile,
            country,
            created,
        }
    }

    /// Whether the contact has a mobile number (sms campaigns need one).
    pub(crate) fn has_mobile(&self) -> bool {
        self.mobile.is_some()
    }

    /// Writes the row with e-mail tool id `id`.
    pub(crate) fn write(&self, file: &mut CsvFile, id: u64) -> std::io::Result<()> {
        file.id("E", id, 6);
        file.opt_text(self.email.as_deref());
        file.text(&self.first);
        file.text(&self.last);
        file.opt_text(self.mobile.as_deref());
        file.opt_text(self.country.as_deref());
        file.timestamp(self.created);
        file.end_row()
    }
}

/// One row of `customers_support.csv`.
#[derive(Debug, Clone)]
pub(crate) struct SupportRow {
    first: String,
    last: String,
    email: Option<String>,
    phone: Option<String>,
    city: Option<String>,
    country: Option<&'static str>,
}

impl SupportRow {
    /// The person's help-desk requester record.
    pub(crate) fn draw(plan: &Plan, profile: &Profile, rng: &mut GenRng) -> SupportRow {
        let loc = plan.locale();
        let (first, mut last) = names(profile, loc, System::Support, rng);
        if plan.hostile & hostile::COMMA_QUOTE_NAME != 0 {
            last = comma_quote_name(&last);
        }
        if plan.hostile & hostile::SEMICOLON_NAME != 0 {
            last = format!(
                "{}; {}",
                if last.is_empty() { "Berg" } else { &last },
                locale::native(rng::pick_str(rng, loc.surnames))
            );
        }
        let email = email(profile, System::Support, rng);
        let phone = phone(profile, loc, System::Support, rng);
        let address = match &profile.previous {
            Some(old) if rng::chance(rng, 0.5) => old,
            _ => &profile.home,
        };
        let city = (!rng::chance(rng, 0.12)).then(|| city_name(loc, address, System::Support, rng));
        let country = match rng::weighted(rng, &[0.55, 0.35, 0.10]) {
            0 => Some(loc.country_name),
            1 => Some(loc.code),
            _ => None,
        };
        SupportRow {
            first,
            last,
            email,
            phone,
            city,
            country,
        }
    }

    /// Writes the row with help-desk id `id`.
    pub(crate) fn write(&self, file: &mut CsvFile, id: u64) -> std::io::Result<()> {
        file.id("S", id, 6);
        file.text(&self.first);
        file.text(&self.last);
        file.opt_text(self.email.as_deref());
        file.opt_text(self.phone.as_deref());
        file.opt_text(self.city.as_deref());
        file.opt_text(self.country);
        file.end_row()
    }
}
