// Shared helpers of the Node package tests.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

export const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** A bundled sample file's bytes (decompressed when committed as .gz). */
export function sample(name) {
  const path = join(root, "examples/data", name);
  try {
    return new Uint8Array(readFileSync(path));
  } catch {
    return new Uint8Array(gunzipSync(readFileSync(path + ".gz")));
  }
}
