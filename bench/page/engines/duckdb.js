// DuckDB-wasm engine for the bench page: the single-threaded `eh` bundle, served locally.
import * as duckdb from '@duckdb/duckdb-wasm';
import { SEGMENT_SQL, flatCsv } from '../segment-data.js';
import { COOC_PAIRS, COOC_PRODUCTS } from '../summary.js';

const LOAD_SQL = `CREATE TABLE orders AS SELECT * FROM read_csv('orders.csv',
  header = true, delim = ',', quote = '"',
  types = {'order_date': 'DATE', 'amount': 'DOUBLE'})`;

const MONTHLY_SQL = `SELECT strftime(order_date, '%Y-%m') AS period,
  count(DISTINCT order_id)::DOUBLE AS orders,
  sum(amount)::DOUBLE AS revenue,
  count(DISTINCT customer_id)::DOUBLE AS customers
FROM orders GROUP BY period ORDER BY period`;

// RFM as a SQL user writes it: per customer the last order (returns, as negative
// amounts, are not orders), distinct orders and net revenue; quintiles with NTILE(5),
// ties broken by the customer's first row in the file (as Rapport does).
const RFM_SQL = `WITH c AS (
  SELECT customer_id, min(rowid) AS first_row,
    max(order_date) FILTER (WHERE amount >= 0) AS last_order,
    count(DISTINCT order_id) FILTER (WHERE amount >= 0) AS frequency,
    sum(amount) AS monetary
  FROM orders GROUP BY customer_id),
s AS (SELECT customer_id, first_row, (SELECT max(order_date) FROM orders) - last_order AS recency, frequency, monetary
  FROM c WHERE last_order IS NOT NULL)
SELECT customer_id,
  NTILE(5) OVER (ORDER BY recency DESC, first_row) AS r,
  NTILE(5) OVER (ORDER BY frequency, first_row) AS f,
  NTILE(5) OVER (ORDER BY monetary, first_row) AS m
FROM s`;

// Monthly acquisition cohorts as a SQL user writes them: each customer's first order
// (returns, as negative amounts, are not orders), then per cohort and months since it,
// distinct active customers and net revenue.
const COHORTS_SQL = `WITH f AS (
  SELECT customer_id, min(order_date) AS first FROM orders WHERE amount >= 0 GROUP BY customer_id),
x AS (SELECT o.customer_id, o.amount, f.first,
  (year(o.order_date) * 12 + month(o.order_date)) - (year(f.first) * 12 + month(f.first)) AS k
  FROM orders o JOIN f USING (customer_id))
SELECT strftime(first, '%Y-%m') AS cohort, k::INT AS k,
  (count(DISTINCT customer_id) FILTER (WHERE amount >= 0))::DOUBLE AS active,
  sum(amount)::DOUBLE AS revenue
FROM x WHERE k >= 0 GROUP BY ALL ORDER BY ALL`;

// The pivot as a SQL user writes it: category × month; returns (negative amounts) net
// revenue but are neither orders nor buying customers.
const PIVOT_SQL = `SELECT category, strftime(order_date, '%Y-%m') AS month,
  (count(DISTINCT order_id) FILTER (WHERE amount >= 0))::DOUBLE AS orders,
  sum(amount)::DOUBLE AS revenue,
  (count(DISTINCT customer_id) FILTER (WHERE amount >= 0))::DOUBLE AS customers
FROM orders GROUP BY ALL`;

// Co-occurrence as a SQL user writes it: distinct (customer, product) of the non-return
// lines, the 50 products bought by the most customers (ties: id), a self-join on the
// customer for every pair a < b among them, the top 100 by customers (ties: a, b).
const COOC_SQL = `WITH cp AS (
  SELECT DISTINCT customer_id, product_id FROM orders
  WHERE amount >= 0 AND customer_id IS NOT NULL AND product_id IS NOT NULL AND product_id <> ''),
top AS (SELECT product_id FROM cp GROUP BY product_id ORDER BY count(*) DESC, product_id LIMIT ${COOC_PRODUCTS}),
t AS (SELECT cp.customer_id, cp.product_id FROM cp JOIN top USING (product_id))
SELECT x.product_id AS a, y.product_id AS b, count(*)::DOUBLE AS count
FROM t x JOIN t y ON x.customer_id = y.customer_id AND x.product_id < y.product_id
GROUP BY ALL ORDER BY count DESC, a, b LIMIT ${COOC_PAIRS}`;

export async function createEngine() {
  const worker = new Worker(new URL('/duckdb/duckdb-browser-eh.worker.js', location.href));
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(new URL('/duckdb/duckdb-eh.wasm', location.href).href);
  const conn = await db.connect();
  const dropFile = async () => {
    try { await db.dropFile('orders.csv'); } catch { /* not registered */ }
  };
  return {
    // registerFileBuffer transfers the buffer to the worker, detaching it on the page.
    consumesInput: true,
    /** Untimed: drops the previous table and file so every load starts from nothing. */
    async prepareLoad() {
      await conn.query('DROP TABLE IF EXISTS orders');
      await dropFile();
    },
    /** Timed: register the CSV bytes, then CREATE TABLE … AS SELECT * FROM read_csv. */
    async load(bytes) {
      await db.registerFileBuffer('orders.csv', bytes);
      await conn.query(LOAD_SQL);
    },
    /** Untimed: rows loaded; the registered CSV buffer is released. */
    async finishLoad() {
      const n = (await conn.query('SELECT count(*)::DOUBLE AS n FROM orders')).get(0).n;
      await dropFile();
      return { rows: n };
    },
    /** Timed: one GROUP BY month, read back as plain objects. */
    async monthly() {
      return (await conn.query(MONTHLY_SQL)).toArray().map((r) => r.toJSON());
    },
    /** Timed: the RFM query into a table (scores for every customer). */
    async rfm() {
      await conn.query('DROP TABLE IF EXISTS rfm');
      await conn.query(`CREATE TABLE rfm AS ${RFM_SQL}`);
    },
    /** Untimed: per-customer `[r, f, m]`. */
    async rfmScores() {
      const t = await conn.query('SELECT r::INT AS r, f::INT AS f, m::INT AS m FROM rfm');
      const [r, f, m] = ['r', 'f', 'm'].map((n) => t.getChild(n).toArray());
      return Array.from(r, (x, i) => [x, f[i], m[i]]);
    },
    /** Timed: the cohort query, read back into `[{ cohort, size, active, revenue }]`. */
    async cohorts() {
      const t = await conn.query(COHORTS_SQL);
      const [cohort, k, active, revenue] = ['cohort', 'k', 'active', 'revenue'].map((n) => t.getChild(n).toArray());
      const out = [];
      for (let i = 0; i < cohort.length; i++) {
        if (!out.length || out[out.length - 1].cohort !== cohort[i]) out.push({ cohort: cohort[i], size: 0, active: [], revenue: [] });
        const c = out[out.length - 1];
        c.active[k[i]] = active[i];
        c.revenue[k[i]] = revenue[i];
        if (k[i] === 0) c.size = active[i];
      }
      for (const c of out) for (let j = 0; j < c.active.length; j++) { c.active[j] ??= 0; c.revenue[j] ??= 0; }
      return out;
    },
    /** Timed: the pivot query, read back as plain objects. */
    async pivot() {
      return (await conn.query(PIVOT_SQL)).toArray().map((r) => r.toJSON());
    },
    /** Timed: the co-occurrence query, read back as `[{ a, b, count }]`. */
    async cooc() {
      return (await conn.query(COOC_SQL)).toArray().map((r) => r.toJSON());
    },
    /** Untimed: the flat synthetic customers table. */
    async prepareSegment(data) {
      await conn.query('DROP TABLE IF EXISTS customers');
      await db.registerFileBuffer('customers.csv', flatCsv(data));
      await conn.query(`CREATE TABLE customers AS SELECT * FROM read_csv('customers.csv', header = true,
        types = {'order_count': 'DOUBLE', 'monetary_total': 'DOUBLE', 'recency_days': 'DOUBLE',
                 'country': 'VARCHAR', 'consent_email': 'BOOLEAN'})`);
      await db.dropFile('customers.csv');
    },
    /** Timed: count(*) with the five conditions. */
    async segmentCount() {
      return (await conn.query(SEGMENT_SQL)).get(0).n;
    },
    memoryBytes: () => null,
    async close() {
      await conn.close();
      await db.terminate();
    },
  };
}
