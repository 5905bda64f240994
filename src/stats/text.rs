//! Name matching for "did you mean …" suggestions.

/// The candidate closest to `name` by edit distance (case-insensitive), when it
/// is close enough to be a likely typo: at most a third of the name's length,
/// and at least 1 or 2 edits for short names.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let limit = (lower.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_finds_the_column_and_nonsense_finds_nothing() {
        let cols = ["recency_days", "order_count", "monetary_total"];
        assert_eq!(nearest("recncy_days", cols), Some("recency_days"));
        assert_eq!(nearest("ORDER_COUNT", cols), Some("order_count"));
        assert_eq!(nearest("zzz", cols), None);
    }
}
