// The part worker: its own instance of the wasm module reads the later part of a
// big file (`Loader.part`) while the main worker reads the first part, so a load
// uses two cores. It answers the part's columns (Arrow IPC) and report, which the
// main worker adds to its own loader (`Loader.addPart`).
import init, { Loader } from "../../pkg/web/rapport.js";
import type { EntityName, LoadOptions, LoadPart } from "../../pkg/web/rapport.js";

const ready = init({ module_or_path: new URL("rapport_bg.wasm", import.meta.url) });

/** What the main worker asks: read `blob`, the part, settled on `head`, the file's first bytes. */
export interface PartRequest { blob: Blob; head: Uint8Array; entity: EntityName | "auto"; options: LoadOptions }

/** What this worker answers: progress (bytes of the part read), then the part or why not. */
export type PartMessage = { progress: number } | { part: LoadPart } | { error: string };

const post = (m: PartMessage, transfer: Transferable[] = []) => self.postMessage(m, { transfer });

self.onmessage = async ({ data }: MessageEvent<PartRequest>) => {
  let loader: Loader | undefined;
  try {
    await ready;
    loader = Loader.part(data.entity, data.options, data.head, data.blob.size);
    const reader = data.blob.stream().getReader();
    let reported = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const p = loader.push(value);
      if (p.bytesDone - reported >= 1 << 20) {
        reported = p.bytesDone;
        post({ progress: p.bytesDone });
      }
    }
    const part: LoadPart = loader.finishPart();
    post({ part }, part.columns.map((c) => c.buffer));
  } catch (e) {
    post({ error: String((e as Error)?.message ?? e) });
  } finally {
    loader?.free();
  }
};
