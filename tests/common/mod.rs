//! Random, CSV-shaped inputs for the robustness tests (native and wasm).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const PIECES: &[&str] = &[
    ",",
    ";",
    "\t",
    "|",
    "\"",
    "\"\"",
    "\n",
    "\r\n",
    "\r",
    " ",
    "C1",
    "C2",
    "O1",
    "2024-02-29",
    "2023-02-29",
    "20240101",
    "12.50",
    "-3",
    "1,234.50",
    "(7)",
    "€5",
    "abc",
    "Åsa",
    "张伟",
    "مریم",
    "Иван",
    "",
    "true",
    "ja",
    "customer_id",
    "order_date",
    "amount",
    "order_id",
    "email",
    "\u{feff}",
    "20240501",
    "2024-05-01T10:00:00+02:00",
    "20240501 10:00",
    "2024-05-01T",
    "T",
    ":",
    "1.5",
];

const HEADERS: &[&str] = &[
    "customer_id,order_date,amount\n",
    "order_id;customer_id;order_date;amount\n",
    "customer_id,email\n",
    "campaign_id,customer_id,event,timestamp,revenue\n",
    "ticket_id,customer_id,opened_at,closed_at,complaint\n",
    "customer_id,answered_at,score\n",
];

/// One input: mostly a header and rows with about the right number of fields,
/// each field one or two random pieces; sometimes free-form soup; sometimes one
/// byte flipped.
pub fn random_input(rng: &mut ChaCha8Rng) -> Vec<u8> {
    let mut s = String::new();
    if rng.random_bool(0.8) {
        let header = HEADERS[rng.random_range(0..HEADERS.len())];
        let delimiter = if header.contains(';') { ";" } else { "," };
        let width = header.split(delimiter).count();
        s.push_str(header);
        for _ in 0..rng.random_range(0..12) {
            let n = if rng.random_bool(0.85) {
                width
            } else {
                rng.random_range(0..width + 2)
            };
            let fields: Vec<String> = (0..n)
                .map(|_| {
                    (0..rng.random_range(1..3))
                        .map(|_| PIECES[rng.random_range(0..PIECES.len())])
                        .collect()
                })
                .collect();
            s.push_str(&fields.join(delimiter));
            s.push_str(["\n", "\r\n", "\r"][rng.random_range(0..3)]);
        }
    } else {
        for _ in 0..rng.random_range(0..60) {
            s.push_str(PIECES[rng.random_range(0..PIECES.len())]);
        }
    }
    let mut bytes = s.into_bytes();
    if rng.random_bool(0.05) && !bytes.is_empty() {
        let i = rng.random_range(0..bytes.len());
        bytes[i] = rng.random();
    }
    bytes
}

/// A seeded generator of such inputs.
pub fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}
