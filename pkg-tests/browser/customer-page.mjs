// The Customer 360° view on the sample: a support customer found by id shows the
// complaint history and timeline that the tickets file itself implies (counted here
// independently), and a shop customer's order lines are all listed.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { test } from "node:test";
import { foreignRequests, openApp, outDir } from "./harness.mjs";

const DATA = join(import.meta.dirname, "..", "..", "examples", "data");

/** Rows of a simple CSV (the sample's tickets and orders have no quoted commas in these columns). */
function rows(text) {
  const [head, ...lines] = text.trim().split(/\r?\n/);
  const names = head.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [names[i], v])));
}

test("a customer's 360° view shows their complaint history, timeline and every order line", async () => {
  const tickets = rows(readFileSync(join(DATA, "tickets.csv"), "utf8"));
  const perCustomer = new Map();
  for (const t of tickets) perCustomer.set(t.customer_id, [...(perCustomer.get(t.customer_id) ?? []), t]);
  // The support customer with the most complaints.
  const [who, theirs] = [...perCustomer].sort((a, b) =>
    b[1].filter((t) => t.complaint === "true").length - a[1].filter((t) => t.complaint === "true").length)[0];
  const complaints = theirs.filter((t) => t.complaint === "true").length;
  const open = theirs.filter((t) => !t.closed_at).length;

  const app = await openApp();
  const { page } = app;
  try {
    await page.click("#sample-button");
    await page.waitForSelector("#customer:not([hidden])");
    await page.fill("#customer-query", who);
    await page.click(`#customer-matches button >> text=${who}`);
    await page.waitForSelector("#customer-detail:not([hidden])");
    assert.match(await page.textContent("#customer-title"), new RegExp(who));
    const summary = await page.textContent("#customer-complaints");
    assert.ok(summary.startsWith(`${theirs.length} ticket${theirs.length === 1 ? "" : "s"}, ${complaints} complaint${complaints === 1 ? "" : "s"}`), summary);
    if (open) assert.match(summary, new RegExp(`, ${open} open`));
    const kinds = await page.$$eval("#customer-timeline tbody tr td:nth-child(2)", (c) => c.map((x) => x.textContent));
    assert.equal(kinds.filter((k) => k === "complaint").length, complaints, kinds.join(" "));
    const dates = await page.$$eval("#customer-timeline tbody tr td:first-child", (c) => c.map((x) => x.textContent));
    assert.deepEqual(dates, [...dates].sort().reverse(), "newest first");

    // A shop customer: every order line of theirs is counted.
    const orders = rows(gunzipSync(readFileSync(join(DATA, "orders.csv.gz"))).toString("utf8"));
    const buyer = orders[0].customer_id;
    const lines = orders.filter((o) => o.customer_id === buyer).length;
    await page.fill("#customer-query", buyer);
    await page.click(`#customer-matches button >> text=${buyer}`);
    await page.waitForFunction((id) => document.querySelector("#customer-title")?.textContent?.includes(id), buyer);
    const records = await page.$$eval("#customer-records summary", (s) => s.map((x) => x.textContent));
    assert.ok(records.some((r) => r.startsWith(`Order lines: ${lines}`)), records.join(" | "));
    assert.ok(await page.$$eval("#customer-cards .card", (c) => c.length) >= 3);
    await page.screenshot({ path: join(outDir, "customer.png"), fullPage: true });

    assert.deepEqual(foreignRequests(app.requests, app.origin), []);
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
