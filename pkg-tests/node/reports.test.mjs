// Pivot reports and the loyalty scheme through the built package; the pivot is
// cross-checked against DuckDB-wasm (its Node build, the wasm read from node_modules;
// no network) running the same definitions as SQL on the bundled sample orders.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Workspace } from "rapport";
import { duckdbWithOrders, sample } from "./helpers.mjs";

// The customer table's line rules: cancelled lines out; a return (negative amount or a
// returned/refunded status) nets revenue and is neither an order nor a buying customer.
const LINES = `lines AS (
  SELECT customer_id, order_id, coalesce(nullif(trim(region), ''), '(none)') AS region,
    coalesce(nullif(trim(category), ''), '(none)') AS category,
    (amount < 0 OR lower(trim(coalesce(status, ''))) IN ('return', 'returned', 'refund', 'refunded')) AS ret,
    CASE WHEN amount < 0 OR lower(trim(coalesce(status, ''))) IN ('return', 'returned', 'refund', 'refunded')
         THEN -abs(amount) ELSE amount END AS amt
  FROM orders WHERE lower(trim(coalesce(status, ''))) NOT IN ('cancelled', 'canceled', 'void'))`;

const PIVOT = `WITH ${LINES}
SELECT coalesce(region, '(total)') AS region, coalesce(category, '(total)') AS category,
  count(DISTINCT order_id) FILTER (WHERE NOT ret)::INT AS orders,
  sum(amt)::DOUBLE AS revenue,
  count(DISTINCT customer_id) FILTER (WHERE NOT ret)::INT AS customers
FROM lines GROUP BY CUBE (region, category)`;

const close = (a, b) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

test("region × category orders, revenue and distinct customers equal DuckDB-wasm's SQL in every cell and total", async () => {
  const ws = new Workspace();
  ws.load("orders", sample("orders.csv"), { fileName: "orders.csv" });
  const p = ws.pivot({ rows: "region", columns: "category", measures: ["orders", "revenue", "customers"] });
  assert.equal(p.grain, "order_line");
  const { db, rows } = await duckdbWithOrders();
  try {
    const sql = new Map(rows(PIVOT).map((r) => [`${r.region}/${r.category}`, r]));
    const check = (r, c, cell) => {
      const want = sql.get(`${r}/${c}`) ?? { orders: 0, revenue: 0, customers: 0 };
      const [orders, revenue, customers] = cell.values;
      assert.equal(orders, want.orders, `${r}/${c} orders`);
      assert.ok(close(revenue, want.revenue), `${r}/${c} revenue ${revenue} vs ${want.revenue}`);
      assert.equal(customers, want.customers, `${r}/${c} customers`);
    };
    let compared = 0;
    p.rows.labels.forEach((r, i) => {
      p.columns.labels.forEach((c, j) => { check(r, c, p.cells[i][j]); compared++; });
      check(r, "(total)", p.rowTotals[i]);
    });
    p.columns.labels.forEach((c, j) => check("(total)", c, p.columnTotals[j]));
    check("(total)", "(total)", p.total);
    assert.ok(compared >= 20, `compared ${compared} cells`);
    // Every non-empty SQL group is a cell of the pivot.
    const cells = [...sql.keys()].filter((k) => !k.includes("(total)"));
    assert.ok(cells.every((k) => p.rows.labels.includes(k.split("/")[0]) && p.columns.labels.includes(k.split("/")[1])));
  } finally {
    db.terminate?.();
  }
});

test("a category cell's drill expression selects exactly the cell's customers", () => {
  const ws = new Workspace();
  ws.load("orders", sample("orders.csv"), { fileName: "orders.csv" });
  const p = ws.pivot({ rows: "category", measures: ["customers"] });
  for (const [i, cell] of p.cells.entries()) {
    assert.equal(ws.segment(cell[0].customers).count, cell[0].values[0], p.rows.labels[i]);
  }
  assert.throws(() => ws.pivot({ rows: "regoin" }), /did you mean 'region'/);
});

test("presets run on the sample and the loyalty rules round-trip through the workspace", () => {
  const ws = new Workspace();
  ws.load("customers", sample("customers_shop.csv"), { fileName: "customers_shop.csv" });
  ws.load("orders", sample("orders.csv"), { fileName: "orders.csv" });
  for (const { name, definition } of ws.reportPresets()) {
    const p = ws.pivot(definition);
    assert.ok(p.rows.labels.length >= 2, name);
  }
  const rules = { expiryMonths: 12, tiers: [{ name: "Top", topShare: 0.1 }, { name: "Rest", topShare: 1 }] };
  const r = ws.loyalty(rules);
  const ranked = r.tiers[0].customers + r.tiers[1].customers;
  assert.equal(r.tiers[0].customers, Math.floor(ranked * 0.1 + 0.5));
  assert.deepEqual(ws.loyaltyRules().tiers, rules.tiers);
  const byTier = ws.pivot({ rows: "loyalty_tier", measures: ["customers", "revenue"] });
  assert.deepEqual(byTier.rows.labels.slice(0, 2), ["Rest", "Top"]);
});
