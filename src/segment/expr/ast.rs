//! The syntax tree of a selection expression. Every node keeps the byte span of
//! its text so the checker can point at it.

/// A duration literal: `90d`, `12w`, `6m` (calendar months), `1y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration {
    pub amount: i64,
    pub unit: Unit,
}

/// The unit of a [`Duration`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Day,
    Week,
    Month,
    Year,
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "=",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }

    /// Whether this is one of `= != < <= > >=`.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }
}

/// One node with the byte range `[start, end)` of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

/// A call argument: positional, or `name = value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// The name and its byte position, for named arguments.
    pub name: Option<(String, usize)>,
    pub value: Expr,
}

/// What a node is.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Number(f64),
    Text(String),
    Bool(bool),
    Null,
    Duration(Duration),
    /// A column name, or `today`.
    Name(String),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `x [not] in (a, b, …)`.
    In {
        operand: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    /// `x [not] between lo and hi`.
    Between {
        operand: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    /// `x [not] contains 'text'`.
    Contains {
        operand: Box<Expr>,
        pattern: Box<Expr>,
        negated: bool,
    },
    /// `x is [not] null`.
    IsNull {
        operand: Box<Expr>,
        negated: bool,
    },
    /// `name(args…)`.
    Call {
        name: String,
        args: Vec<Arg>,
    },
}
