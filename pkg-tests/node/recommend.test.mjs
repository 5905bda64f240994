// Recommendations through the built package on the bundled sample: product pairs
// cross-checked against DuckDB-wasm's SQL (distinct customers per pair), rules, one
// customer's top-k, the holdout evaluation, and the next_best_product column.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Workspace } from "rapport";
import { duckdbWithOrders, sample } from "./helpers.mjs";

// The line pass in SQL: cancelled lines and returns (negative amount or a returned
// status) out; a pair counts once per customer who bought both.
const PAIRS = `WITH cp AS (
  SELECT DISTINCT customer_id, product_id FROM orders
  WHERE amount >= 0 AND product_id IS NOT NULL
    AND lower(trim(coalesce(status, ''))) NOT IN ('cancelled', 'canceled', 'void', 'return', 'returned', 'refund', 'refunded'))
SELECT x.product_id AS a, y.product_id AS b, count(*)::INT AS count
FROM cp x JOIN cp y ON x.customer_id = y.customer_id AND x.product_id < y.product_id
GROUP BY ALL ORDER BY count DESC, a, b LIMIT 30`;

function loaded() {
  const ws = new Workspace();
  ws.load("customers", sample("customers_shop.csv"), { fileName: "customers_shop.csv" });
  ws.load("orders", sample("orders.csv"), { fileName: "orders.csv" });
  return ws;
}

test("productPairs by count equal DuckDB-wasm's self-join on the sample; measures are consistent", async () => {
  const ws = loaded();
  const { db, rows } = await duckdbWithOrders();
  try {
    const pairs = ws.productPairs({ top: 30, by: "count", minCount: 1 });
    assert.deepEqual(pairs.map((p) => [p.a, p.b, p.count]), rows(PAIRS).map((r) => [r.a, r.b, r.count]));
    for (const p of pairs) {
      assert.ok(p.a < p.b);
      // From the definitions: lift = conf(a→b)·conf(b→a)/support, cosine = √(conf·conf),
      // jaccard = 1 / (1/conf(a→b) + 1/conf(b→a) − 1).
      const [x, y] = [p.confidenceAB, p.confidenceBA];
      assert.ok(Math.abs(p.lift - (x * y) / p.support) < 1e-9 * p.lift);
      assert.ok(Math.abs(p.cosine - Math.sqrt(x * y)) < 1e-12);
      assert.ok(Math.abs(p.jaccard - 1 / (1 / x + 1 / y - 1)) < 1e-12);
    }
    const byLift = ws.productPairs({ top: 10, by: "lift", minCount: 5 });
    for (let i = 1; i < byLift.length; i++) assert.ok(byLift[i - 1].lift >= byLift[i].lift);
    assert.throws(() => ws.productPairs({ by: "support" }), (e) => e.code === "OPTIONS" && e.field === "by");
  } finally {
    await db.terminate?.();
    ws.free();
  }
});

test("rules, recommendations, the evaluation and next_best_product on the sample", () => {
  const ws = loaded();
  try {
    const rules = ws.associationRules({ minSupport: 0.002, minConfidence: 0.05 });
    assert.ok(rules.length > 0);
    for (const r of rules) assert.ok(r.support >= 0.002 && r.confidence >= 0.05 && r.lift >= 1);
    const recs = ws.recommend("C000001", 5);
    assert.equal(recs.length, 5);
    for (const r of recs) {
      assert.deepEqual(Object.keys(r).sort(), ["productId", "reason", "score"]);
      assert.match(r.reason, /^(bought with \S+|customers like you|popular)$/);
    }
    assert.throws(() => ws.recommend("nobody", 5), (e) => e.code === "OPTIONS" && e.field === "customerId");

    const e = ws.evaluateRecommendations({ k: 10 });
    assert.equal(e.k, 10);
    assert.match(e.split, /^\d{4}-\d{2}-\d{2}$/);
    for (const g of [e, e.withHistory, e.withoutHistory]) {
      for (const s of [g.model, g.popularity]) {
        assert.ok(s.hitRate >= 0 && s.hitRate <= 1 && s.recall >= 0 && s.recall <= s.hitRate + 1e-12);
      }
      assert.equal(g.model.customers, g.popularity.customers);
    }
    assert.equal(e.withHistory.model.customers + e.withoutHistory.model.customers, e.model.customers);
    // The sample has planted co-purchase partners: the model beats popularity overall.
    assert.ok(e.model.hitRate > e.popularity.hitRate, `${e.model.hitRate} vs ${e.popularity.hitRate}`);

    const s = ws.addNextBestProduct();
    assert.equal(s.column, "next_best_product");
    const [product, customers] = s.top[0];
    assert.equal(ws.segmentCount(`next_best_product = '${product}'`), customers);
  } finally {
    ws.free();
  }
});
