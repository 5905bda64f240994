//! Completion for the expression editor: what may be typed at the cursor.

use serde::Serialize;

use super::functions::FUNCTIONS;
use super::lexer::{is_name_char, lex, Tok};
use crate::table::CustomerTable;

/// What a completion inserts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CompletionKind {
    Column,
    Function,
    Keyword,
}

/// One suggestion: `label` replaces the text from byte `from` to the cursor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    /// A column's type and meaning, a function's signature, a keyword's use.
    pub detail: String,
    /// Byte offset where the word being completed starts.
    pub from: usize,
}

const VALUE_KEYWORDS: [(&str, &str); 4] = [
    ("not", "negates a condition: not bought('A')"),
    ("today", "the reference date of the customer table"),
    ("true", "boolean true"),
    ("false", "boolean false"),
];

const OPERATOR_KEYWORDS: [(&str, &str); 7] = [
    ("and", "both conditions"),
    ("or", "either condition"),
    ("in", "one of a list: country in ('SE', 'DE')"),
    ("between", "a range, both ends included: age between 30 and 40"),
    ("contains", "text contains, case ignored: email contains 'gmail'"),
    ("is", "is null / is not null"),
    ("not", "not in / not between / not contains"),
];

/// At most this many completions are returned.
pub const MAX_COMPLETIONS: usize = 50;

/// Whether the cursor at `at` is inside a quoted string.
fn in_string(text: &str, at: usize) -> bool {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in text[..at].chars() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None => {}
        }
    }
    quote.is_some()
}

/// The completions at byte `cursor` of `text` (clamped to the text): columns of
/// `table`, functions and keywords that start with the word under the cursor
/// (then those that contain it), fitting what may come there — a value after
/// an operator, an operator or keyword after a value.
pub fn complete(table: &CustomerTable, text: &str, cursor: usize) -> Vec<Completion> {
    let mut cursor = cursor.min(text.len());
    while !text.is_char_boundary(cursor) {
        cursor -= 1;
    }
    if in_string(text, cursor) {
        return Vec::new();
    }
    let from = text[..cursor]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_name_char(c))
        .last()
        .map_or(cursor, |(i, _)| i);
    let word = text[from..cursor].to_lowercase();
    if word.starts_with(|c: char| c.is_ascii_digit()) {
        return Vec::new();
    }
    let after_value = match lex(&text[..from]) {
        Ok(tokens) => tokens.iter().rev().nth(1).is_some_and(|t| {
            matches!(
                t.tok,
                Tok::Name(_)
                    | Tok::Number(_)
                    | Tok::Text(_)
                    | Tok::Duration(_)
                    | Tok::RParen
                    | Tok::Null
                    | Tok::True
                    | Tok::False
            )
        }),
        Err(_) => false,
    };
    let mut all: Vec<Completion> = Vec::new();
    let mut push = |label: &str, kind, detail: String| {
        all.push(Completion {
            label: label.to_string(),
            kind,
            detail,
            from,
        })
    };
    if after_value {
        for (k, about) in OPERATOR_KEYWORDS {
            push(k, CompletionKind::Keyword, about.to_string());
        }
    } else {
        for f in table.features() {
            push(
                &f.name,
                CompletionKind::Column,
                format!("{} · {}", f.values.kind(), f.about),
            );
        }
        for f in FUNCTIONS {
            push(
                f.name,
                CompletionKind::Function,
                format!("{} — {}", f.signature, f.about),
            );
        }
        for (k, about) in VALUE_KEYWORDS {
            push(k, CompletionKind::Keyword, about.to_string());
        }
    }
    let starts: Vec<Completion> = all
        .iter()
        .filter(|c| c.label.to_lowercase().starts_with(&word))
        .cloned()
        .collect();
    let inside = all.into_iter().filter(|c| {
        !word.is_empty() && !c.label.to_lowercase().starts_with(&word) && c.label.to_lowercase().contains(&word)
    });
    starts.into_iter().chain(inside).take(MAX_COMPLETIONS).collect()
}
