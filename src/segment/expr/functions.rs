//! The functions of the language: names, signatures and meaning, shared by the
//! checker (arity, named arguments) and completion (labels and details).

/// One function.
#[derive(Debug, Clone, Copy)]
pub struct FunctionSpec {
    pub name: &'static str,
    /// How it is called, for completion: `bought(product?, category =, within =, min_amount =) → bool`.
    pub signature: &'static str,
    pub about: &'static str,
    /// Positional arguments it takes at most.
    pub positional: usize,
    /// Named arguments it accepts.
    pub named: &'static [&'static str],
}

const ORDER_ARGS: &[&str] = &["product", "category", "within", "min_amount"];

/// Every function.
pub const FUNCTIONS: &[FunctionSpec] = &[
    FunctionSpec {
        name: "bought",
        signature: "bought(product?, product =, category =, within =, min_amount =) → bool",
        about: "has an order line of this product (SKU) or category, in the window, of at least min_amount",
        positional: 1,
        named: ORDER_ARGS,
    },
    FunctionSpec {
        name: "orders",
        signature: "orders(product?, product =, category =, within =, min_amount =) → number",
        about: "number of distinct orders with a matching line (returns and cancelled lines not counted)",
        positional: 1,
        named: ORDER_ARGS,
    },
    FunctionSpec {
        name: "complained",
        signature: "complained(within =) → bool",
        about: "opened a support ticket marked as a complaint (in the window)",
        positional: 0,
        named: &["within"],
    },
    FunctionSpec {
        name: "opened",
        signature: "opened(campaign?, campaign =, within =) → bool",
        about: "opened a campaign message (this campaign, in the window)",
        positional: 1,
        named: &["campaign", "within"],
    },
    FunctionSpec {
        name: "clicked",
        signature: "clicked(campaign?, campaign =, within =) → bool",
        about: "clicked in a campaign message (this campaign, in the window)",
        positional: 1,
        named: &["campaign", "within"],
    },
    FunctionSpec {
        name: "in_segment",
        signature: "in_segment(name) → bool",
        about: "is in the saved segment of this name",
        positional: 1,
        named: &[],
    },
    FunctionSpec {
        name: "birthday_within",
        signature: "birthday_within(duration) → bool",
        about: "the next birthday (birth_date's month and day) falls from today to today + duration",
        positional: 1,
        named: &[],
    },
    FunctionSpec {
        name: "anniversary_within",
        signature: "anniversary_within(duration) → bool",
        about: "the next anniversary (month and day) falls from today to today + duration",
        positional: 1,
        named: &[],
    },
    FunctionSpec {
        name: "date",
        signature: "date('YYYY-MM-DD') → date",
        about: "a date literal",
        positional: 1,
        named: &[],
    },
];

/// The function named `name` (case-insensitive).
pub fn function(name: &str) -> Option<&'static FunctionSpec> {
    FUNCTIONS.iter().find(|f| f.name.eq_ignore_ascii_case(name))
}
