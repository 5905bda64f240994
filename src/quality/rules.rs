//! What makes a single value invalid, per canonical field.

/// True when `email` looks like an address: one `@`, a local part, a dotted
/// domain, no spaces.
pub fn valid_email(email: &str) -> bool {
    let e = email.trim();
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.contains(char::is_whitespace)
}

/// True when `phone` has 7 to 15 digits (E.164's limit) and only the
/// punctuation phone numbers are written with.
pub fn valid_phone(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    (7..=15).contains(&digits) && phone.chars().all(|c| c.is_ascii_digit() || " +-()./".contains(c))
}

/// Why a date of `field` is implausible (days since 1970-01-01), if it is:
/// before 1900, or after `as_of`.
pub fn implausible_date(day: i32, as_of: i32) -> Option<&'static str> {
    const DAY_1900: i32 = -25_567;
    if day < DAY_1900 {
        Some("date before 1900")
    } else if day > as_of {
        Some("date in the future")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_phones_are_judged_as_a_person_would() {
        for ok in ["a@b.se", "åsa.öberg+shop@telia.example", "x@sub.domain.co"] {
            assert!(valid_email(ok), "{ok}");
        }
        for bad in ["", "a", "a@b", "@b.se", "a@@b.se", "a b@c.se", "a@.se", "a@b."] {
            assert!(!valid_email(bad), "{bad}");
        }
        for ok in ["+46 70 123 45 67", "0701234567", "(070) 123-4567"] {
            assert!(valid_phone(ok), "{ok}");
        }
        for bad in ["123", "call me", "+46 70 123 45 67 89 01 23", "070-123 45 67 ext"] {
            assert!(!valid_phone(bad), "{bad}");
        }
    }

    #[test]
    fn dates_before_1900_or_after_the_reference_are_implausible() {
        assert_eq!(implausible_date(-25_568, 0), Some("date before 1900"));
        assert_eq!(implausible_date(-25_567, 0), None);
        assert_eq!(implausible_date(1, 0), Some("date in the future"));
    }
}
