// The bench engine's second worker: its own instance of the Rapport module reads
// the later part of a file (`Loader.part`) while the page's instance reads the
// first part, as the demo page's part worker does. The part arrives as it would
// from a file: a `start` message (the file's head, the part's size), then its
// bytes piece by piece, then `end`; each piece is pushed as it comes.
import * as rapport from '/pkg/rapport.js';

const ready = rapport.default({ module_or_path: new URL('/pkg/rapport_bg.wasm', location.href) });

let loader = null;
let before = 0;
let failed = null;

function fail(e) {
  failed ??= String(e?.message ?? e);
  loader?.free();
  loader = null;
}

self.onmessage = async ({ data }) => {
  await ready;
  try {
    if (data.type === 'start') {
      loader?.free();
      failed = null;
      before = rapport.memoryBytes();
      loader = rapport.Loader.part(data.entity, data.options, data.head, data.size);
    } else if (data.type === 'piece') {
      if (loader) loader.push(data.bytes);
    } else if (data.type === 'end') {
      if (failed) {
        self.postMessage({ error: failed });
        return;
      }
      const part = loader.finishPart();
      loader.free();
      loader = null;
      const memory = { beforeBytes: before, afterBytes: rapport.memoryBytes() };
      self.postMessage({ part, memory }, part.columns.map((c) => c.buffer));
    }
  } catch (e) {
    fail(e);
    if (data.type === 'end') self.postMessage({ error: failed });
  }
};
