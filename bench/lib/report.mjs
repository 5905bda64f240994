// The results table, bench/results.json and the cross-engine agreement checks.
import fs from 'node:fs';

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

const round = (x, digits = 3) => (x == null ? null : Number(x.toFixed(digits)));

/** One results.json entry from the runs of one task × size × engine. */
export function summarise({ task, size, engine, runs, peaks, rows, wasmBytes, csvBytes }) {
  const medianMs = median(runs);
  // The run with the highest peak gives peak_bytes and, where known, the RSS just before it.
  const highest = peaks.every((p) => p?.peak != null) && peaks.length
    ? peaks.reduce((a, b) => (b.peak > a.peak ? b : a)) : null;
  const entry = {
    task,
    size,
    engine,
    runs_ms: runs.map((x) => round(x)),
    min_ms: round(Math.min(...runs)),
    median_ms: round(medianMs),
    peak_bytes: highest?.peak ?? null,
  };
  // RSS may dip between resetting the mark and reading it: the base never exceeds the peak.
  if (highest?.base != null) entry.base_bytes = Math.min(highest.base, highest.peak);
  if (task === 'load_orders') {
    entry.mb_per_s = round(csvBytes / 1e6 / (medianMs / 1000), 1);
    entry.rows = rows ?? null;
  }
  if (wasmBytes != null) entry.wasm_bytes = wasmBytes;
  return entry;
}

const mib = (bytes) => (bytes == null ? '—' : `${(bytes / 2 ** 20).toFixed(0)} MiB`);
const ms = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

/** Prints the table: ratio = peer median / rapport median of the same task and size. */
export function printTable(entries) {
  const rapport = new Map(entries.filter((e) => e.engine === 'rapport')
    .map((e) => [`${e.task}/${e.size}`, e.median_ms]));
  const header = ['task', 'size', 'engine', 'min ms', 'median ms', 'ratio', 'MB/s', 'peak RSS (+run)', 'wasm mem'];
  const lines = entries.map((e) => {
    const base = rapport.get(`${e.task}/${e.size}`);
    return [e.task, e.size, e.engine, ms(e.min_ms), ms(e.median_ms),
      base ? `${(e.median_ms / base).toFixed(2)}×` : '—',
      e.mb_per_s != null ? e.mb_per_s.toFixed(1) : '',
      e.base_bytes != null ? `${mib(e.peak_bytes)} (+${mib(e.peak_bytes - e.base_bytes)})` : mib(e.peak_bytes),
      e.wasm_bytes != null ? mib(e.wasm_bytes) : ''];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const numeric = new Set([3, 4, 5, 6, 7, 8]);
  const fmt = (cells) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  console.log(`\n${fmt(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const l of lines) console.log(fmt(l));
  if (!rapport.size) console.log('(ratio needs rapport results: none in this run)');
}

/** Writes `entries` into `file`, replacing earlier entries of the same task × size × engine. */
export function writeResults(file, entries) {
  let previous = [];
  try {
    previous = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!Array.isArray(previous)) previous = [];
  } catch { /* first run, or unreadable: start afresh */ }
  const key = (e) => `${e.task}\u0000${e.size}\u0000${e.engine}`;
  const fresh = new Set(entries.map(key));
  const merged = [...previous.filter((e) => !fresh.has(key(e))), ...entries];
  fs.writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
}

/**
 * Compares per-engine monthly totals: orders and customers exactly, revenue to 1e-6
 * relative, and the month range. Returns warning lines (empty when all agree).
 */
export function compareTotals(task, totalsByEngine) {
  const engines = Object.keys(totalsByEngine);
  if (engines.length < 2) return [];
  const [refName, ref] = Object.entries(totalsByEngine)[0];
  const warnings = [];
  for (const name of engines.slice(1)) {
    const t = totalsByEngine[name];
    const problems = [];
    if (t.orders !== ref.orders) problems.push(`orders ${t.orders} vs ${ref.orders}`);
    if (t.customers !== ref.customers) problems.push(`customers ${t.customers} vs ${ref.customers}`);
    const rel = Math.abs(t.revenue - ref.revenue) / Math.max(Math.abs(ref.revenue), 1e-12);
    if (!(rel <= 1e-6)) problems.push(`revenue ${t.revenue} vs ${ref.revenue} (relative ${rel.toExponential(2)})`);
    if (t.months !== ref.months || t.first !== ref.first || t.last !== ref.last) {
      problems.push(`months ${t.months} ${t.first}…${t.last} vs ${ref.months} ${ref.first}…${ref.last}`);
    }
    if (problems.length) warnings.push(`WARNING: ${task}: ${name} disagrees with ${refName}: ${problems.join('; ')}`);
  }
  return warnings;
}

/**
 * Warns when engines' RFM results differ: the number of customers scored and the
 * customers in every R × F cell and M score (the same tie rule gives the same cells).
 */
export function compareRfm(totalsByEngine) {
  const entries = Object.entries(totalsByEngine);
  if (entries.length < 2) return [];
  const [refName, ref] = entries[0];
  const warnings = [];
  for (const [name, t] of entries.slice(1)) {
    const keys = new Set([...Object.keys(ref), ...Object.keys(t)]);
    const diff = [...keys].filter((k) => ref[k] !== t[k]).map((k) => `${k} ${t[k]} vs ${ref[k]}`);
    if (diff.length) warnings.push(`WARNING: rfm: ${name} disagrees with ${refName}: ${diff.slice(0, 8).join('; ')}`);
  }
  return warnings;
}

/**
 * Warns when engines' monthly retention matrices differ: the number of cohorts, the
 * customers in them, active customers summed over cohorts per period k (exactly) and the
 * revenue over every cell (to 1e-6 relative).
 */
export function compareCohorts(totalsByEngine) {
  const entries = Object.entries(totalsByEngine);
  if (entries.length < 2) return [];
  const [refName, ref] = entries[0];
  const warnings = [];
  for (const [name, t] of entries.slice(1)) {
    const keys = new Set([...Object.keys(ref), ...Object.keys(t)].filter((k) => k !== 'revenue' && k !== 'periods'));
    const diff = [...keys].filter((k) => (ref[k] ?? 0) !== (t[k] ?? 0)).map((k) => `${k} ${t[k]} vs ${ref[k]}`);
    if (Math.abs(ref.revenue - t.revenue) > 1e-6 * Math.max(1, Math.abs(ref.revenue))) {
      diff.push(`revenue ${t.revenue} vs ${ref.revenue}`);
    }
    if (diff.length) warnings.push(`WARNING: cohorts: ${name} disagrees with ${refName}: ${diff.slice(0, 8).join('; ')}`);
  }
  return warnings;
}

/** Warns when engines loaded different numbers of rows from the same CSV. */
export function compareRows(rowsByEngine) {
  const known = Object.entries(rowsByEngine).filter(([, n]) => n != null);
  const distinct = new Set(known.map(([, n]) => n));
  if (distinct.size <= 1) return [];
  return [`WARNING: load_orders: engines loaded different row counts: ${known.map(([e, n]) => `${e}=${n}`).join(', ')}`];
}

/** Warns when engines' pivot totals (non-empty cells; orders, customers, revenue summed over cells) differ. */
export function comparePivot(totalsByEngine) {
  const entries = Object.entries(totalsByEngine);
  if (entries.length < 2) return [];
  const [refName, ref] = entries[0];
  const warnings = [];
  for (const [name, t] of entries.slice(1)) {
    const diff = ['cells', 'orders', 'customers'].filter((k) => ref[k] !== t[k]).map((k) => `${k} ${t[k]} vs ${ref[k]}`);
    if (Math.abs(ref.revenue - t.revenue) > 1e-6 * Math.max(1, Math.abs(ref.revenue))) diff.push(`revenue ${t.revenue} vs ${ref.revenue}`);
    if (diff.length) warnings.push(`WARNING: pivot: ${name} disagrees with ${refName}: ${diff.join('; ')}`);
  }
  return warnings;
}

/**
 * Warns when engines' `cooc` answers differ: the number of pairs, the summed counts and
 * the ranked list itself (the first position where they part is named).
 */
export function compareCooc(totalsByEngine) {
  const entries = Object.entries(totalsByEngine);
  if (entries.length < 2) return [];
  const [refName, ref] = entries[0];
  const warnings = [];
  for (const [name, t] of entries.slice(1)) {
    const diff = ['pairs', 'count'].filter((k) => ref[k] !== t[k]).map((k) => `${k} ${t[k]} vs ${ref[k]}`);
    if (ref.list !== t.list) {
      const [a, b] = [ref.list.split(' '), t.list.split(' ')];
      const at = a.findIndex((x, i) => x !== b[i]);
      const i = at < 0 ? a.length : at;
      diff.push(`ranked pairs differ from position ${i + 1}: ${b[i] ?? '(none)'} vs ${a[i] ?? '(none)'}`);
    }
    if (diff.length) warnings.push(`WARNING: cooc: ${name} disagrees with ${refName}: ${diff.join('; ')}`);
  }
  return warnings;
}
