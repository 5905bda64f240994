//! Type-checking against the customer table: names become columns, calls
//! become behaviour queries, and every mistake is an [`Error::Expr`] at the
//! byte where it is, with the nearest known name for a misspelt one.

use super::ast::{Arg, BinOp, Duration, Expr, Kind};
use super::functions::{function, FunctionSpec, FUNCTIONS};
use super::ir::{AnyIr, CampaignEvent, DateIr, NumIr, OrderQuery, Pred, Shift, StrIr, Window};
use super::parser::parse;
use super::select::Context;
use crate::ingest::{parse_date, Entity};
use crate::stats::nearest;
use crate::table::Values;
use crate::{Error, Result};

/// A checked value of some type.
#[derive(Debug, Clone)]
enum Typed {
    Num(NumIr),
    Date(DateIr),
    Str(StrIr),
    Bool(Pred),
    Dur(Shift),
}

fn type_name(t: &Typed) -> &'static str {
    match t {
        Typed::Num(_) => "a number",
        Typed::Date(_) => "a date",
        Typed::Str(_) => "text",
        Typed::Bool(_) => "a condition",
        Typed::Dur(_) => "a duration",
    }
}

fn shift(d: Duration) -> Shift {
    Shift {
        amount: d.amount,
        unit: d.unit,
    }
}

/// Parses and checks `text` as a condition over the customer table of `ctx`.
pub fn compile(ctx: &Context, text: &str) -> Result<Pred> {
    let expr = parse(text)?;
    Checker { ctx, stack: Vec::new() }.condition(&expr)
}

/// Like [`compile`], as if the saved segment `name` (being saved) were `text`:
/// a reference back to `name` is a cycle.
pub fn compile_as(ctx: &Context, name: &str, text: &str) -> Result<Pred> {
    let expr = parse(text)?;
    Checker {
        ctx,
        stack: vec![name.to_string()],
    }
    .condition(&expr)
}

struct Checker<'c, 'a> {
    ctx: &'c Context<'a>,
    /// Saved segments being resolved, outermost first (for cycle detection).
    stack: Vec<String>,
}

impl Checker<'_, '_> {
    fn condition(&mut self, e: &Expr) -> Result<Pred> {
        match self.value(e)? {
            Typed::Bool(p) => Ok(p),
            other => Err(Error::expr(
                e.start,
                format!(
                    "this is {}, not a condition: compare it, e.g. order_count >= 3",
                    type_name(&other)
                ),
            )),
        }
    }

    fn value(&mut self, e: &Expr) -> Result<Typed> {
        Ok(match &e.kind {
            Kind::Number(n) => Typed::Num(NumIr::Const(*n)),
            Kind::Text(s) => Typed::Str(StrIr::Const(s.clone())),
            Kind::Bool(b) => Typed::Bool(Pred::Const(*b)),
            Kind::Duration(d) => Typed::Dur(shift(*d)),
            Kind::Null => {
                return Err(Error::expr(
                    e.start,
                    "null is not a value to compare with: test for it with 'is null' or 'is not null'",
                ))
            }
            Kind::Name(name) => self.name(name, e.start)?,
            Kind::Neg(inner) => match self.value(inner)? {
                Typed::Num(n) => Typed::Num(NumIr::Neg(Box::new(n))),
                Typed::Dur(d) => Typed::Dur(d.negate()),
                other => {
                    return Err(Error::expr(
                        inner.start,
                        format!("'-' needs a number, found {}", type_name(&other)),
                    ))
                }
            },
            Kind::Not(inner) => Typed::Bool(Pred::Not(Box::new(self.condition(inner)?))),
            Kind::Binary(op @ (BinOp::And | BinOp::Or), a, b) => {
                let (a, b) = (Box::new(self.condition(a)?), Box::new(self.condition(b)?));
                Typed::Bool(if *op == BinOp::And {
                    Pred::And(a, b)
                } else {
                    Pred::Or(a, b)
                })
            }
            Kind::Binary(op, a, b) if op.is_comparison() => {
                let (ta, tb) = (self.value(a)?, self.value(b)?);
                Typed::Bool(compare(*op, ta, tb, a, b)?)
            }
            Kind::Binary(op, a, b) => {
                let (ta, tb) = (self.value(a)?, self.value(b)?);
                arith(*op, ta, tb, a, b)?
            }
            Kind::In { operand, list, negated } => {
                let x = self.value(operand)?;
                let items = list
                    .iter()
                    .map(|i| Ok((self.value(i)?, i)))
                    .collect::<Result<Vec<_>>>()?;
                let p = match &x {
                    Typed::Str(col) if items.iter().all(|(t, _)| matches!(t, Typed::Str(StrIr::Const(_)))) => {
                        let values = items
                            .into_iter()
                            .filter_map(|(t, _)| match t {
                                Typed::Str(StrIr::Const(s)) => Some(s),
                                _ => None,
                            })
                            .collect();
                        Pred::StrIn(col.clone(), values)
                    }
                    _ => {
                        let eqs = items
                            .into_iter()
                            .map(|(t, i)| compare(BinOp::Eq, x.clone(), t, operand, i))
                            .collect::<Result<Vec<_>>>()?;
                        any_of(eqs)
                    }
                };
                Typed::Bool(negate_if(*negated, p))
            }
            Kind::Between {
                operand,
                low,
                high,
                negated,
            } => {
                let (x, lo, hi) = (self.value(operand)?, self.value(low)?, self.value(high)?);
                let p = Pred::And(
                    Box::new(compare(BinOp::Ge, x.clone(), lo, operand, low)?),
                    Box::new(compare(BinOp::Le, x, hi, operand, high)?),
                );
                Typed::Bool(negate_if(*negated, p))
            }
            Kind::Contains {
                operand,
                pattern,
                negated,
            } => {
                let Typed::Str(s) = self.value(operand)? else {
                    return Err(Error::expr(operand.start, "'contains' needs a text column on its left"));
                };
                let Typed::Str(StrIr::Const(p)) = self.value(pattern)? else {
                    return Err(Error::expr(
                        pattern.start,
                        "'contains' needs a text value on its right, such as 'gmail'",
                    ));
                };
                Typed::Bool(negate_if(*negated, Pred::Contains(s, p.to_lowercase())))
            }
            Kind::IsNull { operand, negated } => {
                let any = match self.value(operand)? {
                    Typed::Num(n) => AnyIr::Num(n),
                    Typed::Date(d) => AnyIr::Date(d),
                    Typed::Str(s) => AnyIr::Str(s),
                    Typed::Bool(p) => AnyIr::Pred(Box::new(p)),
                    Typed::Dur(_) => return Err(Error::expr(operand.start, "a duration is never null")),
                };
                Typed::Bool(negate_if(*negated, Pred::IsNull(Box::new(any))))
            }
            Kind::Call { name, args } => self.call(name, args, e.start)?,
        })
    }

    fn name(&self, name: &str, at: usize) -> Result<Typed> {
        let table = self.ctx.table;
        let found = table
            .features()
            .iter()
            .position(|f| f.name == name)
            .or_else(|| table.features().iter().position(|f| f.name.eq_ignore_ascii_case(name)));
        if let Some(i) = found {
            return Ok(match &table.features()[i].values {
                Values::Number(_) => Typed::Num(NumIr::Col(i)),
                Values::Date(_) => Typed::Date(DateIr::Col(i)),
                Values::Bool(_) => Typed::Bool(Pred::BoolCol(i)),
                Values::Text(_) | Values::Category(_) => Typed::Str(StrIr::Col(i)),
            });
        }
        if name.eq_ignore_ascii_case("today") {
            return Ok(Typed::Date(DateIr::Const(table.as_of)));
        }
        if let Some(f) = function(name) {
            return Err(Error::expr(
                at,
                format!("'{}' is a function: write {}(…)", f.name, f.name),
            ));
        }
        if name.eq_ignore_ascii_case("customer_id") {
            return Err(Error::expr(at, "customer_id cannot be used in a condition"));
        }
        let names = table.features().iter().map(|f| f.name.as_str()).chain(["today"]);
        Err(Error::Expr {
            at,
            message: format!("unknown column '{name}'"),
            suggestion: nearest(name, names).map(str::to_string),
        })
    }

    fn call(&mut self, name: &str, args: &[Arg], at: usize) -> Result<Typed> {
        let Some(spec) = function(name) else {
            return Err(Error::Expr {
                at,
                message: format!("unknown function '{name}'"),
                suggestion: nearest(name, FUNCTIONS.iter().map(|f| f.name)).map(str::to_string),
            });
        };
        let args = self.arguments(spec, args)?;
        let fname = spec.name;
        let text = |key: &str| -> Result<Option<String>> {
            match args.iter().find(|(k, _, _)| *k == key) {
                None => Ok(None),
                Some((_, Typed::Str(StrIr::Const(s)), _)) => Ok(Some(s.trim().to_string())),
                Some((_, _, pos)) => Err(Error::expr(
                    *pos,
                    format!("{fname}: {key} must be a text value in quotes"),
                )),
            }
        };
        let duration = |key: &str| -> Result<Option<Shift>> {
            match args.iter().find(|(k, _, _)| *k == key) {
                None => Ok(None),
                Some((_, Typed::Dur(d), pos)) if d.amount < 0 => Err(Error::expr(
                    *pos,
                    format!("{fname}: {key} must be a positive duration such as 90d"),
                )),
                Some((_, Typed::Dur(d), _)) => Ok(Some(*d)),
                Some((_, _, pos)) => Err(Error::expr(
                    *pos,
                    format!("{fname}: {key} must be a duration such as 90d, 12w, 6m or 1y"),
                )),
            }
        };
        let as_of = self.ctx.table.as_of;
        let window = |key: &str| -> Result<Option<Window>> {
            Ok(duration(key)?.map(|d| Window {
                from: d.negate().apply(as_of),
                to: as_of,
            }))
        };
        let needs = |entity: Entity, field: Option<&str>, what: &str| -> Result<()> {
            let ok = self
                .ctx
                .ws
                .tables(entity)
                .any(|t| field.is_none_or(|f| t.field(f).is_some()));
            if ok {
                Ok(())
            } else {
                Err(Error::expr(at, format!("{fname}(…) needs {what}; none is loaded")))
            }
        };
        Ok(match fname {
            "bought" | "orders" => {
                needs(Entity::Orders, None, "order lines")?;
                let product = text("product")?;
                let category = text("category")?;
                if product.is_some() {
                    needs(
                        Entity::Orders,
                        Some("product_id"),
                        "order lines with a product_id column",
                    )?;
                }
                if category.is_some() {
                    needs(Entity::Orders, Some("category"), "order lines with a category column")?;
                }
                let min_amount = match args.iter().find(|(k, _, _)| *k == "min_amount") {
                    None => None,
                    Some((_, Typed::Num(n), pos)) => Some(
                        const_num(n)
                            .ok_or_else(|| Error::expr(*pos, format!("{fname}: min_amount must be a number")))?,
                    ),
                    Some((_, _, pos)) => {
                        return Err(Error::expr(*pos, format!("{fname}: min_amount must be a number")))
                    }
                };
                let q = OrderQuery {
                    product,
                    category,
                    window: window("within")?,
                    min_amount,
                };
                if fname == "bought" {
                    Typed::Bool(Pred::Bought(q))
                } else {
                    Typed::Num(NumIr::Orders(q))
                }
            }
            "complained" => {
                needs(
                    Entity::Tickets,
                    Some("complaint"),
                    "support tickets with a complaint column",
                )?;
                Typed::Bool(Pred::Complained(window("within")?))
            }
            "opened" | "clicked" => {
                needs(Entity::CampaignEvents, None, "campaign events")?;
                Typed::Bool(Pred::Campaign {
                    event: if fname == "opened" {
                        CampaignEvent::Opened
                    } else {
                        CampaignEvent::Clicked
                    },
                    campaign: text("campaign")?,
                    window: window("within")?,
                })
            }
            "birthday_within" | "anniversary_within" => {
                let column = if fname == "birthday_within" {
                    "birth_date"
                } else {
                    "anniversary"
                };
                let Some(within) = duration("")? else {
                    return Err(Error::expr(at, format!("{fname} needs a duration, e.g. {fname}(7d)")));
                };
                let col = self
                    .ctx
                    .table
                    .features()
                    .iter()
                    .position(|f| f.name == column && matches!(f.values, Values::Date(_)))
                    .ok_or_else(|| {
                        Error::expr(at, format!("{fname}(…) needs the customers' {column}; none is loaded"))
                    })?;
                Typed::Bool(Pred::Recurring { col, within })
            }
            "date" => {
                let Some((_, Typed::Str(StrIr::Const(s)), pos)) = args.first() else {
                    let pos = args.first().map_or(at, |a| a.2);
                    return Err(Error::expr(pos, "date needs a text value such as '2024-01-31'"));
                };
                Typed::Date(DateIr::Const(to_date(s, *pos)?))
            }
            "in_segment" => {
                let Some(segment) = text("")? else {
                    return Err(Error::expr(
                        at,
                        "in_segment needs a segment name, e.g. in_segment('Champions')",
                    ));
                };
                self.segment(&segment, at, args.first().map_or(at, |a| a.2))?
            }
            _ => return Err(Error::expr(at, format!("unknown function '{name}'"))),
        })
    }

    /// The arguments by name: positional ones are named `""` (or the first
    /// named argument, e.g. `product`) and each comes with its position.
    fn arguments(&mut self, spec: &FunctionSpec, args: &[Arg]) -> Result<Vec<(&'static str, Typed, usize)>> {
        let mut out: Vec<(&'static str, Typed, usize)> = Vec::new();
        let mut positional = 0;
        for a in args {
            let pos = a.value.start;
            let key: &'static str = match &a.name {
                None => {
                    positional += 1;
                    if positional > spec.positional {
                        return Err(Error::expr(
                            pos,
                            match spec.positional {
                                0 => format!("{} takes only named arguments: {}", spec.name, spec.named.join(", ")),
                                k => format!(
                                    "{} takes {k} positional argument{}",
                                    spec.name,
                                    if k == 1 { "" } else { "s" }
                                ),
                            },
                        ));
                    }
                    spec.named.first().copied().filter(|k| *k != "within").unwrap_or("")
                }
                Some((n, at)) => match spec.named.iter().find(|k| k.eq_ignore_ascii_case(n)) {
                    Some(k) => k,
                    None => {
                        return Err(Error::Expr {
                            at: *at,
                            message: format!("unknown argument '{n}' of {}", spec.name),
                            suggestion: nearest(n, spec.named.iter().copied()).map(str::to_string),
                        })
                    }
                },
            };
            if out.iter().any(|(k, _, _)| *k == key) {
                return Err(Error::expr(pos, format!("{}: argument given twice", spec.name)));
            }
            let v = self.value(&a.value)?;
            out.push((key, v, pos));
        }
        Ok(out)
    }

    fn segment(&mut self, name: &str, at: usize, arg_at: usize) -> Result<Typed> {
        let store = self.ctx.segments;
        let Some(saved) = store.get(name) else {
            return Err(Error::Expr {
                at: arg_at,
                message: format!("no saved segment named '{name}'"),
                suggestion: nearest(name, store.iter().map(|s| s.name.as_str())).map(str::to_string),
            });
        };
        if let Some(i) = self.stack.iter().position(|s| *s == saved.name) {
            let mut path: Vec<&str> = self.stack[i..].iter().map(String::as_str).collect();
            path.push(&saved.name);
            return Err(Error::expr(
                at,
                format!("segment '{}' refers to itself: {}", saved.name, path.join(" → ")),
            ));
        }
        if self.stack.len() >= 32 {
            return Err(Error::expr(at, "segments nested more than 32 deep"));
        }
        self.stack.push(saved.name.clone());
        let inner = parse(&saved.expr).and_then(|e| self.condition(&e));
        self.stack.pop();
        inner.map(Typed::Bool).map_err(|e| match e {
            Error::Expr {
                message, suggestion, ..
            } => Error::Expr {
                at,
                message: format!("in segment '{}': {message}", saved.name),
                suggestion,
            },
            other => other,
        })
    }
}

/// The `or` of conditions, as a balanced tree (long `in` lists stay shallow).
fn any_of(mut preds: Vec<Pred>) -> Pred {
    if preds.len() <= 1 {
        return preds.pop().unwrap_or(Pred::Const(false));
    }
    let right = preds.split_off(preds.len() / 2);
    Pred::Or(Box::new(any_of(preds)), Box::new(any_of(right)))
}

fn negate_if(negated: bool, p: Pred) -> Pred {
    if negated {
        Pred::Not(Box::new(p))
    } else {
        p
    }
}

/// The value of a constant number expression.
fn const_num(n: &NumIr) -> Option<f64> {
    match n {
        NumIr::Const(v) => Some(*v),
        NumIr::Neg(a) => const_num(a).map(|v| -v),
        NumIr::Arith(op, a, b) => {
            let (a, b) = (const_num(a)?, const_num(b)?);
            Some(match op {
                BinOp::Add => a + b,
                BinOp::Sub => a - b,
                BinOp::Mul => a * b,
                _ => a / b,
            })
        }
        _ => None,
    }
}

fn to_date(s: &str, at: usize) -> Result<i32> {
    parse_date(s.as_bytes()).ok_or_else(|| Error::expr(at, format!("'{s}' is not a date: write YYYY-MM-DD")))
}

/// A text literal read as a date where a date is expected.
fn as_date(t: Typed, e: &Expr) -> Result<Typed> {
    match t {
        Typed::Str(StrIr::Const(s)) => Ok(Typed::Date(DateIr::Const(to_date(&s, e.start)?))),
        other => Ok(other),
    }
}

fn compare(op: BinOp, a: Typed, b: Typed, ea: &Expr, eb: &Expr) -> Result<Pred> {
    let (a, b) = match (&a, &b) {
        (Typed::Date(_), Typed::Str(StrIr::Const(_))) => (a, as_date(b, eb)?),
        (Typed::Str(StrIr::Const(_)), Typed::Date(_)) => (as_date(a, ea)?, b),
        _ => (a, b),
    };
    Ok(match (a, b) {
        (Typed::Num(x), Typed::Num(y)) => Pred::Num(op, x, y),
        (Typed::Date(x), Typed::Date(y)) => Pred::Date(op, x, y),
        (Typed::Str(x), Typed::Str(y)) => Pred::Str(op, x, y),
        (Typed::Bool(x), Typed::Bool(y)) if matches!(op, BinOp::Eq | BinOp::Ne) => Pred::BoolEq {
            ne: op == BinOp::Ne,
            a: Box::new(x),
            b: Box::new(y),
        },
        (Typed::Bool(_), Typed::Bool(_)) => {
            return Err(Error::expr(
                ea.start,
                format!("conditions are compared only with = or !=, not {}", op.symbol()),
            ))
        }
        (Typed::Dur(_), _) => return Err(Error::expr(ea.start, DURATION_ALONE)),
        (_, Typed::Dur(_)) => return Err(Error::expr(eb.start, DURATION_ALONE)),
        (x, y) => {
            return Err(Error::expr(
                eb.start,
                format!("cannot compare {} with {}", type_name(&x), type_name(&y)),
            ))
        }
    })
}

const DURATION_ALONE: &str =
    "a duration is not a value on its own: add it to a date (today - 90d) or pass it as within = 90d";

fn arith(op: BinOp, a: Typed, b: Typed, ea: &Expr, eb: &Expr) -> Result<Typed> {
    let (a, b) = match (&a, &b) {
        (Typed::Str(StrIr::Const(_)), Typed::Dur(_) | Typed::Date(_)) => (as_date(a, ea)?, b),
        (Typed::Date(_), Typed::Str(StrIr::Const(_))) => (a, as_date(b, eb)?),
        _ => (a, b),
    };
    Ok(match (op, a, b) {
        (_, Typed::Num(x), Typed::Num(y)) => Typed::Num(NumIr::Arith(op, Box::new(x), Box::new(y))),
        (BinOp::Add, Typed::Date(d), Typed::Dur(s)) | (BinOp::Add, Typed::Dur(s), Typed::Date(d)) => {
            Typed::Date(DateIr::Shift(Box::new(d), s))
        }
        (BinOp::Sub, Typed::Date(d), Typed::Dur(s)) => Typed::Date(DateIr::Shift(Box::new(d), s.negate())),
        (BinOp::Sub, Typed::Date(x), Typed::Date(y)) => Typed::Num(NumIr::DaysBetween(Box::new(x), Box::new(y))),
        (_, x @ (Typed::Str(_) | Typed::Bool(_)), _) => {
            return Err(Error::expr(
                ea.start,
                format!("'{}' needs numbers or dates, found {}", op.symbol(), type_name(&x)),
            ))
        }
        (_, x, y) => {
            return Err(Error::expr(
                eb.start,
                format!(
                    "cannot apply '{}' to {} and {}",
                    op.symbol(),
                    type_name(&x),
                    type_name(&y)
                ),
            ))
        }
    })
}
