// The data-quality view: scores per entity and dimension as a heatmap, and the
// offending values, first 100 shown, all downloadable.
import type { QualityReport } from "../../../pkg/web/rapport.js";
import { qualityHeatmap } from "../charts.js";
import { download, toCsv } from "../csv.js";
import { byId, cell, row } from "../dom.js";
import { getState, subscribe } from "../store.js";

function allIssues(q: QualityReport) {
  return q.entities.flatMap((e) => e.issues.map((i) => ({ entity: e.entity, ...i })));
}

export function mountQuality(): void {
  byId("quality-download").addEventListener("click", () => {
    const q = getState().quality;
    if (!q) return;
    const rows = allIssues(q).map((i) => [i.entity, i.file, i.row, i.column ?? "", i.value, i.dimension, i.reason]);
    download("data-quality-issues.csv", toCsv(["entity", "file", "row", "column", "value", "dimension", "problem"], rows));
  });
  let drawn: QualityReport | null = null;
  subscribe((s) => {
    byId("quality").hidden = !s.quality || s.quality.entities.length === 0;
    if (!s.quality || s.quality === drawn) return;
    drawn = s.quality;
    const chart = byId("quality-chart");
    chart.replaceChildren(qualityHeatmap(s.quality, Math.max(500, chart.clientWidth - 20)));
    const issues = allIssues(s.quality);
    const total = s.quality.entities.reduce((a, e) => a + e.issueCount, 0);
    const shown = Math.min(100, issues.length);
    byId("quality-count").textContent =
      total === 0
        ? "No problems found."
        : `${total.toLocaleString()} problem${total === 1 ? "" : "s"} found${shown < total ? `; the first ${shown} are shown` : ""}.`;
    byId("quality-issues").querySelector("tbody")?.replaceChildren(
      ...issues.slice(0, 100).map((i) =>
        row(cell(i.entity.replace(/_/g, " ")), cell(i.file), cell(i.row, "num"), cell(i.column ?? "(whole row)"), cell(i.value), cell(i.reason)),
      ),
    );
  });
}
