// One server and one headless Chromium shared by every browser test. Each page
// records every request it (and its workers) made, and every console error.
import { after, before } from "node:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.mjs";

export const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
export const outDir = join(root, "test-output");

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
];

const ctx = { browser: null, server: null, origin: "", profile: "" };

before(async () => {
  mkdirSync(outDir, { recursive: true });
  ctx.server = await serve(join(root, "dist/www"), 0);
  ctx.origin = `http://127.0.0.1:${ctx.server.address().port}`;
  ctx.profile = mkdtempSync(join(tmpdir(), "rapport-chromium-"));
  // A persistent context gives Chromium a fresh, empty --user-data-dir of our own.
  ctx.browser = await chromium.launchPersistentContext(ctx.profile, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
  });
});

after(async () => {
  await ctx.browser?.close();
  await new Promise((r) => ctx.server?.close(r));
  if (ctx.profile) rmSync(ctx.profile, { recursive: true, force: true });
});

/** A fresh page on the served app, with request and console-error recording. */
export async function openApp() {
  const page = await ctx.browser.newPage();
  const requests = [];
  const errors = [];
  const dialogs = [];
  const onRequest = (r) => requests.push(r.url());
  ctx.browser.on("request", onRequest);
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("dialog", (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await page.goto(`${ctx.origin}/`);
  await page.waitForSelector("body[data-ready=true]");
  return {
    page, requests, errors, dialogs, origin: ctx.origin,
    async close() {
      ctx.browser.off("request", onRequest);
      await page.close();
    },
  };
}

/** Requests that went anywhere but the app's own origin (blob:/data: URLs made in the page are local). */
export function foreignRequests(requests, origin) {
  return requests.filter((u) => !u.startsWith(origin + "/") && !u.startsWith(`blob:${origin}/`) && !u.startsWith("data:"));
}
