//! Countries the sample customers live in: how their names, addresses, postal
//! codes and phone numbers look. The tables themselves are in `locale_data`.
//!
//! Names and cities of non-Latin scripts are stored as `"native|latin"` pairs
//! (`"Иван|Ivan"`), so a source system can keep either form.

use super::locale_data::LOCALES;
use super::rng::{self, GenRng};

/// How a street address is written in a country.
#[derive(Debug, Clone, Copy)]
pub(crate) enum StreetStyle {
    /// `Storgatan 12`
    NameNumber,
    /// `12 rue Victor Hugo`
    NumberName,
    /// `Calle Mayor, 12`
    NameCommaNumber,
    /// `ул. Ленина, д. 12, кв. 34`
    Russian,
    /// `中山路12号`
    Chinese,
    /// `خیابان آزادی، پلاک 12`
    Persian,
    /// `Jl. Sudirman No. 12`
    Indonesian,
}

/// How a postal code is written in a country.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PostalStyle {
    /// The city's prefix followed by random digits up to this many digits.
    Digits(usize),
    /// Swedish `123 45`.
    Swedish,
    /// Dutch `1234 AB`.
    Dutch,
    /// British `SW1 4AB` (the city's prefix is the area letters).
    British,
}

/// The mobile numbering plan of a country.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PhonePlan {
    /// Country calling code without `+`.
    pub country_code: &'static str,
    /// National trunk prefix dialled before the number at home (`0`, `8`, or none).
    pub trunk: &'static str,
    /// Leading digits of mobile numbers.
    pub prefixes: &'static [&'static str],
    /// Digits of the national significant number.
    pub length: usize,
    /// Digit groups of the international written form.
    pub groups: &'static [usize],
}

/// A city and the leading digits (or letters) of its postal codes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct City {
    /// `"native|latin"` or a plain name.
    pub name: &'static str,
    pub postal_prefix: &'static str,
    pub weight: f64,
}

/// Everything the generator knows about one country.
#[derive(Debug)]
pub(crate) struct Locale {
    /// ISO 3166-1 alpha-2 code.
    pub code: &'static str,
    /// English name, as a help desk agent would type it.
    pub country_name: &'static str,
    /// Share of the customer base.
    pub weight: f64,
    /// Sales region of the country.
    pub region: &'static str,
    /// Whether names are written in Latin script.
    pub latin_script: bool,
    /// Whether umlauts fold the German way (`ü` → `ue`) rather than by stripping.
    pub german_fold: bool,
    pub male: &'static [&'static str],
    pub female: &'static [&'static str],
    pub surnames: &'static [&'static str],
    /// Ending added to a surname for women (Russian `-а`), as `"native|latin"`.
    pub female_surname_suffix: Option<&'static str>,
    /// Share of people with only one name (empty last name).
    pub mononym_rate: f64,
    pub cities: &'static [City],
    pub streets: &'static [&'static str],
    pub street_style: StreetStyle,
    pub postal: PostalStyle,
    pub phone: PhonePlan,
    /// Private e-mail providers (reserved `.example` domains: nobody can be mailed).
    pub email_domains: &'static [&'static str],
    /// Company names; `{}` is replaced by a surname.
    pub companies: &'static [&'static str],
    /// Physical stores of the shop in this country (may be none).
    pub stores: &'static [&'static str],
}

/// The native-script part of a `"native|latin"` pair (the whole string otherwise).
pub(crate) fn native(pair: &str) -> &str {
    pair.split_once('|').map_or(pair, |(n, _)| n)
}

/// The Latin-script part of a `"native|latin"` pair (the whole string otherwise).
pub(crate) fn latin(pair: &str) -> &str {
    pair.split_once('|').map_or(pair, |(_, l)| l)
}

/// All locales.
pub(crate) fn all() -> &'static [Locale] {
    &LOCALES
}

/// The locale at `index` (indices come from [`pick_locale`]).
pub(crate) fn get(index: usize) -> &'static Locale {
    &LOCALES[index.min(LOCALES.len() - 1)]
}

/// A country drawn from the customer mix.
pub(crate) fn pick_locale(rng: &mut GenRng) -> usize {
    let weights: Vec<f64> = LOCALES.iter().map(|l| l.weight).collect();
    rng::weighted(rng, &weights)
}

/// The written forms of a phone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PhoneStyle {
    /// `+46 70 123 45 67`
    International,
    /// `+46701234567`
    E164,
    /// `0701234567`
    National,
    /// `(070) 123-4567`
    NationalPunctuated,
}

impl Locale {
    /// A random city index, weighted by size.
    pub(crate) fn pick_city(&self, rng: &mut GenRng) -> usize {
        let weights: Vec<f64> = self.cities.iter().map(|c| c.weight).collect();
        rng::weighted(rng, &weights)
    }

    /// A postal code in city `city`.
    pub(crate) fn postal_code(&self, city: usize, rng: &mut GenRng) -> String {
        let prefix = self.cities[city.min(self.cities.len() - 1)].postal_prefix;
        let mut code = prefix.to_string();
        let digit = |rng: &mut GenRng| char::from(b'0' + rng::index(rng, 10) as u8);
        let letter = |rng: &mut GenRng| char::from(b'A' + rng::index(rng, 26) as u8);
        match self.postal {
            PostalStyle::Digits(len) => {
                while code.len() < len {
                    code.push(digit(rng));
                }
            }
            PostalStyle::Swedish => {
                while code.len() < 5 {
                    code.push(digit(rng));
                }
                code.insert(3, ' ');
            }
            PostalStyle::Dutch => {
                while code.len() < 4 {
                    code.push(digit(rng));
                }
                code.push(' ');
                code.push(letter(rng));
                code.push(letter(rng));
            }
            PostalStyle::British => {
                code.push_str(&rng::int_between(rng, 1, 20).to_string());
                code.push(' ');
                code.push(digit(rng));
                code.push(letter(rng));
                code.push(letter(rng));
            }
        }
        code
    }

    /// A street address (street name and house number in the local style).
    pub(crate) fn street(&self, rng: &mut GenRng) -> String {
        let name = rng::pick(rng, self.streets);
        let number = rng::int_between(rng, 1, 140);
        match self.street_style {
            StreetStyle::NameNumber => format!("{name} {number}"),
            StreetStyle::NumberName => format!("{number} {name}"),
            StreetStyle::NameCommaNumber => format!("{name}, {number}"),
            StreetStyle::Russian => {
                format!("{name}, д. {number}, кв. {}", rng::int_between(rng, 1, 220))
            }
            StreetStyle::Chinese => format!("{name}{number}号"),
            StreetStyle::Persian => format!("{name}، پلاک {number}"),
            StreetStyle::Indonesian => format!("{name} No. {number}"),
        }
    }

    /// A mobile number: the national significant digits, without trunk prefix.
    pub(crate) fn mobile_number(&self, rng: &mut GenRng) -> String {
        let mut digits = rng::pick(rng, self.phone.prefixes).to_string();
        while digits.len() < self.phone.length {
            digits.push(char::from(b'0' + rng::index(rng, 10) as u8));
        }
        digits
    }

    /// `number` (national significant digits) written in `style`.
    pub(crate) fn format_phone(&self, number: &str, style: PhoneStyle) -> String {
        let plan = &self.phone;
        match style {
            PhoneStyle::E164 => format!("+{}{number}", plan.country_code),
            PhoneStyle::National => format!("{}{number}", plan.trunk),
            PhoneStyle::International => {
                let mut out = format!("+{}", plan.country_code);
                let mut rest = number;
                for &group in plan.groups {
                    if rest.is_empty() {
                        break;
                    }
                    let (head, tail) = rest.split_at(group.min(rest.len()));
                    out.push(' ');
                    out.push_str(head);
                    rest = tail;
                }
                if !rest.is_empty() {
                    out.push(' ');
                    out.push_str(rest);
                }
                out
            }
            PhoneStyle::NationalPunctuated => {
                let first = plan.groups.first().copied().unwrap_or(3).min(number.len());
                let (area, rest) = number.split_at(first);
                let (mid, last) = rest.split_at(3.min(rest.len()));
                format!("({}{area}) {mid}-{last}", plan.trunk)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::rng::{sub_rng, Stream};

    fn locale(code: &str) -> &'static Locale {
        all().iter().find(|l| l.code == code).unwrap()
    }

    #[test]
    fn swedish_mobile_is_written_three_ways() {
        let se = locale("SE");
        assert_eq!(
            se.format_phone("701234567", PhoneStyle::International),
            "+46 70 123 45 67"
        );
        assert_eq!(se.format_phone("701234567", PhoneStyle::National), "0701234567");
        assert_eq!(
            se.format_phone("701234567", PhoneStyle::NationalPunctuated),
            "(070) 123-4567"
        );
        assert_eq!(se.format_phone("701234567", PhoneStyle::E164), "+46701234567");
    }

    #[test]
    fn postal_codes_follow_the_country_pattern() {
        let mut rng = sub_rng(1, Stream::Profile, 0);
        let se = locale("SE").postal_code(0, &mut rng);
        assert!(se.len() == 6 && se.as_bytes()[3] == b' ', "{se}");
        let nl = locale("NL").postal_code(0, &mut rng);
        assert!(nl.len() == 7 && nl[5..].chars().all(|c| c.is_ascii_uppercase()), "{nl}");
        let de = locale("DE").postal_code(0, &mut rng);
        assert!(de.len() == 5 && de.chars().all(|c| c.is_ascii_digit()), "{de}");
    }

    #[test]
    fn every_locale_has_names_cities_and_a_consistent_phone_plan() {
        let mut total = 0.0;
        for l in all() {
            assert!(
                !l.male.is_empty() && !l.female.is_empty() && !l.surnames.is_empty(),
                "{}",
                l.code
            );
            assert!(!l.cities.is_empty() && !l.streets.is_empty() && !l.email_domains.is_empty());
            assert!(!l.companies.is_empty());
            assert_eq!(l.phone.groups.iter().sum::<usize>(), l.phone.length, "{}", l.code);
            assert!(l.phone.prefixes.iter().all(|p| p.len() < l.phone.length));
            total += l.weight;
        }
        assert!((total - 1.0).abs() < 1e-9);
    }
}
