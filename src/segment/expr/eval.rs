//! Vectorised evaluation of a checked expression over every customer at once.
//!
//! Null semantics (three-valued logic, as in SQL): a comparison, arithmetic or
//! `contains` with a null operand is *unknown*; `and` is false if either side
//! is false, `or` true if either side is true, otherwise unknown; `not unknown`
//! stays unknown. A customer is selected only where the whole condition is
//! true, so `x > 5` and `not (x > 5)` together never select a customer whose
//! `x` is null — use `x is null` for those. Division by zero is null.
//!
//! Number comparisons run over the Arrow column's raw `values()` slice in
//! 64-row blocks (see [`pack`]), with its null bitmap applied as words after;
//! category columns are decided once per dictionary key, then looked up by key.

use std::borrow::Cow;

use arrow_array::cast::AsArray;
use arrow_array::types::UInt32Type;
use arrow_array::{Array, DictionaryArray, StringArray};

use super::ast::BinOp;
use super::bits::{and_valid, from_buffer, pack, pack2, pack_rows, validity, Tri};
use super::ir::{AnyIr, DateIr, NumIr, Pred, StrIr};
use super::predicates;
use super::select::Context;
use crate::table::Values;

/// Values of one type over every customer: one constant, or a vector with
/// its validity (`None`: no nulls).
enum Vals<'a, T: Clone> {
    Scalar(Option<T>),
    Vec {
        values: Cow<'a, [T]>,
        valid: Option<Vec<u64>>,
    },
}

impl<T: Copy> Vals<'_, T> {
    fn map<U: Copy>(self, f: impl Fn(T) -> U) -> Vals<'static, U> {
        match self {
            Vals::Scalar(v) => Vals::Scalar(v.map(f)),
            Vals::Vec { values, valid } => Vals::Vec {
                values: Cow::Owned(values.iter().map(|&v| f(v)).collect()),
                valid,
            },
        }
    }
}

/// The evaluator of one expression over a customer table.
pub struct Eval<'c, 'a> {
    ctx: &'c Context<'a>,
    n: usize,
}

fn holds<T: PartialOrd>(op: BinOp, a: T, b: T) -> bool {
    match op {
        BinOp::Eq => a == b,
        BinOp::Ne => a != b,
        BinOp::Lt => a < b,
        BinOp::Le => a <= b,
        BinOp::Gt => a > b,
        _ => a >= b,
    }
}

/// `c op x` as `x op' c`.
fn flip(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Le => BinOp::Ge,
        BinOp::Gt => BinOp::Lt,
        BinOp::Ge => BinOp::Le,
        other => other,
    }
}

/// `values[i] op c` for every row; one monomorphic loop per operator.
fn cmp_const<T: Copy + PartialOrd>(values: &[T], op: BinOp, c: T) -> Vec<u64> {
    match op {
        BinOp::Eq => pack(values, |x| x == c),
        BinOp::Ne => pack(values, |x| x != c),
        BinOp::Lt => pack(values, |x| x < c),
        BinOp::Le => pack(values, |x| x <= c),
        BinOp::Gt => pack(values, |x| x > c),
        _ => pack(values, |x| x >= c),
    }
}

fn cmp_pair<T: Copy + PartialOrd>(a: &[T], b: &[T], op: BinOp) -> Vec<u64> {
    match op {
        BinOp::Eq => pack2(a, b, |x, y| x == y),
        BinOp::Ne => pack2(a, b, |x, y| x != y),
        BinOp::Lt => pack2(a, b, |x, y| x < y),
        BinOp::Le => pack2(a, b, |x, y| x <= y),
        BinOp::Gt => pack2(a, b, |x, y| x > y),
        _ => pack2(a, b, |x, y| x >= y),
    }
}

fn arith(op: BinOp, a: f64, b: f64) -> f64 {
    match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        _ => a / b,
    }
}

/// Whether `hay` contains `needle` (already lower case), ignoring case.
fn contains_ci(hay: &str, needle: &str) -> bool {
    if hay.is_ascii() && needle.is_ascii() {
        let (h, k) = (hay.as_bytes(), needle.as_bytes());
        k.is_empty() || h.windows(k.len()).any(|w| w.eq_ignore_ascii_case(k))
    } else {
        hay.to_lowercase().contains(needle)
    }
}

/// A text column's row accessor.
enum StrCol<'a> {
    Text(&'a StringArray),
    Category(&'a DictionaryArray<UInt32Type>, &'a StringArray),
}

impl<'a> StrCol<'a> {
    fn at(&self, i: usize) -> Option<&'a str> {
        match self {
            StrCol::Text(a) => a.is_valid(i).then(|| a.value(i)),
            StrCol::Category(d, v) => {
                let k = d.keys();
                if !k.is_valid(i) {
                    return None;
                }
                let k = k.value(i) as usize;
                (k < v.len() && v.is_valid(k)).then(|| v.value(k))
            }
        }
    }
}

impl<'c, 'a> Eval<'c, 'a> {
    /// An evaluator over the table of `ctx`.
    pub fn new(ctx: &'c Context<'a>) -> Self {
        Eval {
            ctx,
            n: ctx.table.len(),
        }
    }

    fn values(&self, col: usize) -> Option<&'a Values> {
        self.ctx.table.features().get(col).map(|f| &f.values)
    }

    /// The truth of `p` for every customer.
    pub fn pred(&self, p: &Pred) -> Tri {
        let n = self.n;
        match p {
            Pred::Const(b) => Tri::constant(n, Some(*b)),
            Pred::BoolCol(c) => match self.values(*c) {
                Some(Values::Bool(a)) => Tri::new(n, from_buffer(a.values()), validity(a.nulls())),
                _ => Tri::constant(n, None),
            },
            Pred::Num(op, a, b) => self.compare(*op, self.num(a), self.num(b)),
            Pred::Date(op, a, b) => self.compare(*op, self.date(a), self.date(b)),
            Pred::Str(op, a, b) => self.text_compare(*op, a, b),
            Pred::BoolEq { ne, a, b } => {
                let (a, b) = (self.pred(a), self.pred(b));
                let (ka, kb) = (a.known_bits(n), b.known_bits(n));
                let known: Vec<u64> = ka.iter().zip(&kb).map(|(x, y)| x & y).collect();
                let bits = a
                    .truth
                    .iter()
                    .zip(&b.truth)
                    .map(|(x, y)| if *ne { x ^ y } else { !(x ^ y) })
                    .collect();
                Tri::new(n, bits, Some(known))
            }
            Pred::StrIn(s, list) => self.text_test(s, |v| list.iter().any(|x| x == v)),
            Pred::Contains(s, pattern) => self.text_test(s, |v| contains_ci(v, pattern)),
            Pred::IsNull(any) => {
                let valid = match any.as_ref() {
                    AnyIr::Num(e) => self.valid_of(self.num(e)),
                    AnyIr::Date(e) => self.valid_of(self.date(e)),
                    AnyIr::Str(StrIr::Const(_)) => Some(None),
                    AnyIr::Str(StrIr::Col(c)) => Some(self.values(*c).and_then(|v| validity(v.array().nulls()))),
                    AnyIr::Pred(p) => Some(self.pred(p).known),
                };
                match valid {
                    None => Tri::constant(n, Some(true)),
                    Some(None) => Tri::constant(n, Some(false)),
                    Some(Some(v)) => Tri::new(n, v, None).not(n),
                }
            }
            Pred::And(a, b) => self.pred(a).and(self.pred(b), n),
            Pred::Or(a, b) => self.pred(a).or(self.pred(b), n),
            Pred::Not(a) => self.pred(a).not(n),
            Pred::Bought(q) => Tri::new(n, predicates::bought(self.ctx, q), None),
            Pred::Complained(w) => Tri::new(n, predicates::complained(self.ctx, *w), None),
            Pred::Campaign {
                event,
                campaign,
                window,
            } => Tri::new(
                n,
                predicates::campaign(self.ctx, *event, campaign.as_deref(), *window),
                None,
            ),
            Pred::Recurring { col, within } => match self.values(*col) {
                Some(Values::Date(d)) => predicates::recurring(d, self.ctx.table.as_of, *within),
                _ => Tri::constant(n, None),
            },
        }
    }

    /// `Some(validity)` of values (`Some(None)`: all valid), `None`: all null.
    fn valid_of<T: Clone>(&self, v: Vals<T>) -> Option<Option<Vec<u64>>> {
        match v {
            Vals::Scalar(None) => None,
            Vals::Scalar(Some(_)) => Some(None),
            Vals::Vec { valid, .. } => Some(valid),
        }
    }

    fn compare<T: Copy + PartialOrd>(&self, op: BinOp, a: Vals<T>, b: Vals<T>) -> Tri {
        let n = self.n;
        match (a, b) {
            (Vals::Scalar(None), _) | (_, Vals::Scalar(None)) => Tri::constant(n, None),
            (Vals::Scalar(Some(x)), Vals::Scalar(Some(y))) => Tri::constant(n, Some(holds(op, x, y))),
            (Vals::Vec { values, valid }, Vals::Scalar(Some(c))) => Tri::new(n, cmp_const(&values, op, c), valid),
            (Vals::Scalar(Some(c)), Vals::Vec { values, valid }) => Tri::new(n, cmp_const(&values, flip(op), c), valid),
            (Vals::Vec { values: a, valid: va }, Vals::Vec { values: b, valid: vb }) => {
                Tri::new(n, cmp_pair(&a, &b, op), and_valid(va, vb.as_deref()))
            }
        }
    }

    fn num(&self, e: &NumIr) -> Vals<'a, f64> {
        match e {
            NumIr::Const(v) => Vals::Scalar(Some(*v)),
            NumIr::Col(c) => match self.values(*c) {
                Some(Values::Number(a)) => Vals::Vec {
                    values: Cow::Borrowed(a.values()),
                    valid: validity(a.nulls()),
                },
                _ => Vals::Scalar(None),
            },
            NumIr::Neg(a) => self.num(a).map(|v| -v),
            NumIr::Arith(op, a, b) => {
                let (a, b) = (self.num(a), self.num(b));
                let op = *op;
                match (a, b) {
                    (Vals::Scalar(None), _) | (_, Vals::Scalar(None)) => Vals::Scalar(None),
                    (_, Vals::Scalar(Some(y))) if op == BinOp::Div && y == 0.0 => Vals::Scalar(None),
                    (Vals::Scalar(Some(x)), Vals::Scalar(Some(y))) => Vals::Scalar(Some(arith(op, x, y))),
                    (v @ Vals::Vec { .. }, Vals::Scalar(Some(y))) => v.map(|x| arith(op, x, y)),
                    (Vals::Scalar(Some(x)), Vals::Vec { values, valid }) => {
                        let valid = if op == BinOp::Div {
                            and_valid(valid, Some(&pack(&values, |y| y != 0.0)))
                        } else {
                            valid
                        };
                        Vals::Vec {
                            values: Cow::Owned(values.iter().map(|&y| arith(op, x, y)).collect()),
                            valid,
                        }
                    }
                    (Vals::Vec { values: a, valid: va }, Vals::Vec { values: b, valid: vb }) => {
                        let mut valid = and_valid(va, vb.as_deref());
                        if op == BinOp::Div {
                            valid = and_valid(valid, Some(&pack(&b, |y| y != 0.0)));
                        }
                        Vals::Vec {
                            values: Cow::Owned(a.iter().zip(b.iter()).map(|(&x, &y)| arith(op, x, y)).collect()),
                            valid,
                        }
                    }
                }
            }
            NumIr::DaysBetween(a, b) => {
                let (a, b) = (self.date(a), self.date(b));
                match (a, b) {
                    (Vals::Scalar(None), _) | (_, Vals::Scalar(None)) => Vals::Scalar(None),
                    (Vals::Scalar(Some(x)), Vals::Scalar(Some(y))) => Vals::Scalar(Some(x as f64 - y as f64)),
                    (v @ Vals::Vec { .. }, Vals::Scalar(Some(y))) => v.map(|x| x as f64 - y as f64),
                    (Vals::Scalar(Some(x)), v @ Vals::Vec { .. }) => v.map(|y| x as f64 - y as f64),
                    (Vals::Vec { values: a, valid: va }, Vals::Vec { values: b, valid: vb }) => Vals::Vec {
                        values: Cow::Owned(a.iter().zip(b.iter()).map(|(&x, &y)| x as f64 - y as f64).collect()),
                        valid: and_valid(va, vb.as_deref()),
                    },
                }
            }
            NumIr::Orders(q) => Vals::Vec {
                values: Cow::Owned(predicates::orders(self.ctx, q)),
                valid: None,
            },
        }
    }

    fn date(&self, e: &DateIr) -> Vals<'a, i32> {
        match e {
            DateIr::Const(d) => Vals::Scalar(Some(*d)),
            DateIr::Col(c) => match self.values(*c) {
                Some(Values::Date(a)) => Vals::Vec {
                    values: Cow::Borrowed(a.values()),
                    valid: validity(a.nulls()),
                },
                _ => Vals::Scalar(None),
            },
            DateIr::Shift(d, s) => {
                let s = *s;
                self.date(d).map(|v| s.apply(v))
            }
        }
    }

    fn str_col(&self, c: usize) -> Option<StrCol<'a>> {
        match self.values(c)? {
            Values::Text(a) => Some(StrCol::Text(a)),
            Values::Category(d) => Some(StrCol::Category(d, d.values().as_string_opt::<i32>()?)),
            _ => None,
        }
    }

    /// `f(text)` for every row of a text or category column (or a literal);
    /// category columns decide once per dictionary value. Null text is unknown.
    fn text_test(&self, s: &StrIr, f: impl Fn(&str) -> bool) -> Tri {
        let n = self.n;
        let c = match s {
            StrIr::Const(v) => return Tri::constant(n, Some(f(v))),
            StrIr::Col(c) => *c,
        };
        match self.str_col(c) {
            None => Tri::constant(n, None),
            Some(StrCol::Text(a)) => Tri::new(n, pack_rows(n, |i| a.is_valid(i) && f(a.value(i))), validity(a.nulls())),
            Some(StrCol::Category(d, dict)) => {
                let hit: Vec<bool> = (0..dict.len()).map(|k| dict.is_valid(k) && f(dict.value(k))).collect();
                let keys = d.keys();
                let bits = pack(keys.values(), |k| hit.get(k as usize).copied().unwrap_or(false));
                let mut valid = validity(keys.nulls());
                if dict.null_count() > 0 || keys.values().iter().any(|&k| k as usize >= dict.len()) {
                    let known = pack(keys.values(), |k| {
                        (k as usize) < dict.len() && dict.is_valid(k as usize)
                    });
                    valid = and_valid(valid, Some(&known));
                }
                Tri::new(n, bits, valid)
            }
        }
    }

    fn text_compare(&self, op: BinOp, a: &StrIr, b: &StrIr) -> Tri {
        let n = self.n;
        match (a, b) {
            (StrIr::Const(x), StrIr::Const(y)) => Tri::constant(n, Some(holds(op, x.as_str(), y.as_str()))),
            (s @ StrIr::Col(_), StrIr::Const(c)) => self.text_test(s, |v| holds(op, v, c.as_str())),
            (StrIr::Const(c), s @ StrIr::Col(_)) => self.text_test(s, |v| holds(op, c.as_str(), v)),
            (StrIr::Col(x), StrIr::Col(y)) => {
                let (Some(x), Some(y)) = (self.str_col(*x), self.str_col(*y)) else {
                    return Tri::constant(n, None);
                };
                let known = pack_rows(n, |i| x.at(i).is_some() && y.at(i).is_some());
                let bits = pack_rows(n, |i| match (x.at(i), y.at(i)) {
                    (Some(p), Some(q)) => holds(op, p, q),
                    _ => false,
                });
                Tri::new(n, bits, Some(known))
            }
        }
    }
}
