// The bench engine's second worker: its own instance of the Rapport module reads
// the later part of a file (`Loader.part`) while the page's instance reads the
// first part, as the demo page's part worker does: it hands out the part's columns
// a piece at a time (`takePart`, every eighth of the part, 4 MiB at least), then the rest (`finishPart`).
import * as rapport from '/pkg/rapport.js';

const ready = rapport.default({ module_or_path: new URL('/pkg/rapport_bg.wasm', location.href) });

/** Bytes between pieces, as the demo page's part worker (www/src/part-worker.ts): an eighth of the part, 4 MiB at least. */
const pieceBytes = (partBytes) => Math.max(4 << 20, Math.ceil(partBytes / 8));

self.onmessage = async ({ data: { entity, options, head, bytes, chunkBytes } }) => {
  await ready;
  const before = rapport.memoryBytes();
  let loader = null;
  try {
    const pieces = typeof rapport.Loader.prototype.takePart === 'function';
    const piece = pieces ? Math.min(bytes.byteLength, pieceBytes(bytes.byteLength)) : bytes.byteLength;
    loader = rapport.Loader.part(entity, options, head, piece);
    let taken = 0;
    for (let at = 0; at < bytes.byteLength; at += chunkBytes) {
      const done = loader.push(bytes.subarray(at, at + chunkBytes)).bytesDone;
      if (pieces && done - taken >= piece) {
        taken = done;
        const piece = loader.takePart();
        self.postMessage({ piece }, piece.columns.map((c) => c.buffer));
      }
    }
    const part = loader.finishPart();
    const memory = { beforeBytes: before, afterBytes: rapport.memoryBytes() };
    self.postMessage({ part, memory }, part.columns.map((c) => c.buffer));
  } catch (e) {
    self.postMessage({ error: String(e?.message ?? e) });
  } finally {
    loader?.free();
  }
};
