// Rows as loaded: the first rows of one entity, decoded from the Arrow IPC the
// worker returns. Every value is shown as text, exactly as it was in the file.
import { DataType, tableFromIPC, type Field } from "apache-arrow";
import { byId, cell, row } from "../dom.js";

export const PREVIEW_ROWS = 500;

function show(field: Field, v: unknown): string {
  if (v === null || v === undefined) return "";
  if (DataType.isDate(field.type) && (typeof v === "number" || v instanceof Date)) {
    return new Date(v).toISOString().slice(0, 10);
  }
  if (DataType.isTimestamp(field.type) && (typeof v === "number" || typeof v === "bigint" || v instanceof Date)) {
    return new Date(typeof v === "bigint" ? Number(v) : v).toISOString().replace(".000Z", "Z");
  }
  return String(v);
}

/** Shows the rows in `ipc` (Arrow IPC stream bytes) of the file `file`. */
export function showPreview(file: string, ipc: Uint8Array): void {
  const table = tableFromIPC(ipc);
  const fields = table.schema.fields;
  byId("preview-title").textContent = `First ${table.numRows.toLocaleString()} rows of ${file}, as loaded`;
  const head = document.createElement("tr");
  for (const f of fields) {
    const th = document.createElement("th");
    th.textContent = f.name;
    head.append(th);
  }
  const body: HTMLTableRowElement[] = [];
  for (let i = 0; i < table.numRows; i++) {
    body.push(row(...fields.map((f) => cell(show(f, table.getChild(f.name)?.get(i))))));
  }
  const t = byId<HTMLTableElement>("preview-table");
  t.tHead?.replaceChildren(head);
  t.tBodies[0]?.replaceChildren(...body);
  byId("preview").hidden = false;
}
