// Synthetic customers for the segment_expr task, identical for every engine: a fixed
// seed (mulberry32) and `n` customers with the five columns of the expression.
// Per customer: order_count 0–6 (0 for about a tenth), monetary_total in cents / 100
// (0 without orders), recency_days 0–729 (null without orders), one of ten countries,
// consent_email true / false / null (no consent record).
//
// Rapport builds its customer table from entity files, so it gets orders, customers and
// consents CSVs written from these values (k order lines of which the last carries the
// whole total, on as-of − recency); DuckDB-wasm and Arquero get the flat table.

export const SEGMENT_EXPR =
  "order_count >= 3 and monetary_total > 100 and recency_days <= 90 and country in ('SE','DE','ID') and consent_email";
export const SEGMENT_SQL = `SELECT count(*)::DOUBLE AS n FROM customers WHERE order_count >= 3
  AND monetary_total > 100 AND recency_days <= 90 AND country IN ('SE', 'DE', 'ID') AND consent_email`;
export const SEGMENT_ARQUERO = "d => d.order_count >= 3 && d.monetary_total > 100 && d.recency_days != null && " +
  "d.recency_days <= 90 && (d.country === 'SE' || d.country === 'DE' || d.country === 'ID') && d.consent_email === true";

const COUNTRIES = ['SE', 'DE', 'ID', 'FR', 'GB', 'US', 'CN', 'IR', 'RU', 'NL'];
const AS_OF = Date.UTC(2025, 5, 30) / 86_400_000;
const day = (d) => new Date(d * 86_400_000).toISOString().slice(0, 10);

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The per-customer values, as typed arrays. */
export function segmentData(n, seed = 42) {
  const rnd = mulberry32(seed);
  const int = (k) => Math.floor(rnd() * k);
  const d = {
    n,
    orders: new Uint8Array(n),
    cents: new Float64Array(n),
    recency: new Int32Array(n),
    country: new Uint8Array(n),
    consent: new Int8Array(n), // -1 null, 0 false, 1 true
  };
  for (let i = 0; i < n; i++) {
    d.orders[i] = rnd() < 0.1 && i > 0 ? 0 : 1 + int(6);
    d.cents[i] = d.orders[i] ? int(50_000) : 0;
    d.recency[i] = i === 0 ? 0 : int(730); // customer 0 orders on the as-of date
    d.country[i] = int(COUNTRIES.length);
    d.consent[i] = rnd() < 0.2 ? -1 : rnd() < 0.6 ? 1 : 0;
  }
  return d;
}

const id = (i) => `C${i}`;
const encoder = new TextEncoder();

/** Lines joined in blocks (one huge concatenation is slow and memory-hungry). */
function csv(header, n, line) {
  const parts = [header];
  let block = [];
  for (let i = 0; i < n; i++) {
    const l = line(i);
    if (l) block.push(l);
    if (block.length >= 100_000) {
      parts.push(block.join('\n'));
      block = [];
    }
  }
  if (block.length) parts.push(block.join('\n'));
  return encoder.encode(parts.join('\n') + '\n');
}

/** Orders, customers and consents files whose customer table has these values. */
export function entityFiles(d) {
  const orders = csv('order_id,customer_id,order_date,amount', d.n, (i) => {
    const k = d.orders[i];
    if (!k) return '';
    const last = AS_OF - d.recency[i];
    const lines = [];
    for (let j = 0; j < k; j++) {
      const amount = j === k - 1 ? (d.cents[i] / 100).toFixed(2) : '0';
      lines.push(`O${i}_${j},${id(i)},${day(last - 7 * (k - 1 - j))},${amount}`);
    }
    return lines.join('\n');
  });
  const customers = csv('customer_id,country', d.n, (i) => `${id(i)},${COUNTRIES[d.country[i]]}`);
  const consents = csv('customer_id,channel,status,updated_at', d.n, (i) =>
    d.consent[i] < 0 ? '' : `${id(i)},email,${d.consent[i] ? 'granted' : 'withdrawn'},2025-01-01`);
  return { orders, customers, consents };
}

/** The flat customers table as a CSV (DuckDB-wasm). */
export function flatCsv(d) {
  return csv('customer_id,order_count,monetary_total,recency_days,country,consent_email', d.n, (i) =>
    [id(i), d.orders[i], (d.cents[i] / 100).toFixed(2), d.orders[i] ? d.recency[i] : '', COUNTRIES[d.country[i]],
      d.consent[i] < 0 ? '' : d.consent[i] ? 'true' : 'false'].join(','));
}

/** The flat customers table as columns (Arquero). */
export function flatColumns(d) {
  const recency = new Array(d.n);
  const country = new Array(d.n);
  const consent = new Array(d.n);
  const orderCount = new Float64Array(d.n);
  const total = new Float64Array(d.n);
  for (let i = 0; i < d.n; i++) {
    orderCount[i] = d.orders[i];
    total[i] = d.cents[i] / 100;
    recency[i] = d.orders[i] ? d.recency[i] : null;
    country[i] = COUNTRIES[d.country[i]];
    consent[i] = d.consent[i] < 0 ? null : d.consent[i] === 1;
  }
  return { order_count: orderCount, monetary_total: total, recency_days: recency, country, consent_email: consent };
}
