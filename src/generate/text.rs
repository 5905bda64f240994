//! The small text transformations that make one person look different in two
//! systems: accent folding, typing errors, e-mail local parts.

use super::rng::{self, GenRng};

/// `value` with accents removed as a system without Unicode support would store
/// it: `Müller` → `Mueller` (German folding) or `Muller` (stripping).
pub(crate) fn fold_ascii(value: &str, german: bool) -> String {
    let mut out = String::with_capacity(value.len() + 4);
    for c in value.chars() {
        match (c, german) {
            ('ä', true) => out.push_str("ae"),
            ('ö', true) => out.push_str("oe"),
            ('ü', true) => out.push_str("ue"),
            ('Ä', true) => out.push_str("Ae"),
            ('Ö', true) => out.push_str("Oe"),
            ('Ü', true) => out.push_str("Ue"),
            _ => match strip_accent(c) {
                Some(plain) => out.push_str(plain),
                None => out.push(c),
            },
        }
    }
    out
}

fn strip_accent(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "A",
        'æ' => "ae",
        'Æ' => "AE",
        'ç' => "c",
        'Ç' => "C",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'È' | 'É' | 'Ê' | 'Ë' => "E",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' => "I",
        'ñ' => "n",
        'Ñ' => "N",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "O",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' => "U",
        'ý' | 'ÿ' => "y",
        'ß' => "ss",
        'œ' => "oe",
        'Œ' => "OE",
        _ => return None,
    })
}

/// Whether `value` has a character that [`fold_ascii`] would change.
pub(crate) fn has_accent(value: &str) -> bool {
    value.chars().any(|c| strip_accent(c).is_some())
}

/// `value` with one typing error: two letters swapped, one dropped, one doubled
/// or one replaced by a neighbour vowel. Short values are returned unchanged.
pub(crate) fn typo(value: &str, rng: &mut GenRng) -> String {
    let mut chars: Vec<char> = value.chars().collect();
    if chars.len() < 4 {
        return value.to_string();
    }
    // Keep the first letter: people rarely mistype it.
    let at = rng::int_between(rng, 1, chars.len() as i64 - 2) as usize;
    match rng::index(rng, 4) {
        0 => chars.swap(at, at + 1),
        1 => {
            chars.remove(at);
        }
        2 => chars.insert(at, chars[at]),
        _ => {
            const VOWELS: [char; 5] = ['a', 'e', 'i', 'o', 'u'];
            match VOWELS.iter().position(|&v| v == chars[at]) {
                Some(i) => chars[at] = VOWELS[(i + 1) % VOWELS.len()],
                None => chars.swap(at, at + 1),
            }
        }
    }
    chars.into_iter().collect()
}

/// Lowercase ASCII letters and digits of `value` (accents stripped), for e-mail
/// local parts and domains: `O'Brien` → `obrien`, `de Jong` → `dejong`.
pub(crate) fn slug(value: &str) -> String {
    fold_ascii(value, false)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A plausible private e-mail local part for a person with these Latin-script
/// names: `anna.berg`, `annaberg84`, `a.berg`, `berg.anna`, `anna_berg`.
pub(crate) fn email_local(first: &str, last: &str, birth_year: Option<i32>, rng: &mut GenRng) -> String {
    let first = slug(first);
    let last = slug(last);
    if last.is_empty() {
        let number = birth_year.map_or_else(|| rng::int_between(rng, 1, 999), |y| i64::from(y % 100));
        return format!("{first}{number:02}");
    }
    let initial = first.chars().next().map(String::from).unwrap_or_default();
    let year = birth_year.map_or(rng::int_between(rng, 10, 99), |y| i64::from(y % 100));
    match rng::weighted(rng, &[0.38, 0.14, 0.12, 0.10, 0.08, 0.10, 0.08]) {
        0 => format!("{first}.{last}"),
        1 => format!("{first}{last}{year:02}"),
        2 => format!("{initial}.{last}"),
        3 => format!("{first}_{last}"),
        4 => format!("{last}.{first}"),
        5 => format!("{first}.{last}{}", rng::int_between(rng, 1, 9)),
        _ => format!("{first}{}", rng::int_between(rng, 100, 9999)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::rng::{sub_rng, Stream};

    #[test]
    fn german_folding_spells_out_umlauts_and_stripping_drops_them() {
        assert_eq!(fold_ascii("Jürgen Müller", true), "Juergen Mueller");
        assert_eq!(fold_ascii("Jürgen Müller", false), "Jurgen Muller");
        assert_eq!(fold_ascii("Élodie Lefèvre", false), "Elodie Lefevre");
        assert_eq!(fold_ascii("Åsa Öberg", false), "Asa Oberg");
        assert_eq!(fold_ascii("Иван", false), "Иван");
        assert!(has_accent("Groß") && !has_accent("Smith"));
    }

    #[test]
    fn a_typo_changes_the_value_but_keeps_its_first_letter() {
        let mut rng = sub_rng(9, Stream::Profile, 1);
        let mut changed = 0;
        for _ in 0..200 {
            let t = typo("Johansson", &mut rng);
            assert!(t.starts_with('J'));
            assert!((8..=10).contains(&t.chars().count()));
            changed += usize::from(t != "Johansson");
        }
        assert!(changed > 150, "only {changed} of 200 typos changed the name");
        assert_eq!(typo("Li", &mut rng), "Li");
    }

    #[test]
    fn email_local_parts_are_lowercase_ascii() {
        let mut rng = sub_rng(9, Stream::Profile, 2);
        for _ in 0..100 {
            let local = email_local("Élodie", "O'Brien", Some(1984), &mut rng);
            assert!(
                local
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_'),
                "{local}"
            );
        }
        assert_eq!(slug("van den Berg"), "vandenberg");
    }
}
