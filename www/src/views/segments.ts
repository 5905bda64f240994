// The Segments view: RFM scores (R × F grid, segment shares and table) and the
// movement between two reference dates; the customer table downloads as CSV.
import { tableFromIPC } from "apache-arrow";
import type { MovementOptions, RfmMovement, RfmOptions, RfmReport } from "../../../pkg/web/rapport.js";
import { movementMatrix, rfmGrid, segmentShares } from "../charts.js";
import { download, toCsv } from "../csv.js";
import { byId, cell, row } from "../dom.js";
import { getState, subscribe, update } from "../store.js";
import { openCustomerList } from "./select.js";

export interface SegmentActions {
  rfm(options: RfmOptions): Promise<RfmReport>;
  movement(options: MovementOptions): Promise<RfmMovement>;
  customers(): Promise<Uint8Array>;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const money = (x: number) => x.toLocaleString(undefined, { maximumFractionDigits: 0 });

/** A date `days` before an ISO date. */
function daysBefore(iso: string, days: number): string {
  const d = new Date(iso + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

/** The customer table (Arrow IPC) as CSV text. */
export function arrowToCsv(bytes: Uint8Array): string {
  const table = tableFromIPC(bytes);
  const names = table.schema.fields.map((f) => f.name);
  const cols = names.map((n) => table.getChild(n));
  const rows: (string | number | boolean | null)[][] = [];
  for (let i = 0; i < table.numRows; i++) {
    rows.push(cols.map((c) => {
      const v = c?.get(i);
      if (v === null || v === undefined) return null;
      if (v instanceof Date) return v.toISOString().slice(0, 10);
      if (typeof v === "bigint") return Number(v);
      return v as string | number | boolean;
    }));
  }
  return toCsv(names, rows);
}

export function mountSegments(actions: SegmentActions): void {
  const form = byId<HTMLFormElement>("rfm-form");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const asOf = byId<HTMLInputElement>("rfm-asof").value;
    const windowDays = Number(byId<HTMLSelectElement>("rfm-window").value) || undefined;
    const scheme = byId<HTMLSelectElement>("rfm-scheme").value as "standard" | "three";
    const lostAfterDays = Number(byId<HTMLInputElement>("rfm-lost").value);
    try {
      update({ error: null, rfm: await actions.rfm({ asOf: asOf || undefined, windowDays, scheme, lostAfterDays }) });
    } catch (e) {
      update({ error: `RFM: ${e instanceof Error ? e.message : String(e)}` });
    }
  });
  byId("rfm-download").addEventListener("click", () => {
    const r = getState().rfm;
    if (!r) return;
    download(`rfm-segments-${r.asOf}.csv`, toCsv(
      ["segment", "rule", "customers", "share", "revenue", "revenue_share", "avg_value", "avg_recency_days", "avg_orders"],
      r.segments.map((s) => [s.segment, s.rule, s.customers, s.share, s.revenue, s.revenueShare, s.avgMonetary, s.avgRecencyDays, s.avgFrequency]),
    ));
  });
  byId("customers-download").addEventListener("click", async () => {
    download("customers.csv", arrowToCsv(await actions.customers()));
  });
  byId<HTMLFormElement>("movement-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const r = getState().rfm;
    const options: MovementOptions = {
      from: byId<HTMLInputElement>("movement-from").value,
      to: byId<HTMLInputElement>("movement-to").value,
      windowDays: r?.windowDays ?? undefined,
      scheme: r?.scheme,
      lostAfterDays: r?.lostAfterDays ?? 0,
    };
    try {
      const m = await actions.movement(options);
      const chart = byId("movement-chart");
      chart.hidden = false;
      chart.replaceChildren(movementMatrix(m, Math.max(640, chart.clientWidth - 20)));
    } catch (e) {
      update({ error: `Movement: ${e instanceof Error ? e.message : String(e)}` });
    }
  });

  let drawn: RfmReport | null = null;
  subscribe((s) => {
    byId("segments").hidden = !s.rfm && s.columns.length === 0;
    if (!s.rfm || s.rfm === drawn) return;
    const first = drawn === null;
    drawn = s.rfm;
    const r = s.rfm;
    if (first) {
      byId<HTMLInputElement>("rfm-asof").value = r.asOf;
      byId<HTMLInputElement>("movement-to").value = r.asOf;
      byId<HTMLInputElement>("movement-from").value = daysBefore(r.asOf, 182);
    }
    byId("rfm-summary").textContent =
      `${r.customersScored.toLocaleString()} customers scored on ${r.asOf}` +
      (r.windowDays ? ` from their orders of the last ${r.windowDays} days` : " from all their orders") +
      (r.customersUnscored ? `; ${r.customersUnscored.toLocaleString()} without an order in that window are not scored.` : ".");
    const grid = byId("rfm-grid");
    grid.replaceChildren(rfmGrid(r, grid.clientWidth - 20));
    const bars = byId("rfm-bars");
    bars.replaceChildren(segmentShares(r, bars.clientWidth - 20));
    byId("rfm-segments").querySelector("tbody")?.replaceChildren(
      ...r.segments.map((x) => {
        const open = cell("");
        if (x.customers > 0) {
          const b = Object.assign(document.createElement("button"), { type: "button", textContent: "Customers", className: "secondary" });
          b.addEventListener("click", () => void openCustomerList(`RFM segment ${x.segment}`, `rfm_segment = "${x.segment}"`));
          open.append(b);
        }
        return row(cell(x.segment), cell(x.rule), cell(x.customers, "num"), cell(pct(x.share), "num"), cell(pct(x.revenueShare), "num"),
          cell(money(x.avgMonetary), "num"), cell(x.avgRecencyDays.toFixed(0), "num"), cell(x.avgFrequency.toFixed(2), "num"), open);
      }),
    );
  });
}
