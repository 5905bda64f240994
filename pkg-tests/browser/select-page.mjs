// Select customers as a user would: type an expression and watch the count,
// take a completion, see an error under the caret, save the segment, open its
// customer list, build an audience from it and download it; then value tiers
// and clusters.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { foreignRequests, openApp, outDir } from "./harness.mjs";

const number = (text) => Number(String(text).replace(/[^\d]/g, ""));

test("a typed expression is counted live, opens as a sorted customer list and becomes a downloaded audience", async () => {
  const app = await openApp();
  const { page } = app;
  try {
    await page.click("#sample-button");
    await page.waitForSelector("#segments:not([hidden]) #rfm-segments tbody tr");

    // A misspelt column: the error points at it and suggests the right one.
    await page.click("#expr");
    await page.keyboard.type("order_cnt >= 3", { delay: 5 });
    // Each keystroke is checked, so an answer for a shorter text ("order_cnt >") may show
    // first: wait for the one about the whole expression.
    const answered = (text) => page.waitForFunction((t) => document.getElementById("expr-status").dataset.expr === t, text);
    await answered("order_cnt >= 3");
    assert.equal(await page.isHidden("#expr-error"), false);
    const error = await page.textContent("#expr-error");
    assert.match(error, /^order_cnt >= 3\n\^ .*did you mean 'order_count'/);

    // Typed key by key, with a completion taken by Tab: the count follows.
    await page.fill("#expr", "");
    await page.keyboard.type("order_count >= 3 and monetary_to", { delay: 5 });
    await page.waitForSelector("#expr-complete:not([hidden]) li");
    await page.keyboard.press("Tab");
    assert.equal(await page.inputValue("#expr"), "order_count >= 3 and monetary_total");
    await page.keyboard.type(" > 500", { delay: 5 });
    await answered("order_count >= 3 and monetary_total > 500");
    const status = await page.textContent("#expr-status");
    const [, selected, total] = status.match(/^([\d,.\s\u202f]+) of ([\d,.\s\u202f]+) customers/).map(number);
    assert.ok(selected > 0 && selected < total, status);

    // Saved, listed with its size.
    await page.fill("#segment-name", "Big repeat buyers");
    await page.click("#segment-save");
    await page.waitForSelector("#saved-segments:not([hidden]) tbody tr");
    const saved = await page.$$eval("#saved-segments tbody tr td", (td) => td.map((t) => t.textContent));
    assert.deepEqual(saved.slice(0, 3), ["Big repeat buyers", "order_count >= 3 and monetary_total > 500", selected.toLocaleString("en-US")].map((x, i) => (i === 2 ? saved[2] : x)));
    assert.equal(number(saved[2]), selected);

    // The customer list: paged, sorted by a click on a column.
    await page.click("#segment-open");
    await page.waitForSelector("#customer-list:not([hidden]) tbody tr");
    assert.match(await page.textContent("#customer-list-range"), new RegExp(`of ${selected.toLocaleString("en-US")}$`));
    const header = await page.$$eval("#customer-list-table thead th", (th) => th.map((t) => t.textContent));
    const col = header.indexOf("monetary_total");
    assert.ok(col > 0, header.join(","));
    await page.click(`#customer-list-table thead th:nth-child(${col + 1})`);
    await page.click(`#customer-list-table thead th:nth-child(${col + 1})`); // descending
    await page.waitForFunction((c) => document.querySelector(`#customer-list-table thead th:nth-child(${c + 1})`).textContent.endsWith("▼"), col);
    const values = await page.$$eval(`#customer-list-table tbody td:nth-child(${col + 1})`, (td) => td.map((t) => Number(t.textContent.replace(/[^\d.]/g, ""))));
    assert.ok(values.length > 1 && values.every((v, i) => i === 0 || values[i - 1] >= v), values.join(","));
    assert.ok(values.every((v) => v > 500));

    // An audience from the segment, everyone let in, a fixed seed.
    await page.click("#segment-audience");
    assert.equal(await page.inputValue("#audience-expr"), "order_count >= 3 and monetary_total > 500");
    await page.check("#audience-noconsent");
    await page.fill("#audience-seed", "11");
    await page.click("#audience-form button[type=submit]");
    await page.waitForFunction(() => /Seed 11/.test(document.getElementById("audience-summary").textContent));
    const summary = await page.textContent("#audience-summary");
    assert.equal(number(summary.match(/^([\d,.\s\u202f]+) customers in the segment/)[1]), selected);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#audience-download")]);
    const path = join(outDir, "audience-from-expression.csv");
    await download.saveAs(path);
    const lines = readFileSync(path, "utf8").trim().split("\n");
    const [, target, control] = summary.match(/([\d,.\s\u202f]+) to contact by email and ([\d,.\s\u202f]+) held out/).map(number);
    assert.equal(lines.length - 1, target + control);

    // Value tiers and clusters add their columns.
    await page.click("#tiers-form button[type=submit]");
    await page.waitForFunction(() => /top 20 % of customers bring/.test(document.getElementById("tiers-summary").textContent));
    assert.equal(await page.$$eval("#tiers-table tbody tr", (r) => r.length), 3);
    assert.ok(await page.$("#tiers-chart svg"));
    await page.selectOption("#cluster-k", "4");
    await page.fill("#cluster-seed", "3");
    await page.click("#cluster-form button[type=submit]");
    await page.waitForSelector("#cluster-profile:not([hidden]) tbody tr");
    assert.equal(await page.$$eval("#cluster-profile tbody tr", (r) => r.length), 4);
    assert.match(await page.textContent("#cluster-summary"), /^4 clusters .* seed 3/);
    assert.ok(await page.$("#cluster-scan svg"), "the k scan is drawn");
    await page.fill("#expr", "");
    await page.keyboard.type("cluster = '1' and value_tier = 'high'", { delay: 2 });
    await answered("cluster = '1' and value_tier = 'high'");
    assert.match(await page.textContent("#expr-status"), /customers \(/);
    await page.screenshot({ path: join(outDir, "select.png"), fullPage: true });

    assert.deepEqual(foreignRequests(app.requests, app.origin), []);
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
