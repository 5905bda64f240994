// Clusters and value tiers through the built package, checked against
// independent computations over the sample orders file.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Workspace } from "rapport";
import { sample } from "./helpers.mjs";

const FEATURES = ["monetary_total", "order_count", "recency_days"];

function loaded() {
  const ws = new Workspace();
  ws.load("orders", sample("orders.csv"), { fileName: "orders.csv" });
  return ws;
}

/// Revenue per customer as the customer table nets it (returns negative), in first-seen order.
function revenueByCustomer() {
  const lines = new TextDecoder().decode(sample("orders.csv")).trim().split("\n");
  const header = lines[0].split(",");
  const [iCust, iAmount, iStatus] = ["customer_id", "amount", "status"].map((h) => header.indexOf(h));
  const total = new Map();
  for (const line of lines.slice(1)) {
    const f = line.split(",");
    if (f[iStatus] === "cancelled") continue;
    const a = Number(f[iAmount]);
    const signed = f[iStatus] === "returned" || a < 0 ? -Math.abs(a) : a;
    total.set(f[iCust], (total.get(f[iCust]) ?? 0) + signed);
  }
  return [...total.values()];
}

test("chooseK scores every k with the seed it used, and clusters repeats with it", () => {
  const ws = loaded();
  const scan = ws.chooseK({ features: FEATURES, kRange: [2, 5], sample: 500 });
  assert.deepEqual(scan.scores.map((s) => s.k), [2, 3, 4, 5]);
  assert.ok(Number.isSafeInteger(scan.seed));
  for (const s of scan.scores) assert.ok(s.silhouette > -1 && s.silhouette <= 1, `${s.k}: ${s.silhouette}`);
  assert.ok(scan.scores[0].inertia > scan.scores[3].inertia);
  assert.deepEqual(ws.chooseK({ features: FEATURES, kRange: [2, 5], sample: 500, seed: scan.seed }), scan);

  const a = ws.clusters({ features: FEATURES, k: 4, seed: 9 });
  const b = ws.clusters({ features: FEATURES, k: 4, seed: 9 });
  assert.deepEqual(a, b);
  assert.equal(a.sizes.reduce((x, y) => x + y, 0) + a.leftOut, a.customers);
  assert.deepEqual([...a.sizes].sort((x, y) => y - x), a.sizes, "cluster 1 is the largest");
  assert.equal(a.profile.length, 4);
  assert.equal(a.centroids[0].length, FEATURES.length);
  // Cluster means of the profile, weighted by size, give the overall mean back.
  const m = a.profile.map((p) => p.means.find((x) => x.feature === "monetary_total"));
  const weighted = m.reduce((s, x, i) => s + x.mean * a.profile[i].size, 0) / (a.customers - a.leftOut);
  assert.ok(Math.abs(weighted - m[0].overall) < 1e-9 * Math.abs(m[0].overall));
  assert.throws(() => ws.clusters({ features: ["monetary_totl"], k: 3 }), /did you mean 'monetary_total'/);
  assert.throws(() => ws.clusters({ features: FEATURES, k: 3, seeds: 1 }), (e) => e.code === "OPTIONS" && /seeds/.test(e.message));
  ws.free();
});

test("valueTiers: tier sizes, revenue and the Pareto share match an independent computation", () => {
  const ws = loaded();
  const t = ws.valueTiers();
  const values = revenueByCustomer().sort((x, y) => y - x);
  const n = values.length;
  const total = values.reduce((s, v) => s + v, 0);
  assert.equal(t.customers, n);
  assert.ok(Math.abs(t.total - total) < 1e-6);
  const nHigh = Math.round(0.2 * n);
  const high = values.slice(0, nHigh).reduce((s, v) => s + v, 0);
  assert.equal(t.tiers[0].customers, nHigh);
  assert.ok(Math.abs(t.tiers[0].revenue - high) < 1e-6, `${t.tiers[0].revenue} vs ${high}`);
  const pos = 0.2 * n;
  const i = Math.floor(pos);
  const top = values.slice(0, i).reduce((s, v) => s + v, 0) + (pos - i) * (values[i] ?? 0);
  assert.ok(Math.abs(t.paretoShare - top / total) < 1e-12, `${t.paretoShare} vs ${top / total}`);
  assert.equal(t.curve.length, 101);
  assert.equal(t.curve[20].revenue, t.paretoShare);
  assert.equal(t.tiers.reduce((s, x) => s + x.customers, 0), n);
  ws.free();
});
