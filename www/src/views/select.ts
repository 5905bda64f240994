// Select customers: the expression editor with a live count, completions and
// the error under the caret; saved segments; and the customer list of a
// segment (sorted, paged, every column available, downloadable).
import { tableFromIPC } from "apache-arrow";
import type { Completion, CustomerColumn, PageOptions, SavedSegmentInfo } from "../../../pkg/web/rapport.js";
import { download } from "../csv.js";
import { byId, cell, row } from "../dom.js";
import { idCell } from "./customer.js";
import { subscribe, update } from "../store.js";
import type { LiveCount } from "../worker.js";
import { arrowToCsv } from "./segments.js";

export interface SelectActions {
  liveCount(expr: string): Promise<LiveCount>;
  complete(text: string, cursor: number): Promise<Completion[]>;
  saveSegment(name: string, expr: string): Promise<SavedSegmentInfo[]>;
  segments(): Promise<SavedSegmentInfo[]>;
  customerPage(options: PageOptions): Promise<Uint8Array>;
  segmentIds(expr: string, columns?: string[]): Promise<Uint8Array>;
  /** Hands an expression to the audience builder. */
  toAudience(expr: string): void;
}

const PAGE = 50;
/** Where this browser keeps the saved segments' names and expressions (never any data). */
const STORE_KEY = "rapport.savedSegments";

function remembered(): { name: string; expr: string }[] {
  try {
    const v = JSON.parse(localStorage.getItem(STORE_KEY) ?? "[]");
    return Array.isArray(v) ? v.filter((x) => typeof x?.name === "string" && typeof x?.expr === "string") : [];
  } catch {
    return [];
  }
}

function remember(saved: SavedSegmentInfo[]): void {
  localStorage.setItem(STORE_KEY, JSON.stringify(saved.map(({ name, expr }) => ({ name, expr }))));
}
/** Columns a customer list shows first, when the table has them. */
const DEFAULT_COLUMNS = ["first_name", "last_name", "email", "country", "order_count", "monetary_total", "recency_days",
  "last_order", "rfm_segment", "value_tier", "cluster"];

/** Opens the customer list of a segment (set once the view is mounted). */
export let openCustomerList: (title: string, expr: string) => Promise<void> = async () => {};

export function mountSelect(actions: SelectActions): void {
  const input = byId<HTMLTextAreaElement>("expr");
  const status = byId("expr-status");
  const caret = byId<HTMLPreElement>("expr-error");
  const list = byId<HTMLUListElement>("expr-complete");
  let columns: CustomerColumn[] = [];
  let valid = "";
  let asked = 0;
  let options: Completion[] = [];
  let chosen = 0;
  let suggested = 0;

  async function check(): Promise<void> {
    const text = input.value;
    const ticket = ++asked;
    if (text.trim() === "") {
      delete status.dataset.expr;
      status.textContent = "";
      caret.hidden = true;
      input.classList.remove("invalid");
      valid = "";
      return;
    }
    const answer = await actions.liveCount(text);
    if (ticket !== asked) return; // a newer keystroke won
    // Which text the count or the error shown is about (an embedding page or a test can
    // tell a stale answer from the current one).
    status.dataset.expr = text;
    if (answer.ok) {
      valid = text;
      input.classList.remove("invalid");
      caret.hidden = true;
      const s = answer.summary;
      status.textContent = `${s.count.toLocaleString()} of ${s.total.toLocaleString()} customers (${((100 * s.count) / Math.max(1, s.total)).toFixed(1)} %) on ${s.asOf}`;
    } else {
      valid = "";
      input.classList.add("invalid");
      status.textContent = "";
      const at = answer.error.at;
      // The expression's line with a caret under the position of the error.
      const line = text.replace(/\n/g, " ");
      caret.textContent = at === undefined ? answer.error.message : `${line}\n${" ".repeat(Math.min(at, line.length))}^ ${answer.error.message}`;
      caret.hidden = false;
    }
  }

  function closeList(): void {
    list.hidden = true;
    options = [];
  }

  function accept(c: Completion): void {
    const cursor = input.selectionStart ?? input.value.length;
    const before = input.value.slice(0, c.from);
    const after = input.value.slice(cursor);
    input.value = before + c.label + after;
    const pos = before.length + c.label.length;
    input.setSelectionRange(pos, pos);
    closeList();
    void check();
  }

  async function suggest(): Promise<void> {
    const cursor = input.selectionStart ?? input.value.length;
    const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(input.value.slice(0, cursor));
    if (!word) return closeList();
    const ticket = ++suggested;
    const found = await actions.complete(input.value, cursor);
    // A newer keystroke asked again: only the answer for the current text may show,
    // or Tab would take a completion of a word no longer there.
    if (ticket !== suggested) return;
    options = found.slice(0, 12);
    chosen = 0;
    if (options.length === 0 || (options.length === 1 && options[0]?.label === word[0])) return closeList();
    list.replaceChildren(...options.map((c, i) => {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", String(i === chosen));
      const label = document.createElement("span");
      label.textContent = c.label;
      const detail = document.createElement("span");
      detail.className = "detail";
      detail.textContent = `${c.kind}: ${c.detail}`;
      li.append(label, detail);
      li.addEventListener("mousedown", (ev) => {
        ev.preventDefault();
        accept(c);
      });
      return li;
    }));
    list.hidden = false;
  }

  input.addEventListener("input", () => {
    // The list shown was for the text before this keystroke.
    closeList();
    suggested++;
    void check();
    void suggest();
  });
  input.addEventListener("keydown", (ev) => {
    if (list.hidden || options.length === 0) return;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      chosen = (chosen + (ev.key === "ArrowDown" ? 1 : options.length - 1)) % options.length;
      list.querySelectorAll("li").forEach((li, i) => li.setAttribute("aria-selected", String(i === chosen)));
    } else if (ev.key === "Tab" || ev.key === "Enter") {
      ev.preventDefault();
      const c = options[chosen];
      if (c) accept(c);
    } else if (ev.key === "Escape") {
      closeList();
    }
  });
  input.addEventListener("blur", () => setTimeout(closeList, 150));
  document.querySelectorAll<HTMLButtonElement>("button.example").forEach((b) =>
    b.addEventListener("click", () => {
      input.value = b.textContent ?? "";
      void check();
    }),
  );

  const savedTable = byId<HTMLTableElement>("saved-segments");
  function showSaved(saved: SavedSegmentInfo[]): void {
    savedTable.hidden = saved.length === 0;
    savedTable.querySelector("tbody")?.replaceChildren(...saved.map((s) => {
      const actionsCell = cell("");
      const open = Object.assign(document.createElement("button"), { type: "button", textContent: "Customers", className: "secondary" });
      open.addEventListener("click", () => void openList(s.name, s.expr));
      const audience = Object.assign(document.createElement("button"), { type: "button", textContent: "Audience", className: "secondary" });
      audience.addEventListener("click", () => actions.toAudience(s.expr));
      actionsCell.append(open, " ", audience);
      return row(cell(s.name), cell(s.expr), cell(s.count === null ? (s.error ?? "—") : s.count, "num"), actionsCell);
    }));
  }
  byId("segment-save").addEventListener("click", async () => {
    const name = byId<HTMLInputElement>("segment-name").value.trim();
    if (!valid) return update({ error: "Write a valid expression first." });
    if (!name) return update({ error: "Give the segment a name." });
    try {
      const saved = await actions.saveSegment(name, valid);
      remember(saved);
      showSaved(saved);
      update({ error: null });
    } catch (e) {
      update({ error: `Saving the segment: ${e instanceof Error ? e.message : String(e)}` });
    }
  });
  byId("segment-open").addEventListener("click", () => void openList(valid ? `Customers of: ${valid}` : "Every customer", valid));
  byId("segment-audience").addEventListener("click", () => actions.toAudience(valid));

  // The customer list.
  let listExpr = "";
  let offset = 0;
  let total = 0;
  let sortBy: string | undefined;
  let descending = false;
  let shown: string[] = [];

  async function openList(title: string, expr: string): Promise<void> {
    listExpr = expr;
    offset = 0;
    sortBy = undefined;
    byId("customer-list-title").textContent = title;
    byId("customer-list").hidden = false;
    await drawPage();
    byId("customer-list").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  async function drawPage(): Promise<void> {
    try {
      const counted = listExpr ? await actions.liveCount(listExpr) : null;
      const bytes = await actions.customerPage({ segment: listExpr || undefined, columns: shown, sortBy, descending, offset, limit: PAGE });
      const table = tableFromIPC(bytes);
      total = counted && counted.ok ? counted.summary.count : columns.length ? await countAll() : table.numRows;
      const names = table.schema.fields.map((f) => f.name);
      const head = byId<HTMLTableElement>("customer-list-table").tHead;
      head?.replaceChildren(row(...names.map((n) => {
        const th = document.createElement("th");
        th.textContent = n + (n === sortBy ? (descending ? " ▼" : " ▲") : "");
        th.title = columns.find((c) => c.name === n)?.about ?? "";
        th.addEventListener("click", () => {
          descending = sortBy === n ? !descending : false;
          sortBy = n;
          offset = 0;
          void drawPage();
        });
        return th as HTMLTableCellElement;
      })));
      const cols = names.map((n) => table.getChild(n));
      const body: HTMLTableRowElement[] = [];
      for (let i = 0; i < table.numRows; i++) {
        body.push(row(...cols.map((c, k) => {
          const v = c?.get(i);
          if (names[k] === "customer_id" && v !== null && v !== undefined) return idCell(String(v));
          if (v === null || v === undefined) return cell("");
          if (v instanceof Date) return cell(v.toISOString().slice(0, 10));
          if (typeof v === "number") return cell(Number.isInteger(v) ? v : Number(v.toFixed(2)), "num");
          return cell(String(v));
        })));
      }
      byId("customer-list-table").querySelector("tbody")?.replaceChildren(...body);
      byId("customer-list-range").textContent = total === 0
        ? "No customers."
        : `${(offset + 1).toLocaleString()}–${Math.min(offset + PAGE, total).toLocaleString()} of ${total.toLocaleString()}`;
      byId<HTMLButtonElement>("customer-list-prev").disabled = offset === 0;
      byId<HTMLButtonElement>("customer-list-next").disabled = offset + PAGE >= total;
    } catch (e) {
      update({ error: `Customer list: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  openCustomerList = openList;

  async function countAll(): Promise<number> {
    const answer = await actions.liveCount("true");
    return answer.ok ? answer.summary.total : 0;
  }

  byId("customer-list-prev").addEventListener("click", () => {
    offset = Math.max(0, offset - PAGE);
    void drawPage();
  });
  byId("customer-list-next").addEventListener("click", () => {
    offset += PAGE;
    void drawPage();
  });
  byId("customer-list-download").addEventListener("click", async () => {
    const bytes = await actions.segmentIds(listExpr || "true", columns.map((c) => c.name).filter((n) => n !== "customer_id"));
    download("customers.csv", arrowToCsv(bytes));
  });

  let columnsDrawn: unknown = null;
  subscribe((s) => {
    if (s.columns === columnsDrawn) return;
    columnsDrawn = s.columns;
    columns = s.columns;
    const names = new Set(columns.map((c) => c.name));
    const keep = shown.filter((n) => names.has(n));
    shown = keep.length ? keep : DEFAULT_COLUMNS.filter((n) => names.has(n));
    byId("customer-list-columns").replaceChildren(...columns.filter((c) => c.name !== "customer_id").map((c) => {
      const label = document.createElement("label");
      const box = Object.assign(document.createElement("input"), { type: "checkbox", value: c.name, checked: shown.includes(c.name) });
      box.addEventListener("change", () => {
        shown = columns.map((x) => x.name).filter((n) => n === c.name ? box.checked : shown.includes(n));
        if (!byId("customer-list").hidden) void drawPage();
      });
      label.title = c.about;
      label.append(box, ` ${c.name}`);
      return label;
    }));
    if (columns.length === 0) {
      byId("customer-list").hidden = true;
      showSaved([]);
    } else {
      // Segments saved in an earlier session (names and expressions only) come back.
      void (async () => {
        let saved = await actions.segments();
        for (const r of remembered()) {
          if (saved.some((x) => x.name === r.name)) continue;
          try {
            saved = await actions.saveSegment(r.name, r.expr);
          } catch {
            // An expression the new data cannot evaluate stays remembered, unlisted.
          }
        }
        showSaved(saved);
      })();
      if (input.value.trim()) void check();
    }
  });
}

