// Stand-in for `rapport generate --only orders` while the native CLI does not exist yet:
// writes DIR/orders.csv with the same header and value shapes (deterministic, seed 42).
//   node bench/tools/fake-orders.mjs --customers 10000 --out bench/data/10k
import fs from 'node:fs';
import path from 'node:path';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const customers = Number(arg('customers', '10000'));
const out = arg('out', 'bench/data/fake');
if (!Number.isInteger(customers) || customers <= 0) throw new Error(`--customers must be a positive integer, got ${arg('customers')}`);

// Small xorshift32 generator: reproducible across runs, good enough for test data.
let state = 42;
const rand = () => {
  state ^= state << 13; state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5; state >>>= 0;
  return state / 4294967296;
};
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const categories = ['books', 'garden', 'kitchen', 'toys', 'sport', 'beauty', 'music', 'electronics'];
const start = Date.UTC(2022, 0, 1);
const days = 3 * 365;

fs.mkdirSync(out, { recursive: true });
const file = path.join(out, 'orders.csv');
const fd = fs.openSync(file, 'w');
let buf = 'order_id,customer_id,order_date,product_id,category,quantity,amount\n';
let orderId = 100000;
let lines = 0;
for (let c = 1; c <= customers; c++) {
  const customer = `C${String(c).padStart(8, '0')}`;
  const orders = int(1, 9);
  for (let o = 0; o < orders; o++) {
    orderId++;
    const date = new Date(start + int(0, days - 1) * 86400000).toISOString().slice(0, 10);
    const nLines = int(1, 3);
    for (let l = 0; l < nLines; l++) {
      const quantity = int(1, 4);
      const amount = (quantity * int(199, 19999) / 100).toFixed(2);
      buf += `${orderId},${customer},${date},P${String(int(1, 5000)).padStart(5, '0')},${categories[int(0, 7)]},${quantity},${amount}\n`;
      lines++;
    }
  }
  if (buf.length > 1 << 20) { fs.writeSync(fd, buf); buf = ''; }
}
fs.writeSync(fd, buf);
fs.closeSync(fd);
// bench/run.mjs warns while a dataset it uses carries this marker.
fs.writeFileSync(path.join(out, 'STAND-IN'), 'written by bench/tools/fake-orders.mjs, not the rapport CLI\n');
console.log(`${file}: ${lines} order lines for ${customers} customers`);
