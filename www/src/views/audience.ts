// Campaigns → New audience: segment ∩ consent − suppressions, a seeded control
// group, the exclusion funnel, and the CSV export of target and control.
import type { Audience, AudienceOptions, ExportOptions } from "../../../pkg/web/rapport.js";
import { audienceFunnel } from "../charts.js";
import { download } from "../csv.js";
import { byId, cell, row } from "../dom.js";
import { subscribe, update } from "../store.js";

export interface AudienceActions {
  audience(options: AudienceOptions): Promise<Audience>;
  audienceCsv(options: AudienceOptions, exportOptions: ExportOptions): Promise<string>;
}

/** Columns ticked for export by default, when the table has them. */
const DEFAULT_EXPORT = ["email", "first_name", "last_name", "phone", "rfm_segment"];

function option(value: string, label = value): HTMLOptionElement {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = label;
  return o;
}

/** The segment choices: every customer, or one RFM segment (as a selection expression). */
export function segmentChoices(segments: string[]): HTMLOptionElement[] {
  return [option("", "every customer"), ...segments.map((s) => option(`rfm_segment = "${s}"`, `RFM: ${s}`))];
}

function readForm(): AudienceOptions {
  const num = (id: string) => Number(byId<HTMLInputElement>(id).value || 0);
  const seedText = byId<HTMLInputElement>("audience-seed").value.trim();
  const options: AudienceOptions = {
    channel: byId<HTMLSelectElement>("audience-channel").value as AudienceOptions["channel"],
    includeWithoutConsent: byId<HTMLInputElement>("audience-noconsent").checked,
    complainedWithinDays: num("audience-complained"),
    contactedWithinDays: num("audience-contacted"),
    controlFraction: num("audience-control") / 100,
  };
  const typed = byId<HTMLInputElement>("audience-expr").value.trim();
  const segment = typed || byId<HTMLSelectElement>("audience-segment").value;
  if (segment) options.segment = segment;
  const stratify = byId<HTMLSelectElement>("audience-stratify").value;
  if (stratify) options.stratifyBy = stratify;
  if (seedText) {
    const seed = Number(seedText);
    if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`the seed must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`);
    options.seed = seed;
  }
  return options;
}

/** Puts an expression in the audience form and brings the form into view. */
export function audienceFrom(expr: string): void {
  byId<HTMLInputElement>("audience-expr").value = expr;
  byId("audience").scrollIntoView({ behavior: "smooth", block: "start" });
  byId<HTMLInputElement>("audience-expr").focus();
}

export function mountAudience(actions: AudienceActions): void {
  /** The options of the audience shown, with the seed it used: the export rebuilds exactly this. */
  let built: AudienceOptions | null = null;
  byId<HTMLFormElement>("audience-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const options = readForm();
      const a = await actions.audience(options);
      built = { ...options, seed: a.seed };
      show(a);
      update({ error: null });
    } catch (e) {
      update({ error: `Audience: ${e instanceof Error ? e.message : String(e)}` });
    }
  });
  byId("audience-download").addEventListener("click", async () => {
    if (!built) return;
    const columns = [...byId("audience-columns").querySelectorAll<HTMLInputElement>("input:checked")].map((i) => i.value);
    const csv = await actions.audienceCsv(built, { columns, hashEmails: byId<HTMLInputElement>("audience-hash").checked });
    download(`audience-${built.channel}-seed-${built.seed}.csv`, csv);
  });

  let columnsShown: unknown = null;
  let segmentsShown: unknown = null;
  subscribe((s) => {
    byId("audience").hidden = s.columns.length === 0;
    if (s.columns !== columnsShown) {
      columnsShown = s.columns;
      const stratify = byId<HTMLSelectElement>("audience-stratify");
      const keep = stratify.value;
      stratify.replaceChildren(option("", "(no stratification)"),
        ...s.columns.filter((c) => c.kind === "category" || c.kind === "bool").map((c) => option(c.name)));
      stratify.value = [...stratify.options].some((o) => o.value === keep) ? keep : "";
      byId("audience-columns").replaceChildren(
        Object.assign(document.createElement("legend"), { textContent: "Columns in the export (after customer_id and group)" }),
        ...s.columns.filter((c) => c.name !== "customer_id").map((c) => {
          const label = document.createElement("label");
          const box = Object.assign(document.createElement("input"), { type: "checkbox", value: c.name, checked: DEFAULT_EXPORT.includes(c.name) });
          label.title = c.about;
          label.append(box, ` ${c.name}`);
          return label;
        }),
      );
    }
    if (s.rfm !== segmentsShown) {
      segmentsShown = s.rfm;
      const select = byId<HTMLSelectElement>("audience-segment");
      const keep = select.value;
      select.replaceChildren(...segmentChoices(s.rfm?.segments.filter((x) => x.customers > 0).map((x) => x.segment) ?? []));
      select.value = [...select.options].some((o) => o.value === keep) ? keep : "";
    }
  });

  function show(a: Audience): void {
    byId("audience-result").hidden = false;
    byId<HTMLInputElement>("audience-seed").placeholder = `random (last: ${a.seed})`;
    const excluded = a.candidates - a.eligible;
    byId("audience-summary").textContent =
      `${a.candidates.toLocaleString()} customers in the segment; ${excluded.toLocaleString()} excluded; ` +
      `${a.target.toLocaleString()} to contact by ${a.channel} and ${a.control.toLocaleString()} held out as control. ` +
      `Seed ${a.seed}, data fingerprint ${a.fingerprint}, reference date ${a.asOf}: building again with this seed on the same data gives the same customers.`;
    const chart = byId("audience-chart");
    chart.replaceChildren(audienceFunnel(a, chart.clientWidth - 20));
    const strata = byId("audience-strata");
    strata.hidden = a.strata.length === 0;
    strata.querySelector("tbody")?.replaceChildren(
      ...a.strata.map((x) => row(cell(x.stratum), cell(x.eligible, "num"), cell(x.target, "num"), cell(x.control, "num"))),
    );
  }
}
