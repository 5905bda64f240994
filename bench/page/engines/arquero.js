// Arquero engine for the bench page: a plain JS column table.
// Expressions are strings so bundling (renaming `op`) cannot break Arquero's parser.
import * as aq from 'arquero';
import { SEGMENT_ARQUERO, flatColumns } from '../segment-data.js';

export async function createEngine() {
  let table = null;
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
