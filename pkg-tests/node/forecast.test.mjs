// Forecasts through the built package on the bundled sample orders: the history
// is checked against an independent sum of the CSV, the forecast and backtest
// against their contract.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Workspace } from "rapport";
import { sample } from "./helpers.mjs";

function loaded() {
  const ws = new Workspace();
  ws.load("orders", sample("orders.csv"), { fileName: "orders.csv" });
  return ws;
}

/// Net revenue per month as the customer table counts it (cancelled out, returns negative).
function revenueByMonth() {
  const lines = new TextDecoder().decode(sample("orders.csv")).trim().split("\n");
  const header = lines[0].split(",");
  const [iDate, iAmount, iStatus] = ["order_date", "amount", "status"].map((h) => header.indexOf(h));
  const total = new Map();
  for (const line of lines.slice(1)) {
    const f = line.split(",");
    if (f[iStatus] === "cancelled") continue;
    const a = Number(f[iAmount]);
    const signed = f[iStatus] === "returned" || a < 0 ? -Math.abs(a) : a;
    const month = f[iDate].slice(0, 7);
    total.set(month, (total.get(month) ?? 0) + signed);
  }
  return total;
}

test("monthly revenue history matches the CSV and the forecast has intervals", () => {
  const r = loaded().forecast({ period: "month", measure: "revenue", horizon: 6, seed: 3 });
  const expected = revenueByMonth();
  assert.ok(r.history.length >= 12);
  for (const { period, value } of r.history) {
    assert.ok(Math.abs(value - (expected.get(period) ?? 0)) < 1e-6 * Math.max(1, Math.abs(value)), period);
  }
  assert.equal(r.forecast.length, 6);
  for (const p of r.forecast) assert.ok(p.lo95 <= p.mean && p.mean <= p.hi95, JSON.stringify(p));
  assert.ok(["ets", "seasonal_naive"].includes(r.method));
  const scores = r.backtest.candidates.map((c) => c.mase).filter((m) => m !== null);
  assert.equal(r.backtest.mase, Math.min(...scores));
  assert.equal(typeof r.backtest.baselineMase, "number");
  assert.equal(r.seed, 3);
  assert.deepEqual(loaded().forecast({ period: "month", measure: "revenue", horizon: 6, seed: 3 }), r);
});

test("orders and customers per week, and option errors", () => {
  const ws = loaded();
  const w = ws.forecast({ period: "week", measure: "customers", horizon: 4, method: "ets" });
  assert.match(w.history[0].period, /^\d{4}-W\d{2}$/);
  assert.equal(w.forecast.length, 4);
  assert.equal(w.method, "ets");
  const a = ws.forecast({ period: "month", measure: "revenue", horizon: 6, method: "arima" });
  assert.equal(a.method, "arima");
  assert.equal(a.params.model, "arima");
  assert.ok(Number.isFinite(a.params.logLikelihood) && a.params.order.season >= 1);
  assert.ok(a.forecast.every((p) => p.lo95 <= p.mean && p.mean <= p.hi95));
  assert.throws(() => ws.forecast({ method: "holt" }), (e) => e.code === "OPTIONS" && e.field === "method");
  assert.throws(() => ws.forecast({ horizon: 0 }), (e) => e.code === "OPTIONS" && e.field === "horizon");
  assert.throws(() => ws.forecast({ horizn: 3 }), (e) => e.code === "OPTIONS");
});
