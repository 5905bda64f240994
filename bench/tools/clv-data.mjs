#!/usr/bin/env node
// Writes the clv_fit task's customer summaries (bench/page/clv-data.js) as CSV for the
// lifetimes comparison: node bench/tools/clv-data.mjs --customers 1000000 --out bench/data/clv-1m.csv
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { clvSummary } from '../page/clv-data.js';

const { values } = parseArgs({ options: { customers: { type: 'string', default: '1000000' }, out: { type: 'string' } } });
if (!values.out) throw new Error('usage: node bench/tools/clv-data.mjs --customers N --out FILE');
const n = Number(values.customers);
const s = clvSummary(n);
const out = createWriteStream(values.out);
out.write('frequency,recency,T,monetary_value\n');
let chunk = '';
for (let i = 0; i < n; i++) {
  chunk += `${s.frequency[i]},${s.recency[i]},${s.T[i]},${s.monetary[i]}\n`;
  if (chunk.length > 1 << 20) {
    out.write(chunk);
    chunk = '';
  }
}
out.end(chunk);
