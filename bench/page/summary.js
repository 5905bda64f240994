// Reduces a monthly result to what the harness compares across engines.

/** `{ months, orders, revenue, customers }` summed over the months of `rows`. */
export function monthlyTotals(rows) {
  const totals = { months: rows.length, orders: 0, revenue: 0, customers: 0, first: null, last: null };
  for (const row of rows) {
    totals.orders += Number(row.orders);
    totals.revenue += Number(row.revenue);
    totals.customers += Number(row.customers ?? NaN);
  }
  if (rows.length) {
    totals.first = String(rows[0].period);
    totals.last = String(rows[rows.length - 1].period);
  }
  return totals;
}

/** The URL of one engine's bundle (a variable, so the bundler leaves the import alone). */
export function engineUrl(name) {
  return new URL(`/dist/engine-${name}.js`, location.href).href;
}

/**
 * `{ scored, r1f1 … r5f5, m1 … m5 }` from per-customer `[r, f, m]` scores: what the
 * harness compares across engines' RFM results.
 */
export function rfmTotals(scores) {
  const totals = { scored: 0 };
  for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) totals[`r${r}f${f}`] = 0;
  for (let m = 1; m <= 5; m++) totals[`m${m}`] = 0;
  for (const [r, f, m] of scores) {
    totals.scored += 1;
    totals[`r${r}f${f}`] += 1;
    totals[`m${m}`] += 1;
  }
  return totals;
}

/**
 * `{ cohorts, size, periods, revenue, a0, a1, … }` from `[{ cohort, size, active, revenue }]`:
 * active customers summed over cohorts per period k (a zero cell may be absent).
 */
export function cohortTotals(cohorts) {
  const totals = { cohorts: cohorts.length, size: 0, periods: 0, revenue: 0 };
  for (const c of cohorts) {
    totals.size += Number(c.size);
    c.active.forEach((a, k) => {
      if (Number(a) !== 0) totals[`a${k}`] = (totals[`a${k}`] ?? 0) + Number(a);
    });
    totals.periods = Math.max(totals.periods, c.active.length);
    for (const r of c.revenue) totals.revenue += Number(r);
  }
  return totals;
}

/**
 * `{ cells, orders, revenue, customers }` from pivot cells `[{ category, month, orders,
 * revenue, customers }]`: non-empty cells counted, each measure summed over them.
 */
export function pivotTotals(cells) {
  const totals = { cells: 0, orders: 0, revenue: 0, customers: 0 };
  for (const c of cells) {
    if (Number(c.orders) === 0 && Number(c.revenue) === 0 && Number(c.customers) === 0) continue;
    totals.cells += 1;
    totals.orders += Number(c.orders);
    totals.revenue += Number(c.revenue);
    totals.customers += Number(c.customers);
  }
  return totals;
}

/** `cooc`: pairs among this many products bought by the most customers … */
export const COOC_PRODUCTS = 50;
/** … and this many pairs kept, by customers descending, then `a`, `b` ascending. */
export const COOC_PAIRS = 100;

/**
 * `{ pairs, count, first, list }` from `[{ a, b, count }]` in rank order: the number of
 * pairs, their customer counts summed, the top pair, and the whole ranked list as one
 * string (`a+b:count` joined by spaces) so the harness can compare it exactly.
 */
export function coocTotals(pairs) {
  const list = pairs.map((p) => `${p.a}+${p.b}:${Number(p.count)}`);
  return {
    pairs: pairs.length,
    count: pairs.reduce((s, p) => s + Number(p.count), 0),
    first: list[0] ?? null,
    list: list.join(' '),
  };
}
