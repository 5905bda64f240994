// CSV export of results. Cells that a spreadsheet would run as a formula
// (=, +, -, @, tab, carriage return first) are prefixed with a quote, so an
// exported file can never execute anything when opened.

type CellValue = string | number | boolean | null | undefined;

function safeCell(v: CellValue): string {
  if (v === null || v === undefined) return "";
  let s = String(v);
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV text from a header and rows. */
export function toCsv(header: string[], rows: CellValue[][]): string {
  return [header, ...rows].map((r) => r.map(safeCell).join(",")).join("\r\n") + "\r\n";
}

/** Offers `text` as a file download (made on this machine; nothing is sent). */
export function download(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
