// The format readers as an embedding app uses them: `rapport/formats` converts,
// the core loads the CSV with `format` set.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Workspace } from "rapport";
import { sniff, toCsv } from "rapport/formats";
import { root } from "./helpers.mjs";

const fixture = (name) => new Uint8Array(readFileSync(join(root, "tests/fixtures/formats", name)));

function loadConverted(name, options) {
  const c = toCsv(fixture(name), options);
  const ws = new Workspace();
  const report = ws.load("auto", c.csv, { fileName: name, format: c.format });
  const head = new TextDecoder().decode(c.csv).split("\n").slice(0, 2);
  ws.free();
  return { c, report, head };
}

test("a Parquet file converts to CSV and loads as orders, rows numbered by record", () => {
  const { c, report, head } = loadConverted("orders-snappy.parquet");
  assert.deepEqual([c.format, c.sheet, c.sheets, c.rows, c.columns], ["parquet", null, [], 7, 9]);
  assert.ok(c.csv instanceof Uint8Array);
  assert.equal(head[1], "O1001,C001,2024-01-05,2024-01-05T08:15:00Z,129.5,2,books,0.00,Åsa Ångström");
  assert.equal(report.entity, "orders");
  assert.equal(report.format, "parquet");
  assert.deepEqual([report.rowsRead, report.rowsLoaded, report.rowsRejected], [7, 5, 2]);
  assert.equal(report.rowsRead, report.rowsLoaded + report.rowsRejected);
  assert.deepEqual(report.rejected.map((r) => [r.row, r.column]), [[6, "amount"], [8, "customer_id"]]);
});

test("an XLSX sheet converts with dates as ISO text and its warnings, and loads", () => {
  const { c, report, head } = loadConverted("orders.xlsx", { sheet: "Orders 2024" });
  assert.deepEqual([c.format, c.sheet, c.sheets, c.rows, c.columns], ["xlsx", "Orders 2024", ["Notes", "Orders 2024"], 7, 8]);
  assert.equal(head[0], "Order ID,Customer ID,Order Date,Created at,Amount,Quantity,Category,Customer name");
  assert.equal(head[1], "O1001,C001,2024-01-05,2024-01-05T09:15:00,129.5,2,books,Åsa Ångström");
  assert.equal(c.warnings.length, 3);
  assert.match(c.warnings[2], /F6 \(#N\/A\)/);
  assert.equal(report.format, "xlsx");
  assert.deepEqual([report.rowsRead, report.rowsLoaded, report.rowsRejected], [7, 5, 2]);
});

test("sniff names the formats and errors are RapportErrors with code FORMAT", () => {
  assert.equal(sniff(fixture("orders.arrow")), "arrow");
  assert.equal(sniff(fixture("orders-lz4.arrows")), "arrow");
  assert.equal(sniff(fixture("orders.xlsx")), "xlsx");
  assert.equal(sniff(new TextEncoder().encode("a,b\n1,2\n")), undefined);
  assert.throws(() => toCsv(fixture("orders.xlsx"), { sheet: "Foo" }),
    { name: "RapportError", code: "FORMAT", message: "XLSX sheet 'Foo' not found; sheets: Notes, Orders 2024" });
  const parquet = fixture("orders-gzip.parquet");
  assert.throws(() => toCsv(parquet.subarray(0, 200)), { name: "RapportError", code: "FORMAT", message: /^this Parquet file is corrupt/ });
  assert.throws(() => toCsv(fixture("orders.xlsx"), { sheets: "x" }), { name: "RapportError", code: "OPTIONS" });
});

test("the core, given a Parquet file itself, says to convert it first", () => {
  const ws = new Workspace();
  assert.throws(() => ws.load("auto", fixture("orders-none.parquet"), { fileName: "o.parquet" }),
    { code: "FORMAT", message: /rapport\/formats `toCsv`/ });
  ws.free();
});
