// DuckDB-wasm engine for the bench page: the single-threaded `eh` bundle, served locally.
import * as duckdb from '@duckdb/duckdb-wasm';
import { SEGMENT_SQL, flatCsv } from '../segment-data.js';

const LOAD_SQL = `CREATE TABLE orders AS SELECT * FROM read_csv('orders.csv',
  header = true, delim = ',', quote = '"',
  types = {'order_date': 'DATE', 'amount': 'DOUBLE'})`;

const MONTHLY_SQL = `SELECT strftime(order_date, '%Y-%m') AS period,
  count(DISTINCT order_id)::DOUBLE AS orders,
  sum(amount)::DOUBLE AS revenue,
  count(DISTINCT customer_id)::DOUBLE AS customers
FROM orders GROUP BY period ORDER BY period`;

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
