// The Cohorts view on the sample: the heatmap, curves and lifecycle are drawn,
// the measure can be switched, and the tables download with consistent figures.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { foreignRequests, openApp, outDir } from "./harness.mjs";

test("the sample's monthly cohorts, their curves and the lifecycle are shown and download consistently", async () => {
  const app = await openApp();
  const { page } = app;
  try {
    await page.click("#sample-button");
    await page.waitForSelector("#cohorts:not([hidden]) #cohort-heatmap svg");
    await page.waitForSelector("#lifecycle-chart svg");
    const summary = await page.textContent("#cohort-summary");
    const [, cohorts, customers] = summary.match(/^(\d+) cohorts by first order, ([\d,.\s\u202f]+) customers/).map((x) => Number(String(x).replace(/[^\d]/g, "")));
    assert.equal(cohorts, 36, summary); // 2023-07 … 2026-06
    // Hover titles carry the counts.
    const titles = await page.$$eval("#cohort-heatmap svg title", (t) => t.map((x) => x.textContent));
    assert.ok(titles.some((t) => /^2023-07, month 1: [\d,]+ of [\d,]+ active/.test(t)), titles.slice(0, 3).join(" | "));

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#cohort-download")]);
    const path = join(outDir, "cohorts.csv");
    await download.saveAs(path);
    const lines = readFileSync(path, "utf8").trim().split(/\r?\n/);
    assert.equal(lines[0], "cohort,size,k,active,orders,revenue,returned_or_later,eligible,retention,nrr,ltv,incomplete");
    const k0 = lines.slice(1).map((l) => l.split(",")).filter((f) => f[2] === "0");
    assert.equal(k0.length, 36);
    assert.equal(k0.reduce((a, f) => a + Number(f[1]), 0), customers, "cohort sizes add up to the customers shown");
    assert.ok(k0.every((f) => f[1] === f[3]), "everyone is active in period 0");
    // The data ends 2026-06-30: the last cohort has only its first month.
    assert.equal(lines.filter((l) => l.startsWith("2026-06,")).length, 1);

    // Another measure redraws the same cohorts.
    await page.selectOption("#cohort-show", "ltv");
    await page.waitForFunction(() => [...document.querySelectorAll("#cohort-heatmap svg title")].some((t) => !/%\)/.test(t.textContent)));
    // The trend has one row per month, and the lifecycle download its header.
    assert.equal(await page.$$eval("#trend-table tbody tr", (r) => r.length), 36);
    const [flows] = await Promise.all([page.waitForEvent("download"), page.click("#lifecycle-download")]);
    const text = readFileSync(await flows.path(), "utf8");
    assert.match(text, /^period,incomplete,new,retained,returning,reactivated,churned,/);
    await page.screenshot({ path: join(outDir, "cohorts.png"), fullPage: true });

    assert.deepEqual(foreignRequests(app.requests, app.origin), []);
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
