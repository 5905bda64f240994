// Synthetic customer summaries for task `clv_fit`: `customers` histories drawn from the
// BG/NBD model (weeks; r 0.25, α 4, a 0.8, b 2.5; ages whole days, 7–546) with
// Gamma–Gamma spend (p 6, q 4, γ 15), from mulberry32 seed 42 — the same arrays in the
// page and in `bench/tools/clv-data.mjs`, which writes them as CSV for lifetimes.
export const CLV_TRUTH = { r: 0.25, alpha: 4, a: 0.8, b: 2.5, p: 6, q: 4, v: 15 };

function mulberry32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws from a seeded stream: uniform (0, 1), standard normal, gamma(shape, 1). */
function sampler(seed) {
  const u = mulberry32(seed);
  const uniform = () => {
    let x = u();
    while (x === 0) x = u();
    return x;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * u());
  // Marsaglia & Tsang (2000); shape < 1 by boosting.
  const gamma = (shape) => {
    if (shape < 1) return gamma(shape + 1) * Math.pow(uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x, v;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const w = uniform();
      if (w < 1 - 0.0331 * x ** 4 || Math.log(w) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  };
  return { uniform, gamma };
}

/**
 * `{ frequency, recency, T, monetary }` (Float64Array each) of `customers` customers, as
 * lifetimes' conventions make them from dated orders: the first purchase on day 0, the
 * calibration end on a whole day 7–546 days later (T = days / 7), purchases on the
 * same day as the previous one counted once, recency = the last purchase day / 7.
 */
export function clvSummary(customers, seed = 42) {
  const { r, alpha, a, b, p, q, v } = CLV_TRUTH;
  const { uniform, gamma } = sampler(seed);
  const out = {
    frequency: new Float64Array(customers), recency: new Float64Array(customers),
    T: new Float64Array(customers), monetary: new Float64Array(customers),
  };
  for (let i = 0; i < customers; i++) {
    const ageDays = 7 + Math.floor(540 * uniform());
    const lambda = gamma(r) / alpha; // purchases per week
    const ga = gamma(a);
    const drop = ga / (ga + gamma(b));
    let x = 0, lastDay = 0, now = 0;
    for (;;) {
      now += -Math.log(uniform()) / Math.max(lambda, 1e-300);
      const day = Math.floor(now * 7);
      if (day > ageDays) break;
      if (day > lastDay) {
        x += 1;
        lastDay = day;
      }
      if (uniform() < drop) break;
    }
    let spend = 0;
    if (x > 0) {
      const nu = gamma(q) / v;
      for (let k = 0; k < x; k++) spend += gamma(p) / nu;
      spend /= x;
    }
    out.frequency[i] = x;
    out.recency[i] = lastDay / 7;
    out.T[i] = ageDays / 7;
    out.monetary[i] = spend;
  }
  return out;
}
