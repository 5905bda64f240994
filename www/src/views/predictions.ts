// The "Predictions" page: customer lifetime value (BG/NBD + Gamma–Gamma) with its
// holdout check, churn or response propensity with gains and calibration,
// recommendations with their evaluation, and forecasts with the backtest.
// Every model runs once on its defaults when orders are loaded, so the page shows
// the models on the data at once; the forms refit with other settings.
import type {
  ClvOptions, ClvReport, ForecastOptions, ForecastReport, ProductPair, PropensityOptions, PropensityReport,
  NextBestSummary, ProductPairOptions, RecommendationEvaluation, RecommendOptions,
} from "../../../pkg/web/rapport.js";
import { aliveMatrix, calibrationChart, clvHistogram, forecastChart, gainsChart, holdoutChart } from "../charts.js";
import { download, toCsv } from "../csv.js";
import { byId, cell, row } from "../dom.js";
import { subscribe, update } from "../store.js";
import { idCell } from "./customer.js";

export interface PredictionActions {
  fitClv(options: ClvOptions): Promise<ClvReport>;
  propensity(options: PropensityOptions): Promise<PropensityReport>;
  productPairs(options: ProductPairOptions): Promise<ProductPair[]>;
  evaluateRecommendations(options: RecommendOptions): Promise<RecommendationEvaluation>;
  addNextBestProduct(options: RecommendOptions): Promise<NextBestSummary>;
  forecast(options: ForecastOptions): Promise<ForecastReport>;
  columnsChanged(): Promise<void>;
}

const money = (x: number | null | undefined) => (x === null || x === undefined ? "—" : x.toLocaleString(undefined, { maximumFractionDigits: 0 }));
const fixed = (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? "—" : x.toFixed(digits));
const pct = (x: number | null | undefined) => (x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)} %`);
const width = (id: string) => Math.max(320, byId(id).clientWidth - 20);

/** A baseline's column as the page says it. */
function baselineName(column: string): string {
  switch (column) {
    case "p_alive_bgnbd": return "P(alive) (BG/NBD at the cut-off)";
    case "no_order_log_odds_bgnbd": return "BG/NBD probability of no order in the window";
    case "recency_days": return "days since the last order";
    case "share_paid_late": return "share of orders paid late";
    default: return column;
  }
}

/** Shifts an ISO date by whole months (end of month clamps). */
function addMonths(iso: string, months: number): string {
  const d = new Date(iso + "T00:00:00Z");
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.toISOString().slice(0, 10);
}

function failed(what: string, e: unknown): void {
  update({ error: `${what}: ${e instanceof Error ? e.message : String(e)}` });
}

export function mountPredictions(actions: PredictionActions): void {
  let lastDate: string | null = null;
  let clv: ClvReport | null = null;

  async function fitClv(): Promise<void> {
    const status = byId("clv-status");
    try {
      status.textContent = "Fitting BG/NBD and Gamma–Gamma…";
      const holdoutMonths = Number(byId<HTMLInputElement>("clv-holdout").value) || 0;
      const base: ClvOptions = {
        timeUnit: byId<HTMLSelectElement>("clv-unit").value as "day" | "week",
        model: byId<HTMLSelectElement>("clv-model").value as "bgnbd" | "mbgnbd",
        horizonMonths: Number(byId<HTMLInputElement>("clv-horizon").value) || 12,
        discountRate: Number(byId<HTMLInputElement>("clv-discount").value) / 100,
      };
      // The check first (calibrated before the holdout), then the fit on all the
      // history whose scores become the customer-table columns.
      let check: ClvReport | null = null;
      if (holdoutMonths > 0 && lastDate) {
        check = await actions.fitClv({ ...base, calibrationEnd: addMonths(lastDate, -holdoutMonths), holdoutEnd: lastDate });
      }
      const r = await actions.fitClv(base);
      clv = r;
      const b = r.bgnbd, g = r.gammaGamma;
      status.textContent = `Fitted on ${r.customers.toLocaleString()} customers to ${r.calibrationEnd} (${r.timeUnit}s): ` +
        `r ${fixed(b.r)}, α ${fixed(b.alpha)}, a ${fixed(b.a)}, b ${fixed(b.b)}, log-likelihood ${fixed(b.logLikelihood, 1)}; ` +
        (g ? `Gamma–Gamma p ${fixed(g.p)}, q ${fixed(g.q)}, v ${fixed(g.v)} (frequency–spend correlation ${fixed(g.correlation, 2)}). ` : "no spend model. ") +
        `Columns ${r.columns.join(", ")} added to the customer table.`;
      byId("clv-warnings").replaceChildren(...r.warnings.map((w) => {
        const li = document.createElement("li");
        li.textContent = w;
        return li;
      }));
      byId("clv-histogram").replaceChildren(clvHistogram(r, width("clv-histogram")));
      byId("clv-alive").replaceChildren(aliveMatrix(r, width("clv-alive")));
      byId("clv-top").querySelector("tbody")?.replaceChildren(...r.topCustomers.map((c) => row(
        idCell(c.customerId), cell(money(c.clv), "num"), cell(pct(c.pAlive), "num"), cell(fixed(c.expectedPurchases, 2), "num"),
        cell(c.frequency, "num"), cell(money(c.monetary), "num"))));
      const h = check?.holdout;
      byId("clv-holdout-summary").textContent = h
        ? `Calibrated to ${check!.calibrationEnd}, checked on ${check!.calibrationEnd} – ${check!.holdoutEnd}: ` +
          `${h.actual.toLocaleString()} repeat purchases happened, ${money(h.predicted)} predicted (${pct(h.predicted / Math.max(1, h.actual) - 1)} off).`
        : "Set a holdout of some months to check the model on history it has not seen.";
      byId("clv-holdout-chart").replaceChildren(...(h ? [holdoutChart(h, width("clv-holdout-chart"))] : []));
      await actions.columnsChanged();
    } catch (e) {
      status.textContent = "";
      failed("Lifetime value", e);
    }
  }

  async function fitPropensity(): Promise<void> {
    const status = byId("propensity-status");
    try {
      status.textContent = "Fitting the logistic regression…";
      const label = byId<HTMLSelectElement>("propensity-label").value as PropensityOptions["label"];
      const seedText = byId<HTMLInputElement>("propensity-seed").value.trim();
      const cutoff = byId<HTMLInputElement>("propensity-cutoff").value;
      const r = await actions.propensity({
        label,
        cutoff: label === "churn" && cutoff ? cutoff : undefined,
        windowDays: Number(byId<HTMLInputElement>("propensity-window").value) || undefined,
        seed: seedText ? Number(seedText) : undefined,
      });
      byId<HTMLInputElement>("propensity-seed").placeholder = `random (last ${r.seed})`;
      status.textContent = `${r.column}: AUC ${fixed(r.auc)} on ${r.nTest.toLocaleString()} held-out customers` +
        (r.baseline ? ` (${baselineName(r.baseline.column)} alone: ${fixed(r.baselineAuc)})` : "") + `, log-loss ${fixed(r.logLoss)}, ` +
        `${pct(r.positivesTest / Math.max(1, r.nTest))} positive; label after ${r.cutoff} to ${r.windowEnd}; seed ${r.seed}. ` +
        `Scored ${r.scored.toLocaleString()} customers as of ${r.scoredAsOf} into the column ${r.column}.`;
      byId("propensity-auc").querySelector("tbody")?.replaceChildren(
        row(cell(`the model (${r.coefficients.length} features)`), cell(fixed(r.auc), "num")),
        ...r.baselines.map((b) => row(cell(`${baselineName(b.column)} alone`), cell(fixed(b.auc), "num"))));
      byId("propensity-gains").replaceChildren(gainsChart(r, width("propensity-gains")));
      byId("propensity-calibration").replaceChildren(calibrationChart(r, width("propensity-calibration")));
      const top = r.coefficients.slice(0, 12);
      byId("propensity-coefficients").querySelector("tbody")?.replaceChildren(...top.map((c) => row(
        cell(c.feature), cell(fixed(c.standardised), "num"), cell(c.standardised > 0 ? "raises" : "lowers"))));
      await actions.columnsChanged();
    } catch (e) {
      status.textContent = "";
      failed("Propensity", e);
    }
  }

  async function recommendations(): Promise<void> {
    const status = byId("recommend-status");
    try {
      status.textContent = "Counting product pairs…";
      const pairs = await actions.productPairs({ top: 15, by: "lift", minCount: 5 });
      byId("recommend-pairs").querySelector("tbody")?.replaceChildren(...pairs.map((p) => row(
        cell(p.a), cell(p.b), cell(p.count, "num"), cell(fixed(p.lift, 2), "num"), cell(pct(p.confidenceAB), "num"), cell(fixed(p.jaccard, 3), "num"))));
      status.textContent = "Evaluating on the last 90 days…";
      const k = Number(byId<HTMLInputElement>("recommend-k").value) || 10;
      const ev = await actions.evaluateRecommendations({ k });
      const line = (name: string, m: { hitRate: number; recall: number; customers: number }, base: { hitRate: number; recall: number }) =>
        row(cell(name), cell(m.customers, "num"), cell(pct(m.hitRate), "num"), cell(pct(base.hitRate), "num"), cell(pct(m.recall), "num"), cell(pct(base.recall), "num"));
      byId("recommend-eval").querySelector("tbody")?.replaceChildren(
        line("All customers", ev.model, ev.popularity),
        line("With purchase history", ev.withHistory.model, ev.withHistory.popularity),
        line("New in the holdout", ev.withoutHistory.model, ev.withoutHistory.popularity));
      const added = await actions.addNextBestProduct({ k });
      status.textContent = `Trained before ${ev.split}, checked on what customers bought after (hit-rate@${ev.k}: share of buyers who bought one of their top ${ev.k}). ` +
        `${added.column} added for ${added.customers.toLocaleString()} customers (${added.products} distinct products).`;
      await actions.columnsChanged();
    } catch (e) {
      status.textContent = "";
      failed("Recommendations", e);
    }
  }

  let lastForecast: ForecastReport | null = null;
  async function forecast(): Promise<void> {
    const status = byId("forecast-status");
    try {
      status.textContent = "Fitting and backtesting…";
      const r = await actions.forecast({
        measure: byId<HTMLSelectElement>("forecast-measure").value as ForecastOptions["measure"],
        period: byId<HTMLSelectElement>("forecast-period").value as ForecastOptions["period"],
        horizon: Number(byId<HTMLInputElement>("forecast-horizon").value) || 12,
        method: byId<HTMLSelectElement>("forecast-method").value as ForecastOptions["method"],
      });
      lastForecast = r;
      status.textContent = `${r.model} chosen; backtest MASE ${fixed(r.backtest.mase, 2)} (seasonal naive ${fixed(r.backtest.baselineMase, 2)}), ` +
        `MAPE ${fixed(r.backtest.mape, 1)} %.` + (r.partialPeriod ? ` The last period, ${r.partialPeriod}, is not over and is left out.` : "");
      byId("forecast-chart").replaceChildren(forecastChart(r, width("forecast-chart")));
      byId("forecast-backtest").querySelector("tbody")?.replaceChildren(...r.backtest.candidates.map((c) => row(
        cell(c.name + (c.name === r.model ? " ✓" : "")), cell(c.error ?? fixed(c.mase, 3), "num"), cell(c.mape === null ? "—" : `${fixed(c.mape, 1)} %`, "num"))));
    } catch (e) {
      status.textContent = "";
      failed("Forecast", e);
    }
  }

  const onSubmit = (id: string, f: () => Promise<void>) => byId<HTMLFormElement>(id).addEventListener("submit", (ev) => {
    ev.preventDefault();
    void f();
  });
  onSubmit("clv-form", fitClv);
  onSubmit("propensity-form", fitPropensity);
  onSubmit("recommend-form", recommendations);
  onSubmit("forecast-form", forecast);
  byId("clv-download").addEventListener("click", () => {
    if (!clv) return;
    download("top-customers-clv.csv", toCsv(["customer_id", "clv", "p_alive", "expected_purchases", "frequency", "monetary"],
      clv.topCustomers.map((c) => [c.customerId, c.clv, c.pAlive, c.expectedPurchases, c.frequency, c.monetary])));
  });
  byId("forecast-download").addEventListener("click", () => {
    const r = lastForecast;
    if (!r) return;
    download(`forecast-${r.measure}.csv`, toCsv(["period", "value", "mean", "lo95", "hi95"], [
      ...r.history.map((p) => [p.period, p.value, null, null, null]),
      ...r.forecast.map((p) => [p.period, null, p.mean, p.lo95, p.hi95]),
    ]));
  });

  let shownFor: unknown = null;
  subscribe((s) => {
    byId("predictions").hidden = !s.rfm;
    if (!s.rfm || s.rfm === shownFor) return;
    shownFor = s.rfm;
    lastDate = s.rfm.asOf;
    if (!byId<HTMLInputElement>("propensity-cutoff").value) byId<HTMLInputElement>("propensity-cutoff").value = addMonths(lastDate, -3);
    // One after the other: the worker runs one task at a time anyway.
    void (async () => {
      await fitClv();
      await fitPropensity();
      await recommendations();
      await forecast();
    })();
  });
}
