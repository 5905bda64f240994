// Arquero engine for the bench page: a plain JS column table.
// Expressions are strings so bundling (renaming `op`) cannot break Arquero's parser.
import * as aq from 'arquero';
import { SEGMENT_ARQUERO, flatColumns } from '../segment-data.js';
import { COOC_PAIRS, COOC_PRODUCTS } from '../summary.js';

export async function createEngine() {
  let table = null;
  let rfmTable = null;
  let customers = null;
  const decoder = new TextDecoder();
  return {
    consumesInput: false,
    /** Untimed: forgets the previous table. */
    async prepareLoad() {
      table = null;
    },
    /** Timed: bytes → text → table (Arquero's default type inference: numbers, ISO dates). */
    async load(bytes) {
      table = aq.fromCSV(decoder.decode(bytes));
    },
    async finishLoad() {
      return { rows: table.numRows() };
    },
    /** Timed: derive a yyyymm key, group, roll up, read back as objects. */
    async monthly() {
      const rows = table
        .derive({ month: 'd => op.utcyear(d.order_date) * 100 + op.utcmonth(d.order_date) + 1' })
        .groupby('month')
        .rollup({
          orders: 'd => op.distinct(d.order_id)',
          revenue: 'd => op.sum(d.amount)',
          customers: 'd => op.distinct(d.customer_id)',
        })
        .orderby('month')
        .objects();
      return rows.map((r) => ({
        period: `${Math.floor(r.month / 100)}-${String(r.month % 100).padStart(2, '0')}`,
        orders: r.orders,
        revenue: r.revenue,
        customers: r.customers,
      }));
    },
    /**
     * Timed: per customer the last order (returns, as negative amounts, are not orders),
     * distinct orders and net revenue; quintiles (SQL NTILE sizes) over the sorted
     * customers, ties broken by the customer's first row in the file.
     */
    async rfm() {
      const asOf = table.rollup({ d: 'd => op.max(d.order_date)' }).get('d', 0);
      const customers = table
        .derive({
          row: 'd => op.row_number()',
          sale: 'd => d.amount >= 0 ? d.order_date : null',
          sale_id: 'd => d.amount >= 0 ? d.order_id : null',
        })
        .groupby('customer_id')
        .rollup({
          first_row: 'd => op.min(d.row)',
          last_order: 'd => op.max(d.sale)',
          // op.distinct counts null (the returns) as a value: take it off.
          frequency: 'd => op.distinct(d.sale_id) - (op.min(d.amount) < 0 ? 1 : 0)',
          monetary: 'd => op.sum(d.amount)',
        })
        .filter('d => d.last_order != null')
        .params({ asOf: +asOf })
        .derive({ recency: '(d, $) => ($.asOf - d.last_order) / 86400000' });
      // SQL NTILE: the first n % 5 groups hold one more customer (Arquero's op.ntile cuts
      // differently), so the bucket is computed from the row number.
      const n = customers.numRows();
      const small = Math.floor(n / 5);
      const params = { small, big: small + 1, nBig: n % 5 };
      const score = (key, desc) => customers
        .orderby(desc ? aq.desc(key) : key, 'first_row')
        .params(params)
        .derive({ [`s_${key}`]: `(d, $) => {
          const k = op.row_number() - 1;
          return 1 + (k < $.nBig * $.big ? Math.floor(k / $.big) : $.nBig + Math.floor((k - $.nBig * $.big) / $.small));
        }` })
        .select('customer_id', `s_${key}`);
      rfmTable = score('recency', true).join(score('frequency', false), 'customer_id').join(score('monetary', false), 'customer_id');
      return rfmTable;
    },
    /** Untimed: per-customer `[r, f, m]`. */
    async rfmScores() {
      return rfmTable.objects().map((o) => [o.s_recency, o.s_frequency, o.s_monetary]);
    },
    /**
     * Timed: each customer's first order (returns, as negative amounts, are not orders),
     * then per cohort month and months since it, distinct active customers and net revenue.
     */
    async cohorts() {
      const first = table
        .filter('d => d.amount >= 0')
        .groupby('customer_id')
        .rollup({ first: 'd => op.min(d.order_date)' });
      const cells = table
        .join(first, 'customer_id')
        .derive({
          cm: 'd => op.utcyear(d.first) * 12 + op.utcmonth(d.first)',
          om: 'd => op.utcyear(d.order_date) * 12 + op.utcmonth(d.order_date)',
          buyer: 'd => d.amount >= 0 ? d.customer_id : null',
        })
        .derive({ k: 'd => d.om - d.cm' })
        .filter('d => d.k >= 0')
        .groupby('cm', 'k')
        .rollup({
          // op.distinct counts null (the returns) as a value: take it off.
          active: 'd => op.distinct(d.buyer) - (op.min(d.amount) < 0 ? 1 : 0)',
          revenue: 'd => op.sum(d.amount)',
        })
        .orderby('cm', 'k')
        .objects();
      const out = [];
      for (const r of cells) {
        const label = `${Math.floor(r.cm / 12)}-${String((r.cm % 12) + 1).padStart(2, '0')}`;
        if (!out.length || out[out.length - 1].cohort !== label) out.push({ cohort: label, size: 0, active: [], revenue: [] });
        const c = out[out.length - 1];
        c.active[r.k] = r.active;
        c.revenue[r.k] = r.revenue;
        if (r.k === 0) c.size = r.active;
      }
      for (const c of out) for (let j = 0; j < c.active.length; j++) { c.active[j] ??= 0; c.revenue[j] ??= 0; }
      return out;
    },
    /** Timed: category × month: distinct orders and buying customers (returns are neither), net revenue. */
    async pivot() {
      return table
        .derive({
          month: 'd => op.utcyear(d.order_date) * 100 + op.utcmonth(d.order_date) + 1',
          sale_id: 'd => d.amount >= 0 ? d.order_id : null',
          buyer: 'd => d.amount >= 0 ? d.customer_id : null',
        })
        .groupby('category', 'month')
        .rollup({
          // op.distinct counts null (the returns) as a value: take it off.
          orders: 'd => op.distinct(d.sale_id) - (op.min(d.amount) < 0 ? 1 : 0)',
          revenue: 'd => op.sum(d.amount)',
          customers: 'd => op.distinct(d.buyer) - (op.min(d.amount) < 0 ? 1 : 0)',
        })
        .objects();
    },
    /**
     * Timed: distinct (customer, product) of the non-return lines, the 50 products with
     * the most customers, a self-join on the customer, pairs a < b counted, the top 100.
     */
    async cooc() {
      const cp = table
        .filter("d => d.amount >= 0 && d.customer_id != null && d.product_id != null && d.product_id !== ''")
        .select('customer_id', 'product_id')
        .dedupe();
      const top = cp
        .groupby('product_id')
        .count({ as: 'n' })
        .orderby(aq.desc('n'), 'product_id')
        .slice(0, COOC_PRODUCTS)
        .select('product_id');
      const t = cp.semijoin(top, 'product_id');
      return t
        .rename({ product_id: 'a' })
        .join(t.rename({ product_id: 'b' }), 'customer_id')
        .filter('d => d.a < d.b')
        .groupby('a', 'b')
        .count({ as: 'count' })
        .orderby(aq.desc('count'), 'a', 'b')
        .slice(0, COOC_PAIRS)
        .objects();
    },
    /** Untimed: the flat synthetic customers table. */
    async prepareSegment(data) {
      customers = aq.table(flatColumns(data));
    },
    /** Timed: filter with the five conditions, count the rows. */
    async segmentCount() {
      return customers.filter(SEGMENT_ARQUERO).numRows();
    },
    memoryBytes: () => null,
    async close() {
      table = null;
    },
  };
}
