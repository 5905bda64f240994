use super::*;
use crate::table::customers::CustomerParams;
use crate::{Entity, LoadOptions, Workspace};

fn load(ws: &mut Workspace, entity: Entity, name: &str, csv: &str) {
    ws.load(Some(entity), csv.as_bytes(), &LoadOptions::named(name))
        .unwrap();
}

fn workspace() -> Workspace {
    let mut ws = Workspace::new();
    load(
        &mut ws,
        Entity::Customers,
        "crm.csv",
        "customer_id,first_name,email,loyalty_card\nA,Åsa,asa@example.se,G-17\nB,Bo,bo@example.se,\n",
    );
    load(
        &mut ws,
        Entity::Customers,
        "shop.csv",
        "customer_id,first_name,signup_date\nA,Asa,2023-05-01\n",
    );
    load(
        &mut ws,
        Entity::Orders,
        "orders.csv",
        "order_id,customer_id,order_date,amount,product_id\n\
         O1,A,2024-01-10,10,P1\nO1,A,2024-01-10,20.5,P2\nO2,B,2024-02-01,99,P1\nO3,A,2024-03-01,50,P3\nR1,A,2024-03-05,-10,P3\n",
    );
    load(
        &mut ws,
        Entity::Tickets,
        "tickets.csv",
        "ticket_id,customer_id,opened_at,closed_at,category,complaint,product_id\n\
         T1,A,2024-01-15,2024-01-18,delivery,true,P1\nT2,A,2024-03-06,,billing,false,\nT3,B,2024-02-03,2024-02-04,delivery,true,P1\n\
         T4,A,2024-02-01,2024-02-02,quality,true,P2\n",
    );
    load(
        &mut ws,
        Entity::Surveys,
        "surveys.csv",
        "customer_id,answered_at,score,scale\nA,2024-01-20,2,csat5\nA,2024-03-02,9,nps10\n",
    );
    load(
        &mut ws,
        Entity::Consents,
        "consents.csv",
        "customer_id,channel,status,updated_at\nA,email,granted,2023-05-01T10:00:00Z\nA,email,withdrawn,2024-02-10T08:30:00Z\n",
    );
    ws
}

fn view_of(ws: &mut Workspace, id: &str, limit: usize) -> Result<CustomerView> {
    ws.customers(&CustomerParams::default(), 0)?;
    let table = ws.customer_table().unwrap();
    customer_view(ws, table, id, ViewParams { limit })
}

#[test]
fn complaint_history_counts_tickets_complaints_open_and_resolution_time() {
    let mut ws = workspace();
    let view = view_of(&mut ws, "A", 50).unwrap();
    // A: T1 (complaint, 3 days), T2 (open), T4 (complaint, 1 day).
    assert_eq!(
        view.complaints,
        ComplaintSummary {
            tickets: 3,
            complaints: 2,
            open: 1,
            mean_resolution_days: Some(2.0),
            last_complaint: Some("2024-02-01".into()),
        }
    );
    let opened: Vec<_> = view.tickets.records.iter().map(|r| r.date.clone().unwrap()).collect();
    assert_eq!(opened, ["2024-03-06", "2024-02-01", "2024-01-15"], "newest first");
}

#[test]
fn every_file_row_of_the_customer_is_listed_with_all_its_columns() {
    let mut ws = workspace();
    let view = view_of(&mut ws, "A", 50).unwrap();
    assert_eq!(view.profiles.total, 2, "one row in each customers file");
    let crm = view.profiles.records.iter().find(|r| r.file == "crm.csv").unwrap();
    assert_eq!(
        crm.fields.get("loyalty_card"),
        Some(&Value::Text("G-17".into())),
        "attributes too"
    );
    assert_eq!(crm.fields.get("first_name"), Some(&Value::Text("Åsa".into())));
    assert_eq!(view.orders.total, 4);
    assert_eq!(view.orders.records[0].fields.get("amount"), Some(&Value::Number(-10.0)));
    assert_eq!(
        view.consents.records[0].fields.get("updated_at"),
        Some(&Value::Text("2024-02-10T08:30:00Z".into()))
    );
    assert!(view
        .attributes
        .iter()
        .any(|a| a.name == "order_count" && a.value == Value::Number(2.0)));
    assert!(view
        .attributes
        .iter()
        .any(|a| a.name == "complaints" && a.value == Value::Number(2.0)));
}

#[test]
fn the_timeline_merges_order_lines_and_every_entity_newest_first() {
    let mut ws = workspace();
    let view = view_of(&mut ws, "A", 50).unwrap();
    let lines: Vec<(String, &str, String)> = view
        .timeline
        .iter()
        .map(|e| (e.date.clone(), e.kind, e.summary.clone()))
        .collect();
    let want = [
        ("2024-03-06", "ticket", "Ticket (billing), open"),
        ("2024-03-05", "return", "Return R1: 1 line, -10.00"),
        ("2024-03-02", "survey", "NPS answer 9/10"),
        ("2024-03-01", "order", "Order O3: 1 line, 50.00"),
        ("2024-02-10", "consent", "Consent for email: withdrawn"),
        ("2024-02-01", "complaint", "Complaint (quality) about P2, closed"),
        ("2024-01-20", "survey", "CSAT answer 2/5"),
        ("2024-01-15", "complaint", "Complaint (delivery) about P1, closed"),
        ("2024-01-10", "order", "Order O1: 2 lines, 30.50"),
        ("2023-05-01", "consent", "Consent for email: granted"),
    ];
    let want: Vec<(String, &str, String)> = want
        .iter()
        .map(|(d, k, s)| (d.to_string(), *k, s.to_string()))
        .collect();
    assert_eq!(lines, want);
}

#[test]
fn the_limit_caps_records_and_timeline_but_not_totals() {
    let mut ws = workspace();
    let view = view_of(&mut ws, "A", 2).unwrap();
    assert_eq!((view.orders.total, view.orders.records.len()), (4, 2));
    assert_eq!(view.timeline.len(), 2);
    assert_eq!(view.timeline[0].date, "2024-03-06");
}

#[test]
fn an_unknown_customer_or_a_bad_limit_is_an_options_error() {
    let mut ws = workspace();
    let err = view_of(&mut ws, "ZZ", 50).unwrap_err();
    assert!(
        matches!(&err, Error::Options { field, .. } if field == "customerId"),
        "{err}"
    );
    assert!(ViewOptions { limit: Some(0) }.check().is_err());
    assert_eq!(ViewOptions::default().check().unwrap().limit, 50);
}

#[test]
fn find_matches_id_name_and_email_case_insensitively_exact_id_first() {
    let mut ws = workspace();
    ws.customers(&CustomerParams::default(), 0).unwrap();
    let table = ws.customer_table().unwrap();
    let ids = |q: &str| {
        find(table, q, 10)
            .into_iter()
            .map(|m| m.customer_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids("åsa"), ["A"]);
    assert_eq!(ids("EXAMPLE.SE"), ["A", "B"]);
    assert_eq!(ids("b"), ["B"], "B by id and name; nothing of A contains a b");
    assert!(ids("nobody").is_empty());
    assert!(ids("  ").is_empty());
    let m = &find(table, "bo@", 10)[0];
    assert_eq!(
        (m.name.as_deref(), m.email.as_deref()),
        (Some("Bo"), Some("bo@example.se"))
    );
}
