// The built package, imported from Node by its name, as an embedding app would.
import assert from "node:assert/strict";
import { test } from "node:test";
import { tableFromIPC } from "apache-arrow";
import { Loader, Workspace, preview, version } from "rapport";
import { sample } from "./helpers.mjs";

const enc = new TextEncoder();

test("every sample file loads, is recognised, and rows read = loaded + rejected", () => {
  const ws = new Workspace();
  const expected = {
    "customers_shop.csv": "customers", "customers_email.csv": "customers", "customers_support.csv": "customers",
    "orders.csv": "orders", "campaigns.csv": "campaigns", "campaign_events.csv": "campaign_events",
    "consents.csv": "consents", "tickets.csv": "tickets", "surveys.csv": "surveys",
    "web_events.csv": "web_events", "acquisition_spend.csv": "acquisition_spend",
  };
  for (const [name, entity] of Object.entries(expected)) {
    const r = ws.load("auto", sample(name), { fileName: name });
    assert.equal(r.entity, entity, name);
    assert.ok(r.rowsRead > 0, name);
    assert.equal(r.rowsRead, r.rowsLoaded + r.rowsRejected, name);
  }
  assert.equal(ws.tables().find((t) => t.entity === "customers").files, 3);
  ws.free();
});

test("monthly revenue equals an independent sum over the orders file", () => {
  const bytes = sample("orders.csv");
  const ws = new Workspace();
  const r = ws.load("orders", bytes, { fileName: "orders.csv" });
  assert.equal(r.rowsRejected, 0);
  // Independent computation in JS (the generated orders have no quoted fields).
  const lines = new TextDecoder().decode(bytes).trim().split("\n");
  const header = lines[0].split(",");
  const [iId, iCust, iDate, iAmount] = ["order_id", "customer_id", "order_date", "amount"].map((h) => header.indexOf(h));
  const byMonth = new Map();
  for (const line of lines.slice(1)) {
    const f = line.split(",");
    const m = f[iDate].slice(0, 7);
    const e = byMonth.get(m) ?? { orders: new Set(), customers: new Set(), revenue: 0 };
    e.orders.add(f[iId]);
    e.customers.add(f[iCust]);
    e.revenue += Number(f[iAmount]);
    byMonth.set(m, e);
  }
  const monthly = ws.monthlyRevenue();
  assert.equal(monthly.period, "month");
  assert.equal(monthly.rows.length, byMonth.size);
  for (const row of monthly.rows) {
    const e = byMonth.get(row.period);
    assert.ok(e, row.period);
    assert.equal(row.orders, e.orders.size, row.period);
    assert.equal(row.customers, e.customers.size, row.period);
    assert.ok(Math.abs(row.revenue - e.revenue) < 1e-6 * Math.max(1, Math.abs(e.revenue)), row.period);
  }
  ws.free();
});

test("an entity table crosses as Arrow IPC that apache-arrow reads", () => {
  const ws = new Workspace();
  ws.load("orders", enc.encode("order_id,customer_id,order_date,amount,note\nO1,C1,2024-01-05,10.5,<b>\nO2,C2,2024-02-29,-3,\n"), { fileName: "o.csv" });
  const t = tableFromIPC(ws.table("orders"));
  assert.equal(tableFromIPC(ws.table("orders", { limit: 1 })).numRows, 1);
  assert.throws(() => ws.table("orders", { file: "other.csv" }), { code: "MISSING_DATA" });
  assert.throws(() => ws.table("orders", { rows: 1 }), { code: "OPTIONS", message: /unknown option 'rows'/ });
  assert.equal(t.numRows, 2);
  assert.deepEqual(t.schema.fields.map((f) => f.name), ["order_id", "customer_id", "order_date", "amount", "note", "source"]);
  assert.deepEqual(t.getChild("customer_id").toArray(), ["C1", "C2"]);
  assert.deepEqual(Array.from(t.getChild("amount").toArray()), [10.5, -3]);
  assert.equal(t.getChild("note").get(0), "<b>");
  assert.equal(t.getChild("note").get(1), null);
  assert.equal(t.getChild("source").get(0), "o");
  ws.free();
});

test("errors are RapportError with a code, and say where", () => {
  const ws = new Workspace();
  assert.throws(() => ws.load("orders", enc.encode("x,y\n1,2\n"), { fileName: "bad.csv" }), {
    name: "RapportError", code: "INGEST", file: "bad.csv", row: 1, message: /bad\.csv, row 1: orders need a 'customer_id' column/,
  });
  assert.throws(() => ws.load("orders", new Uint8Array([0xff, 0xfe, 0x41, 0, 0x42]), { fileName: "u16.csv" }), { code: "FORMAT", message: /UTF-16LE .*cut short/ });
  assert.throws(() => ws.load("auto", enc.encode("PAR1\0\0"), { fileName: "x.parquet" }), { code: "FORMAT", message: /Parquet/ });
  assert.throws(() => ws.load("auto", enc.encode("a\n1\n"), { filename: "typo" }), { code: "OPTIONS", message: /unknown option 'filename'/ });
  assert.throws(() => ws.monthlyRevenue(), { code: "MISSING_DATA" });
  assert.match(version(), /^\d+\.\d+\.\d+$/);
  ws.free();
});

test("rejected rows and nulled cells carry line, column, value and reason", () => {
  const ws = new Workspace();
  const csv = "order_id,customer_id,order_date,amount,quantity\nO1,C1,2024-01-01,5,2\nO2,C1,2024-13-01,5,1\nO3,C2,2024-01-02,five,1\nO4,C2,2024-01-03,1,two\n";
  const r = ws.load("auto", enc.encode(csv), { fileName: "o.csv" });
  assert.deepEqual([r.rowsRead, r.rowsLoaded, r.rowsRejected], [4, 2, 2]);
  assert.deepEqual(r.rejected.map((x) => [x.row, x.column, x.value]), [[3, "order_date", "2024-13-01"], [4, "amount", "five"]]);
  assert.deepEqual(r.nulled.map((x) => [x.row, x.column, x.value]), [[5, "quantity", "two"]]);
  assert.match(r.rejected[0].reason, /not a valid date/);
  ws.free();
});

test("date and number styles are inferred per column, and can be given", () => {
  const csv = "order_id;customer_id;order_date;amount\nO1;C1;01/02/2024;1.234,50\nO2;C2;03/04/2024;7,25\n";
  let ws = new Workspace();
  let r = ws.load("auto", enc.encode(csv), { fileName: "o.csv" });
  assert.deepEqual(r.mapping.map((m) => m.format), [null, null, "DD/MM/YYYY", "1.234,56"]);
  assert.match(r.warnings[0], /column 'order_date': every day in the sample is 12 or less/);
  assert.deepEqual(ws.monthlyRevenue().rows.map((m) => [m.period, m.revenue]), [["2024-02", 1234.5], ["2024-03", 0], ["2024-04", 7.25]]);
  ws.free();
  ws = new Workspace();
  r = ws.load("auto", enc.encode(csv), { fileName: "o.csv", formats: { order_date: "MM/DD/YYYY" } });
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(ws.monthlyRevenue().rows.map((m) => m.period), ["2024-01", "2024-02", "2024-03"]);
  assert.throws(() => ws.load("auto", enc.encode(csv), { formats: { order_date: "DD-MON-YY" } }), { code: "OPTIONS", field: "formats" });
  ws.free();
});

test("preview shows a file's head as read", () => {
  const p = preview(enc.encode("Kundnummer;Namn\nK1;\"Öberg; Åsa\"\nK2;Li\n"), { fileName: "k.csv", rows: 1 });
  assert.deepEqual([p.format, p.dialect.delimiter, p.encoding], ["csv", ";", "utf-8"]);
  assert.deepEqual(p.header, ["Kundnummer", "Namn"]);
  assert.deepEqual(p.rows, [["K1", "Öberg; Åsa"]]);
  assert.throws(() => preview(enc.encode("a\n"), { lines: 3 }), { code: "OPTIONS" });
});

test("quality profiles the sample: every order's customer is known, scores are shares", () => {
  const ws = new Workspace();
  for (const name of ["customers_shop.csv", "customers_email.csv", "customers_support.csv", "orders.csv", "campaign_events.csv"]) {
    ws.load("auto", sample(name), { fileName: name });
  }
  const q = ws.quality({ asOf: "2026-06-30", maxIssues: 10 });
  assert.equal(q.asOf, "2026-06-30");
  const orders = q.entities.find((e) => e.entity === "orders");
  assert.equal(orders.unknownCustomers, 0, "orders reference shop customers, all loaded");
  assert.equal(orders.rows, ws.tables().find((t) => t.entity === "orders").rows);
  for (const e of q.entities) {
    for (const s of Object.values(e.scores)) assert.ok(s >= 0 && s <= 1, `${e.entity}: ${s}`);
    assert.ok(e.issues.length <= 10 && e.issueCount >= e.issues.length);
    for (const c of e.columns) assert.ok(Math.abs(c.completeness - (1 - c.nulls / c.rows)) < 1e-12, c.name);
  }
  const customers = q.entities.find((e) => e.entity === "customers");
  assert.equal(customers.files, 3);
  assert.ok(customers.duplicateKeys === 0, "ids are unique within each source system");
  assert.throws(() => ws.quality({ asOf: "yesterday" }), { code: "OPTIONS", field: "asOf" });
  ws.free();
});

test("segments: live count, ids as Arrow, saved segments and EXPR errors with at and suggestion", () => {
  const ws = new Workspace();
  ws.load("orders", enc.encode(
    "order_id,customer_id,order_date,product_id,amount\n" +
    "O1,A,2024-01-10,SKU-A,50\nO2,B,2024-03-01,SKU-A,30\nO3,B,2024-03-02,SKU-B,30\nO4,C,2024-03-31,SKU-B,15\n",
  ), { fileName: "orders.csv" });
  assert.equal(ws.segmentCount("bought('SKU-A') and not bought('SKU-B')"), 1);
  assert.deepEqual(ws.segment("monetary_total >= 30"), { count: 2, total: 3, expr: "monetary_total >= 30", asOf: "2024-03-31" });
  const ids = tableFromIPC(ws.segmentIds("monetary_total >= 30", ["monetary_total"]));
  assert.deepEqual([...ids.getChild("customer_id")], ["A", "B"]);
  assert.deepEqual([...ids.getChild("monetary_total").toArray()], [50, 60]);
  assert.deepEqual(ws.saveSegment("Big", "monetary_total >= 50"), { name: "Big", expr: "monetary_total >= 50", count: 2, error: null });
  assert.equal(ws.segmentCount("in_segment('Big') and bought('SKU-B')"), 1);
  assert.deepEqual(ws.segments().map((s) => [s.name, s.count]), [["Big", 2]]);
  assert.throws(() => ws.saveSegment("Big", "in_segment('Big')"), (e) => e.code === "EXPR" && /refers to itself/.test(e.message));
  assert.throws(() => ws.segmentCount("order_count > 1 and recncy_days < 9"),
    (e) => e.name === "RapportError" && e.code === "EXPR" && e.at === 20 && e.suggestion === "recency_days");
  const c = ws.completeSegment("order_count > 1 and rec", 23);
  assert.equal(c[0].label, "recency_days");
  assert.equal(c[0].kind, "column");
  assert.equal(c[0].from, 20);
  ws.free();
});

test("a file streamed to a Loader in pieces loads exactly as load() reads it whole", () => {
  const bytes = sample("orders.csv");
  const whole = new Workspace();
  const expected = whole.load("auto", bytes, { fileName: "orders.csv" });
  const ws = new Workspace();
  const loader = ws.beginLoad("auto", { fileName: "orders.csv" }, bytes.byteLength);
  const seen = [];
  for (let at = 0; at < bytes.byteLength; at += 65_536) seen.push(loader.push(bytes.subarray(at, at + 65_536)));
  assert.deepEqual(ws.tables(), [], "nothing is added before finish");
  const report = loader.finish();
  loader.free();
  assert.deepEqual(report, expected);
  assert.deepEqual(Buffer.from(ws.table("orders")), Buffer.from(whole.table("orders")));
  const last = seen.at(-1);
  assert.deepEqual([last.bytesDone, last.bytesTotal, last.done, last.total], Array(4).fill(bytes.byteLength));
  assert.ok(seen.every((p, i) => i === 0 || p.bytesDone > seen[i - 1].bytesDone));
  assert.ok(ws.columnarBytes() > 0 && ws.columnarBytes() < bytes.byteLength * 2);
  ws.free();
  whole.free();
});

test("a cancelled Loader leaves the workspace as it was and says CANCELLED afterwards", () => {
  const ws = new Workspace();
  ws.load("auto", sample("customers_shop.csv"), { fileName: "customers_shop.csv" });
  const before = [JSON.stringify(ws.tables()), ws.columnarBytes()];
  const bytes = sample("orders.csv");
  const loader = ws.beginLoad("orders", { fileName: "orders.csv" });
  loader.push(bytes.subarray(0, bytes.byteLength >> 1));
  loader.cancel();
  assert.throws(() => loader.push(bytes.subarray(0, 10)), (e) => e.name === "RapportError" && e.code === "CANCELLED");
  assert.throws(() => loader.finish(), (e) => e.code === "CANCELLED");
  loader.free();
  assert.deepEqual([JSON.stringify(ws.tables()), ws.columnarBytes()], before);
  assert.throws(() => ws.beginLoad("orders", { fileName: "x.csv" }, 1.5), (e) => e.code === "OPTIONS" && e.field === "totalBytes");
  assert.throws(() => ws.beginLoad("invoices"), (e) => e.code === "OPTIONS");
  ws.free();
});

/** `bytes` loaded in two parts split after byte `split - 1`: the later part by `Loader.part`, as a second worker reads it. */
function loadInParts(ws, bytes, split, pieceBytes = 0) {
  const head = bytes.subarray(0, Math.min(split, (1 << 20) + 65_536));
  const later = Loader.part("auto", { fileName: "orders.csv" }, head, pieceBytes || bytes.byteLength - split);
  const pieces = [];
  for (let at = split; at < bytes.byteLength; at += 65_536) {
    later.push(bytes.subarray(at, Math.min(at + 65_536, bytes.byteLength)));
    // With `pieceBytes`, the later loader hands out what it has read every so often.
    if (pieceBytes && (at - split) % pieceBytes === 0) pieces.push(later.takePart());
  }
  assert.throws(() => later.finish(), (e) => e.code === "OPTIONS");
  pieces.push(later.finishPart());
  later.free();
  assert.ok(pieces.every((p) => p.columns.every((c) => c instanceof Uint8Array)));
  assert.equal(pieces.reduce((n, p) => n + p.report.rowsRead, 0) > 0, true);
  assert.deepEqual(pieces.map((p) => p.report.continues), pieces.map((_, i) => i > 0));
  const loader = ws.beginLoad("auto", { fileName: "orders.csv" }, bytes.byteLength);
  for (let at = 0; at < split; at += 65_536) loader.push(bytes.subarray(at, Math.min(at + 65_536, split)));
  assert.throws(() => loader.finishPart(), (e) => e.code === "OPTIONS");
  try {
    assert.throws(() => loader.takePart(), (e) => e.code === "OPTIONS");
    return pieces.every((p) => loader.addPart(p.columns, p.report)) ? loader.finish() : null;
  } finally {
    loader.free();
  }
}

test("a file read in two parts by two loaders loads exactly as load() reads it whole, or says the parts do not join", () => {
  const bytes = sample("orders.csv");
  assert.ok(bytes.byteLength > 3 << 20, "the sample orders are longer than the head a part settles on");
  const whole = new Workspace();
  const expected = whole.load("auto", bytes, { fileName: "orders.csv" });
  const split = bytes.indexOf(10, bytes.byteLength >> 1) + 1;
  const ws = new Workspace();
  assert.equal(expected.parts, 1);
  assert.deepEqual(loadInParts(ws, bytes, split), { ...expected, parts: 2 });
  assert.deepEqual(Buffer.from(ws.table("orders")), Buffer.from(whole.table("orders")));
  // The later part handed out in pieces of 192 KiB (`takePart`), cut anywhere: the same table.
  const inPieces = new Workspace();
  assert.deepEqual(loadInParts(inPieces, bytes, split, 3 * 65_536), { ...expected, parts: 2 });
  assert.deepEqual(Buffer.from(inPieces.table("orders")), Buffer.from(whole.table("orders")));
  inPieces.free();
  // Split inside a record: the first part does not end at a record's end.
  const apart = new Workspace();
  assert.equal(loadInParts(apart, bytes, split + 5), null);
  assert.deepEqual(apart.tables(), []);
  assert.throws(() => Loader.part("orders", { fileName: "o.csv" }, bytes.subarray(0, 1000), 10), (e) => e.code === "FORMAT");
  for (const w of [whole, ws, apart]) w.free();
});
