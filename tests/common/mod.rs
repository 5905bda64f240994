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
];

/// One input: usually a header line, then a random run of pieces, sometimes one byte flipped.
pub fn random_input(rng: &mut ChaCha8Rng) -> Vec<u8> {
    let mut s = String::new();
    if rng.random_bool(0.7) {
        s.push_str(
            [
                "customer_id,order_date,amount\n",
                "order_id;customer_id;order_date;amount\n",
                "customer_id,email\n",
            ][rng.random_range(0..3)],
        );
    }
    for _ in 0..rng.random_range(0..60) {
        s.push_str(PIECES[rng.random_range(0..PIECES.len())]);
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
