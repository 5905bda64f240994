// Every chart of the page, drawn with Observable Plot. Views ask for "a monthly
// orders and revenue chart", never for SVG.
import * as Plot from "@observablehq/plot";
import type { MonthRow, QualityReport } from "../../pkg/web/rapport.js";

const money = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

function monthDate(period: string, addMonths = 0, day = 1): Date {
  const [y, m] = period.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1 + addMonths, day));
}

/** Orders per month as bars and revenue per month as a line, one above the other. */
export function monthlyOrdersRevenue(rows: MonthRow[], width: number): HTMLElement {
  const data = rows.map((r) => ({ ...r, month: monthDate(r.period), mid: monthDate(r.period, 0, 15) }));
  const first = rows[0]?.period ?? "1970-01";
  const last = rows[rows.length - 1]?.period ?? first;
  // A short history gets room on both sides, so one month is a bar, not the whole chart.
  const pad = rows.length < 6 ? 2 : 0;
  const domain = [monthDate(first, -pad), monthDate(last, 1 + pad)];
  const common = { width, height: 220, marginLeft: 70, x: { type: "utc" as const, label: null, domain } };
  const orders = Plot.plot({
    ...common,
    y: { grid: true, label: "Orders" },
    marks: [
      Plot.rectY(data, { x: "month", y: "orders", interval: "month", fill: "#2f5bd3", insetLeft: 1, insetRight: 1, tip: true }),
      Plot.ruleY([0]),
    ],
  });
  const revenue = Plot.plot({
    ...common,
    y: { grid: true, label: "Revenue", tickFormat: (v: number) => money.format(v) },
    marks: [
      Plot.lineY(data, { x: "mid", y: "revenue", stroke: "#c2410c", strokeWidth: 2, tip: true }),
      Plot.dot(data, { x: "mid", y: "revenue", fill: "#c2410c", r: 2 }),
      Plot.ruleY([0]),
    ],
  });
  const box = document.createElement("div");
  box.className = "chart-stack";
  box.append(orders, revenue);
  return box;
}

/** Quality scores as a heatmap: one row per entity, one column per dimension. */
export function qualityHeatmap(report: QualityReport, width: number): Element {
  const dims = ["complete", "correct", "unique", "current"] as const;
  const data = report.entities.flatMap((e) =>
    dims.map((d) => ({ entity: e.entity.replace(/_/g, " "), dimension: d, score: e.scores[d] })),
  );
  return Plot.plot({
    width: Math.min(width, 700),
    height: 60 + 34 * report.entities.length,
    marginLeft: 130,
    x: { domain: [...dims], label: null, axis: "top" },
    y: { label: null },
    color: { type: "linear", domain: [0.5, 1], range: ["#d73027", "#1a9850"], clamp: true },
    marks: [
      Plot.cell(data, { x: "dimension", y: "entity", fill: "score", inset: 1, tip: true }),
      Plot.text(data, { x: "dimension", y: "entity", text: (d: { score: number }) => `${(d.score * 100).toFixed(1)} %`, fill: "white" }),
    ],
  });
}
