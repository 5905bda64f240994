// The 360° view of one customer: find a customer by id, name, e-mail, phone or
// city (or click an id in a customer list), then see their key figures and
// scores, complaint history, one timeline, and every record of every file.
import type { CellValue, CustomerMatch, CustomerView, EntityHistory, ScoreExplanation } from "../../../pkg/web/rapport.js";
import { byId, cell, row } from "../dom.js";
import { subscribe } from "../store.js";

export interface CustomerActions {
  find(query: string): Promise<CustomerMatch[]>;
  view(customerId: string): Promise<CustomerView>;
  /** Why each fitted propensity model scores this customer as it does. */
  explain(customerId: string): Promise<{ column: string; explanation: ScoreExplanation }[]>;
}

/** A feature name as a person reads it: `recency_days` → "recency days". */
const readable = (feature: string) => feature.replace(/_/g, " ").replace(/=/, " is ");

/** The reasons behind each score: the features that raise or lower it most. */
function renderReasons(list: { column: string; explanation: ScoreExplanation }[]): void {
  byId("customer-reasons").replaceChildren(...list.map(({ column, explanation: x }) => {
    const p = document.createElement("p");
    const top = x.contributions.filter((c) => Math.abs(c.contribution) >= 0.01).slice(0, 5);
    p.textContent = `${column} ${(x.score * 100).toFixed(0)} %: ` + (top.length === 0
      ? "close to the average customer's score."
      : top.map((c) => `${readable(c.feature)} ${c.contribution > 0 ? "raises" : "lowers"} it (${c.contribution > 0 ? "+" : "−"}${Math.abs(c.contribution).toFixed(2)} log-odds)`).join("; ") + ".");
    return p;
  }));
}

/** Ask the page to open a customer's 360° view (any view may dispatch it). */
export function openCustomer(customerId: string): void {
  document.dispatchEvent(new CustomEvent("rapport:open-customer", { detail: customerId }));
}

/** A table cell holding a customer id that opens the customer's 360° view. */
export function idCell(id: string): HTMLTableCellElement {
  const td = document.createElement("td");
  const b = document.createElement("button");
  b.type = "button";
  b.className = "link";
  b.textContent = id;
  b.title = "Open this customer's 360° view";
  b.addEventListener("click", () => openCustomer(id));
  td.append(b);
  return td;
}

/** Key figures shown as cards, in this order, when the customer table has them. */
const KEY_FIGURES: [string, string][] = [
  ["order_count", "Orders"], ["monetary_total", "Revenue"], ["recency_days", "Days since last order"],
  ["rfm_segment", "RFM segment"], ["value_tier", "Value tier"], ["loyalty_tier", "Loyalty tier"],
  ["loyalty_points", "Loyalty points"], ["p_alive", "P(alive)"], ["expected_purchases_90d", "Expected purchases (90 days)"],
  ["clv_12m", "CLV (12 months)"], ["expected_next_order", "Expected next order"], ["churn_risk", "Churn risk"],
  ["next_best_product", "Next best product"],
];

const ENTITIES: [keyof CustomerView, string][] = [
  ["orders", "Order lines"], ["tickets", "Tickets"], ["surveys", "Survey answers"], ["consents", "Consent records"],
  ["campaignEvents", "Campaign events"], ["webEvents", "Web events"], ["profiles", "Profile records (one per source)"],
];

function shown(v: CellValue): string {
  if (v === null) return "";
  if (typeof v === "number") return Number.isInteger(v) ? v.toLocaleString() : v.toLocaleString(undefined, { maximumFractionDigits: 3 });
  return String(v);
}

function historyTable(title: string, h: EntityHistory): HTMLElement {
  const box = document.createElement("details");
  const summary = document.createElement("summary");
  summary.textContent = `${title}: ${h.total.toLocaleString()}${h.total > h.records.length ? ` (newest ${h.records.length} shown)` : ""}`;
  box.append(summary);
  if (h.records.length === 0) return box;
  const names = [...new Set(h.records.flatMap((r) => Object.keys(r.fields)))];
  const table = document.createElement("table");
  table.className = "report";
  const head = document.createElement("thead");
  head.append(row(...["file", ...names].map((n) => {
    const th = document.createElement("th");
    th.textContent = n;
    return th as HTMLTableCellElement;
  })));
  const body = document.createElement("tbody");
  body.append(...h.records.map((r) => row(cell(r.file), ...names.map((n) => {
    const v = r.fields[n] ?? null;
    return cell(shown(v), typeof v === "number" ? "num" : undefined);
  }))));
  table.append(head, body);
  const scroll = document.createElement("div");
  scroll.className = "scroll";
  scroll.append(table);
  box.append(scroll);
  return box;
}

function render(v: CustomerView): void {
  const attr = new Map(v.attributes.map((a) => [a.name, a]));
  const name = [attr.get("first_name")?.value, attr.get("last_name")?.value].filter((x) => x).join(" ");
  const email = attr.get("email")?.value;
  byId("customer-title").textContent = `${name || "Customer"} · ${v.customerId}${email ? ` · ${email}` : ""}`;
  byId("customer-cards").replaceChildren(...KEY_FIGURES.filter(([n]) => attr.has(n)).map(([n, label]) => {
    const card = document.createElement("div");
    card.className = "card";
    const value = document.createElement("strong");
    value.textContent = shown(attr.get(n)!.value) || "—";
    const caption = document.createElement("span");
    caption.textContent = label;
    card.append(value, caption);
    return card;
  }));
  const c = v.complaints;
  byId("customer-complaints").textContent = c.tickets === 0
    ? "No support tickets."
    : `${c.tickets} ticket${c.tickets === 1 ? "" : "s"}, ${c.complaints} complaint${c.complaints === 1 ? "" : "s"}` +
      `${c.open ? `, ${c.open} open` : ""}` +
      `${c.meanResolutionDays === null ? "" : `; resolved in ${c.meanResolutionDays.toFixed(1)} days on average`}` +
      `${c.lastComplaint ? `; last complaint ${c.lastComplaint}` : ""}.`;
  byId("customer-timeline").querySelector("tbody")?.replaceChildren(...v.timeline.map((e) =>
    row(cell(e.date), cell(e.kind, `kind-${e.kind}`), cell(e.summary))));
  byId("customer-records").replaceChildren(...ENTITIES.map(([key, title]) => historyTable(title, v[key] as EntityHistory)));
  byId("customer-attributes").querySelector("tbody")?.replaceChildren(...v.attributes.map((a) =>
    row(cell(a.name), cell(shown(a.value), typeof a.value === "number" ? "num" : undefined), cell(a.about))));
  byId("customer-detail").hidden = false;
}

export function mountCustomer(actions: CustomerActions): void {
  const input = byId<HTMLInputElement>("customer-query");
  const status = byId("customer-status");
  const show = async (id: string) => {
    status.textContent = "";
    try {
      render(await actions.view(id));
      renderReasons(await actions.explain(id));
      byId("customer").scrollIntoView();
    } catch (e) {
      status.textContent = e instanceof Error ? e.message : String(e);
    }
  };
  let asked = 0;
  const search = async () => {
    const mine = ++asked;
    const q = input.value.trim();
    const matches = q ? await actions.find(q) : [];
    if (mine !== asked) return; // a later keystroke already asked again
    status.textContent = q && matches.length === 0 ? `No customer matches “${q}”.` : "";
    byId("customer-matches").replaceChildren(...matches.map((m) => {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "link";
      b.textContent = [m.customerId, m.name, m.email].filter((x) => x).join(" · ");
      b.addEventListener("click", () => void show(m.customerId));
      li.append(b);
      return li;
    }));
  };
  input.addEventListener("input", () => void search());
  byId("customer-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void search();
  });
  document.addEventListener("rapport:open-customer", (e) => void show((e as CustomEvent<string>).detail));
  subscribe((s) => {
    byId("customer").hidden = s.columns.length === 0;
    if (s.columns.length === 0) byId("customer-detail").hidden = true;
  });
}
