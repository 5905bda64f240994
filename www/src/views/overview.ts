// The monthly overview: orders and revenue per month as a chart, downloadable.
import { monthlyOrdersRevenue } from "../charts.js";
import { download, toCsv } from "../csv.js";
import { byId } from "../dom.js";
import { getState, subscribe, type State } from "../store.js";

export function mountOverview(): void {
  byId("monthly-download").addEventListener("click", () => {
    const m = getState().monthly;
    if (!m) return;
    download("orders-revenue-per-month.csv", toCsv(["month", "orders", "revenue", "customers"], m.rows.map((r) => [r.period, r.orders, r.revenue, r.customers])));
  });
  let drawn: unknown = null;
  subscribe((s: State) => {
    const section = byId("overview");
    section.hidden = !s.monthly || s.monthly.rows.length === 0;
    if (!s.monthly || s.monthly === drawn) return;
    drawn = s.monthly;
    const rows = s.monthly.rows;
    const chart = byId("monthly-chart");
    chart.replaceChildren();
    if (rows.length === 0) return;
    const orders = rows.reduce((a, r) => a + r.orders, 0);
    const revenue = rows.reduce((a, r) => a + r.revenue, 0);
    byId("overview-summary").textContent =
      `${orders.toLocaleString()} order${orders === 1 ? "" : "s"}, revenue ${revenue.toLocaleString(undefined, { maximumFractionDigits: 0 })}, ` +
      `${rows[0]?.period} to ${rows[rows.length - 1]?.period}.`;
    chart.append(monthlyOrdersRevenue(rows, Math.max(600, chart.clientWidth - 20)));
  });
}
