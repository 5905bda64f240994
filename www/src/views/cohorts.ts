// Cohorts and lifecycle: the retention heatmap and curves per acquisition
// cohort, and new / retained / returning / reactivated / churned customers per
// period with the business trend; every table downloads as CSV.
import type { CohortOptions, CohortReport, Lifecycle, LifecycleOptions } from "../../../pkg/web/rapport.js";
import { cohortCurves, cohortHeatmap, lifecycleBars } from "../charts.js";
import { download, toCsv } from "../csv.js";
import { byId, cell, row } from "../dom.js";
import { subscribe, update } from "../store.js";

export interface CohortActions {
  cohorts(options: CohortOptions): Promise<CohortReport>;
  lifecycle(options: LifecycleOptions): Promise<Lifecycle>;
}

type Show = "retention" | "unbounded" | "nrr" | "ltv";
const change = (x: number | null) => (x === null ? "—" : `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)} %`);
const money = (x: number | null) => (x === null ? "—" : x.toLocaleString(undefined, { maximumFractionDigits: 0 }));

export function mountCohorts(actions: CohortActions): void {
  let report: CohortReport | null = null;
  let flows: Lifecycle | null = null;

  async function showCohorts(): Promise<void> {
    const options: CohortOptions = {
      period: byId<HTMLSelectElement>("cohort-period").value as CohortOptions["period"],
      by: byId<HTMLSelectElement>("cohort-by").value,
      maxPeriods: Number(byId<HTMLInputElement>("cohort-max").value) || undefined,
    };
    try {
      report = await actions.cohorts(options);
      draw();
      update({ error: null });
    } catch (e) {
      update({ error: `Cohorts: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  function draw(): void {
    if (!report) return;
    const show = byId<HTMLSelectElement>("cohort-show").value as Show;
    const customers = report.cohorts.reduce((a, c) => a + c.size, 0);
    const r1 = report.all.retention[1];
    byId("cohort-summary").textContent =
      `${report.cohorts.length} cohorts by ${report.by.replace(/_/g, " ")}, ${customers.toLocaleString()} customers, up to ${report.asOf}` +
      (r1 === null || r1 === undefined ? "." : `; ${(r1 * 100).toFixed(1)} % of all customers bought again in the ${report.period} after their first.`);
    const heat = byId("cohort-heatmap");
    heat.replaceChildren(cohortHeatmap(report, show, heat.clientWidth - 20));
    const curves = byId("cohort-curves");
    curves.replaceChildren(cohortCurves(report, show, curves.clientWidth - 20));
  }

  async function showLifecycle(): Promise<void> {
    try {
      flows = await actions.lifecycle({
        period: byId<HTMLSelectElement>("cohort-period").value as LifecycleOptions["period"],
        inactiveDays: Number(byId<HTMLInputElement>("lifecycle-days").value) || undefined,
      });
      const chart = byId("lifecycle-chart");
      chart.replaceChildren(lifecycleBars(flows, chart.clientWidth - 20));
      byId("trend-table").querySelector("tbody")?.replaceChildren(...flows.periods.map((p) =>
        row(cell(p.period + (p.incomplete ? " (not over)" : "")), cell(money(p.revenue), "num"), cell(change(p.change.revenue), "num"),
          cell(p.orders, "num"), cell(change(p.change.orders), "num"), cell(p.active, "num"), cell(change(p.change.active), "num"),
          cell(money(p.averageOrderValue), "num"), cell(change(p.change.averageOrderValue), "num"),
          cell(p.margin === null ? "—" : `${(p.margin * 100).toFixed(1)} %`, "num"),
          cell(p.change.margin === null ? "—" : (p.change.margin * 100).toFixed(1), "num"))));
    } catch (e) {
      update({ error: `Lifecycle: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  byId<HTMLFormElement>("cohort-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    void showCohorts();
  });
  byId("cohort-show").addEventListener("change", draw);
  byId<HTMLFormElement>("lifecycle-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    void showLifecycle();
  });
  byId("cohort-download").addEventListener("click", () => {
    if (!report) return;
    const rows = report.cohorts.flatMap((c) => c.active.map((a, k) => [c.cohort, c.size, k, a, c.orders[k] ?? 0, c.revenue[k] ?? 0,
      c.returnedOrLater[k] ?? 0, c.eligible[k] ?? 0, c.retention[k] ?? null, c.nrr[k] ?? null, c.ltv[k] ?? 0, c.incomplete[k] ?? false]));
    download(`cohorts-${report.period}-${report.by}.csv`, toCsv(["cohort", "size", "k", "active", "orders", "revenue", "returned_or_later",
      "eligible", "retention", "nrr", "ltv", "incomplete"], rows));
  });
  byId("lifecycle-download").addEventListener("click", () => {
    if (!flows) return;
    download(`lifecycle-${flows.period}.csv`, toCsv(
      ["period", "incomplete", "new", "retained", "returning", "reactivated", "churned", "new_revenue", "retained_revenue", "returning_revenue",
        "reactivated_revenue", "churned_revenue", "revenue", "orders", "active", "average_order_value", "margin"],
      flows.periods.map((p) => [p.period, p.incomplete, p.new.customers, p.retained.customers, p.returning.customers, p.reactivated.customers,
        p.churned.customers, p.new.revenue, p.retained.revenue, p.returning.revenue, p.reactivated.revenue, p.churned.revenue, p.revenue,
        p.orders, p.active, p.averageOrderValue, p.margin])));
  });

  let shownFor: unknown = null;
  subscribe((s) => {
    byId("cohorts").hidden = !s.rfm;
    if (!s.rfm || s.rfm === shownFor) return;
    // New data: draw with the current choices (RFM runs after every load).
    shownFor = s.rfm;
    if (report === null || s.reports.length > 0) {
      void showCohorts();
      void showLifecycle();
    }
  });
}
