// The page: starts the worker, wires the views to it, and shows progress.
import * as Comlink from "comlink";
import type { EntityName, LoadReport } from "../../pkg/web/rapport.js";
import { byId } from "./dom.js";
import { loadName, type InputFile } from "./files.js";
import { getState, update } from "./store.js";
import { mountDataView } from "./views/data.js";
import { mountOverview } from "./views/overview.js";
import { mountQuality } from "./views/quality.js";
import { mountSegments } from "./views/segments.js";
import { audienceFrom, mountAudience } from "./views/audience.js";
import { mountSelect } from "./views/select.js";
import { mountTiers } from "./views/tiers.js";
import { mountCohorts } from "./views/cohorts.js";
import { mountLoyalty } from "./views/loyalty.js";
import { mountReports } from "./views/reports.js";
import { mountCustomer } from "./views/customer.js";
import { mountPredictions } from "./views/predictions.js";
import { openMapping, savedMappings } from "./views/mapping.js";
import { PREVIEW_ROWS, showPreview } from "./views/preview.js";
import type { LoadProgress, RapportApi } from "./worker.js";

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
const api = Comlink.wrap<RapportApi>(worker);

function showProgress(label: string | null, fraction = 0): void {
  byId("progress").hidden = label === null;
  byId<HTMLProgressElement>("progress-bar").value = fraction;
  byId("progress-label").textContent = label ?? "";
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

/** Stops the load under way; the caller marks it and the queued files cancelled. */
async function cancelLoad(): Promise<void> {
  await api.cancel();
}

/**
 * Loads files one after the other, each streamed by the worker; a file that fails
 * stops the batch with its error. A cancelled file, and the rest of its batch, are
 * listed as cancelled. `cancelled()` says whether the user has cancelled this batch.
 */
async function loadFiles(files: InputFile[], cancelled: () => boolean): Promise<void> {
  update({ busy: true });
  let loaded = 0;
  const skip = (from: number) => update({ cancelled: [...getState().cancelled, ...files.slice(from).map((f) => loadName(f.name))] });
  try {
    for (const [i, f] of files.entries()) {
      if (cancelled()) {
        skip(i);
        break;
      }
      const name = loadName(f.name);
      const head = `${files.length > 1 ? `File ${i + 1} of ${files.length}: ` : ""}Reading ${name}`;
      showProgress(`${head} (${mb(f.blob.size)} MB)…`, 0);
      const onProgress = (p: LoadProgress) => {
        const of = p.bytesTotal === null ? `${mb(p.bytesDone)} MB read` : `${mb(p.bytesDone)} of ${mb(p.bytesTotal)} MB`;
        showProgress(`${head} — ${of}`, p.read / Math.max(p.size, 1));
      };
      try {
        const report = await api.load(f.name, f.blob, savedMappings(), Comlink.proxy(onProgress));
        update({ reports: [...getState().reports, report], cancelled: getState().cancelled.filter((c) => c !== report.file) });
        loaded++;
      } catch (e) {
        if (e instanceof Error && e.name === "CancelledError") {
          skip(i);
          break;
        }
        throw new Error(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (loaded > 0) await refresh();
  } finally {
    showProgress(null);
    update({ busy: false });
  }
}

/** Recomputes what depends on everything loaded. */
async function refresh(): Promise<void> {
  showProgress("Computing monthly revenue…", 1);
  const tables = await api.tables();
  update({ monthly: tables.some((t) => t.entity === "orders") ? await api.monthlyRevenue() : null });
  showProgress("Measuring data quality…", 1);
  update({ quality: await api.quality() });
  showProgress("Building the customer table and RFM scores…", 1);
  const hasCustomers = tables.some((t) => t.entity !== "campaigns" && t.entity !== "acquisition_spend");
  const rfm = tables.some((t) => t.entity === "orders") ? await api.rfm({}) : null;
  update({ rfm, columns: hasCustomers ? await api.customerColumns() : [] });
}

/** Loads a file again with the mapping the user chose. */
async function remap(report: LoadReport, mapping: Record<string, string>): Promise<void> {
  update({ busy: true, error: null });
  try {
    const fresh = await api.remap(report.file, report.entity, mapping);
    update({ reports: getState().reports.map((r) => (r === report ? fresh : r)) });
    await refresh();
  } catch (e) {
    update({ error: `${report.file}: ${e instanceof Error ? e.message : String(e)}` });
    throw e;
  } finally {
    showProgress(null);
    update({ busy: false });
  }
}

async function editMapping(report: LoadReport): Promise<void> {
  await openMapping(report, {
    fields: (entity) => api.fields(entity),
    head: (file, rows) => api.head(file, rows),
    apply: remap,
  });
}

async function reset(): Promise<void> {
  await api.reset();
  update({ reports: [], cancelled: [], monthly: null, quality: null, rfm: null, columns: [], selectedReport: null, error: null });
  byId("preview").hidden = true;
  byId("mapping").hidden = true;
}

async function preview(entity: EntityName, file: string): Promise<void> {
  showPreview(file, await api.preview(entity, file, PREVIEW_ROWS));
}

mountDataView({ loadFiles, cancelLoad, reset, preview, editMapping });
mountOverview();
mountQuality();
mountSegments({
  rfm: async (options) => {
    const report = await api.rfm(options);
    update({ columns: await api.customerColumns() });
    return report;
  },
  movement: (options) => api.rfmMovement(options),
  customers: () => api.customers(),
});
mountSelect({
  liveCount: (expr) => api.liveCount(expr),
  complete: (text, cursor) => api.complete(text, cursor),
  saveSegment: (name, expr) => api.saveSegment(name, expr),
  segments: () => api.segments(),
  customerPage: (options) => api.customerPage(options),
  segmentIds: (expr, columns) => api.segmentIds(expr, columns),
  toAudience: audienceFrom,
});
mountTiers({
  valueTiers: (o) => api.valueTiers(o),
  chooseK: (o) => api.chooseK(o),
  clusters: (o) => api.clusters(o),
  columnsChanged: async () => update({ columns: await api.customerColumns() }),
});
mountCustomer({ find: (q) => api.findCustomers(q), view: (id) => api.customerView(id), explain: (id) => api.explainCustomer(id) });
mountPredictions({
  fitClv: (o) => api.fitClv(o),
  propensity: (o) => api.propensity(o),
  productPairs: (o) => api.productPairs(o),
  evaluateRecommendations: (o) => api.evaluateRecommendations(o),
  addNextBestProduct: (o) => api.addNextBestProduct(o),
  forecast: (o) => api.forecast(o),
  columnsChanged: async () => update({ columns: await api.customerColumns() }),
});
mountCohorts({ cohorts: (o) => api.cohorts(o), lifecycle: (o) => api.lifecycle(o) });
mountLoyalty({
  loyalty: (rules) => api.loyalty(rules),
  movement: (o) => api.loyaltyMovement(o),
  columnsChanged: async () => update({ columns: await api.customerColumns() }),
});
mountReports({ pivot: (d) => api.pivot(d), presets: () => api.reportPresets() });
mountAudience({ audience: (o) => api.audience(o), audienceCsv: (o, e) => api.audienceCsv(o, e) });
document.body.dataset.ready = "true";
