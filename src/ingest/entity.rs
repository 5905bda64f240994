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

const fn f(name: &'static str, ty: FieldType, required: bool, synonyms: &'static [&'static str]) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required,
        synonyms,
    }
}

use FieldType::*;

const CUSTOMER_ID: &[&str] = &[
    "customerid",
    "custid",
    "customerno",
    "customernumber",
    "customer",
    "clientid",
    "client",
    "contactid",
    "requesterid",
    "userid",
    "memberid",
    "accountid",
    "kundnummer",
    "kundnr",
    "kundid",
    "kundennummer",
    "kundenid",
    "numeroclient",
    "idclient",
    "pelangganid",
    "idpelanggan",
    "客户编号",
    "客户id",
    "顾客编号",
    "شناسهمشتری",
    "кодклиента",
    "idклиента",
    "номерклиента",
];
const EMAIL: &[&str] = &[
    "emailaddress",
    "mail",
    "mailaddress",
    "epost",
    "epostadress",
    "surel",
    "alamatemail",
    "courriel",
    "adressemail",
    "correo",
    "correoelectronico",
    "邮箱",
    "電子郵件",
    "电子邮件",
    "ایمیل",
    "почта",
    "электроннаяпочта",
];

const CUSTOMERS: &[FieldSpec] = &[
    f("customer_id", CustomerKey, true, CUSTOMER_ID),
    f("source", Text, false, &["sourcesystem", "system"]),
    f(
        "first_name",
        Text,
        false,
        &[
            "firstname",
            "givenname",
            "forename",
            "fornamn",
            "vorname",
            "prenom",
            "名",
            "نام",
            "имя",
        ],
    ),
    f(
        "last_name",
        Text,
        false,
        &[
            "lastname",
            "surname",
            "familyname",
            "efternamn",
            "nachname",
            "nom",
            "姓",
            "نامخانوادگی",
            "фамилия",
        ],
    ),
    f("email", Text, false, EMAIL),
    f(
        "phone",
        Text,
        false,
        &[
            "phonenumber",
            "mobile",
            "mobilephone",
            "cell",
            "telephone",
            "tel",
            "telefon",
            "telefonnummer",
            "mobil",
            "telepon",
            "电话",
            "手机",
            "تلفن",
            "телефон",
        ],
    ),
    f(
        "street",
        Text,
        false,
        &[
            "address",
            "streetaddress",
            "address1",
            "addressline1",
            "gatuadress",
            "adress",
            "strasse",
            "adresse",
            "alamat",
            "地址",
            "آدرس",
            "адрес",
        ],
    ),
    f(
        "postal_code",
        Text,
        false,
        &[
            "postcode",
            "zip",
            "zipcode",
            "postnummer",
            "plz",
            "codepostal",
            "kodepos",
            "邮编",
            "кодпочтовый",
            "индекс",
        ],
    ),
    f(
        "city",
        Text,
        false,
        &["town", "ort", "stad", "stadt", "ville", "kota", "城市", "شهر", "город"],
    ),
    f(
        "country",
        Text,
        false,
        &["countrycode", "land", "pays", "negara", "国家", "کشور", "страна"],
    ),
    f(
        "birth_date",
        Date,
        false,
        &[
            "birthdate",
            "dateofbirth",
            "dob",
            "birthday",
            "fodelsedatum",
            "geburtsdatum",
            "tanggallahir",
            "出生日期",
            "تاریختولد",
            "датарождения",
        ],
    ),
    f(
        "gender",
        Text,
        false,
        &[
            "sex",
            "kon",
            "geschlecht",
            "genre",
            "jeniskelamin",
            "性别",
            "جنسیت",
            "пол",
        ],
    ),
    f(
        "signup_date",
        Date,
        false,
        &[
            "signupdate",
            "createdat",
            "created",
            "createddate",
            "registered",
            "registrationdate",
            "customersince",
            "joined",
            "datecreated",
        ],
    ),
    f(
        "acquisition_channel",
        Text,
        false,
        &["acquisitionchannel", "channel", "leadsource", "acquisitionsource"],
    ),
    f(
        "company",
        Text,
        false,
        &[
            "companyname",
            "organisation",
            "organization",
            "foretag",
            "firma",
            "perusahaan",
        ],
    ),
    f("job", Text, false, &["jobtitle", "title", "occupation", "position"]),
    f("marital_status", Text, false, &["maritalstatus", "civilstatus"]),
    f("anniversary", Date, false, &["anniversarydate", "weddingdate"]),
];

const ORDERS: &[FieldSpec] = &[
    f(
        "order_id",
        OrderKey,
        false,
        &[
            "orderid",
            "orderno",
            "ordernumber",
            "order",
            "invoiceno",
            "invoiceid",
            "invoice",
            "transactionid",
            "ordernummer",
            "bestellnummer",
            "订单号",
        ],
    ),
    f("customer_id", CustomerKey, true, CUSTOMER_ID),
    f(
        "order_date",
        Date,
        true,
        &[
            "orderdate",
            "date",
            "invoicedate",
            "purchasedate",
            "transactiondate",
            "orderdatum",
            "datum",
            "bestelldatum",
            "下单日期",
            "订单日期",
        ],
    ),
    f(
        "amount",
        Number,
        true,
        &[
            "amount",
            "total",
            "revenue",
            "sales",
            "value",
            "linetotal",
            "price",
            "belopp",
            "betrag",
            "montant",
            "金额",
        ],
    ),
    f(
        "product_id",
        Text,
        false,
        &[
            "productid",
            "sku",
            "itemid",
            "product",
            "stockcode",
            "artikelnummer",
            "produkt",
        ],
    ),
    f(
        "category",
        Text,
        false,
        &["productcategory", "kategori", "kategorie", "categorie", "类别"],
    ),
    f(
        "quantity",
        Number,
        false,
        &["qty", "units", "antal", "menge", "quantite", "数量"],
    ),
    f("cost", Number, false, &["unitcost", "cogs", "costofgoods"]),
    f("channel", Text, false, &["saleschannel"]),
    f("status", Text, false, &["orderstatus"]),
    f("currency", Text, false, &["currencycode", "valuta"]),
    f("region", Text, false, &[]),
    f("store", Text, false, &["shop", "storeid", "butik"]),
    f("sales_rep", Text, false, &["salesrep", "salesperson", "seller", "rep"]),
    f("payment_method", Text, false, &["paymentmethod", "paymenttype"]),
    f("payment_status", Text, false, &["paymentstatus"]),
    f("due_date", Date, false, &["duedate"]),
    f("paid_date", Date, false, &["paiddate", "paymentdate"]),
];

const CAMPAIGN_EVENTS: &[FieldSpec] = &[
    f("campaign_id", Text, true, &["campaignid", "campaign", "mailingid"]),
    f("customer_id", CustomerKey, true, CUSTOMER_ID),
    f("event", Text, true, &["eventtype", "action", "activity"]),
    f(
        "timestamp",
        Timestamp,
        false,
        &["time", "eventtime", "datetime", "occurredat", "date"],
    ),
    f("channel", Text, false, &[]),
    f("revenue", Number, false, &["value", "amount"]),
    f("group", Text, false, &["testgroup", "cell"]),
    f("variant", Text, false, &[]),
];

const CAMPAIGNS: &[FieldSpec] = &[
    f("campaign_id", Text, true, &["campaignid", "campaign"]),
    f("name", Text, true, &["campaignname", "title"]),
    f("channel", Text, false, &[]),
    f("sent_at", Timestamp, false, &["sentat", "sent", "senddate", "date"]),
    f("cost", Number, false, &["spend", "budget"]),
];

const ACQUISITION_SPEND: &[FieldSpec] = &[
    f("channel", Text, true, &["acquisitionchannel"]),
    f("period", Text, true, &["month", "week"]),
    f("spend", Number, true, &["cost", "amount"]),
];

const CONSENTS: &[FieldSpec] = &[
    f("customer_id", CustomerKey, true, CUSTOMER_ID),
    f("channel", Text, true, &["consentchannel", "medium"]),
    f("status", Text, true, &["consent", "consentstatus", "optin"]),
    f(
        "updated_at",
        Timestamp,
        false,
        &["updatedat", "updated", "timestamp", "date", "changedat"],
    ),
];

const TICKETS: &[FieldSpec] = &[
    f(
        "ticket_id",
        Text,
        true,
        &["ticketid", "ticket", "caseid", "case", "ärende"],
    ),
    f("customer_id", CustomerKey, true, CUSTOMER_ID),
    f(
        "opened_at",
        Timestamp,
        false,
        &["openedat", "opened", "createdat", "created"],
    ),
    f(
        "closed_at",
        Timestamp,
        false,
        &["closedat", "closed", "resolvedat", "resolved"],
    ),
    f("category", Text, false, &["topic", "type"]),
    f("complaint", Bool, false, &["iscomplaint"]),
    f("product_id", Text, false, &["productid", "sku", "product"]),
];

const SURVEYS: &[FieldSpec] = &[
    f("customer_id", CustomerKey, true, CUSTOMER_ID),
    f(
        "answered_at",
        Timestamp,
        false,
        &["answeredat", "answered", "date", "timestamp", "submittedat"],
    ),
    f("score", Number, true, &["rating", "csat", "nps"]),
    f("scale", Text, false, &["surveytype", "type"]),
];

const WEB_EVENTS: &[FieldSpec] = &[
    f("customer_id", CustomerKey, false, CUSTOMER_ID),
    f(
        "visitor_id",
        Text,
        false,
        &["visitorid", "anonymousid", "cookieid", "deviceid"],
    ),
    f("timestamp", Timestamp, true, &["time", "eventtime", "datetime"]),
    f("session_id", Text, false, &["sessionid", "session"]),
    f("event", Text, true, &["eventtype", "eventname", "action"]),
    f("url", Text, false, &["page", "pageurl", "path"]),
];

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
