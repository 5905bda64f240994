//! End-to-end tests of the generator: files are generated into memory and read
//! back with a small RFC 4180 reader.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::rc::Rc;

use super::{generate, GenerateOptions};

type Files = BTreeMap<String, Vec<u8>>;
type Buffer = Rc<RefCell<Vec<u8>>>;

#[derive(Clone)]
struct Capture(Buffer);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn options(customers: usize, seed: u64) -> GenerateOptions {
    GenerateOptions {
        customers,
        seed,
        lean_orders: false,
        orders_only: false,
    }
}

fn run(opts: &GenerateOptions) -> Files {
    let buffers: Rc<RefCell<Vec<(String, Buffer)>>> = Rc::default();
    let sink = buffers.clone();
    let summary = generate(opts, &mut |name| {
        let buffer = Rc::new(RefCell::new(Vec::new()));
        sink.borrow_mut().push((name.to_string(), buffer.clone()));
        Ok(Box::new(Capture(buffer)))
    })
    .unwrap();
    let files: Files = buffers
        .borrow()
        .iter()
        .map(|(n, b)| (n.clone(), b.borrow().clone()))
        .collect();
    assert_eq!(summary.files.len(), files.len());
    for file in &summary.files {
        assert_eq!(
            parse(&files[&file.name], delimiter(&file.name)).len() as u64,
            file.rows + 1,
            "{}",
            file.name
        );
    }
    files
}

fn delimiter(name: &str) -> u8 {
    if name == "customers_support.csv" {
        b';'
    } else {
        b','
    }
}

/// A strict RFC 4180 reader: quoted fields may hold delimiters, `""` and line breaks.
fn parse(bytes: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).expect("output is UTF-8");
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                    let next = chars.peek().copied();
                    assert!(
                        next.is_none() || next == Some('\n') || next == Some(char::from(delimiter)),
                        "text after a closing quote"
                    );
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                quoted = true;
                at_field_start = false;
            }
            '"' => panic!("bare quote inside an unquoted field: {field}"),
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                at_field_start = true;
            }
            '\r' => panic!("carriage return outside quotes"),
            c if c == char::from(delimiter) => {
                row.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            c => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    assert!(
        !quoted && field.is_empty() && row.is_empty(),
        "file does not end with a line break"
    );
    rows
}

fn table(files: &Files, name: &str) -> Vec<Vec<String>> {
    parse(&files[name], delimiter(name))
}

fn column(rows: &[Vec<String>], name: &str) -> Vec<String> {
    let index = rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    rows[1..].iter().map(|r| r[index].clone()).collect()
}

#[test]
fn same_seed_gives_identical_bytes() {
    assert_eq!(run(&options(300, 9)), run(&options(300, 9)));
}

#[test]
fn different_seeds_give_different_files() {
    let a = run(&options(300, 1));
    let b = run(&options(300, 2));
    for name in ["customers_shop.csv", "orders.csv", "campaign_events.csv", "tickets.csv"] {
        assert_ne!(a[name], b[name], "{name}");
    }
}

#[test]
fn every_file_has_its_header_and_a_constant_field_count() {
    let files = run(&options(800, 3));
    let expected = [
        "customers_shop.csv",
        "customers_email.csv",
        "customers_support.csv",
        "orders.csv",
        "campaigns.csv",
        "campaign_events.csv",
        "consents.csv",
        "tickets.csv",
        "surveys.csv",
        "web_events.csv",
        "acquisition_spend.csv",
        "truth/identity.csv",
        "truth/campaign_uplift.csv",
        "truth/customer_params.csv",
    ];
    assert_eq!(
        files.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        expected.into_iter().collect()
    );
    for (name, bytes) in &files {
        let rows = parse(bytes, delimiter(name));
        assert!(rows.len() > 1, "{name} has no data rows");
        let width = rows[0].len();
        assert!(rows.iter().all(|r| r.len() == width), "{name}: ragged rows");
    }
    assert_eq!(
        table(&files, "customers_support.csv")[0].join(";"),
        "Requester ID;First name;Last name;E-mail;Phone number;City;Country"
    );
    assert_eq!(
        table(&files, "customers_email.csv")[0].join(","),
        "Contact ID,Email Address,First Name,Last Name,Mobile,Country,Created At"
    );
    assert_eq!(table(&files, "orders.csv")[0].len(), 18);
}

#[test]
fn order_lines_are_about_ten_per_customer() {
    let customers = 4_000;
    let files = run(&GenerateOptions {
        customers,
        seed: 5,
        lean_orders: true,
        orders_only: true,
    });
    let lines = table(&files, "orders.csv").len() - 1;
    let ratio = lines as f64 / customers as f64;
    assert!(
        (7.0..13.0).contains(&ratio),
        "{lines} lines for {customers} customers ({ratio:.2} per customer)"
    );
}

#[test]
fn every_order_belongs_to_a_shop_customer_and_some_shop_customers_never_buy() {
    let files = run(&options(1_500, 4));
    let shop: BTreeSet<String> = column(&table(&files, "customers_shop.csv"), "customer_id")
        .into_iter()
        .collect();
    let buyers: BTreeSet<String> = column(&table(&files, "orders.csv"), "customer_id")
        .into_iter()
        .collect();
    assert!(buyers.is_subset(&shop));
    let never = 1.0 - buyers.len() as f64 / shop.len() as f64;
    assert!((0.25..0.55).contains(&never), "{never:.2} of shop customers never buy");
}

#[test]
fn identity_truth_covers_every_customer_record_exactly_once() {
    let files = run(&options(1_000, 6));
    let truth = table(&files, "truth/identity.csv");
    let mut expected = BTreeSet::new();
    for (file, source, id_column) in [
        ("customers_shop.csv", "shop", "customer_id"),
        ("customers_email.csv", "email", "Contact ID"),
        ("customers_support.csv", "support", "Requester ID"),
    ] {
        for id in column(&table(&files, file), id_column) {
            expected.insert((source.to_string(), id));
        }
    }
    let listed: Vec<(String, String)> = truth[1..].iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    assert_eq!(listed.len(), expected.len());
    assert_eq!(listed.into_iter().collect::<BTreeSet<_>>(), expected);
}

#[test]
fn planted_duplicates_give_some_people_two_shop_records() {
    let files = run(&options(2_000, 8));
    let truth = table(&files, "truth/identity.csv");
    let mut per_person: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut systems: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for row in &truth[1..] {
        *per_person.entry((row[0].as_str(), row[2].as_str())).or_default() += 1;
        systems.entry(row[2].as_str()).or_default().insert(row[0].as_str());
    }
    let shop_people = per_person.keys().filter(|(s, _)| *s == "shop").count();
    let twice = per_person.iter().filter(|((s, _), n)| *s == "shop" && **n >= 2).count();
    let share = twice as f64 / shop_people as f64;
    assert!(
        (0.015..0.05).contains(&share),
        "{twice} of {shop_people} shop people have two records"
    );
    assert!(systems.values().filter(|s| s.len() == 3).count() > 100);
}

#[test]
fn hostile_values_are_present_and_survive_quoting() {
    let files = run(&options(500, 10));
    let shop = table(&files, "customers_shop.csv");
    let first = column(&shop, "first_name");
    let last = column(&shop, "last_name");
    let street = column(&shop, "street");
    let company = column(&shop, "company");
    assert!(first.iter().any(|f| f == "<img src=x onerror=alert(1)>"));
    assert!(company
        .iter()
        .any(|c| c == "=HYPERLINK(\"http://example.com\",\"click\")"));
    assert!(last.iter().any(|l| l.contains(',') && l.contains('"')));
    assert!(street.iter().any(|s| s.contains('\n')));
    let support = table(&files, "customers_support.csv");
    assert!(column(&support, "Last name").iter().any(|l| l.contains(';')));
}

#[test]
fn names_come_in_native_scripts_and_with_diacritics() {
    let files = run(&options(2_000, 12));
    let shop = table(&files, "customers_shop.csv");
    let names: Vec<String> = column(&shop, "last_name");
    let has = |f: fn(char) -> bool| names.iter().any(|n| n.chars().any(f));
    assert!(has(|c| ('\u{0400}'..='\u{04FF}').contains(&c)), "no Cyrillic");
    assert!(has(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)), "no Chinese");
    assert!(has(|c| ('\u{0600}'..='\u{06FF}').contains(&c)), "no Persian");
    assert!(has(|c| "äöüåéèÖÅ".contains(c)), "no diacritics");
}

#[test]
fn lean_mode_writes_seven_order_columns() {
    let files = run(&GenerateOptions {
        customers: 200,
        seed: 1,
        lean_orders: true,
        orders_only: false,
    });
    let orders = table(&files, "orders.csv");
    assert_eq!(
        orders[0].join(","),
        "order_id,customer_id,order_date,product_id,category,quantity,amount"
    );
    assert!(orders.iter().all(|r| r.len() == 7));
}

#[test]
fn orders_only_writes_the_same_orders_as_full_mode() {
    for lean in [false, true] {
        let full = run(&GenerateOptions {
            customers: 700,
            seed: 21,
            lean_orders: lean,
            orders_only: false,
        });
        let only = run(&GenerateOptions {
            customers: 700,
            seed: 21,
            lean_orders: lean,
            orders_only: true,
        });
        assert_eq!(only.keys().collect::<Vec<_>>(), vec!["orders.csv"]);
        assert_eq!(only["orders.csv"], full["orders.csv"], "lean = {lean}");
    }
}

#[test]
fn returns_are_a_few_percent_of_lines_with_negative_amounts() {
    let files = run(&options(2_000, 13));
    let orders = table(&files, "orders.csv");
    let status = column(&orders, "status");
    let amount = column(&orders, "amount");
    let returned = status.iter().filter(|s| *s == "returned").count();
    let share = returned as f64 / status.len() as f64;
    assert!((0.025..0.06).contains(&share), "returned share {share:.3}");
    for (s, a) in status.iter().zip(&amount) {
        assert_eq!(s == "returned", a.starts_with('-'), "{s} {a}");
        let decimals = a.split_once('.').map(|(_, d)| d.len());
        assert_eq!(decimals, Some(2), "{a}");
    }
    let due = column(&orders, "due_date");
    let method = column(&orders, "payment_method");
    assert!(method.iter().zip(&due).all(|(m, d)| (m == "invoice") != d.is_empty()));
}

#[test]
fn control_members_get_no_messages_and_uplift_truth_matches_group_sizes() {
    let files = run(&options(3_000, 14));
    let events = table(&files, "campaign_events.csv");
    let mut controls = BTreeSet::new();
    let mut targets = BTreeSet::new();
    for row in &events[1..] {
        let key = (row[0].clone(), row[1].clone());
        if row[6] == "control" {
            assert_eq!(row[2], "converted", "control member got a {}", row[2]);
            controls.insert(key);
        } else {
            targets.insert(key);
        }
        assert_eq!(row[2] == "converted", !row[5].is_empty());
    }
    let uplift = table(&files, "truth/campaign_uplift.csv");
    assert_eq!(uplift.len(), 13);
    let target_total: u64 = column(&uplift, "target_size")
        .iter()
        .map(|v| v.parse::<u64>().unwrap())
        .sum();
    let control_total: u64 = column(&uplift, "control_size")
        .iter()
        .map(|v| v.parse::<u64>().unwrap())
        .sum();
    assert_eq!(target_total, targets.len() as u64);
    let share = control_total as f64 / (control_total + target_total) as f64;
    assert!((0.07..0.13).contains(&share), "control share {share:.3}");
    assert!(column(&uplift, "true_uplift").iter().any(|u| u == "0.000000"));
}

#[test]
fn consents_are_not_sorted_by_time_and_include_withdrawals() {
    let files = run(&options(1_000, 15));
    let consents = table(&files, "consents.csv");
    let times = column(&consents, "updated_at");
    assert!(times.windows(2).any(|w| w[0] > w[1]));
    assert!(column(&consents, "status").iter().any(|s| s == "withdrawn"));
}

#[test]
fn zero_or_one_customer_still_gives_well_formed_files() {
    let empty = run(&options(0, 1));
    assert_eq!(table(&empty, "orders.csv").len(), 1);
    assert_eq!(table(&empty, "customers_shop.csv").len(), 1);
    let single = run(&options(1, 1));
    // The only person carries every hostile value, so they are in the shop and the help desk.
    assert_eq!(table(&single, "customers_shop.csv").len(), 2);
    assert_eq!(table(&single, "customers_support.csv").len(), 2);
}
