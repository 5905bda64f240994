// A small static file server on 127.0.0.1 (random free port) for the bench page, its
// bundles, DuckDB's worker and wasm, Rapport's pkg/web and the cached datasets.
// Every response is `Cache-Control: no-store`, so each cold_start page fetches and
// compiles everything as a first visit would.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.map': 'application/json',
};

/** Starts serving `mounts` (`{ "/prefix/": "/abs/dir" }`); resolves to `{ origin, close }`. */
export async function startServer(mounts) {
  const server = http.createServer((req, res) => {
    const send = (status, text) => {
      res.writeHead(status, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' });
      res.end(text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      return send(400, 'bad request');
    }
    const prefix = Object.keys(mounts).find((p) => pathname.startsWith(p));
    if (!prefix) return send(404, `not found: ${pathname}`);
    const root = mounts[prefix];
    const file = path.resolve(root, `.${path.sep}${pathname.slice(prefix.length)}`);
    if (file !== root && !file.startsWith(root + path.sep)) return send(403, 'forbidden');
    fs.stat(file, (err, stat) => {
      if (err || !stat.isFile()) return send(404, `not found: ${pathname}`);
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'Content-Length': stat.size,
        'Cache-Control': 'no-store',
      });
      if (req.method === 'HEAD') return res.end();
      fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
