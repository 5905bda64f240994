// Small DOM helpers. Text from data is always inserted as text, never as HTML.

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page is missing #${id}`);
  return el as T;
}

/** A table cell holding `text` as text. */
export function cell(text: string | number, className?: string): HTMLTableCellElement {
  const td = document.createElement("td");
  td.textContent = typeof text === "number" ? text.toLocaleString() : text;
  if (className) td.className = className;
  return td;
}

/** A table row of cells. */
export function row(...cells: HTMLTableCellElement[]): HTMLTableRowElement {
  const tr = document.createElement("tr");
  tr.append(...cells);
  return tr;
}
