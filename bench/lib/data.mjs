// The orders dataset of one size, generated once by the native CLI and cached under
// bench/data/<size>/orders.csv (git-ignored).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** `100k` → 100,000 customers, `1m` → 1,000,000, `<N>k`, `<N>m`. */
export function parseSize(text) {
  const match = /^(\d+)([km])$/i.exec(String(text).trim());
  if (!match || Number(match[1]) === 0) {
    throw new Error(`--size must look like 100k, 1m or <N>k (a number of customers), got "${text}"`);
  }
  const customers = Number(match[1]) * (match[2].toLowerCase() === 'k' ? 1_000 : 1_000_000);
  return { label: `${match[1]}${match[2].toLowerCase()}`, customers };
}

/**
 * Path of the cached orders CSV for `size`, generating it first if missing. Generation
 * writes into a temporary folder renamed on success, so an interrupted run never leaves a
 * partial file that looks cached.
 */
export function ensureOrders(repoRoot, benchDir, size) {
  const dir = path.join(benchDir, 'data', size.label);
  const file = path.join(dir, 'orders.csv');
  if (fs.existsSync(file)) {
    if (fs.existsSync(path.join(dir, 'STAND-IN'))) {
      console.log(`NOTE: ${path.relative(repoRoot, dir)} holds a stand-in dataset from ` +
        'bench/tools/fake-orders.mjs, not the rapport CLI: delete the folder to generate the real one');
    }
    return file;
  }

  const partial = `${dir}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true });
  const args = ['run', '--release', '--features', 'cli', '--bin', 'rapport', '--',
    'generate', '--customers', String(size.customers), '--seed', '42', '--out', partial,
    '--lean', '--only', 'orders'];
  console.log(`generating ${size.label} (${size.customers} customers): cargo ${args.join(' ')}`);
  const result = spawnSync('cargo', args, { cwd: repoRoot, stdio: 'inherit' });
  if (result.error || result.status !== 0 || !fs.existsSync(path.join(partial, 'orders.csv'))) {
    fs.rmSync(partial, { recursive: true, force: true });
    const why = result.error ? result.error.message : `exit status ${result.status}`;
    throw new Error(`could not generate ${file} with the rapport CLI (${why}). ` +
      `For a stand-in dataset of the same shape: node bench/tools/fake-orders.mjs ` +
      `--customers ${size.customers} --out ${path.relative(repoRoot, dir)}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(partial, dir);
  return file;
}
