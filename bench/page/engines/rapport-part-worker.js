// The bench engine's second worker: its own instance of the Rapport module reads
// the later part of a file (`Loader.part`) while the page's instance reads the
// first part, as the demo page's part worker does.
import * as rapport from '/pkg/rapport.js';

const ready = rapport.default({ module_or_path: new URL('/pkg/rapport_bg.wasm', location.href) });

self.onmessage = async ({ data: { entity, options, head, bytes, chunkBytes } }) => {
  await ready;
  const before = rapport.memoryBytes();
  let loader = null;
  try {
    loader = rapport.Loader.part(entity, options, head, bytes.byteLength);
    for (let at = 0; at < bytes.byteLength; at += chunkBytes) loader.push(bytes.subarray(at, at + chunkBytes));
    const part = loader.finishPart();
    const memory = { beforeBytes: before, afterBytes: rapport.memoryBytes() };
    self.postMessage({ part, memory }, part.columns.map((c) => c.buffer));
  } catch (e) {
    self.postMessage({ error: String(e?.message ?? e) });
  } finally {
    loader?.free();
  }
};
