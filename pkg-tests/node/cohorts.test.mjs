// Cohorts and lifecycle flows through the built package, cross-checked against
// DuckDB-wasm (its Node build, the wasm read from node_modules; no network) running
// the same definitions as SQL on the bundled sample orders.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Workspace } from "rapport";
import { duckdbWithOrders, sample } from "./helpers.mjs";

// The customer table's rules in SQL: cancelled lines out; a return (negative amount or a
// returned/refunded status) nets revenue as a negative amount and is not an order.
const LINES = `lines AS (
  SELECT customer_id, order_id, order_date,
    (amount < 0 OR lower(trim(coalesce(status, ''))) IN ('return', 'returned', 'refund', 'refunded')) AS ret,
    CASE WHEN amount < 0 OR lower(trim(coalesce(status, ''))) IN ('return', 'returned', 'refund', 'refunded')
         THEN -abs(amount) ELSE amount END AS amt
  FROM orders WHERE lower(trim(coalesce(status, ''))) NOT IN ('cancelled', 'canceled', 'void')),
first AS (SELECT customer_id, min(order_date) AS first FROM lines WHERE NOT ret GROUP BY customer_id)`;

const COHORT_CELLS = `WITH ${LINES},
x AS (SELECT l.*, f.first,
  (year(l.order_date) * 12 + month(l.order_date)) - (year(f.first) * 12 + month(f.first)) AS k
  FROM lines l JOIN first f USING (customer_id))
SELECT strftime(first, '%Y-%m') AS cohort, k::INT AS k,
  count(DISTINCT customer_id) FILTER (WHERE NOT ret)::INT AS active,
  count(DISTINCT order_id) FILTER (WHERE NOT ret)::INT AS orders,
  sum(amt)::DOUBLE AS revenue
FROM x WHERE k >= 0 GROUP BY ALL ORDER BY ALL`;

const COHORT_SIZES = `WITH ${LINES}
SELECT strftime(first, '%Y-%m') AS cohort, count(*)::INT AS size FROM first GROUP BY ALL ORDER BY ALL`;

const MONTHS = `WITH ${LINES}
SELECT strftime(order_date, '%Y-%m') AS period,
  count(DISTINCT customer_id) FILTER (WHERE NOT ret)::INT AS active,
  count(DISTINCT customer_id) FILTER (WHERE NOT ret AND order_date = first)::INT AS new,
  count(DISTINCT order_id) FILTER (WHERE NOT ret)::INT AS orders,
  sum(amt)::DOUBLE AS revenue
FROM lines JOIN first USING (customer_id) GROUP BY ALL ORDER BY ALL`;

function loaded() {
  const ws = new Workspace();
  ws.load("orders", sample("orders.csv"), { fileName: "orders.csv" });
  return ws;
}

const close = (a, b) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

test("monthly cohorts equal DuckDB-wasm's SQL on the sample: every size, active[k], orders[k] and revenue[k]", async () => {
  const ws = loaded();
  const report = ws.cohorts({ period: "month" });
  const { db, rows } = await duckdbWithOrders();
  try {
    const sizes = rows(COHORT_SIZES);
    assert.deepEqual(report.cohorts.map((c) => [c.cohort, c.size]), sizes.map((r) => [r.cohort, r.size]));
    const cells = new Map(rows(COHORT_CELLS).map((r) => [`${r.cohort}/${r.k}`, r]));
    let compared = 0;
    for (const c of report.cohorts) {
      for (let k = 0; k < c.active.length; k++) {
        const sql = cells.get(`${c.cohort}/${k}`) ?? { active: 0, orders: 0, revenue: 0 };
        cells.delete(`${c.cohort}/${k}`);
        assert.equal(c.active[k], sql.active, `${c.cohort} active[${k}]`);
        assert.equal(c.orders[k], sql.orders, `${c.cohort} orders[${k}]`);
        assert.ok(close(c.revenue[k], sql.revenue), `${c.cohort} revenue[${k}]: ${c.revenue[k]} vs ${sql.revenue}`);
        compared += 1;
      }
    }
    assert.equal(cells.size, 0, `cells only DuckDB has: ${[...cells.keys()].slice(0, 5)}`);
    assert.ok(report.cohorts.length >= 12 && compared > 100, `${report.cohorts.length} cohorts, ${compared} cells`);
  } finally {
    await db.terminate?.();
    ws.free();
  }
});

test("lifecycle: active, new, orders and revenue per month equal DuckDB-wasm's SQL; states add up to active", async () => {
  const ws = loaded();
  const life = ws.lifecycle({ period: "month", inactiveDays: 90 });
  const { db, rows } = await duckdbWithOrders();
  try {
    const months = new Map(rows(MONTHS).map((r) => [r.period, r]));
    for (const p of life.periods) {
      const sql = months.get(p.period) ?? { active: 0, new: 0, orders: 0, revenue: 0 };
      assert.equal(p.active, sql.active, `${p.period} active`);
      assert.equal(p.new.customers, sql.new, `${p.period} new`);
      assert.equal(p.orders, sql.orders, `${p.period} orders`);
      assert.ok(close(p.revenue, sql.revenue), `${p.period} revenue`);
      const states = p.new.customers + p.retained.customers + p.reactivated.customers + p.returning.customers;
      assert.equal(states, p.active, p.period);
    }
    assert.equal(life.periods.length, months.size);
    // Every reactivation follows a churn.
    const churned = life.periods.reduce((s, p) => s + p.churned.customers, 0);
    const reactivated = life.periods.reduce((s, p) => s + p.reactivated.customers, 0);
    assert.ok(churned >= reactivated && reactivated > 0, `${churned} churned, ${reactivated} reactivated`);
  } finally {
    await db.terminate?.();
    ws.free();
  }
});

test("cohorts by acquisition channel use the customer table, and options are checked", () => {
  const ws = loaded();
  ws.load("customers", sample("customers_shop.csv"), { fileName: "customers_shop.csv" });
  const byMonth = ws.cohorts({ period: "quarter" });
  const byChannel = ws.cohorts({ by: "acquisition_channel", maxPeriods: 4 });
  const total = (r) => r.cohorts.reduce((s, c) => s + c.size, 0);
  assert.equal(total(byChannel), total(byMonth));
  assert.ok(byChannel.cohorts.every((c) => c.active.length <= 4 && c.start === null));
  assert.ok(byChannel.cohorts.length > 2);
  assert.throws(() => ws.cohorts({ period: "fortnight" }), (e) => e.code === "OPTIONS" && e.field === "period");
  assert.throws(() => ws.cohorts({ by: "acquisition_chanel" }), /did you mean 'acquisition_channel'/);
  assert.throws(() => ws.lifecycle({ inactiveDays: 0 }), (e) => e.code === "OPTIONS");
  assert.throws(() => new Workspace().cohorts(), (e) => e.code === "MISSING_DATA");
  ws.free();
});
