// The Segments and New audience views, driven as a user would: sample data in,
// RFM segments shown, an audience built with a seed and downloaded.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { foreignRequests, openApp, outDir } from "./harness.mjs";

test("the sample gets RFM segments and an audience with a control group downloads as CSV", async () => {
  const app = await openApp();
  const { page } = app;
  try {
    await page.click("#sample-button");
    await page.waitForSelector("#segments:not([hidden]) #rfm-segments tbody tr");
    const segments = await page.$$eval("#rfm-segments tbody tr", (rows) => rows.map((r) => r.children[0].textContent));
    assert.deepEqual(segments.slice(0, 3), ["Champions", "Loyal", "Potential Loyalist"]);
    assert.equal(segments.length, 11);
    const counts = await page.$$eval("#rfm-segments tbody tr", (rows) => rows.map((r) => Number(r.children[2].textContent.replace(/\D/g, ""))));
    const summary = await page.textContent("#rfm-summary");
    const scored = Number(summary.match(/^([\d,.\s\u202f]+) customers scored/)[1].replace(/\D/g, ""));
    assert.equal(counts.reduce((a, b) => a + b, 0), scored);
    assert.ok(await page.$("#rfm-grid svg"), "the R x F grid is drawn");

    // Movement between the default dates.
    await page.click("#movement-form button[type=submit]");
    await page.waitForSelector("#movement-chart svg");

    // An audience: 20 % control stratified by RFM segment, seed 5.
    await page.waitForSelector("#audience:not([hidden])");
    await page.fill("#audience-control", "20");
    await page.selectOption("#audience-stratify", "rfm_segment");
    await page.fill("#audience-seed", "5");
    await page.click("#audience-form button[type=submit]");
    await page.waitForSelector("#audience-result:not([hidden])");
    const text = await page.textContent("#audience-summary");
    assert.match(text, /Seed 5/);
    const [, target, control] = text.match(/([\d,.\s\u202f]+) to contact by email and ([\d,.\s\u202f]+) held out/).map((x) => Number(String(x).replace(/\D/g, "")));
    assert.ok(control > 0 && target > 0);
    assert.ok(Math.abs(control / (target + control) - 0.2) < 0.01, `${control} of ${target + control}`);
    assert.ok(await page.$("#audience-strata:not([hidden]) tbody tr"), "the strata are listed");

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#audience-download")]);
    const path = join(outDir, "audience.csv");
    await download.saveAs(path);
    const lines = readFileSync(path, "utf8").trim().split("\n");
    assert.match(lines[0], /^customer_id,group,.*\bemail\b/);
    assert.equal(lines.length - 1, target + control);
    assert.equal(lines.filter((l) => l.split(",")[1] === "control").length, control);
    await page.screenshot({ path: join(outDir, "segments.png"), fullPage: true });

    assert.deepEqual(foreignRequests(app.requests, app.origin), []);
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
