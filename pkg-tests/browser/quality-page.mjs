// Three files dropped at once: the load report of each and the quality scores the
// page shows, against figures computed by hand from the files.
import assert from "node:assert/strict";
import { test } from "node:test";
import { foreignRequests, openApp } from "./harness.mjs";

/** ISO date `days` before today (UTC), so "current" does not depend on the day the test runs. */
function daysAgo(days) {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

test("three dropped files show their reports and hand-computed quality scores", async () => {
  const d = daysAgo(10);
  const files = {
    // 4 rows; email 3 of 4 filled, one of them invalid; C3 repeats.
    "customers.csv": `customer_id,email,signup_date\nC1,a@x.se,${d}\nC2,not-an-email,${d}\nC3,,${d}\nC3,c@x.se,${d}\n`,
    // 5 rows read, one rejected (30 February); C9 unknown on two rows, which are exact copies.
    "orders.csv": `order_id,customer_id,order_date,amount\nO1,C1,${d},10\nO2,C2,${d},5\nO3,C9,${d},7\nO3,C9,${d},7\nO4,C1,2026-02-30,1\n`,
    // 3 rows; T1 repeats; category 2 of 3 filled; C7 unknown.
    "tickets.csv": `ticket_id,customer_id,opened_at,category,complaint\nT1,C1,${d}T10:00:00Z,billing,true\nT1,C2,${d}T11:00:00Z,,false\nT3,C7,${d}T12:00:00Z,delivery,false\n`,
  };
  const app = await openApp();
  const { page } = app;
  try {
    await page.evaluate((files) => {
      const dt = new DataTransfer();
      for (const [name, text] of Object.entries(files)) dt.items.add(new File([text], name, { type: "text/csv" }));
      document.getElementById("dropzone").dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, files);
    await page.waitForFunction(() => document.querySelectorAll("#files tbody tr").length === 3);
    await page.waitForSelector("#quality:not([hidden]) #quality-chart svg");
    const rows = await page.$$eval("#files tbody tr", (trs) => trs.map((tr) => Array.from(tr.cells).slice(0, 6).map((c) => c.textContent.trim())));
    // The page may load them in any order (orders after customers); compare by name.
    assert.deepEqual(rows.map((r) => [r[0], r[1], r[3], r[4], r[5]]).sort(), [
      ["customers.csv", "customers", "4", "4", "0"],
      ["orders.csv", "orders", "5", "4", "1"],
      ["tickets.csv", "tickets", "3", "3", "0"],
    ]);
    // The heatmap's labels, row by row (entity) and dimension by dimension.
    const labels = await page.$$eval("#quality-chart g[aria-label=text] text", (ts) => ts.map((t) => t.textContent));
    assert.deepEqual(labels, [
      // customers: complete (1 + 3/4 + 1) / 3; correct 1 - 1 bad e-mail / 7 checked cells; unique 1 - 1/4; current.
      "91.7 %", "85.7 %", "75.0 %", "100.0 %",
      // orders: complete; correct 1 - 2 unknown / (4 dates + 4 amounts + 4 rows); unique 1 - 1 copy / 4; current.
      "100.0 %", "83.3 %", "75.0 %", "100.0 %",
      // tickets: complete (4 + 2/3) / 5; correct 1 - 1 unknown / (3 timestamps + 3 rows); unique 1 - 1/3; current.
      "93.3 %", "83.3 %", "66.7 %", "100.0 %",
    ]);
    const offenders = await page.$$eval("#quality-issues tbody tr", (trs) => trs.map((tr) => Array.from(tr.cells).map((c) => c.textContent)));
    const reasons = offenders.map((r) => `${r[1]}:${r[2]}:${r[3]}`);
    for (const r of ["customers.csv:3:email", "customers.csv:5:customer_id", "orders.csv:5:(whole row)", "orders.csv:4:customer_id", "tickets.csv:3:ticket_id", "tickets.csv:4:customer_id"]) {
      assert.ok(reasons.includes(r), `${r} in ${reasons.join(", ")}`);
    }
    assert.deepEqual(foreignRequests(app.requests, app.origin), []);
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
