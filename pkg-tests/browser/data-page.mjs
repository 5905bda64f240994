// The "Data" page: sample data, chosen files, dropped files; what it shows, and
// that nothing but the page's own origin was ever contacted.
import assert from "node:assert/strict";
import { test } from "node:test";
import { join } from "node:path";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { Workspace } from "rapport";
import { foreignRequests, openApp, outDir, root } from "./harness.mjs";
import { sample } from "../node/helpers.mjs";

const SAMPLE_FILES = JSON.parse(readFileSync(join(root, "dist/www/sample/index.json"), "utf8")).files.map((f) => f.replace(/\.gz$/, ""));

function expectedReports() {
  const ws = new Workspace();
  const out = new Map();
  for (const name of SAMPLE_FILES) out.set(name, ws.load("auto", sample(name), { fileName: name }));
  const monthly = ws.monthlyRevenue();
  ws.free();
  return { reports: out, monthly };
}

function expectedQuality() {
  const ws = new Workspace();
  for (const name of SAMPLE_FILES) ws.load("auto", sample(name), { fileName: name });
  const q = ws.quality({ maxIssues: 1000 });
  ws.free();
  return q;
}

async function fileRows(page) {
  return page.$$eval("#files tbody tr", (trs) => trs.map((tr) => Array.from(tr.cells).map((c) => c.textContent ?? "")));
}

test("Load sample data shows every file's report and the monthly chart, contacting only 127.0.0.1", async () => {
  const app = await openApp();
  const { page } = app;
  await page.click("#sample-button");
  await page.waitForFunction((n) => document.querySelectorAll("#files tbody tr").length === n && !document.querySelector("#overview")?.hidden,
    SAMPLE_FILES.length, { timeout: 60_000 });
  await page.waitForSelector("#monthly-chart svg");
  const { reports, monthly } = expectedReports();
  const rows = await fileRows(page);
  assert.equal(rows.length, SAMPLE_FILES.length);
  for (const r of rows) {
    const exp = reports.get(r[0]);
    assert.ok(exp, `unexpected file ${r[0]}`);
    assert.equal(r[1], exp.entity.replace(/_/g, " "), r[0]);
    const n = (s) => Number(s.replace(/[^\d]/g, ""));
    assert.deepEqual([n(r[3]), n(r[4]), n(r[5])], [exp.rowsRead, exp.rowsLoaded, exp.rowsRejected], r[0]);
    assert.equal(n(r[3]), n(r[4]) + n(r[5]), `${r[0]}: rows read = loaded + rejected`);
  }
  assert.ok(rows.some((r) => r[0] === "customers_support.csv" && r[2].includes("semicolon")));
  // The chart: two Plot figures, one bar per month in the orders panel.
  const svgCount = await page.$$eval("#monthly-chart svg", (s) => s.length);
  assert.ok(svgCount >= 2, `expected two charts, found ${svgCount}`);
  const bars = await page.$$eval("#monthly-chart svg:first-of-type rect", (r) => r.length);
  assert.ok(bars >= monthly.rows.length, `expected ≥ ${monthly.rows.length} bars, found ${bars}`);
  const totalOrders = monthly.rows.reduce((a, r) => a + r.orders, 0);
  const summary = await page.textContent("#overview-summary");
  assert.ok(summary.replace(/[^\d]/g, "").startsWith(String(totalOrders)), `summary "${summary}" should start with ${totalOrders} orders`);
  // Data quality: the heatmap has a cell per entity and dimension, and the
  // scores shown are the API's.
  await page.waitForSelector("#quality:not([hidden]) #quality-chart svg");
  const q = expectedQuality();
  const cells = await page.$$eval("#quality-chart svg text", (t) => t.map((x) => x.textContent));
  for (const e of q.entities) {
    for (const d of ["complete", "correct", "unique", "current"]) {
      const shown = `${(e.scores[d] * 100).toFixed(1)} %`;
      assert.ok(cells.includes(shown), `${e.entity} ${d}: ${shown} not shown`);
    }
  }
  const issueRows = await page.$$eval("#quality-issues tbody tr", (r) => r.length);
  assert.equal(issueRows, Math.min(100, q.entities.reduce((a, e) => a + e.issues.length, 0)));
  await page.screenshot({ path: join(outDir, "data-page-sample.png"), fullPage: true });
  // The customers as loaded (Arrow IPC decoded in the page): hostile values are text.
  await page.click("#files tbody tr:has(td:text-is('customers_shop.csv')) button:has-text('Rows')");
  await page.waitForSelector("#preview:not([hidden]) tbody tr");
  const previewHeader = await page.$$eval("#preview-table thead th", (th) => th.map((t) => t.textContent));
  assert.deepEqual(previewHeader.slice(0, 3), ["customer_id", "first_name", "last_name"]);
  assert.equal(previewHeader.at(-1), "source");
  assert.equal(await page.$$eval("#preview-table tbody tr", (r) => r.length), 500);
  const shopIds = new TextDecoder().decode(sample("customers_shop.csv")).split("\n").slice(1, 51).map((l) => l.split(",")[0]);
  const shownIds = await page.$$eval("#preview-table tbody tr td:first-child", (td) => td.map((t) => t.textContent));
  assert.deepEqual(shownIds.slice(0, 50), shopIds);
  const texts = await page.$$eval("#preview-table tbody td", (td) => td.map((t) => t.textContent));
  assert.ok(texts.includes("<img src=x onerror=alert(1)>"), "the hostile first name is shown as text");
  assert.equal(await page.$$eval("#preview img, #files img", (i) => i.length), 0, "data must never become HTML");
  assert.deepEqual(foreignRequests(app.requests, app.origin), [], "every request must go to the page's own origin");
  assert.ok(app.requests.some((u) => u.endsWith("rapport_bg.wasm")), "the wasm module was fetched from the origin");
  assert.ok(!app.requests.some((u) => /rapport_formats/.test(u)), "CSV files never fetch the formats module");
  assert.deepEqual(app.errors, []);
  assert.deepEqual(app.dialogs, []);
  await app.close();
});

test("chosen and dropped files with bad rows show the problems as text and download them", async () => {
  const app = await openApp();
  const { page } = app;
  const bad = "order_id,customer_id,order_date,amount\nO1,C1,2024-01-05,10\nO2,C2,2024-01-06,<img src=x onerror=alert(1)>\nO3,C3,not-a-date,4\n";
  await page.setInputFiles("#file-input", [{ name: "orders-bad.csv", mimeType: "text/csv", buffer: Buffer.from(bad) }]);
  await page.waitForFunction(() => document.querySelectorAll("#files tbody tr").length === 1);
  // A drop of a second file (semicolon, Swedish headers) through a real DataTransfer.
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(["Kundnummer;E-post;Förnamn\nK1;a@b.se;Åsa\n"], "kunder.csv", { type: "text/csv" }));
    document.getElementById("dropzone").dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction(() => document.querySelectorAll("#files tbody tr").length === 2);
  // An Excel-style Windows-1252 export: read with a warning, names intact.
  const latin1 = readFileSync(join(root, "tests/fixtures/encodings/customers-windows1252.csv"));
  await page.setInputFiles("#file-input", [{ name: "kunden.csv", mimeType: "text/csv", buffer: latin1 }]);
  await page.waitForFunction(() => document.querySelectorAll("#files tbody tr").length === 3);
  const rows = await fileRows(page);
  assert.deepEqual(rows.map((r) => [r[0], r[1], r[3], r[4], r[5]]), [
    ["orders-bad.csv", "orders", "3", "1", "2"],
    ["kunder.csv", "customers", "1", "1", "0"],
    ["kunden.csv", "customers", "4", "4", "0"],
  ]);
  assert.match(rows[2][2], /semicolon, windows-1252.*⚠ not UTF-8; read as Windows-1252/s);
  await page.click("#files tbody tr:nth-child(3) button:has-text('Rows')");
  await page.waitForSelector("#preview:not([hidden]) tbody tr");
  const names = await page.$$eval("#preview-table tbody td", (td) => td.map((t) => t.textContent));
  for (const n of ["Åsa", "Ångström", "Jürgen", "Müller", "Köln", "Élodie", "Lefèvre", "Besançon", "Cœur"]) assert.ok(names.includes(n), n);
  await page.click("#files tbody tr:first-child button:has-text('Problems')");
  await page.waitForSelector("#rejects:not([hidden])");
  const rejects = await page.$$eval("#rejects tbody tr", (trs) => trs.map((tr) => Array.from(tr.cells).map((c) => c.textContent)));
  assert.deepEqual(rejects.map((r) => [r[1], r[2], r[3]]), [["3", "amount", "<img src=x onerror=alert(1)>"], ["4", "order_date", "not-a-date"]]);
  assert.equal(await page.$$eval("#rejects img", (i) => i.length), 0, "data must never become HTML");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#rejects-download")]);
  const text = readFileSync(await download.path(), "utf8");
  assert.match(text, /^kind,line,column,value,reason\r\n/);
  assert.match(text, /rejected row,3,amount,<img src=x onerror=alert\(1\)>,"not a valid number \(written like 1,234.56\)"/);
  await page.screenshot({ path: join(outDir, "data-page-rejects.png"), fullPage: true });
  assert.deepEqual(foreignRequests(app.requests, app.origin), []);
  assert.deepEqual(app.errors, []);
  assert.deepEqual(app.dialogs, []);
  await app.close();
});

test("a dropped XLSX workbook is converted by the lazily loaded formats module and loads its orders sheet", async () => {
  const app = await openApp();
  const { page } = app;
  const xlsx = readFileSync(join(root, "tests/fixtures/formats/orders.xlsx"));
  await page.setInputFiles("#file-input", [{ name: "orders.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: xlsx }]);
  await page.waitForFunction(() => document.querySelectorAll("#files tbody tr").length === 1, null, { timeout: 30_000 });
  const [row] = await fileRows(page);
  assert.deepEqual([row[0], row[1], row[3], row[4], row[5]], ["orders.xlsx", "orders", "7", "5", "2"]);
  assert.match(row[2], /^XLSX/);
  assert.match(row[2], /read sheet 'Orders 2024'/);
  assert.ok(app.requests.some((u) => u.endsWith("/rapport_formats_bg.wasm")), "the formats module came from the origin");
  assert.deepEqual(foreignRequests(app.requests, app.origin), []);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a file that cannot be read shows a clear error and leaves earlier loads in place", async () => {
  const app = await openApp();
  const { page } = app;
  await page.setInputFiles("#file-input", [
    { name: "customers.csv", mimeType: "text/csv", buffer: Buffer.from("customer_id,email\nC1,a@x.se\n") },
  ]);
  await page.waitForFunction(() => document.querySelectorAll("#files tbody tr").length === 1);
  await page.setInputFiles("#file-input", [{ name: "mystery.csv", mimeType: "text/csv", buffer: Buffer.from("foo,bar\n1,2\n") }]);
  await page.waitForSelector("#error:not([hidden])");
  assert.match(await page.textContent("#error"), /mystery\.csv: .*cannot tell which entity/);
  assert.equal((await fileRows(page)).length, 1);
  assert.deepEqual(foreignRequests(app.requests, app.origin), []);
  await app.close();
});

test("the mapping editor changes what a column holds, and the choice is remembered for the same headers", async () => {
  const app = await openApp();
  const { page } = app;
  const csv = "order_id,customer_id,order_date,amount,Kanal\nO1,C1,2024-01-05,10,web\nO2,C2,2024-02-06,5,store\n";
  const choose = () => page.setInputFiles("#file-input", [{ name: "orders-se.csv", mimeType: "text/csv", buffer: Buffer.from(csv) }]);
  await choose();
  await page.waitForFunction(() => document.querySelectorAll("#files tbody tr").length === 1);
  await page.click("#files tbody tr:first-child button:has-text('Mapping')");
  await page.waitForSelector("#mapping:not([hidden]) tbody tr");
  const firstValues = await page.$$eval("#mapping-table tbody tr", (trs) => trs.map((tr) => tr.cells[3]?.textContent));
  assert.deepEqual(firstValues, ["O1 · O2", "C1 · C2", "2024-01-05 · 2024-02-06", "10 · 5", "web · store"]);
  assert.equal(await page.inputValue("#mapping-table tbody tr:nth-child(5) select"), "attribute");
  await page.selectOption("#mapping-table tbody tr:nth-child(5) select", "channel");
  await page.click("#mapping-apply");
  await page.waitForSelector("#mapping", { state: "hidden" });
  await page.click("#files tbody tr:first-child button:has-text('Rows')");
  await page.waitForSelector("#preview:not([hidden]) thead th");
  let header = await page.$$eval("#preview-table thead th", (th) => th.map((t) => t.textContent));
  assert.ok(header.includes("channel") && !header.includes("Kanal"), header.join(","));
  // Cleared and loaded again: the same headers get the same mapping.
  await page.click("#reset-button");
  await page.waitForFunction(() => document.querySelectorAll("#files tbody tr").length === 0);
  await choose();
  await page.waitForFunction(() => document.querySelectorAll("#files tbody tr").length === 1);
  await page.click("#files tbody tr:first-child button:has-text('Rows')");
  await page.waitForSelector("#preview:not([hidden]) thead th");
  header = await page.$$eval("#preview-table thead th", (th) => th.map((t) => t.textContent));
  assert.ok(header.includes("channel"), header.join(","));
  assert.deepEqual(foreignRequests(app.requests, app.origin), []);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("Cancel stops a large file mid-load: the file is listed as cancelled and nothing of it is loaded", async () => {
  const app = await openApp();
  const { page } = app;
  await page.setInputFiles("#file-input", [
    { name: "customers.csv", mimeType: "text/csv", buffer: Buffer.from("customer_id,email\nC1,a@x.se\n") },
  ]);
  await page.waitForFunction(() => document.querySelectorAll("#files tbody tr").length === 1);
  const filesBefore = await fileRows(page);
  // About 30 MB of orders, written here and chosen by path.
  const lines = ["order_id,customer_id,order_date,amount"];
  for (let i = 0; lines.length < 1_400_000; i++) {
    lines.push(`O${i},C${i % 5000},2024-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")},${i % 997}.${i % 100}`);
  }
  const big = join(outDir, "orders-big.csv");
  writeFileSync(big, lines.join("\n") + "\n");
  try {
    await page.setInputFiles("#file-input", big);
    // Mid-load: the bar shows part of the file read, and Cancel is there to click.
    const label = await page.waitForFunction(() => {
      const text = document.getElementById("progress-label")?.textContent ?? "";
      const m = /— ([\d.]+) of ([\d.]+) MB/.exec(text);
      return m && Number(m[1]) > 0 && Number(m[1]) < Number(m[2]) * 0.8 ? text : null;
    }, null, { timeout: 60_000, polling: 5 });
    const shown = await label.jsonValue();
    await page.click("#cancel-button");
    await page.waitForFunction(() => Array.from(document.querySelectorAll("#files tbody tr")).some((tr) => tr.textContent?.includes("cancelled")));
    await page.waitForSelector("#progress", { state: "hidden" });
    const rows = await fileRows(page);
    assert.deepEqual(rows[0], filesBefore[0], "the earlier file is as it was");
    assert.deepEqual(rows.slice(1).map((r) => [r[0], r[1]]), [["orders-big.csv", "cancelled"]], `cancelled mid-load at "${shown}"`);
    assert.equal(await page.isHidden("#error"), true);
    // The workspace holds no order of the cancelled file: a small orders file is all the monthly view counts.
    await page.setInputFiles("#file-input", [{ name: "orders-small.csv", mimeType: "text/csv",
      buffer: Buffer.from("order_id,customer_id,order_date,amount\nS1,C1,2024-01-05,10\nS2,C1,2024-02-05,5\n") }]);
    await page.waitForSelector("#overview:not([hidden])");
    const summary = await page.textContent("#overview-summary");
    assert.match(summary, /^2 orders,/, "only the 2 small orders are loaded");
    assert.equal((await fileRows(page)).filter((r) => r[1] === "orders").length, 1);
    await page.screenshot({ path: join(outDir, "data-page-cancelled.png"), fullPage: true });
    assert.deepEqual(foreignRequests(app.requests, app.origin), []);
    assert.deepEqual(app.errors, []);
  } finally {
    rmSync(big, { force: true });
    await app.close();
  }
});

test("a big file is read in two parts at once (a part worker) and loads as one read would, also when a quoted field spans the split", async () => {
  const app = await openApp();
  const { page } = app;
  // About 12 MB of orders with bad amounts throughout; the second file has a quoted note
  // of many lines across the point where the page splits it, so its parts cannot join.
  const make = (spanning) => {
    const lines = ["order_id,customer_id,order_date,amount,note"];
    for (let i = 0; lines.length < 300_000; i++) {
      const amount = i % 20_011 === 7 ? "n/a" : `${i % 997}.${i % 100}`;
      const note = spanning && i === 165_000 ? `"${"a line of a long note\n".repeat(200_000)}end"` : `note ${i % 7}`;
      lines.push(`O${i},C${i % 5000},2024-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")},${amount},${note}`);
    }
    return Buffer.from(lines.join("\n") + "\n");
  };
  const files = [["orders-parts.csv", make(false)], ["orders-spanning.csv", make(true)]];
  for (const [name, buffer] of files) {
    assert.ok(buffer.byteLength > 8 << 20, `${name} is big enough to be read in parts`);
    await page.setInputFiles("#file-input", [{ name, mimeType: "text/csv", buffer }]);
    await page.waitForFunction((n) => Array.from(document.querySelectorAll("#files tbody tr")).some((tr) => tr.cells[0]?.textContent === n),
      name, { timeout: 120_000 });
  }
  assert.ok(app.requests.some((u) => u.endsWith("/part-worker.js")), "the part worker was started");
  // The first file's parts joined; the second's did not, so it was read again in one.
  const titles = await page.$$eval("#files tbody tr", (trs) => trs.map((tr) => tr.cells[2].title));
  assert.deepEqual(titles, ["read in 2 parts at once, on 2 cores", ""]);
  const rows = await fileRows(page);
  const n = (s) => Number(s.replace(/[^\d]/g, ""));
  for (const [name, buffer] of files) {
    const ws = new Workspace();
    const exp = ws.load("auto", buffer, { fileName: name });
    ws.free();
    assert.ok(exp.rejected.some((r) => r.row > 200_000), `${name}: a rejected row in the second part`);
    const row = rows.find((r) => r[0] === name);
    assert.deepEqual([n(row[3]), n(row[4]), n(row[5])], [exp.rowsRead, exp.rowsLoaded, exp.rowsRejected], name);
    await page.click(`#files tbody tr:nth-child(${rows.indexOf(row) + 1}) button:has-text('Problems')`);
    await page.waitForSelector("#rejects:not([hidden]) tbody tr");
    const lines = (await page.$$eval("#rejects tbody tr", (trs) => trs.map((tr) => tr.cells[1].textContent))).map(n);
    assert.deepEqual(lines, exp.rejected.map((r) => r.row), `${name}: the problems' line numbers`);
  }
  assert.deepEqual(foreignRequests(app.requests, app.origin), []);
  assert.deepEqual(app.errors, []);
  await app.close();
});
