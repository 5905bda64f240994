// Customer lifetime value through the built package on the bundled sample orders:
// the report's shape and invariants, and the columns it adds used in a segment.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Workspace } from "rapport";
import { sample } from "./helpers.mjs";

function loaded() {
  const ws = new Workspace();
  ws.load("orders", sample("orders.csv"), { fileName: "orders.csv" });
  return ws;
}

test("fitClv reports BG/NBD, Gamma-Gamma and a holdout check on the sample", () => {
  const ws = loaded();
  const r = ws.fitClv({ calibrationEnd: "2025-12-31", holdoutEnd: "2026-06-30", timeUnit: "week" });
  for (const k of ["r", "alpha", "a", "b"]) {
    assert.ok(r.bgnbd[k] > 0 && Number.isFinite(r.bgnbd[k]), k);
    assert.ok(r.bgnbd.se === null || r.bgnbd.se[k] >= 0, `se ${k}`);
  }
  assert.ok(Number.isFinite(r.bgnbd.logLikelihood) && r.bgnbd.logLikelihood < 0);
  assert.ok(r.gammaGamma.p > 0 && r.gammaGamma.q > 0 && r.gammaGamma.v > 0);
  assert.equal(r.calibrationEnd, "2025-12-31");
  assert.equal(r.holdoutEnd, "2026-06-30");
  assert.equal(r.timeUnit, "week");
  assert.ok(Array.isArray(r.warnings));
  // Holdout: finite sums equal to their buckets', every scored customer in one bucket.
  const h = r.holdout;
  assert.ok(Number.isFinite(h.actual) && Number.isFinite(h.predicted) && h.predicted > 0);
  assert.equal(h.buckets.length, 8);
  assert.equal(h.buckets.reduce((s, b) => s + b.customers, 0), r.customers);
  assert.ok(Math.abs(h.buckets.reduce((s, b) => s + b.predicted, 0) - h.predicted) < 1e-6 * h.predicted);
  // P(alive) in [0, 1] everywhere on the heatmap, and falling with a longer silence.
  for (const row of r.aliveMatrix.pAlive) for (const p of row) assert.ok(p >= 0 && p <= 1);
  const row = r.aliveMatrix.pAlive[Math.min(3, r.aliveMatrix.pAlive.length - 1)];
  assert.ok(row[0] <= row[row.length - 1]);
  assert.equal(r.clvHistogram.reduce((s, b) => s + b.customers, 0), r.customers);
  const top = r.topCustomers;
  assert.ok(top.length > 0 && top.every((c, i) => i === 0 || top[i - 1].clv >= c.clv));
  assert.ok(top.every((c) => c.customerId.startsWith("C") && c.pAlive >= 0 && c.pAlive <= 1));
  assert.deepEqual(r.columns, ["p_alive", "expected_purchases_90d", "clv_12m", "expected_next_order"]);

  const all = ws.segment("p_alive >= 0").count;
  const lapsing = ws.segment("p_alive < 0.5").count;
  assert.equal(all, r.customers);
  assert.ok(lapsing >= 0 && lapsing < all);
  assert.ok(ws.segment("clv_12m > 0 and expected_purchases_90d >= 0").count > 0);
});

test("fitClv checks its options", () => {
  const ws = loaded();
  assert.throws(() => ws.fitClv({ timeUnit: "month" }), (e) => e.code === "OPTIONS" && /timeUnit/.test(e.message));
  assert.throws(() => ws.fitClv({ holdoutEnd: "2026-01-01" }), (e) => e.code === "OPTIONS");
  assert.throws(() => new Workspace().fitClv(), (e) => e.code === "MISSING_DATA");
});
