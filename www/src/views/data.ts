// The "Data" view: drop or pick files (or load the sample), watch them load,
// and see per file what it was recognised as and what became of every row.
import type { LoadReport } from "../../../pkg/web/rapport.js";
import { download, toCsv } from "../csv.js";
import { byId, cell, row } from "../dom.js";
import { fetchSample, loadOrder, localFiles, type InputFile } from "../files.js";
import { getState, subscribe, update, type State } from "../store.js";

export interface DataActions {
  loadFiles(files: InputFile[], cancelled: () => boolean): Promise<void>;
  cancelLoad(): Promise<void>;
  reset(): Promise<void>;
  preview(entity: LoadReport["entity"], file: string): Promise<void>;
  editMapping(report: LoadReport): Promise<void>;
}

let actionsRef: DataActions | null = null;

const DELIMITER_NAMES: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe" };

export function mountDataView(actions: DataActions): void {
  const zone = byId("dropzone");
  const input = byId<HTMLInputElement>("file-input");
  const sample = byId<HTMLButtonElement>("sample-button");
  const reset = byId<HTMLButtonElement>("reset-button");

  // Files dropped while others load wait their turn; none is ignored. Cancel
  // stops the load under way and every batch queued before the click.
  let queue: Promise<void> = Promise.resolve();
  let generation = 0;
  const run = (get: () => Promise<InputFile[]> | InputFile[]) => {
    const files = Promise.resolve(get());
    const mine = generation;
    const cancelled = () => mine !== generation;
    queue = queue.then(async () => {
      update({ error: null });
      try {
        await actions.loadFiles(loadOrder(await files), cancelled);
      } catch (e) {
        update({ error: e instanceof Error ? e.message : String(e), busy: false });
      }
    });
  };
  byId<HTMLButtonElement>("cancel-button").addEventListener("click", () => {
    generation++;
    void actions.cancelLoad();
  });
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    const files = e.dataTransfer?.files;
    if (files && files.length > 0) void run(() => localFiles(files));
  });
  input.addEventListener("change", () => {
    const files = input.files;
    if (files && files.length > 0) void run(() => localFiles(files));
    input.value = "";
  });
  sample.addEventListener("click", () => void run(fetchSample));
  reset.addEventListener("click", () => void actions.reset());
  byId("rejects-download").addEventListener("click", () => {
    const r = selected(getState());
    if (!r) return;
    const rows = [
      ...r.rejected.map((x) => ["rejected row", x.row, x.column ?? "", x.value, x.reason]),
      ...r.nulled.map((x) => ["nulled cell", x.row, x.column ?? "", x.value, x.reason]),
    ];
    download(`${r.file}.rejects.csv`, toCsv(["kind", "line", "column", "value", "reason"], rows));
  });
  actionsRef = actions;
  subscribe(render);
}

function button(label: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "secondary";
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

function dialectCell(r: LoadReport): HTMLTableCellElement {
  const td = cell(`${r.format.toUpperCase()}, ${DELIMITER_NAMES[r.dialect.delimiter] ?? r.dialect.delimiter}, ${r.encoding}`);
  if (r.parts > 1) td.title = `read in ${r.parts} parts at once, on ${r.parts} cores`;
  for (const w of r.warnings) {
    const note = document.createElement("div");
    note.className = "warning";
    note.textContent = `⚠ ${w}`;
    td.append(note);
  }
  return td;
}

function selected(s: State): LoadReport | undefined {
  return s.selectedReport === null ? undefined : s.reports[s.selectedReport];
}

function render(s: State): void {
  byId<HTMLButtonElement>("sample-button").disabled = s.busy;
  byId<HTMLButtonElement>("reset-button").disabled = s.busy || s.reports.length === 0;
  const err = byId("error");
  err.hidden = s.error === null;
  err.textContent = s.error ?? "";

  const table = byId<HTMLTableElement>("files");
  table.hidden = s.reports.length === 0 && s.cancelled.length === 0;
  const body = table.tBodies[0];
  if (!body) return;
  body.replaceChildren(
    ...s.reports.map((r, i) => {
      const details = document.createElement("td");
      details.className = "actions";
      details.append(button("Rows", () => void actionsRef?.preview(r.entity, r.file).catch((e) => update({ error: String(e) }))));
      details.append(button("Mapping", () => void actionsRef?.editMapping(r).catch((e) => update({ error: String(e) }))));
      if (r.rowsRejected + r.nulled.length > 0) details.append(button("Problems", () => update({ selectedReport: i })));
      return row(
        cell(r.file),
        cell(r.entity.replace(/_/g, " ")),
        dialectCell(r),
        cell(r.rowsRead, "num"),
        cell(r.rowsLoaded, "num"),
        cell(r.rowsRejected, r.rowsRejected > 0 ? "num bad" : "num"),
        cell(r.nulled.length, "num"),
        details,
      );
    }),
    ...s.cancelled.map((name) => {
      const status = cell("cancelled");
      status.className = "cancelled";
      return row(cell(name), status, cell(""), cell(""), cell(""), cell(""), cell(""), cell(""));
    }),
  );
  renderRejects(selected(s));
}

function renderRejects(r: LoadReport | undefined): void {
  const section = byId("rejects");
  section.hidden = !r;
  if (!r) return;
  byId("rejects-file").textContent = r.file;
  const items = [
    ...r.rejected.map((x) => ({ kind: "rejected row", ...x })),
    ...r.nulled.map((x) => ({ kind: "nulled cell", ...x })),
  ].slice(0, 100);
  section.querySelector("tbody")?.replaceChildren(
    ...items.map((x) => row(cell(x.kind), cell(x.row, "num"), cell(x.column ?? "(whole row)"), cell(x.value), cell(x.reason))),
  );
}
