//! The entities of the data model, their canonical fields, and how a file's
//! headers are recognised as one entity and mapped to its fields.

use serde::{Deserialize, Serialize};

/// One kind of input table (DESIGN.md, "Entities").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Customers,
    Orders,
    CampaignEvents,
    Campaigns,
    AcquisitionSpend,
    Consents,
    Tickets,
    Surveys,
    WebEvents,
}

/// How a field's cells are parsed and stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Free text, kept exactly.
    Text,
    /// A customer identifier: text, interned into the workspace's customer index.
    CustomerKey,
    /// An order identifier: text, interned into the workspace's order index.
    OrderKey,
    /// A decimal number.
    Number,
    /// A calendar date (no time of day).
    Date,
    /// A point in time (UTC milliseconds).
    Timestamp,
    /// True or false.
    Bool,
}

impl FieldType {
    /// Whether values are identifiers, interned into an index.
    pub fn is_key(self) -> bool {
        matches!(self, FieldType::CustomerKey | FieldType::OrderKey)
    }
}

/// A field as callers see it (for mapping editors).
#[derive(Debug, Clone, Serialize)]
pub struct FieldInfo {
    pub name: &'static str,
    #[serde(rename = "type")]
    pub ty: FieldType,
    pub required: bool,
}

impl From<&FieldSpec> for FieldInfo {
    fn from(s: &FieldSpec) -> Self {
        FieldInfo {
            name: s.name,
            ty: s.ty,
            required: s.required,
        }
    }
}

/// A canonical field of an entity.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub name: &'static str,
    pub ty: FieldType,
    /// A row whose required cell is missing or unparsable is rejected.
    pub required: bool,
    /// Header spellings (normalised, see [`normalise_header`]) besides `name` itself.
    pub synonyms: &'static [&'static str],
}

use super::fields::{
    ACQUISITION_SPEND, CAMPAIGNS, CAMPAIGN_EVENTS, CONSENTS, CUSTOMERS, ORDERS, SURVEYS, TICKETS, WEB_EVENTS,
};

impl Entity {
    /// Every entity, in the order recognition considers them.
    pub const ALL: [Entity; 9] = [
        Entity::Orders,
        Entity::Customers,
        Entity::CampaignEvents,
        Entity::Campaigns,
        Entity::AcquisitionSpend,
        Entity::Consents,
        Entity::Tickets,
        Entity::Surveys,
        Entity::WebEvents,
    ];

    /// The canonical fields of this entity.
    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            Entity::Customers => CUSTOMERS,
            Entity::Orders => ORDERS,
            Entity::CampaignEvents => CAMPAIGN_EVENTS,
            Entity::Campaigns => CAMPAIGNS,
            Entity::AcquisitionSpend => ACQUISITION_SPEND,
            Entity::Consents => CONSENTS,
            Entity::Tickets => TICKETS,
            Entity::Surveys => SURVEYS,
            Entity::WebEvents => WEB_EVENTS,
        }
    }

    /// The snake_case name used in the API and the CLI.
    pub fn name(self) -> &'static str {
        match self {
            Entity::Customers => "customers",
            Entity::Orders => "orders",
            Entity::CampaignEvents => "campaign_events",
            Entity::Campaigns => "campaigns",
            Entity::AcquisitionSpend => "acquisition_spend",
            Entity::Consents => "consents",
            Entity::Tickets => "tickets",
            Entity::Surveys => "surveys",
            Entity::WebEvents => "web_events",
        }
    }

    /// Parses an entity name (as [`Entity::name`] spells it; `campaignEvents` also works).
    pub fn parse(name: &str) -> Option<Entity> {
        let wanted = normalise_header(name);
        Entity::ALL.into_iter().find(|e| normalise_header(e.name()) == wanted)
    }
}

/// A header folded for matching: lower case, letters and digits of any script only.
/// `"E-mail Address"` → `"emailaddress"`, `"客户 编号"` → `"客户编号"`.
pub fn normalise_header(header: &str) -> String {
    header
        .trim()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .map(fold_diacritic)
        .collect()
}

/// Folds the Latin diacritics common in our users' headers (`Födelsedatum`, `Straße`).
fn fold_diacritic(c: char) -> char {
    match c {
        'å' | 'ä' | 'à' | 'á' | 'â' => 'a',
        'ö' | 'ø' | 'ó' | 'ô' => 'o',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'ü' | 'ú' | 'ù' => 'u',
        'í' | 'ì' | 'ï' => 'i',
        'ç' => 'c',
        'ß' => 's',
        _ => c,
    }
}

/// The field a header maps to in `entity`, if any.
pub fn field_for_header(entity: Entity, header: &str) -> Option<&'static FieldSpec> {
    let h = normalise_header(header);
    if h.is_empty() {
        return None;
    }
    let fields = entity.fields();
    fields
        .iter()
        .find(|s| normalise_header(s.name) == h)
        .or_else(|| fields.iter().find(|s| s.synonyms.contains(&h.as_str())))
}

/// How well a header row fits an entity: `None` when a required field is missing,
/// else the number of mapped headers (with a bonus when the file name names it).
pub fn fit(entity: Entity, headers: &[String], file_name: &str) -> Option<usize> {
    let mapped: Vec<&'static str> = headers
        .iter()
        .filter_map(|h| field_for_header(entity, h).map(|s| s.name))
        .collect();
    let has_all_required = entity
        .fields()
        .iter()
        .filter(|s| s.required)
        .all(|s| mapped.contains(&s.name));
    if !has_all_required {
        return None;
    }
    let stem = normalise_header(file_name.rsplit(['/', '\\']).next().unwrap_or(file_name));
    let named = normalise_header(entity.name());
    let bonus = usize::from(stem.starts_with(&named) || stem.contains(&named));
    Some(mapped.len() * 2 + bonus)
}

/// Recognises the entity of a file from its headers (and name, as a tie-breaker).
pub fn recognise(headers: &[String], file_name: &str) -> Option<Entity> {
    let mut best: Option<(usize, Entity)> = None;
    for entity in Entity::ALL {
        if let Some(score) = fit(entity, headers, file_name) {
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, entity));
            }
        }
    }
    best.map(|(_, e)| e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hs(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn headers_in_our_users_languages_map_to_email_and_customer_id() {
        for h in [
            "E-mail",
            "email_address",
            "Mail",
            "E-post",
            "surel",
            "邮箱",
            "電子郵件",
            "ایمیل",
        ] {
            assert_eq!(
                field_for_header(Entity::Customers, h).map(|s| s.name),
                Some("email"),
                "{h}"
            );
        }
        for h in ["Kundnummer", "客户编号", "Customer ID", "Contact ID", "Requester ID"] {
            assert_eq!(
                field_for_header(Entity::Customers, h).map(|s| s.name),
                Some("customer_id"),
                "{h}"
            );
        }
    }

    #[test]
    fn recognises_each_sample_file_by_its_headers() {
        let orders = hs(&[
            "order_id",
            "customer_id",
            "order_date",
            "product_id",
            "category",
            "quantity",
            "amount",
        ]);
        assert_eq!(recognise(&orders, "x.csv"), Some(Entity::Orders));
        let email = hs(&[
            "Contact ID",
            "Email Address",
            "First Name",
            "Last Name",
            "Mobile",
            "Country",
            "Created At",
        ]);
        assert_eq!(recognise(&email, "contacts.csv"), Some(Entity::Customers));
        let events = hs(&[
            "campaign_id",
            "customer_id",
            "event",
            "timestamp",
            "channel",
            "revenue",
            "group",
            "variant",
        ]);
        assert_eq!(recognise(&events, "e.csv"), Some(Entity::CampaignEvents));
        let campaigns = hs(&["campaign_id", "name", "channel", "sent_at", "cost"]);
        assert_eq!(recognise(&campaigns, "c.csv"), Some(Entity::Campaigns));
        let consents = hs(&["customer_id", "channel", "status", "updated_at"]);
        assert_eq!(recognise(&consents, "c.csv"), Some(Entity::Consents));
        let surveys = hs(&["customer_id", "answered_at", "score", "scale"]);
        assert_eq!(recognise(&surveys, "s.csv"), Some(Entity::Surveys));
        let web = hs(&["customer_id", "visitor_id", "timestamp", "session_id", "event", "url"]);
        assert_eq!(recognise(&web, "w.csv"), Some(Entity::WebEvents));
    }

    #[test]
    fn a_file_without_an_entitys_required_fields_is_not_recognised() {
        assert_eq!(recognise(&hs(&["foo", "bar"]), "orders.csv"), None);
        assert_eq!(
            fit(Entity::Orders, &hs(&["order_id", "customer_id"]), "orders.csv"),
            None
        );
    }

    #[test]
    fn entity_names_parse_in_either_case_style() {
        assert_eq!(Entity::parse("campaign_events"), Some(Entity::CampaignEvents));
        assert_eq!(Entity::parse("campaignEvents"), Some(Entity::CampaignEvents));
        assert_eq!(Entity::parse("nope"), None);
    }
}
