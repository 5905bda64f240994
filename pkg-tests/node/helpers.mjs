// Shared helpers of the Node package tests.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

export const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** A bundled sample file's bytes (decompressed when committed as .gz). */
export function sample(name) {
  const path = join(root, "examples/data", name);
  try {
    return new Uint8Array(readFileSync(path));
  } catch {
    return new Uint8Array(gunzipSync(readFileSync(path + ".gz")));
  }
}

/**
 * DuckDB-wasm's Node build, instantiated from the wasm in node_modules (no
 * network). Also used by bench/tools/fixtures-vs-duckdb.mjs.
 */
export async function nodeDuckdb() {
  const require = createRequire(import.meta.url);
  const dist = join(root, "node_modules/@duckdb/duckdb-wasm/dist");
  const duckdb = require(join(dist, "duckdb-node-blocking.cjs"));
  const bundles = {
    mvp: { mainModule: join(dist, "duckdb-mvp.wasm"), mainWorker: join(dist, "duckdb-node-mvp.worker.cjs") },
    eh: { mainModule: join(dist, "duckdb-eh.wasm"), mainWorker: join(dist, "duckdb-node-eh.worker.cjs") },
  };
  const db = await duckdb.createDuckDB(bundles, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
  await db.instantiate(() => {});
  return db;
}

/**
 * A DuckDB-wasm connection (its Node build, the wasm read from node_modules; no
 * network) with the sample orders as table `orders`, typed as the core types them.
 * `rows(sql)` answers plain objects.
 */
export async function duckdbWithOrders() {
  const db = await nodeDuckdb();
  db.registerFileBuffer("orders.csv", sample("orders.csv"));
  const conn = db.connect();
  conn.query(`CREATE TABLE orders AS SELECT * FROM read_csv('orders.csv', header = true,
    types = {'order_date': 'DATE', 'amount': 'DOUBLE', 'status': 'VARCHAR', 'order_id': 'VARCHAR',
             'customer_id': 'VARCHAR', 'region': 'VARCHAR', 'category': 'VARCHAR'})`);
  return { db, rows: (sql) => conn.query(sql).toArray().map((r) => r.toJSON()) };
}
