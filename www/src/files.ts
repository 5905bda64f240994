// Reading files on this machine: dropped or picked Files, and the bundled
// sample (fetched from the page's own origin). `.gz` files are decompressed here.

export interface InputFile {
  name: string;
  bytes: Uint8Array;
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function decoded(name: string, bytes: Uint8Array): Promise<InputFile> {
  if (name.endsWith(".gz")) return { name: name.slice(0, -3), bytes: await gunzip(bytes) };
  return { name, bytes };
}

/** The bytes of files the user dropped or chose. */
export async function readLocalFiles(files: Iterable<File>): Promise<InputFile[]> {
  const out: InputFile[] = [];
  for (const f of files) out.push(await decoded(f.name, new Uint8Array(await f.arrayBuffer())));
  return out;
}

/** The bundled sample data (listed in sample/index.json). */
export async function fetchSample(): Promise<InputFile[]> {
  const manifest = (await (await fetch("sample/index.json")).json()) as { files: string[] };
  const out: InputFile[] = [];
  for (const name of manifest.files) {
    const res = await fetch(`sample/${encodeURIComponent(name)}`);
    if (!res.ok) throw new Error(`sample file ${name}: HTTP ${res.status}`);
    out.push(await decoded(name, new Uint8Array(await res.arrayBuffer())));
  }
  return out;
}

/** Orders files last, so the customers they refer to are loaded first. */
export function loadOrder(files: InputFile[]): InputFile[] {
  const rank = (n: string) => (/customer/i.test(n) ? 0 : /order/i.test(n) ? 2 : 1);
  return [...files].sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}
