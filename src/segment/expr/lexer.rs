//! Tokens of a selection expression, each with its byte span.
//!
//! Strings are written in `'…'` or `"…"` (a backslash escapes `\\`, `\'`, `\"`,
//! `\n`, `\t`; a doubled quote stands for itself, as in SQL). Numbers are
//! decimal (`3`, `99.5`); a whole number followed by `d`, `w`, `m` or `y` is a
//! duration (`90d`, `12w`, `6m` calendar months, `1y`). Keywords are
//! case-insensitive; names are letters, digits and `_`, not starting with a digit.

use super::ast::{BinOp, Duration, Unit};
use crate::{Error, Result};

/// The largest duration amount accepted (keeps date arithmetic far from overflow).
pub const MAX_DURATION: i64 = 100_000;

/// One token.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Name(String),
    Text(String),
    Number(f64),
    Duration(Duration),
    /// `= != < <= > >= + - * /`.
    Op(BinOp),
    LParen,
    RParen,
    Comma,
    And,
    Or,
    Not,
    In,
    Between,
    Contains,
    Is,
    Null,
    True,
    False,
    Eof,
}

impl Tok {
    /// How the token reads in an error message.
    pub fn describe(&self) -> String {
        match self {
            Tok::Name(n) => format!("'{n}'"),
            Tok::Text(t) => format!("the text '{t}'"),
            Tok::Number(n) => format!("the number {n}"),
            Tok::Duration(_) => "a duration".into(),
            Tok::Op(op) => format!("'{}'", op.symbol()),
            Tok::LParen => "'('".into(),
            Tok::RParen => "')'".into(),
            Tok::Comma => "','".into(),
            Tok::And => "'and'".into(),
            Tok::Or => "'or'".into(),
            Tok::Not => "'not'".into(),
            Tok::In => "'in'".into(),
            Tok::Between => "'between'".into(),
            Tok::Contains => "'contains'".into(),
            Tok::Is => "'is'".into(),
            Tok::Null => "'null'".into(),
            Tok::True => "'true'".into(),
            Tok::False => "'false'".into(),
            Tok::Eof => "the end of the expression".into(),
        }
    }
}

/// A token and the byte range `[start, end)` of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

fn keyword(word: &str) -> Option<Tok> {
    Some(match word.to_ascii_lowercase().as_str() {
        "and" => Tok::And,
        "or" => Tok::Or,
        "not" => Tok::Not,
        "in" => Tok::In,
        "between" => Tok::Between,
        "contains" => Tok::Contains,
        "is" => Tok::Is,
        "null" => Tok::Null,
        "true" => Tok::True,
        "false" => Tok::False,
        _ => return None,
    })
}

/// Whether `c` may continue a name.
pub fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Splits `text` into tokens, ending with [`Tok::Eof`].
pub fn lex(text: &str) -> Result<Vec<Token>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        let start = i;
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let two = bytes.get(i + 1).copied();
        let (tok, len) = match c {
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            ',' => (Tok::Comma, 1),
            '+' => (Tok::Op(BinOp::Add), 1),
            '-' => (Tok::Op(BinOp::Sub), 1),
            '*' => (Tok::Op(BinOp::Mul), 1),
            '/' => (Tok::Op(BinOp::Div), 1),
            '=' if two == Some(b'=') => (Tok::Op(BinOp::Eq), 2),
            '=' => (Tok::Op(BinOp::Eq), 1),
            '!' if two == Some(b'=') => (Tok::Op(BinOp::Ne), 2),
            '!' => return Err(Error::expr(i, "unexpected '!'; write 'not' or '!='")),
            '<' if two == Some(b'=') => (Tok::Op(BinOp::Le), 2),
            '<' if two == Some(b'>') => (Tok::Op(BinOp::Ne), 2),
            '<' => (Tok::Op(BinOp::Lt), 1),
            '>' if two == Some(b'=') => (Tok::Op(BinOp::Ge), 2),
            '>' => (Tok::Op(BinOp::Gt), 1),
            '\'' | '"' => {
                let (s, end) = string(text, i, c)?;
                out.push(Token {
                    tok: Tok::Text(s),
                    start,
                    end,
                });
                i = end;
                continue;
            }
            c if c.is_ascii_digit() || (c == '.' && two.is_some_and(|b| b.is_ascii_digit())) => {
                let (tok, end) = number(text, i)?;
                out.push(Token { tok, start, end });
                i = end;
                continue;
            }
            c if is_name_char(c) => {
                let end = text[i..]
                    .char_indices()
                    .find(|&(_, c)| !is_name_char(c))
                    .map_or(text.len(), |(k, _)| i + k);
                let word = &text[i..end];
                let tok = keyword(word).unwrap_or_else(|| Tok::Name(word.to_string()));
                out.push(Token { tok, start, end });
                i = end;
                continue;
            }
            other => return Err(Error::expr(i, format!("unexpected character '{other}'"))),
        };
        out.push(Token {
            tok,
            start,
            end: start + len,
        });
        i += len;
    }
    out.push(Token {
        tok: Tok::Eof,
        start: text.len(),
        end: text.len(),
    });
    Ok(out)
}

/// A quoted string starting at `start`; answers its value and the end offset.
fn string(text: &str, start: usize, quote: char) -> Result<(String, usize)> {
    let mut out = String::new();
    let mut chars = text[start + 1..].char_indices().peekable();
    while let Some((k, c)) = chars.next() {
        let at = start + 1 + k;
        if c == quote {
            if chars.peek().is_some_and(|&(_, n)| n == quote) {
                out.push(quote);
                chars.next();
                continue;
            }
            return Ok((out, at + 1));
        }
        if c == '\\' {
            match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, e @ ('\\' | '\'' | '"'))) => out.push(e),
                Some((_, e)) => return Err(Error::expr(at, format!("unknown escape '\\{e}' in a string"))),
                None => break,
            }
            continue;
        }
        out.push(c);
    }
    Err(Error::expr(start, "unterminated string: add the closing quote"))
}

/// A number or duration starting at `start`.
fn number(text: &str, start: usize) -> Result<(Tok, usize)> {
    let bytes = text.as_bytes();
    let mut end = start;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    let whole = end;
    if end < bytes.len() && bytes[end] == b'.' {
        end += 1;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
    }
    let digits = &text[start..end];
    let rest = text[end..].chars().next();
    if let Some(u) = rest.filter(|c| is_name_char(*c)) {
        let after = text[end + u.len_utf8()..].chars().next();
        let unit = match u.to_ascii_lowercase() {
            'd' => Some(Unit::Day),
            'w' => Some(Unit::Week),
            'm' => Some(Unit::Month),
            'y' => Some(Unit::Year),
            _ => None,
        };
        let Some(unit) = unit.filter(|_| !after.is_some_and(is_name_char)) else {
            return Err(Error::expr(
                end,
                format!("unexpected '{u}' after the number {digits}; durations are written 90d, 12w, 6m or 1y"),
            ));
        };
        if whole != end {
            return Err(Error::expr(
                start,
                "a duration is a whole number of days, weeks, months or years",
            ));
        }
        let amount: i64 = digits
            .parse()
            .ok()
            .filter(|&a| a <= MAX_DURATION)
            .ok_or_else(|| Error::expr(start, format!("duration too long (at most {MAX_DURATION})")))?;
        return Ok((Tok::Duration(Duration { amount, unit }), end + 1));
    }
    let value: f64 = digits
        .parse()
        .map_err(|_| Error::expr(start, format!("'{digits}' is not a number")))?;
    Ok((Tok::Number(value), end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<Tok> {
        lex(text).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn tokens_carry_byte_spans_and_keywords_ignore_case() {
        let t = lex("order_count >= 3 AND Not x").unwrap();
        let spans: Vec<(usize, usize)> = t.iter().map(|t| (t.start, t.end)).collect();
        assert_eq!(
            spans,
            vec![(0, 11), (12, 14), (15, 16), (17, 20), (21, 24), (25, 26), (26, 26)]
        );
        assert_eq!(t[3].tok, Tok::And);
        assert_eq!(t[4].tok, Tok::Not);
    }

    #[test]
    fn strings_take_either_quote_escapes_and_doubled_quotes() {
        assert_eq!(
            toks(r#"'it''s' "a\"b" 'c\\d\n'"#),
            vec![
                Tok::Text("it's".into()),
                Tok::Text("a\"b".into()),
                Tok::Text("c\\d\n".into()),
                Tok::Eof
            ]
        );
        assert!(matches!(lex("x = 'abc"), Err(Error::Expr { at: 4, .. })));
        assert!(matches!(lex(r"'a\qb'"), Err(Error::Expr { at: 2, .. })));
    }

    #[test]
    fn durations_have_four_units_and_must_be_whole() {
        let d = |amount, unit| Tok::Duration(Duration { amount, unit });
        assert_eq!(
            toks("90d 12w 6M 1y 2.5"),
            vec![
                d(90, Unit::Day),
                d(12, Unit::Week),
                d(6, Unit::Month),
                d(1, Unit::Year),
                Tok::Number(2.5),
                Tok::Eof
            ]
        );
        assert!(matches!(lex("x < 1.5d"), Err(Error::Expr { at: 4, .. })));
        assert!(matches!(lex("x < 90days"), Err(Error::Expr { at: 6, .. })));
        assert!(matches!(lex("999999999999d"), Err(Error::Expr { at: 0, .. })));
    }

    #[test]
    fn operators_and_unknown_characters() {
        assert_eq!(
            toks("= == != <> < <= > >="),
            vec![
                Tok::Op(BinOp::Eq),
                Tok::Op(BinOp::Eq),
                Tok::Op(BinOp::Ne),
                Tok::Op(BinOp::Ne),
                Tok::Op(BinOp::Lt),
                Tok::Op(BinOp::Le),
                Tok::Op(BinOp::Gt),
                Tok::Op(BinOp::Ge),
                Tok::Eof
            ]
        );
        assert!(matches!(lex("a ! b"), Err(Error::Expr { at: 2, .. })));
        assert!(matches!(lex("åsa # 1"), Err(Error::Expr { at: 5, .. })));
    }
}
