// The Predictions page on the sample: every model runs on its own once the sample
// is loaded — lifetime value with its holdout check, churn with gains and
// calibration, recommendations against best-sellers, and the forecast — and a
// customer's 360° view then shows their scores and the reasons behind the churn
// score. No request leaves the page's origin while it all runs.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { foreignRequests, openApp, outDir } from "./harness.mjs";

const number = (text) => Number(text.replace(/[^\d.−-]/g, "").replace("−", "-"));

test("the Predictions page fits every model on the sample and the 360° view explains the scores", async () => {
  const app = await openApp();
  const { page } = app;
  try {
    await page.click("#sample-button");
    await page.waitForSelector("#predictions:not([hidden])");
    // The models run one after the other; the forecast is the last.
    await page.waitForFunction(() => /chosen; backtest MASE/.test(document.querySelector("#forecast-status")?.textContent ?? ""), null, { timeout: 120_000 });
    assert.equal(await page.textContent("#error"), "", "no model failed");

    const clv = await page.textContent("#clv-status");
    const r = Number(/r (\d+\.\d+)/.exec(clv)?.[1]);
    assert.ok(r > 0 && Number.isFinite(r), clv);
    assert.match(clv, /Columns p_alive, expected_purchases_90d, clv_12m, expected_next_order added/);
    assert.ok(await page.$$eval("#clv-histogram svg, #clv-alive svg, #clv-holdout-chart svg", (s) => s.length) >= 3, "three CLV charts");
    const holdout = await page.textContent("#clv-holdout-summary");
    assert.match(holdout, /repeat purchases happened, [\d,]+ predicted/, holdout);
    const top = await page.$$eval("#clv-top tbody tr", (rows) => rows.map((r) => r.cells[1].textContent));
    assert.ok(top.length >= 5, "top customers listed");
    const values = top.map(number);
    assert.deepEqual(values, [...values].sort((a, b) => b - a), "highest CLV first");

    const churn = await page.textContent("#propensity-status");
    const auc = Number(/AUC (\d\.\d+)/.exec(churn)?.[1]);
    assert.ok(auc > 0.6 && auc <= 1, churn);
    assert.match(churn, /into the column churn_risk/);
    const aucRows = await page.$$eval("#propensity-auc tbody tr", (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
    assert.match(aucRows[0][0], /the model/);
    assert.ok(aucRows.some((r) => /P\(alive\)/.test(r[0])), JSON.stringify(aucRows));
    assert.ok(aucRows.some((r) => /days since the last order/.test(r[0])), JSON.stringify(aucRows));
    assert.ok(await page.$$eval("#propensity-gains svg, #propensity-calibration svg", (s) => s.length) === 2);

    const evalRows = await page.$$eval("#recommend-eval tbody tr", (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
    assert.equal(evalRows.length, 3, "all, with history, new");
    assert.ok(await page.$$eval("#recommend-pairs tbody tr", (r) => r.length) > 0, "pairs listed");
    assert.match(await page.textContent("#recommend-status"), /next_best_product added for [\d,]+ customers/);

    assert.ok(await page.$$eval("#forecast-chart svg", (s) => s.length) === 1);
    const candidates = await page.$$eval("#forecast-backtest tbody tr", (rows) => rows.map((r) => r.cells[0].textContent));
    assert.ok(candidates.some((c) => c.startsWith("arima")), candidates.join(" "));
    assert.equal(candidates.filter((c) => c.endsWith("✓")).length, 1, "one chosen");
    await page.screenshot({ path: join(outDir, "predictions.png"), fullPage: true });

    // The most valuable customer's 360° view: the new scores and why churn_risk is what it is.
    await page.click("#clv-top tbody tr:first-child button");
    await page.waitForSelector("#customer-detail:not([hidden])");
    await page.waitForFunction(() => (document.querySelector("#customer-reasons")?.textContent ?? "").includes("churn_risk"));
    const cards = await page.$$eval("#customer-cards .card span", (s) => s.map((x) => x.textContent));
    for (const c of ["P(alive)", "CLV (12 months)", "Churn risk", "Next best product"]) assert.ok(cards.includes(c), `${c} in ${cards.join(", ")}`);
    assert.match(await page.textContent("#customer-reasons"), /churn_risk \d+ %: .*(raises|lowers) it/);

    assert.deepEqual(foreignRequests(app.requests, app.origin), []);
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
