// The mapping editor: for one loaded file, which field each header became, the
// first values as read, and a choice to change it. Applying loads the file
// again; the choice is remembered (in this browser only) for files with the
// same headers.
import type { FieldInfo, LoadReport, Preview } from "../../../pkg/web/rapport.js";
import { byId, cell, row } from "../dom.js";

const STORE_KEY = "rapport.mappings";

/** Mappings the user chose before, by header signature. */
export function savedMappings(): Record<string, Record<string, string>> {
  try {
    return JSON.parse(localStorage.getItem(STORE_KEY) ?? "{}") as Record<string, Record<string, string>>;
  } catch {
    return {};
  }
}

function remember(signature: string, mapping: Record<string, string>): void {
  localStorage.setItem(STORE_KEY, JSON.stringify({ ...savedMappings(), [signature]: mapping }));
}

export interface MappingSource {
  fields(entity: LoadReport["entity"]): Promise<FieldInfo[]>;
  head(file: string, rows: number): Promise<Preview>;
  apply(report: LoadReport, mapping: Record<string, string>): Promise<void>;
}

/** Opens the editor for `report`'s file. */
export async function openMapping(report: LoadReport, source: MappingSource): Promise<void> {
  const [fields, head] = await Promise.all([source.fields(report.entity), source.head(report.file, 3)]);
  byId("mapping-title").textContent = `Columns of ${report.file} (${report.entity.replace(/_/g, " ")})`;
  const selects: HTMLSelectElement[] = [];
  const rows = report.mapping.map((m, i) => {
    const select = document.createElement("select");
    select.setAttribute("aria-label", `field for ${m.header}`);
    const choices: [string, string][] = [
      ["attribute", "(keep as extra column)"],
      ["ignore", "(ignore)"],
      ...fields.map((f): [string, string] => [f.name, `${f.name}${f.required ? " *" : ""} (${f.type.replace("_", " ")})`]),
    ];
    for (const [value, label] of choices) {
      const o = document.createElement("option");
      o.value = value;
      o.textContent = label;
      select.append(o);
    }
    select.value = m.kind === "field" ? (m.field ?? "attribute") : m.kind === "ignored" ? "ignore" : "attribute";
    selects.push(select);
    const choice = document.createElement("td");
    choice.append(select);
    const samples = head.rows.map((r) => r[i] ?? "").join(" · ");
    return row(cell(m.header), choice, cell(m.format ?? ""), cell(samples));
  });
  byId("mapping-table").querySelector("tbody")?.replaceChildren(...rows);
  const section = byId("mapping");
  section.hidden = false;
  const apply = byId<HTMLButtonElement>("mapping-apply");
  const fresh = apply.cloneNode(true) as HTMLButtonElement;
  apply.replaceWith(fresh);
  fresh.addEventListener("click", () => {
    const mapping: Record<string, string> = {};
    report.mapping.forEach((m, i) => {
      mapping[m.header] = selects[i]?.value ?? "attribute";
    });
    fresh.disabled = true;
    source
      .apply(report, mapping)
      .then(() => {
        remember(head.header.join("\u241f"), mapping);
        section.hidden = true;
      })
      .finally(() => {
        fresh.disabled = false;
      });
  });
}
