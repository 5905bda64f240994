// Reports: presets that answer the CRM literature's questions, and any one or
// two dimensions × measures, with totals, a chart, drill-down along hierarchies,
// the customers behind a cell, saved definitions and CSV export.
import type { PivotDefinition, PivotMeasure, PivotResult, ReportPreset } from "../../../pkg/web/rapport.js";
import { pivotChart } from "../charts.js";
import { download, toCsv } from "../csv.js";
import { byId, cell, row } from "../dom.js";
import { subscribe, update } from "../store.js";
import { openCustomerList } from "./select.js";

export interface ReportActions {
  pivot(definition: PivotDefinition): Promise<PivotResult>;
  presets(): Promise<ReportPreset[]>;
}

const MEASURES: PivotMeasure[] = ["customers", "orders", "revenue", "profit", "aov", "revenue_per_customer", "repeat_rate", "churn_share",
  "complaint_rate", "complaints_per_100_orders", "resolution_days_mean", "resolution_days_median", "avg_csat", "nps", "late_share"];
const LINE_DIMENSIONS = ["category", "product_id", "region", "store", "sales_rep", "channel", "payment_method", "year", "quarter", "month"];
const SAVED_KEY = "rapport.savedReports";
const SHARES = new Set<PivotMeasure>(["repeat_rate", "churn_share", "complaint_rate", "late_share"]);

function fmt(m: PivotMeasure | undefined, v: number | null | undefined): string {
  if (v === null || v === undefined) return "—";
  if (m && SHARES.has(m)) return `${(v * 100).toFixed(1)} %`;
  return v.toLocaleString(undefined, { maximumFractionDigits: Math.abs(v) < 100 ? 2 : 0 });
}

function option(value: string, label = value): HTMLOptionElement {
  return Object.assign(document.createElement("option"), { value, textContent: label });
}

function savedReports(): PivotDefinition[] {
  try {
    const v = JSON.parse(localStorage.getItem(SAVED_KEY) ?? "[]");
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

export function mountReports(actions: ReportActions): void {
  let result: PivotResult | null = null;
  let current: PivotDefinition | null = null;
  const history: PivotDefinition[] = [];

  async function run(def: PivotDefinition, push = false): Promise<void> {
    try {
      const r = await actions.pivot(def);
      if (push && current) history.push(current);
      current = def;
      result = r;
      byId("report-back").hidden = history.length === 0;
      draw();
      update({ error: null });
    } catch (e) {
      update({ error: `Report: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  function draw(): void {
    if (!result || !current) return;
    const p = result;
    const filters = (current.filters ?? []).map((f) => `${f.dimension} = ${f.values.join(" or ")}`).join(", ");
    byId("report-title").textContent = (p.name ? `${p.name}: ` : "") + `${p.rows.dimension}${p.columns ? ` × ${p.columns.dimension}` : ""}` +
      (filters ? ` (where ${filters})` : "") + ` — ${p.grain === "customer" ? "one row per customer" : "order lines"}`;
    byId("report-notes").textContent = [...p.notes, p.rowsLeftOut ? `${p.rowsLeftOut.toLocaleString()} rows had no value for a dimension and are left out.` : ""].filter(Boolean).join(" ");
    const measureSelect = byId<HTMLSelectElement>("report-measure");
    const keep = measureSelect.value;
    measureSelect.replaceChildren(...p.measures.map((m, i) => option(String(i), m)));
    measureSelect.value = p.measures[Number(keep)] ? keep : String(p.measures.indexOf("revenue") >= 0 ? p.measures.indexOf("revenue") : 0);
    const m = Number(measureSelect.value);
    const chart = byId("report-chart");
    chart.replaceChildren(pivotChart(p, m, chart.clientWidth - 20));

    const table = byId<HTMLTableElement>("report-table");
    const drillable = p.rows.drill;
    const labelCell = (label: string) => {
      const td = cell(label);
      if (drillable) {
        td.className = "link";
        td.title = `Drill into ${label}: by ${drillable}`;
        td.addEventListener("click", () => void run({ ...current!, rows: drillable, filters: [...(current!.filters ?? []), { dimension: p.rows.dimension, values: [label] }] }, true));
      }
      return td;
    };
    const valueCell = (c: { values: (number | null)[]; customers: string | null } | undefined, k: number, title: string) => {
      const td = cell(fmt(p.measures[k], c?.values[k]), "num");
      if (c?.customers) {
        td.className = "num link";
        td.title = `Customers of ${title}`;
        const expr = c.customers;
        td.addEventListener("click", () => void openCustomerList(`Customers of ${title}`, expr));
      }
      return td;
    };
    if (!p.columns) {
      table.tHead?.replaceChildren(row(cell(p.rows.dimension), ...p.measures.map((x) => cell(x, "num"))));
      table.querySelector("tbody")?.replaceChildren(
        ...p.rows.labels.map((label, i) => row(labelCell(label), ...p.measures.map((_, k) => valueCell(p.cells[i]?.[0], k, label)))),
        row(cell("Total"), ...p.measures.map((_, k) => valueCell(p.total, k, "everyone"))),
      );
    } else {
      const cols = p.columns;
      table.tHead?.replaceChildren(row(cell(`${p.rows.dimension} ↓ / ${cols.dimension} → (${p.measures[m]})`), ...cols.labels.map((c) => cell(c, "num")), cell("Total", "num")));
      table.querySelector("tbody")?.replaceChildren(
        ...p.rows.labels.map((label, i) => row(labelCell(label), ...cols.labels.map((c, j) => valueCell(p.cells[i]?.[j], m, `${label} × ${c}`)),
          valueCell(p.rowTotals[i], m, label))),
        row(cell("Total"), ...cols.labels.map((c, j) => valueCell(p.columnTotals?.[j], m, c)), valueCell(p.total, m, "everyone")),
      );
    }
  }

  function readForm(): PivotDefinition {
    const measures = [...byId("report-measures").querySelectorAll<HTMLInputElement>("input:checked")].map((i) => i.value as PivotMeasure);
    const columns = byId<HTMLSelectElement>("report-columns").value;
    return { rows: byId<HTMLSelectElement>("report-rows").value, columns: columns || undefined, measures: measures.length ? measures : undefined };
  }

  byId<HTMLFormElement>("report-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    history.length = 0;
    void run(readForm());
  });
  byId("report-measure").addEventListener("change", draw);
  byId("report-back").addEventListener("click", () => {
    const previous = history.pop();
    if (previous) void run(previous);
  });
  byId("report-download").addEventListener("click", () => {
    if (!result) return;
    const p = result;
    const header = [p.rows.dimension, ...(p.columns ? [p.columns.dimension] : []), ...p.measures];
    const rows = p.rows.labels.flatMap((r, i) => (p.columns ? p.columns.labels : [""]).map((c, j) => [r, ...(p.columns ? [c] : []), ...(p.cells[i]?.[j]?.values ?? [])]));
    download(`report-${p.rows.dimension}${p.columns ? `-by-${p.columns.dimension}` : ""}.csv`, toCsv(header, rows));
  });
  byId("report-save").addEventListener("click", () => {
    if (!current) return;
    const name = prompt("Name of this report", current.name ?? `${current.rows}${current.columns ? ` × ${current.columns}` : ""}`);
    if (!name) return;
    const saved = savedReports().filter((d) => d.name !== name);
    saved.push({ ...current, name });
    localStorage.setItem(SAVED_KEY, JSON.stringify(saved));
    void showPresets();
  });

  async function showPresets(): Promise<void> {
    const presets = await actions.presets();
    const box = byId("report-presets");
    const button = (label: string, title: string, def: PivotDefinition) => {
      const b = Object.assign(document.createElement("button"), { type: "button", className: "secondary", textContent: label, title });
      b.addEventListener("click", () => {
        history.length = 0;
        void run(def);
      });
      return b;
    };
    box.replaceChildren(...presets.map((p) => button(p.question, p.name, p.definition)),
      ...savedReports().map((d) => button(`Saved: ${d.name}`, "a report you saved in this browser", d)));
  }

  let shownFor: unknown = null;
  subscribe((s) => {
    byId("reports").hidden = !s.rfm;
    if (s.columns === shownFor || !s.rfm) return;
    shownFor = s.columns;
    const dims = [...s.columns.filter((c) => c.kind === "category").map((c) => c.name), "tenure_band", "buyer", ...LINE_DIMENSIONS];
    for (const id of ["report-rows", "report-columns"]) {
      const select = byId<HTMLSelectElement>(id);
      const keep = select.value;
      select.replaceChildren(...(id === "report-columns" ? [option("", "(none)")] : []), ...dims.map((d) => option(d)));
      select.value = [...select.options].some((o) => o.value === keep) ? keep : id === "report-rows" ? "country" : "";
    }
    const box = byId("report-measures");
    if (box.querySelectorAll("input").length === 0) {
      box.append(...MEASURES.map((m) => {
        const label = document.createElement("label");
        label.append(Object.assign(document.createElement("input"), { type: "checkbox", value: m, checked: ["customers", "orders", "revenue"].includes(m) }), ` ${m}`);
        return label;
      }));
    }
    void showPresets();
  });
}
