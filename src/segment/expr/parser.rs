//! Recursive-descent parser. Precedence, loosest first:
//! `or` < `and` < `not` < comparison / `in` / `between` / `contains` / `is null`
//! < `+ -` < `* /` < unary minus; parentheses group. Comparisons do not chain
//! (`a < b < c` is an error, not `(a < b) < c`).

use super::ast::{Arg, BinOp, Expr, Kind};
use super::lexer::{lex, Tok, Token};
use crate::{Error, Result};

/// Nesting deeper than this is refused (keeps the stack small on any input).
pub const MAX_DEPTH: usize = 64;

/// Parses a whole expression.
pub fn parse(text: &str) -> Result<Expr> {
    let tokens = lex(text)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    if p.peek() == &Tok::Eof {
        return Err(Error::expr(
            0,
            "empty expression: write a condition such as order_count >= 3",
        ));
    }
    let e = p.or()?;
    match p.peek() {
        Tok::Eof => Ok(e),
        Tok::RParen => Err(Error::expr(p.at(), "unmatched ')'")),
        t => Err(Error::expr(
            p.at(),
            format!("expected 'and', 'or' or the end, found {}", t.describe()),
        )),
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

/// `a op b op c …` of an associative operator (`and`, `or`) as a balanced
/// tree, so a long chain of clauses stays shallow.
fn balanced(op: BinOp, mut items: Vec<Expr>) -> Expr {
    if items.len() <= 1 {
        return items.pop().unwrap_or(node(Kind::Bool(true), 0, 0));
    }
    let right = items.split_off(items.len() / 2);
    let (l, r) = (balanced(op, items), balanced(op, right));
    let (s, e) = (l.start, r.end);
    node(Kind::Binary(op, Box::new(l), Box::new(r)), s, e)
}

fn node(kind: Kind, start: usize, end: usize) -> Expr {
    Expr { kind, start, end }
}

impl Parser {
    fn token(&self) -> &Token {
        // `lex` always ends with Eof and the parser never moves past it.
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn peek(&self) -> &Tok {
        &self.token().tok
    }

    fn peek2(&self) -> &Tok {
        &self.tokens[(self.pos + 1).min(self.tokens.len() - 1)].tok
    }

    fn at(&self) -> usize {
        self.token().start
    }

    fn bump(&mut self) -> Token {
        let t = self.token().clone();
        if t.tok != Tok::Eof {
            self.pos += 1;
        }
        t
    }

    fn expect(&mut self, tok: Tok, what: &str) -> Result<Token> {
        if *self.peek() == tok {
            Ok(self.bump())
        } else {
            Err(Error::expr(
                self.at(),
                format!("expected {what}, found {}", self.peek().describe()),
            ))
        }
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Error::expr(
                self.at(),
                format!("too deeply nested (more than {MAX_DEPTH} levels of parentheses, 'not' or terms)"),
            ));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr> {
        self.enter()?;
        let mut items = vec![self.and()?];
        while *self.peek() == Tok::Or {
            self.bump();
            items.push(self.and()?);
        }
        self.depth -= 1;
        Ok(balanced(BinOp::Or, items))
    }

    fn and(&mut self) -> Result<Expr> {
        let mut items = vec![self.not()?];
        while *self.peek() == Tok::And {
            self.bump();
            items.push(self.not()?);
        }
        Ok(balanced(BinOp::And, items))
    }

    fn not(&mut self) -> Result<Expr> {
        if *self.peek() == Tok::Not {
            self.enter()?;
            let start = self.bump().start;
            let inner = self.not()?;
            self.depth -= 1;
            let end = inner.end;
            return Ok(node(Kind::Not(Box::new(inner)), start, end));
        }
        self.predicate()
    }

    fn predicate(&mut self) -> Result<Expr> {
        let left = self.additive()?;
        let start = left.start;
        let negated = *self.peek() == Tok::Not && matches!(self.peek2(), Tok::In | Tok::Between | Tok::Contains);
        if negated {
            self.bump();
        }
        let e = match self.peek().clone() {
            Tok::Op(op) if op.is_comparison() => {
                self.bump();
                let right = self.additive()?;
                if let Tok::Op(next) = self.peek() {
                    if next.is_comparison() {
                        return Err(Error::expr(
                            self.at(),
                            "comparisons do not chain: join them with 'and' (or use 'between')",
                        ));
                    }
                }
                let end = right.end;
                node(Kind::Binary(op, Box::new(left), Box::new(right)), start, end)
            }
            Tok::In => {
                self.bump();
                self.expect(Tok::LParen, "'(' after 'in'")?;
                let mut list = Vec::new();
                if *self.peek() == Tok::RParen {
                    return Err(Error::expr(self.at(), "empty list: 'in' needs at least one value"));
                }
                loop {
                    list.push(self.additive()?);
                    match self.peek() {
                        Tok::Comma => {
                            self.bump();
                        }
                        Tok::RParen => break,
                        t => {
                            return Err(Error::expr(
                                self.at(),
                                format!("expected ',' or ')' in the list, found {}", t.describe()),
                            ))
                        }
                    }
                }
                let end = self.bump().end;
                node(
                    Kind::In {
                        operand: Box::new(left),
                        list,
                        negated,
                    },
                    start,
                    end,
                )
            }
            Tok::Between => {
                self.bump();
                let low = self.additive()?;
                self.expect(Tok::And, "'and' in 'between … and …'")?;
                let high = self.additive()?;
                let end = high.end;
                node(
                    Kind::Between {
                        operand: Box::new(left),
                        low: Box::new(low),
                        high: Box::new(high),
                        negated,
                    },
                    start,
                    end,
                )
            }
            Tok::Contains => {
                self.bump();
                let pattern = self.additive()?;
                let end = pattern.end;
                node(
                    Kind::Contains {
                        operand: Box::new(left),
                        pattern: Box::new(pattern),
                        negated,
                    },
                    start,
                    end,
                )
            }
            Tok::Is => {
                self.bump();
                let negated = *self.peek() == Tok::Not;
                if negated {
                    self.bump();
                }
                let end = self.expect(Tok::Null, "'null' after 'is'")?.end;
                node(
                    Kind::IsNull {
                        operand: Box::new(left),
                        negated,
                    },
                    start,
                    end,
                )
            }
            _ => left,
        };
        Ok(e)
    }

    fn additive(&mut self) -> Result<Expr> {
        let depth = self.depth;
        let mut left = self.multiplicative()?;
        while let Tok::Op(op @ (BinOp::Add | BinOp::Sub)) = *self.peek() {
            // Each term deepens the (left-leaning) tree.
            self.enter()?;
            self.bump();
            let right = self.multiplicative()?;
            let (s, e) = (left.start, right.end);
            left = node(Kind::Binary(op, Box::new(left), Box::new(right)), s, e);
        }
        self.depth = depth;
        Ok(left)
    }

    fn multiplicative(&mut self) -> Result<Expr> {
        let depth = self.depth;
        let mut left = self.unary()?;
        while let Tok::Op(op @ (BinOp::Mul | BinOp::Div)) = *self.peek() {
            self.enter()?;
            self.bump();
            let right = self.unary()?;
            let (s, e) = (left.start, right.end);
            left = node(Kind::Binary(op, Box::new(left), Box::new(right)), s, e);
        }
        self.depth = depth;
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr> {
        if *self.peek() == Tok::Op(BinOp::Sub) {
            self.enter()?;
            let start = self.bump().start;
            let inner = self.unary()?;
            self.depth -= 1;
            let end = inner.end;
            return Ok(node(Kind::Neg(Box::new(inner)), start, end));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr> {
        let t = self.bump();
        let leaf = |kind| Ok(node(kind, t.start, t.end));
        match t.tok {
            Tok::Number(n) => leaf(Kind::Number(n)),
            Tok::Text(ref s) => leaf(Kind::Text(s.clone())),
            Tok::Duration(d) => leaf(Kind::Duration(d)),
            Tok::True => leaf(Kind::Bool(true)),
            Tok::False => leaf(Kind::Bool(false)),
            Tok::Null => leaf(Kind::Null),
            Tok::Name(ref name) if *self.peek() == Tok::LParen => {
                let name = name.clone();
                self.bump();
                let args = self.args()?;
                let end = self.expect(Tok::RParen, "',' or ')' after an argument")?.end;
                Ok(node(Kind::Call { name, args }, t.start, end))
            }
            Tok::Name(ref name) => leaf(Kind::Name(name.clone())),
            Tok::LParen => {
                let inner = self.or()?;
                let end = self.expect(Tok::RParen, "')'")?.end;
                // The parentheses belong to the node's span (errors point at '(').
                Ok(node(inner.kind, t.start, end))
            }
            Tok::Eof => Err(Error::expr(t.start, "the expression ends too soon: expected a value")),
            ref other => Err(Error::expr(
                t.start,
                format!("expected a value, found {}", other.describe()),
            )),
        }
    }

    fn args(&mut self) -> Result<Vec<Arg>> {
        let mut args = Vec::new();
        if *self.peek() == Tok::RParen {
            return Ok(args);
        }
        loop {
            let name = match (self.peek().clone(), self.peek2()) {
                (Tok::Name(n), Tok::Op(BinOp::Eq)) => {
                    let at = self.bump().start;
                    self.bump();
                    Some((n, at))
                }
                _ => None,
            };
            let value = self.or()?;
            args.push(Arg { name, value });
            if *self.peek() != Tok::Comma {
                return Ok(args);
            }
            self.bump();
        }
    }
}
