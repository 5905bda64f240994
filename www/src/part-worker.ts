// The part worker: its own instance of the wasm module reads the later part of a
// big file (`Loader.part`) while the main worker reads the first part, so a load
// uses two cores. It hands out the part's columns (Arrow IPC) and report a piece at
// a time (`takePart`), so its memory holds about one piece's columns however big the
// file; the main worker adds them, in order, to its own loader (`Loader.addPart`).
import init, { Loader } from "../../pkg/web/rapport.js";
import type { EntityName, LoadOptions, LoadPart } from "../../pkg/web/rapport.js";

const ready = init({ module_or_path: new URL("rapport_bg.wasm", import.meta.url) });

/** What the main worker asks: read `blob`, the part, settled on `head`, the file's first bytes. */
export interface PartRequest { blob: Blob; head: Uint8Array; entity: EntityName | "auto"; options: LoadOptions }

/**
 * Bytes of the part read between two pieces handed out (and what each piece's columns are
 * sized for): an eighth of the part, 4 MiB at least. Smaller pieces keep this instance's
 * memory down; each piece costs a message and a join, so a big part goes in a few big ones.
 */
export const pieceBytes = (partBytes: number) => Math.max(4 << 20, Math.ceil(partBytes / 8));

/**
 * What this worker answers: progress (bytes of the part read) and pieces of the part as
 * it goes, then the rest of the part, or why not.
 */
export type PartMessage = { progress: number } | { piece: LoadPart } | { part: LoadPart } | { error: string };

const post = (m: PartMessage, transfer: Transferable[] = []) => self.postMessage(m, { transfer });

self.onmessage = async ({ data }: MessageEvent<PartRequest>) => {
  let loader: Loader | undefined;
  try {
    await ready;
    const piece = pieceBytes(data.blob.size);
    loader = Loader.part(data.entity, data.options, data.head, Math.min(data.blob.size, piece));
    const reader = data.blob.stream().getReader();
    let reported = 0;
    let taken = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const p = loader.push(value);
      if (p.bytesDone - reported >= 1 << 20) {
        reported = p.bytesDone;
        post({ progress: p.bytesDone });
      }
      if (p.bytesDone - taken >= piece) {
        taken = p.bytesDone;
        const piece: LoadPart = loader.takePart();
        post({ piece }, piece.columns.map((c) => c.buffer));
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
