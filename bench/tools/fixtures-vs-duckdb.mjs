// What Rapport and DuckDB-wasm each make of the ingest fixtures (issue 4 asks which files
// they disagree on). Both run in Node on the same bytes: Rapport's package loads each file
// with entity and dialect recognised ("auto"); DuckDB-wasm's Node build reads it with its
// own detection (read_csv with its defaults; where that fails, again with the encoding
// named, as a user who knew it would). Per file it prints the rows each kept and, per
// column Rapport mapped, the first row where the two differ. Parquet, Arrow IPC and XLSX
// need DuckDB extensions downloaded at run time, which this offline tool does not do, so
// only the CSV and TSV fixtures are compared.
//
//   npm run build && node bench/tools/fixtures-vs-duckdb.mjs
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { nodeDuckdb } from '../../pkg-tests/node/helpers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const { Workspace } = require(join(root, 'pkg/node/rapport.js'));

const FOLDERS = ['dialects', 'encodings'];

/** The encoding to name to DuckDB when its defaults fail, by the fixture's name. */
const ENCODING = [[/utf16/, 'utf-16'], [/windows1252/, 'latin-1']];

async function openDuckdb() {
  const db = await nodeDuckdb();
  const conn = db.connect();
  // Offline: an extension DuckDB would fetch is an error here, not a wait.
  conn.query('SET autoinstall_known_extensions = false');
  conn.query('SET autoload_known_extensions = false');
  return { db, conn };
}

/** A cell as comparable text: numbers rounded to 9 significant digits, dates ISO. */
function show(value, type) {
  if (value == null) return 'null';
  const t = String(type);
  if (t.startsWith('Date')) return new Date(Number(value)).toISOString().slice(0, 10);
  if (t.startsWith('Timestamp')) return new Date(Number(value)).toISOString().replace('.000Z', 'Z');
  if (typeof value === 'number' || typeof value === 'bigint') return String(Number(Number(value).toPrecision(9)));
  return String(value);
}

/** `{ name: [cell text…] }` of an Arrow table. */
function columnsOf(table) {
  const out = {};
  for (const field of table.schema.fields) {
    const col = table.getChild(field.name);
    out[field.name] = Array.from({ length: table.numRows }, (_, i) => show(col.get(i), field.type));
  }
  return out;
}

/** Rapport's reading of one file: the report and, per header it mapped, the values kept. */
function rapportRead(name, bytes) {
  const ws = new Workspace();
  try {
    const report = ws.load('auto', bytes, { fileName: name });
    const table = columnsOf(tableFromIPC(ws.table(report.entity)));
    const byHeader = {};
    for (const m of report.mapping) {
      const column = m.field ?? m.header;
      if (m.kind !== 'ignored' && table[column]) byHeader[m.header] = table[column];
    }
    return { report, byHeader };
  } finally {
    ws.free();
  }
}

/**
 * DuckDB's reading: the header → values it made with its defaults, or the error it gave
 * and, where the fixture's encoding is known, what it made with that encoding named.
 */
function duckdbRead(duck, name, bytes) {
  duck.db.registerFileBuffer(name, bytes);
  const read = (options) => {
    try {
      return { columns: columnsOf(duck.conn.query(`SELECT * FROM read_csv('${name}'${options})`)) };
    } catch (e) {
      return { error: String(e.message).split('\n')[0] };
    }
  };
  try {
    const plain = read('');
    const encoding = ENCODING.find(([pattern]) => pattern.test(name))?.[1];
    if (!plain.error || !encoding) return plain;
    return { ...read(`, encoding = '${encoding}'`), first: plain.error, encoding };
  } finally {
    duck.db.dropFile(name);
  }
}

function compare(name, r, d) {
  const lines = [];
  const rows = r.report;
  lines.push(`${name}: Rapport read ${rows.rowsRead} rows, loaded ${rows.rowsLoaded}, rejected ${rows.rowsRejected}` +
    (rows.rejected.length ? ` (${rows.rejected.map((j) => `row ${j.row} ${j.column ?? ''}: ${j.reason}`).join('; ')})` : ''));
  if (d.first) lines.push(`  DuckDB-wasm, defaults: error: ${d.first}; again with encoding = '${d.encoding}':`);
  if (d.error) return [...lines, `  DuckDB-wasm: error: ${d.error}`];
  const duckRows = Object.values(d.columns)[0]?.length ?? 0;
  const names = Object.keys(d.columns).join(', ');
  lines.push(`  DuckDB-wasm read ${duckRows} rows, columns ${names.length > 80 ? `${JSON.stringify(names.slice(0, 40))}…` : names}`);
  // Rapport's loaded rows against DuckDB's rows minus the ones Rapport rejected (records
  // numbered from 2 after the header; the fixtures have no records over several lines).
  const rejected = new Set(rows.rejected.map((j) => j.row - 2));
  const kept = [...Array(duckRows).keys()].filter((i) => !rejected.has(i));
  let agree = 0;
  for (const [header, values] of Object.entries(r.byHeader)) {
    const theirs = d.columns[header];
    if (!theirs) {
      lines.push(`  ${header}: no such column in DuckDB-wasm's reading`);
      continue;
    }
    const i = kept.findIndex((row, k) => theirs[row] !== values[k]);
    if (i < 0 && kept.length === values.length) {
      agree++;
      continue;
    }
    const at = i < 0 ? 0 : i;
    lines.push(`  ${header}: differs at record ${kept[at] + 1}: Rapport ${JSON.stringify(values[at])}, DuckDB-wasm ${JSON.stringify(theirs[kept[at]])}`);
  }
  lines.push(`  columns that agree on every kept row: ${agree} of ${Object.keys(r.byHeader).length}`);
  return lines;
}

const duck = await openDuckdb();
for (const folder of FOLDERS) {
  const dir = join(root, 'tests/fixtures', folder);
  for (const name of readdirSync(dir).filter((f) => /\.(csv|tsv)$/.test(f)).sort()) {
    const bytes = new Uint8Array(readFileSync(join(dir, name)));
    let r;
    try {
      r = rapportRead(name, bytes);
    } catch (e) {
      console.log(`${folder}/${name}: Rapport error: ${e.message}`);
      continue;
    }
    console.log(compare(`${folder}/${name}`, r, duckdbRead(duck, name, bytes)).join('\n'));
  }
}
await duck.db.terminate?.();
