// The customer table, RFM and audiences through the built package, checked
// against an independent JavaScript computation on the bundled sample.
import assert from "node:assert/strict";
import { test } from "node:test";
import { tableFromIPC } from "apache-arrow";
import { Workspace } from "rapport";
import { sample } from "./helpers.mjs";

const SEGMENTS = [
  ["Champions", (r, f) => r === 5 && f >= 4],
  ["Loyal", (r, f) => r >= 3 && r <= 4 && f >= 4],
  ["Potential Loyalist", (r, f) => r >= 4 && f >= 2 && f <= 3],
  ["New", (r, f) => r === 5 && f === 1],
  ["Promising", (r, f) => r === 4 && f === 1],
  ["Need Attention", (r, f) => r === 3 && f === 3],
  ["About to Sleep", (r, f) => r === 3 && f <= 2],
  ["At Risk", (r, f) => r <= 2 && f >= 3 && f <= 4],
  ["Can't Lose Them", (r, f) => r <= 2 && f === 5],
  ["Hibernating", () => true],
];

/** SQL NTILE(q) over rows sorted by (key, first-appearance order). */
function ntile(ids, key, q, ascending) {
  const sorted = [...ids].sort((a, b) => (ascending ? key(a) - key(b) : key(b) - key(a)) || a.order - b.order);
  const n = sorted.length, small = Math.floor(n / q), nBig = n % q, big = small + 1;
  const out = new Map();
  sorted.forEach((c, rank) => {
    const g = rank < nBig * big ? Math.floor(rank / big) : nBig + Math.floor((rank - nBig * big) / small);
    out.set(c.id, g + 1);
  });
  return out;
}

test("RFM segment sizes equal an independent computation on the sample orders", () => {
  const bytes = sample("orders.csv");
  const lines = new TextDecoder().decode(bytes).trim().split("\n");
  const h = lines[0].split(",");
  const col = (name) => h.indexOf(name);
  const [iId, iCust, iDate, iAmount] = ["order_id", "customer_id", "order_date", "amount"].map(col);
  const customers = new Map();
  let asOf = "";
  for (const line of lines.slice(1)) {
    const f = line.split(",");
    const id = f[iCust];
    const c = customers.get(id) ?? { id, order: customers.size, last: "", orders: new Set(), monetary: 0 };
    customers.set(id, c);
    const amount = Number(f[iAmount]);
    c.monetary += amount;
    if (amount >= 0) {
      c.orders.add(f[iId]);
      if (f[iDate] > c.last) c.last = f[iDate];
      if (f[iDate] > asOf) asOf = f[iDate];
    }
  }
  const day = (s) => Date.parse(s + "T00:00:00Z") / 86400000;
  const scored = [...customers.values()].filter((c) => c.last !== "");
  for (const c of scored) c.recency = day(asOf) - day(c.last);
  const R = ntile(scored, (c) => c.recency, 5, false);
  const F = ntile(scored, (c) => c.orders.size, 5, true);
  const expected = new Map();
  for (const c of scored) {
    const name = c.recency > 365 ? "Lost" : SEGMENTS.find(([, rule]) => rule(R.get(c.id), F.get(c.id)))[0];
    expected.set(name, (expected.get(name) ?? 0) + 1);
  }

  const ws = new Workspace();
  ws.load("orders", bytes, { fileName: "orders.csv" });
  const report = ws.rfm();
  assert.equal(report.asOf, asOf);
  assert.equal(report.customersScored, scored.length);
  for (const s of report.segments) assert.equal(s.customers, expected.get(s.segment) ?? 0, s.segment);
  const cells = report.grid.reduce((n, g) => n + g.customers, 0);
  assert.equal(cells, scored.length);

  // The scores are now customer-table columns.
  const table = tableFromIPC(ws.customers({ columns: ["rfm_segment", "rfm_r", "monetary_total"] }));
  assert.deepEqual(table.schema.fields.map((f) => f.name), ["customer_id", "rfm_segment", "rfm_r", "monetary_total"]);
  const first = table.get(0).toJSON();
  const c = customers.get(first.customer_id);
  assert.equal(first.rfm_r, R.get(c.id));
  assert.ok(Math.abs(first.monetary_total - c.monetary) < 1e-6);
  const names = ws.customerColumns().map((x) => x.name);
  for (const n of ["recency_days", "order_count", "monetary_total", "rfm_segment"]) assert.ok(names.includes(n), n);
  ws.free();
});

test("an audience rebuilt with its seed is identical, and its CSV holds both groups", () => {
  const ws = new Workspace();
  for (const name of ["customers_email.csv", "consents.csv", "campaign_events.csv", "orders.csv"]) {
    ws.load("auto", sample(name), { fileName: name });
  }
  const a = ws.audience({ channel: "email", controlFraction: 0.2 });
  assert.ok(Number.isSafeInteger(a.seed), "a drawn seed survives a JS number");
  assert.equal(a.target + a.control, a.eligible);
  assert.equal(a.candidates, a.eligible + a.excluded.reduce((n, e) => n + e.count, 0));
  assert.ok(a.excluded.find((e) => e.reason === "consent withdrawn").count > 0);
  const again = ws.audience({ channel: "email", controlFraction: 0.2, seed: a.seed });
  assert.deepEqual(again, a);
  const csv = ws.audienceCsv({ channel: "email", controlFraction: 0.2, seed: a.seed }, { hashEmails: true });
  const rows = csv.trim().split("\n");
  assert.equal(rows[0], "customer_id,group,email_sha256");
  assert.equal(rows.length - 1, a.eligible);
  assert.equal(rows.filter((r) => r.includes(",control,")).length, a.control);
  assert.throws(() => ws.audience({ channel: "fax" }), (e) => e.code === "OPTIONS" && e.field === "channel");
  assert.throws(() => ws.audience({ chanel: "email" }), /unknown option 'chanel'/);
  ws.free();
});
