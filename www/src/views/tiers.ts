// Value tiers (low / mid / high by revenue, profit or any number column) and
// clusters (k-means with the k scan and each cluster's profile).
import type { ClusterOptions, Clustering, KScan, ValueTierOptions, ValueTiers } from "../../../pkg/web/rapport.js";
import { kScan, paretoCurve } from "../charts.js";
import { byId, cell, row } from "../dom.js";
import { subscribe, update } from "../store.js";

export interface TierActions {
  valueTiers(options: ValueTierOptions): Promise<ValueTiers>;
  chooseK(options: ClusterOptions): Promise<KScan>;
  clusters(options: ClusterOptions): Promise<Clustering>;
  /** The customer table's columns changed (a column was added). */
  columnsChanged(): Promise<void>;
}

const money = (x: number | null) => (x === null ? "—" : x.toLocaleString(undefined, { maximumFractionDigits: 0 }));
const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)} %`);
const DEFAULT_FEATURES = ["recency_days", "order_count", "monetary_total"];

function option(value: string, label = value): HTMLOptionElement {
  return Object.assign(document.createElement("option"), { value, textContent: label });
}

export function mountTiers(actions: TierActions): void {
  byId<HTMLFormElement>("tiers-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const t = await actions.valueTiers({
        by: byId<HTMLSelectElement>("tiers-by").value || undefined,
        high: Number(byId<HTMLInputElement>("tiers-high").value) / 100,
        mid: Number(byId<HTMLInputElement>("tiers-mid").value) / 100,
      });
      showTiers(t);
      await actions.columnsChanged();
      update({ error: null });
    } catch (e) {
      update({ error: `Value tiers: ${e instanceof Error ? e.message : String(e)}` });
    }
  });

  byId<HTMLFormElement>("cluster-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const features = [...byId("cluster-features").querySelectorAll<HTMLInputElement>("input:checked")].map((i) => i.value);
    const k = Number(byId<HTMLSelectElement>("cluster-k").value) || undefined;
    const seedText = byId<HTMLInputElement>("cluster-seed").value.trim();
    const seed = seedText ? Number(seedText) : undefined;
    if (seed !== undefined && !Number.isSafeInteger(seed)) return update({ error: "The seed must be a whole number." });
    byId("cluster-summary").textContent = "Finding clusters…";
    try {
      let scan: KScan | null = null;
      if (k !== undefined) scan = await actions.chooseK({ features, seed });
      const c = await actions.clusters({ features, k, seed: seed ?? scan?.seed });
      showClusters(c, c.scan ?? scan?.scores ?? []);
      await actions.columnsChanged();
      update({ error: null });
    } catch (e) {
      byId("cluster-summary").textContent = "";
      update({ error: `Clusters: ${e instanceof Error ? e.message : String(e)}` });
    }
  });

  let drawnColumns: unknown = null;
  subscribe((s) => {
    if (s.columns === drawnColumns) return;
    drawnColumns = s.columns;
    const numbers = s.columns.filter((c) => c.kind === "number" && !c.name.startsWith("rfm_"));
    const by = byId<HTMLSelectElement>("tiers-by");
    const keepBy = by.value || "monetary_total";
    by.replaceChildren(...numbers.map((c) => option(c.name)));
    by.value = numbers.some((c) => c.name === keepBy) ? keepBy : (numbers[0]?.name ?? "");
    const box = byId("cluster-features");
    const checked = new Set([...box.querySelectorAll<HTMLInputElement>("input:checked")].map((i) => i.value));
    const wanted = checked.size ? checked : new Set(DEFAULT_FEATURES);
    box.replaceChildren(Object.assign(document.createElement("legend"), { textContent: "Columns" }),
      ...s.columns.filter((c) => c.kind === "number" || c.kind === "bool" || c.kind === "date").map((c) => {
        const label = document.createElement("label");
        label.title = c.about;
        label.append(Object.assign(document.createElement("input"), { type: "checkbox", value: c.name, checked: wanted.has(c.name) }), ` ${c.name}`);
        return label;
      }));
    const k = byId<HTMLSelectElement>("cluster-k");
    if (k.options.length === 1) for (let i = 2; i <= 10; i++) k.append(option(String(i)));
  });
}

function showTiers(t: ValueTiers): void {
  byId("tiers-summary").textContent =
    (t.paretoShare === null ? "" : `The top 20 % of customers bring ${pct(t.paretoShare)} of ${t.by}. `) +
    `${t.customers.toLocaleString()} customers ranked` +
    (t.zeroOrNegative ? `; ${t.zeroOrNegative.toLocaleString()} at zero or below are low` : "") +
    (t.withoutValue ? `; ${t.withoutValue.toLocaleString()} without a value have no tier` : "") + ".";
  byId("tiers-table").querySelector("tbody")?.replaceChildren(...t.tiers.map((x) =>
    row(cell(x.tier), cell(x.customers, "num"), cell(money(x.revenue), "num"), cell(pct(x.share), "num"), cell(money(x.average), "num"),
      cell(`${money(x.min)} – ${money(x.max)}`, "num"))));
  const chart = byId("tiers-chart");
  chart.replaceChildren(paretoCurve(t, chart.clientWidth - 20));
}

function showClusters(c: Clustering, scores: KScan["scores"]): void {
  byId("cluster-summary").textContent =
    `${c.k} clusters (${c.chosenBy === "silhouette" ? "the best silhouette of k = 2–10" : "k as chosen"}) over ` +
    `${c.customers.toLocaleString()} customers` + (c.leftOut ? ` (${c.leftOut.toLocaleString()} left out for missing values)` : "") +
    `; silhouette ${c.silhouette === null ? "—" : c.silhouette.toFixed(3)}, seed ${c.seed}` +
    (c.droppedFeatures.length ? `; dropped (no spread): ${c.droppedFeatures.join(", ")}` : "") +
    ". Each customer's cluster is the customer-table column “cluster”.";
  const scan = byId("cluster-scan");
  scan.hidden = scores.length === 0;
  if (scores.length) scan.replaceChildren(kScan(scores, c.k, scan.clientWidth - 20));
  const features = c.profile[0]?.means.map((m) => m.feature) ?? [];
  const table = byId<HTMLTableElement>("cluster-profile");
  table.hidden = false;
  table.tHead?.replaceChildren(row(cell("Cluster"), cell("Customers", "num"), cell("Share", "num"),
    ...features.map((f) => cell(`${f} (vs all)`, "num"))));
  table.querySelector("tbody")?.replaceChildren(...c.profile.map((p) =>
    row(cell(p.cluster), cell(p.size, "num"), cell(pct(p.share), "num"),
      ...p.means.map((m) => cell(m.mean === null ? "—" : `${Number(m.mean.toFixed(2)).toLocaleString()} (${m.ratio === null ? "—" : `${m.ratio.toFixed(2)}×`})`, "num")))));
}
