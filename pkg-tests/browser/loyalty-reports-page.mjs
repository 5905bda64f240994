// The Loyalty and Reports views on the sample: rules applied and remembered,
// tiers valued, movement shown; a preset answered, a custom report drilled
// down and back, a cell opened as its customers, the report downloaded.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { foreignRequests, openApp, outDir } from "./harness.mjs";

const number = (t) => Number(String(t).replace(/[^\d]/g, ""));

test("loyalty tiers and reports work on the sample, with drill-down and the customers behind a cell", async () => {
  const app = await openApp();
  const { page } = app;
  try {
    await page.click("#sample-button");
    await page.waitForSelector("#loyalty:not([hidden]) #loyalty-table tbody tr");
    // Rules by rank: the top 10 % of members are VIP.
    await page.fill("#loyalty-tiers", "VIP top 10%, Member top 100%");
    await page.click("#loyalty-form button[type=submit]");
    await page.waitForFunction(() => document.querySelector("#loyalty-table tbody td")?.textContent === "VIP");
    const tiers = await page.$$eval("#loyalty-table tbody tr", (rs) => rs.map((r) => [r.cells[0].textContent, r.cells[1].textContent]));
    // Ranks cut the members with points; members without points have no tier ("none").
    const vip = number(tiers.find((t) => t[0] === "VIP")[1]);
    const withPoints = vip + number(tiers.find((t) => t[0] === "Member")[1]);
    assert.ok(Math.abs(vip - withPoints * 0.1) <= 1, `${vip} VIP of ${withPoints}`);
    assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem("rapport.loyaltyRules")).tiers[0].topShare), 0.1);
    await page.click("#loyalty-movement-form button[type=submit]");
    await page.waitForFunction(() => /moved up/.test(document.getElementById("loyalty-movement-summary").textContent));

    // A preset question answers with a table and a chart.
    await page.waitForSelector("#report-presets button");
    await page.click("#report-presets button:first-child");
    await page.waitForSelector("#report-table tbody tr");
    assert.ok(await page.$("#report-chart svg"));

    // Custom: revenue by category, drilled into one category (by product), then back.
    await page.selectOption("#report-rows", "category");
    await page.selectOption("#report-columns", "");
    await page.click("#report-form button[type=submit]");
    await page.waitForFunction(() => document.querySelector("#report-table thead td")?.textContent === "category");
    const categories = await page.$$eval("#report-table tbody tr td:first-child", (td) => td.map((t) => t.textContent));
    assert.equal(categories.at(-1), "Total");
    await page.click("#report-table tbody tr:first-child td:first-child");
    await page.waitForFunction(() => /where category = /.test(document.getElementById("report-title").textContent));
    assert.equal(await page.textContent("#report-table thead td"), "product_id");
    await page.click("#report-back");
    await page.waitForFunction(() => document.querySelector("#report-table thead td")?.textContent === "category");

    // The customers behind a cell: the list's count equals the cell's customers.
    const cellCustomers = number(await page.textContent("#report-table tbody tr:first-child td:nth-child(2)"));
    await page.click("#report-table tbody tr:first-child td:nth-child(2)");
    await page.waitForSelector("#customer-list:not([hidden]) tbody tr");
    assert.match(await page.textContent("#customer-list-range"), new RegExp(`of ${cellCustomers.toLocaleString("en-US")}$`));

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#report-download")]);
    assert.match(readFileSync(await download.path(), "utf8"), /^category,customers,orders,revenue\r\n/);
    await page.screenshot({ path: join(outDir, "loyalty-reports.png"), fullPage: true });
    assert.deepEqual(foreignRequests(app.requests, app.origin), []);
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
