// Every chart of the page, drawn with Observable Plot. Views ask for "a monthly
// orders and revenue chart", never for SVG.
import * as Plot from "@observablehq/plot";
import type { Audience, ClvReport, CohortReport, ForecastReport, PropensityReport, KScore, Lifecycle, LoyaltyReport, PivotResult, MonthRow, QualityReport, RfmMovement, RfmReport, ValueTiers } from "../../pkg/web/rapport.js";

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
  // Entities in the data model's order (customers first), whatever order they were loaded in.
  const order = ["customers", "orders", "campaign_events", "campaigns", "acquisition_spend", "consents", "tickets", "surveys", "web_events"];
  const entities = [...report.entities].sort((a, b) => order.indexOf(a.entity) - order.indexOf(b.entity));
  const data = entities.flatMap((e) =>
    dims.map((d) => ({ entity: e.entity.replace(/_/g, " "), dimension: d, score: e.scores[d] })),
  );
  return Plot.plot({
    width: Math.min(width, 700),
    height: 60 + 34 * report.entities.length,
    marginLeft: 130,
    x: { domain: [...dims], label: null, axis: "top" },
    y: { label: null, domain: entities.map((e) => e.entity.replace(/_/g, " ")) },
    color: { type: "linear", domain: [0.5, 1], range: ["#d73027", "#1a9850"], clamp: true },
    marks: [
      Plot.cell(data, { x: "dimension", y: "entity", fill: "score", inset: 1, tip: true }),
      Plot.text(data, { x: "dimension", y: "entity", text: (d: { score: number }) => `${(d.score * 100).toFixed(1)} %`, fill: "white" }),
    ],
  });
}

/** The R × F grid: customers per score pair, with revenue on hover. */
export function rfmGrid(report: RfmReport, width: number): Element {
  const q = report.scheme === "three" ? 3 : 5;
  const scores = Array.from({ length: q }, (_, i) => i + 1);
  return Plot.plot({
    width: Math.min(width, 460),
    height: 60 + 48 * q,
    marginLeft: 50,
    x: { domain: scores, label: "Frequency score →", axis: "top" },
    y: { domain: [...scores].reverse(), label: "↑ Recency score" },
    color: { scheme: "blues", legend: false },
    marks: [
      Plot.cell(report.grid, {
        x: "f", y: "r", fill: "customers", inset: 1,
        title: (d: { r: number; f: number; customers: number; revenue: number }) =>
          `R ${d.r}, F ${d.f}: ${d.customers.toLocaleString()} customers, revenue ${money.format(d.revenue)}`,
      }),
      Plot.text(report.grid, {
        x: "f", y: "r", text: (d: { customers: number }) => d.customers.toLocaleString(),
        fill: (d: { customers: number }) => (d.customers > maxOf(report.grid) / 2 ? "white" : "black"),
      }),
    ],
  });
}

function maxOf(grid: { customers: number }[]): number {
  return grid.reduce((m, g) => Math.max(m, g.customers), 0);
}

/** Share of customers and share of revenue per segment, side by side. */
export function segmentShares(report: RfmReport, width: number): Element {
  const data = report.segments.flatMap((s) => [
    { segment: s.segment, measure: "customers", share: s.share },
    { segment: s.segment, measure: "revenue", share: s.revenueShare },
  ]);
  return Plot.plot({
    width: Math.min(width, 560),
    height: 50 + 36 * report.segments.length,
    marginLeft: 130,
    x: { label: "Share →", tickFormat: "%", grid: true },
    y: { axis: null, domain: ["customers", "revenue"] },
    fy: { domain: report.segments.map((s) => s.segment), label: null },
    color: { domain: ["customers", "revenue"], range: ["#2f5bd3", "#c2410c"], legend: true },
    marks: [
      Plot.barX(data, { x: "share", y: "measure", fy: "segment", fill: "measure", tip: true }),
      Plot.ruleX([0]),
    ],
  });
}

/** The movement matrix as a heatmap: rows = segment on the first date, columns = on the second. */
export function movementMatrix(m: RfmMovement, width: number): Element {
  const data = m.counts.flatMap((row, i) => row.map((count, j) => ({ from: m.segments[i], to: m.segments[j], count })));
  const max = data.reduce((a, d) => Math.max(a, d.count), 0);
  return Plot.plot({
    width: Math.max(640, Math.min(width, 1000)),
    height: 80 + 30 * m.segments.length,
    marginLeft: 130,
    marginTop: 90,
    x: { domain: m.segments, label: `on ${m.toDate}`, axis: "top", tickRotate: -35 },
    y: { domain: m.segments, label: `on ${m.fromDate}` },
    color: { type: "sqrt", scheme: "oranges" },
    marks: [
      Plot.cell(data, { x: "to", y: "from", fill: "count", inset: 0.5,
        title: (d: { from: string; to: string; count: number }) => `${d.count.toLocaleString()} from ${d.from} to ${d.to}` }),
      Plot.text(data.filter((d) => d.count > 0), { x: "to", y: "from", text: (d: { count: number }) => d.count.toLocaleString(),
        fill: (d: { count: number }) => (d.count > max / 2 ? "white" : "black"), fontSize: 10 }),
    ],
  });
}

/** Where the segment's customers went: each exclusion reason, then target and control. */
export function audienceFunnel(a: Audience, width: number): Element {
  const data = [
    ...a.excluded.filter((e) => e.count > 0).map((e) => ({ step: `excluded: ${e.reason}`, count: e.count, kind: "excluded" })),
    { step: "target", count: a.target, kind: "target" },
    { step: "control", count: a.control, kind: "control" },
  ];
  return Plot.plot({
    width: Math.min(width, 760),
    height: 40 + 30 * data.length,
    marginLeft: 260,
    x: { label: "Customers →", grid: true },
    y: { domain: data.map((d) => d.step), label: null },
    color: { domain: ["excluded", "target", "control"], range: ["#b3261e", "#2f5bd3", "#7c8a99"] },
    marks: [
      Plot.barX(data, { x: "count", y: "step", fill: "kind", tip: true }),
      Plot.text(data, { x: "count", y: "step", text: (d: { count: number }) => d.count.toLocaleString(), dx: 4, textAnchor: "start" }),
      Plot.ruleX([0]),
    ],
  });
}

/** The Pareto curve: the top x % of customers bring y % of the total, with the 20 % mark. */
export function paretoCurve(t: ValueTiers, width: number): Element {
  const points = t.curve.filter((p) => p.revenue !== null) as { customers: number; revenue: number }[];
  const at20 = t.paretoShare;
  return Plot.plot({
    width: Math.min(width, 460),
    height: 300,
    x: { label: "Top share of customers →", tickFormat: "%", domain: [0, 1], grid: true },
    y: { label: `↑ Share of ${t.by}`, tickFormat: "%", grid: true },
    marks: [
      Plot.line([[0, 0], [1, 1]], { stroke: "#bbb", strokeDasharray: "4 3" }),
      Plot.line(points, { x: "customers", y: "revenue", stroke: "#2f5bd3", strokeWidth: 2, tip: true }),
      ...(at20 === null ? [] : [
        Plot.dot([{ x: 0.2, y: at20 }], { x: "x", y: "y", fill: "#c2410c", r: 4 }),
        Plot.text([{ x: 0.2, y: at20 }], { x: "x", y: "y", text: () => `top 20 %: ${(at20 * 100).toFixed(1)} %`, dx: 8, textAnchor: "start" }),
      ]),
    ],
  });
}

/** The k scan: inertia (elbow) and silhouette (higher is better) by k, the chosen k marked. */
export function kScan(scores: KScore[], chosen: number | null, width: number): Element {
  const common = { width: Math.min(width, 460), height: 200, x: { label: "k →", ticks: scores.map((s) => s.k), tickFormat: "d" } };
  const inertia = Plot.plot({
    ...common,
    y: { label: "↑ Inertia (within-cluster spread)", grid: true },
    marks: [Plot.line(scores, { x: "k", y: "inertia", stroke: "#7c8a99" }), Plot.dot(scores, { x: "k", y: "inertia", fill: (d: KScore) => (d.k === chosen ? "#c2410c" : "#7c8a99"), r: 4, tip: true })],
  });
  const withSilhouette = scores.filter((s) => s.silhouette !== null);
  const silhouette = Plot.plot({
    ...common,
    y: { label: "↑ Silhouette", grid: true },
    marks: [Plot.line(withSilhouette, { x: "k", y: "silhouette", stroke: "#2f5bd3" }), Plot.dot(withSilhouette, { x: "k", y: "silhouette", fill: (d: KScore) => (d.k === chosen ? "#c2410c" : "#2f5bd3"), r: 4, tip: true })],
  });
  const box = document.createElement("div");
  box.className = "two-col";
  box.append(inertia, silhouette);
  return box;
}

type CohortMeasure = "retention" | "unbounded" | "nrr" | "ltv";

/** One value per cohort and period k for the chosen measure. */
function cohortValue(c: CohortReport["cohorts"][number], k: number, show: CohortMeasure): number | null {
  switch (show) {
    case "retention": return c.retention[k] ?? null;
    case "unbounded": return c.eligible[k] ? (c.returnedOrLater[k] ?? 0) / (c.eligible[k] ?? 1) : null;
    case "nrr": return c.nrr[k] ?? null;
    case "ltv": return c.ltv[k] ?? null;
  }
}

/** The cohort heatmap: one row per cohort, one column per period k; incomplete cells hatched. */
export function cohortHeatmap(r: CohortReport, show: CohortMeasure, width: number): Element {
  const data = r.cohorts.flatMap((c) => c.active.map((_, k) => ({
    cohort: c.cohort, k, value: cohortValue(c, k, show), size: c.size, active: c.active[k] ?? 0,
    revenue: c.revenue[k] ?? 0, incomplete: c.incomplete[k] ?? false,
  }))).filter((d) => d.value !== null);
  const asShare = show !== "ltv";
  const label = (v: number) => (asShare ? `${(v * 100).toFixed(0)}%` : money.format(v));
  const ks = [...new Set(data.map((d) => d.k))].sort((a, b) => a - b);
  return Plot.plot({
    width: Math.max(560, Math.min(width, 1100)),
    height: 60 + 22 * r.cohorts.length,
    marginLeft: 110,
    x: { domain: ks, label: `${r.period} after the first order →`, axis: "top" },
    y: { domain: r.cohorts.map((c) => c.cohort), label: null },
    color: { scheme: "blues", type: show === "nrr" ? "linear" : "sqrt", domain: show === "nrr" ? [0, 1.5] : undefined, clamp: true },
    marks: [
      Plot.cell(data.filter((d) => !(d.k === 0 && show === "retention")), {
        x: "k", y: "cohort", fill: "value", inset: 0.5,
        title: (d: { cohort: string; k: number; size: number; active: number; revenue: number; value: number; incomplete: boolean }) =>
          `${d.cohort}, ${r.period} ${d.k}: ${d.active.toLocaleString()} of ${d.size.toLocaleString()} active, revenue ${money.format(d.revenue)}` +
          ` (${label(d.value)})${d.incomplete ? " — not over yet" : ""}`,
      }),
      Plot.cell(data.filter((d) => d.incomplete), { x: "k", y: "cohort", fill: "none", stroke: "#c2410c", strokeDasharray: "3 2", inset: 1.5 }),
      Plot.text(data.filter((d) => d.k === 0), { x: "k", y: "cohort", text: (d: { size: number }) => d.size.toLocaleString(), fontSize: 9 }),
      Plot.text(data.filter((d) => d.k > 0 && ks.length <= 16), { x: "k", y: "cohort", text: (d: { value: number }) => label(d.value), fontSize: 8,
        fill: (d: { value: number }) => (asShare && d.value > 0.5 ? "white" : "black") }),
    ],
  });
}

/** Cohort curves: the chosen measure by period k, one line per cohort, the all-cohort line thick. */
export function cohortCurves(r: CohortReport, show: CohortMeasure, width: number): Element {
  const lines = r.cohorts.flatMap((c) => c.active.map((_, k) => ({ cohort: c.cohort, k, value: cohortValue(c, k, show), incomplete: c.incomplete[k] ?? false })))
    .filter((d) => d.value !== null && !d.incomplete);
  const all = show === "retention" || show === "unbounded"
    ? (show === "retention" ? r.all.retention : r.all.unboundedRetention).map((v, k) => ({ k, value: v })).filter((d) => d.value !== null)
    : [];
  return Plot.plot({
    width: Math.max(560, Math.min(width, 1100)),
    height: 300,
    x: { label: `${r.period} after the first order →` },
    y: { label: show === "ltv" ? "↑ Revenue per customer" : "↑ Share", tickFormat: show === "ltv" ? undefined : "%", grid: true },
    marks: [
      Plot.line(lines, { x: "k", y: "value", z: "cohort", stroke: "#9db3e8", strokeWidth: 1, tip: true, title: (d: { cohort: string }) => d.cohort }),
      Plot.line(all, { x: "k", y: "value", stroke: "#c2410c", strokeWidth: 3 }),
      Plot.ruleY([0]),
    ],
  });
}

/** Lifecycle flows per period as stacked bars: gains above zero, churn below. */
export function lifecycleBars(l: Lifecycle, width: number): Element {
  const states = ["new", "retained", "returning", "reactivated", "churned"] as const;
  const data = l.periods.flatMap((p) => states.map((s) => ({
    period: p.start, label: p.period, state: s, customers: s === "churned" ? -p.churned.customers : p[s].customers,
  })));
  return Plot.plot({
    width: Math.max(600, Math.min(width, 1100)),
    height: 320,
    marginLeft: 60,
    x: { type: "band", label: null, tickFormat: (d: string) => d.slice(0, 7), ticks: l.periods.filter((_, i) => i % Math.ceil(l.periods.length / 12) === 0).map((p) => p.start) },
    y: { label: "↑ Customers", grid: true },
    color: { domain: [...states], range: ["#2f5bd3", "#1a9850", "#7fbf7b", "#f1a340", "#b3261e"], legend: true },
    marks: [
      Plot.barY(data, { x: "period", y: "customers", fill: "state", tip: true, title: (d: { label: string; state: string; customers: number }) => `${d.label}: ${Math.abs(d.customers).toLocaleString()} ${d.state}` }),
      Plot.ruleY([0]),
    ],
  });
}

/** Customers and revenue per loyalty tier, side by side. */
export function tierValue(r: LoyaltyReport, width: number): Element {
  const data = r.tiers.flatMap((t) => [
    { tier: t.tier, measure: "customers", share: t.customers / Math.max(1, r.tiers.reduce((a, x) => a + x.customers, 0)) },
    { tier: t.tier, measure: "revenue", share: t.revenueShare ?? 0 },
  ]);
  return Plot.plot({
    width: Math.min(width, 460),
    height: 60 + 50 * r.tiers.length,
    marginLeft: 80,
    x: { label: "Share →", tickFormat: "%", grid: true },
    y: { axis: null, domain: ["customers", "revenue"] },
    fy: { domain: r.tiers.map((t) => t.tier), label: null },
    color: { domain: ["customers", "revenue"], range: ["#2f5bd3", "#c2410c"], legend: true },
    marks: [Plot.barX(data, { x: "share", y: "measure", fy: "tier", fill: "measure", tip: true }), Plot.ruleX([0])],
  });
}

/** A pivot's measure as bars (one dimension) or a heatmap (two). */
export function pivotChart(p: PivotResult, measure: number, width: number): Element {
  const name = p.measures[measure] ?? "";
  if (!p.columns) {
    const data = p.rows.labels.map((label, i) => ({ label, value: p.cells[i]?.[0]?.values[measure] ?? null })).filter((d) => d.value !== null);
    return Plot.plot({
      width: Math.min(width, 900), height: 40 + 22 * data.length, marginLeft: 160,
      x: { label: `${name} →`, grid: true }, y: { domain: data.map((d) => d.label), label: null },
      marks: [Plot.barX(data, { x: "value", y: "label", fill: "#2f5bd3", tip: true }), Plot.ruleX([0])],
    });
  }
  const cols = p.columns;
  const data = p.rows.labels.flatMap((r, i) => cols.labels.map((c, j) => ({ r, c, value: p.cells[i]?.[j]?.values[measure] ?? null })))
    .filter((d) => d.value !== null);
  return Plot.plot({
    width: Math.max(500, Math.min(width, 1100)), height: 80 + 24 * p.rows.labels.length, marginLeft: 160, marginTop: 80,
    x: { domain: cols.labels, label: cols.dimension, axis: "top", tickRotate: -35 }, y: { domain: p.rows.labels, label: p.rows.dimension },
    color: { scheme: "blues", legend: true, label: name },
    marks: [Plot.cell(data, { x: "c", y: "r", fill: "value", inset: 0.5, tip: true })],
  });
}

/** How many customers fall in each band of predicted lifetime value. */
export function clvHistogram(r: ClvReport, width: number): Element {
  const data = r.clvHistogram.map((b) => ({ ...b, label: `${money.format(b.lo)}–${money.format(b.hi)}` }));
  return Plot.plot({
    width: Math.min(width, 560), height: 260, marginLeft: 60,
    x: { label: `Predicted CLV, next ${r.horizonMonths} months →` },
    y: { label: "↑ Customers", grid: true },
    marks: [
      Plot.rectY(data, { x1: "lo", x2: "hi", y: "customers", fill: "#2f5bd3", insetLeft: 0.5, insetRight: 0.5, tip: true,
        title: (d: { label: string; customers: number }) => `${d.label}: ${d.customers.toLocaleString()} customers` }),
      Plot.ruleY([0]),
    ],
  });
}

/** P(alive) by frequency (repeat purchases) and recency: the classic BG/NBD heatmap. */
export function aliveMatrix(r: ClvReport, width: number): Element {
  const m = r.aliveMatrix;
  const data = m.frequencies.flatMap((f, i) => m.recencies.map((rec, j) => ({ f, rec, p: m.pAlive[i]?.[j] ?? null })))
    .filter((d) => d.p !== null);
  return Plot.plot({
    width: Math.min(width, 560), height: 300, marginLeft: 50, marginBottom: 40,
    x: { label: `Recency (${r.timeUnit}s from first to last purchase) →`, domain: m.recencies, tickFormat: (v: number) => (m.recencies.length > 12 && m.recencies.indexOf(v) % 2 ? "" : String(Math.round(v))) },
    y: { label: "↑ Repeat purchases", domain: [...m.frequencies].reverse() },
    color: { type: "linear", scheme: "rdylgn", domain: [0, 1], legend: true, label: "P(alive)" },
    marks: [Plot.cell(data, { x: "rec", y: "f", fill: "p", inset: 0.3, tip: true,
      title: (d: { f: number; rec: number; p: number }) => `${d.f} repeat purchases, last at ${Math.round(d.rec)} ${r.timeUnit}s: P(alive) ${(d.p * 100).toFixed(0)} %` })],
  });
}

/** The last bucket holds that many repeat purchases or more. */
function bucketLabel(f: number, buckets: { frequency: number }[]): string {
  return f === buckets[buckets.length - 1]?.frequency && f > 0 ? `${f}+` : String(f);
}

/** Holdout check: actual and predicted repeat purchases per calibration-frequency bucket. */
export function holdoutChart(h: NonNullable<ClvReport["holdout"]>, width: number): Element {
  const data = h.buckets.flatMap((b) => [
    { bucket: bucketLabel(b.frequency, h.buckets), series: "actual", value: b.actual / Math.max(1, b.customers) },
    { bucket: bucketLabel(b.frequency, h.buckets), series: "predicted", value: b.predicted / Math.max(1, b.customers) },
  ]);
  return Plot.plot({
    width: Math.min(width, 560), height: 260, marginLeft: 50,
    x: { label: "Repeat purchases in the calibration period →", domain: h.buckets.map((b) => bucketLabel(b.frequency, h.buckets)) },
    y: { label: "↑ Mean purchases in the holdout", grid: true },
    color: { domain: ["actual", "predicted"], range: ["#2f5bd3", "#c2410c"], legend: true },
    marks: [
      Plot.lineY(data, { x: "bucket", y: "value", stroke: "series", strokeWidth: 2, marker: "circle", tip: true }),
      Plot.ruleY([0]),
    ],
  });
}

/** Cumulative gains: share of positives found in the top deciles, against random. */
export function gainsChart(r: PropensityReport, width: number): Element {
  const pts = [{ share: 0, captured: 0 }, ...r.gains.map((g) => ({ share: g.decile / 10, captured: g.cumulativeGain }))];
  return Plot.plot({
    width: Math.min(width, 420), height: 280, marginLeft: 50,
    x: { label: "Customers contacted (best scores first) →", tickFormat: "%", domain: [0, 1] },
    y: { label: "↑ Share of positives reached", tickFormat: "%", domain: [0, 1], grid: true },
    marks: [
      Plot.line([{ share: 0, captured: 0 }, { share: 1, captured: 1 }], { x: "share", y: "captured", stroke: "#999", strokeDasharray: "4 3" }),
      Plot.line(pts, { x: "share", y: "captured", stroke: "#2f5bd3", strokeWidth: 2, marker: "circle", tip: true }),
    ],
  });
}

/** Calibration: mean predicted score against the observed rate, per score bin. */
export function calibrationChart(r: PropensityReport, width: number): Element {
  const bins = r.calibration.filter((b) => b.customers > 0 && b.meanPredicted !== null && b.observedRate !== null);
  return Plot.plot({
    width: Math.min(width, 420), height: 280, marginLeft: 50,
    x: { label: "Predicted →", domain: [0, 1], tickFormat: "%" },
    y: { label: "↑ Observed", domain: [0, 1], tickFormat: "%", grid: true },
    marks: [
      Plot.line([{ x: 0, y: 0 }, { x: 1, y: 1 }], { x: "x", y: "y", stroke: "#999", strokeDasharray: "4 3" }),
      Plot.dot(bins, { x: "meanPredicted", y: "observedRate", r: (b: { customers: number }) => 2 + Math.sqrt(b.customers) / 3, fill: "#c2410c", fillOpacity: 0.7, tip: true,
        title: (b: { meanPredicted: number; observedRate: number; customers: number }) => `${b.customers.toLocaleString()} customers: predicted ${(b.meanPredicted * 100).toFixed(1)} %, observed ${(b.observedRate * 100).toFixed(1)} %` }),
    ],
  });
}

function periodDate(period: string): Date {
  const week = /^(\d{4})-W(\d{2})$/.exec(period);
  if (!week) return monthDate(period);
  // The Monday of ISO week w: the week holding 4 January is week 1.
  const y = Number(week[1]), w = Number(week[2]);
  const jan4 = Date.UTC(y, 0, 4);
  const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000;
  return new Date(monday + (w - 1) * 7 * 86_400_000);
}

/** History as a line, the forecast as a line with its 95 % band. */
export function forecastChart(r: ForecastReport, width: number): Element {
  const history = r.history.map((p) => ({ date: periodDate(p.period), value: p.value, period: p.period }));
  const ahead = r.forecast.map((p) => ({ ...p, date: periodDate(p.period) }));
  const last = history[history.length - 1];
  const joined = last ? [{ date: last.date, mean: last.value, lo95: last.value, hi95: last.value, period: last.period }, ...ahead] : ahead;
  return Plot.plot({
    width: Math.max(560, Math.min(width, 1100)), height: 300, marginLeft: 70,
    x: { type: "utc", label: null },
    y: { label: `↑ ${r.measure}`, grid: true, tickFormat: (v: number) => money.format(v) },
    marks: [
      Plot.areaY(joined, { x: "date", y1: "lo95", y2: "hi95", fill: "#c2410c", fillOpacity: 0.15 }),
      Plot.lineY(history, { x: "date", y: "value", stroke: "#2f5bd3", strokeWidth: 2, tip: true, title: (d: { period: string; value: number }) => `${d.period}: ${money.format(d.value)}` }),
      Plot.lineY(joined, { x: "date", y: "mean", stroke: "#c2410c", strokeWidth: 2, strokeDasharray: "5 3", tip: true,
        title: (d: { period: string; mean: number; lo95: number; hi95: number }) => `${d.period}: ${money.format(d.mean)} (95 %: ${money.format(d.lo95)}–${money.format(d.hi95)})` }),
      Plot.ruleY([0]),
    ],
  });
}
