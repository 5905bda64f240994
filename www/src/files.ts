// The files to load: dropped or picked Files, and the bundled sample (fetched
// from the page's own origin). Only handles cross to the worker, which reads
// each file as a stream (and decompresses `.gz` files as it reads them); the
// page never holds a file's bytes.

export interface InputFile {
  /** The name as given, `.gz` included. */
  name: string;
  /** The file itself (a `File`, or a `Blob` for the sample). */
  blob: Blob;
}

/** The name a file is loaded under (without `.gz`). */
export function loadName(name: string): string {
  return name.endsWith(".gz") ? name.slice(0, -3) : name;
}

/** The files the user dropped or chose. */
export function localFiles(files: Iterable<File>): InputFile[] {
  return Array.from(files, (f) => ({ name: f.name, blob: f }));
}

/** The bundled sample data (listed in sample/index.json). */
export async function fetchSample(): Promise<InputFile[]> {
  const manifest = (await (await fetch("sample/index.json")).json()) as { files: string[] };
  const out: InputFile[] = [];
  for (const name of manifest.files) {
    const res = await fetch(`sample/${encodeURIComponent(name)}`);
    if (!res.ok) throw new Error(`sample file ${name}: HTTP ${res.status}`);
    out.push({ name, blob: await res.blob() });
  }
  return out;
}

/** Orders files last, so the customers they refer to are loaded first. */
export function loadOrder(files: InputFile[]): InputFile[] {
  const rank = (n: string) => (/customer/i.test(n) ? 0 : /order/i.test(n) ? 2 : 1);
  return [...files].sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}
