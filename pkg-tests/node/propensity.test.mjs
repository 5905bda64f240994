// Churn propensity through the built package on the bundled sample data: the
// report's shape and invariants, the score column in segments, explanations
// that add up to the score, and typed errors.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Workspace } from "rapport";
import { sample } from "./helpers.mjs";

function loaded() {
  const ws = new Workspace();
  ws.load("orders", sample("orders.csv"), { fileName: "orders.csv" });
  ws.load("customers", sample("customers_shop.csv"), { fileName: "customers_shop.csv" });
  return ws;
}

test("propensity fits churn with a seed, reports test metrics and adds churn_risk", () => {
  const ws = loaded();
  const r = ws.propensity({ label: "churn", cutoff: "2026-04-02", windowDays: 90, seed: 7 });
  assert.equal(r.column, "churn_risk");
  assert.equal(r.seed, 7);
  assert.equal(r.cutoff, "2026-04-02");
  assert.equal(r.windowEnd, "2026-07-01");
  assert.ok(r.nTrain > 0 && r.nTest > 0);
  assert.ok(r.auc > 0.7 && r.auc <= 1, `auc ${r.auc}`);
  assert.equal(r.baseline.column, "p_alive_bgnbd");
  assert.equal(r.baseline.higherIsPositive, false);
  assert.equal(r.baselineAuc, r.baseline.auc);
  assert.deepEqual(r.baselines.map((b) => b.column), ["p_alive_bgnbd", "no_order_log_odds_bgnbd", "recency_days"]);
  assert.deepEqual(r.baselines[0], r.baseline);
  assert.ok(r.auc > r.baselineAuc, `model ${r.auc}, P(alive) ${r.baselineAuc}`);
  assert.ok(r.logLoss > 0);
  assert.equal(r.calibration.length, 10);
  assert.equal(r.calibration.reduce((n, b) => n + b.customers, 0), r.nTest);
  assert.equal(r.gains.length, 10);
  assert.ok(Math.abs(r.gains[9].cumulativeGain - 1) < 1e-12);
  assert.equal(r.gains.reduce((n, g) => n + g.positives, 0), r.positivesTest);
  assert.ok(r.coefficients.some((c) => c.feature === "recency_days"));
  // The same seed gives the same report.
  assert.deepEqual(ws.propensity({ label: "churn", cutoff: "2026-04-02", windowDays: 90, seed: 7 }), r);
  // The column is usable in segments and covers every customer.
  const all = ws.segmentCount("churn_risk >= 0");
  assert.equal(all, r.scored);
  const high = ws.segmentCount("churn_risk > 0.5");
  assert.ok(high > 0 && high < all, `${high} of ${all}`);
});

test("a drawn seed is reported and repeats the split", () => {
  const ws = loaded();
  const r = ws.propensity({ cutoff: "2026-04-02" });
  assert.ok(Number.isSafeInteger(r.seed));
  assert.equal(ws.propensity({ cutoff: "2026-04-02", seed: r.seed }).auc, r.auc);
});

test("explainScore's contributions add up to the score", () => {
  const ws = loaded();
  ws.propensity({ cutoff: "2026-04-02", seed: 7, column: "risk" });
  const e = ws.explainScore("risk", "C000001");
  assert.equal(e.customerId, "C000001");
  const logOdds = e.baseLogOdds + e.contributions.reduce((s, c) => s + c.contribution, 0);
  assert.ok(Math.abs(1 / (1 + Math.exp(-logOdds)) - e.score) < 1e-9);
  for (let i = 1; i < e.contributions.length; i++) {
    assert.ok(Math.abs(e.contributions[i - 1].contribution) >= Math.abs(e.contributions[i].contribution));
  }
  assert.throws(() => ws.explainScore("churn_risk", "C000001"), (err) => err.code === "OPTIONS" && err.field === "model");
  assert.throws(() => ws.explainScore("risk", "nobody"), (err) => err.code === "OPTIONS" && err.field === "customerId");
});

test("bad options and labels that cannot be built throw typed errors", () => {
  const ws = loaded();
  assert.throws(() => ws.propensity({ label: "upsell" }), (err) => err.code === "OPTIONS" && err.field === "label");
  assert.throws(() => ws.propensity({ windowDay: 90 }), (err) => err.code === "OPTIONS" && /windowDay/.test(err.message));
  assert.throws(() => ws.propensity({ label: "response" }), (err) => err.code === "MISSING_DATA" && /campaign events/.test(err.message));
});
