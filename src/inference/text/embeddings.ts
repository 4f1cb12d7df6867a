// Textual-inversion embeddings (models.md §5.4, ComfyUI `load_embed`): resolved by name in the `embeddings`
// model folders, read from .safetensors or torch files, and the right tensor picked for the encoder.
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { toFloat32 } from '../files/dtype.ts';
import { openSafetensors } from '../files/safetensors.ts';
import { openTorchFile } from '../files/torch-pickle.ts';
import type { TensorRef } from '../files/weight-file.ts';
import { readTensorFloat32 } from '../files/weight-file.ts';
import { ZipArchive } from '../files/zip.ts';

/** An embedding's vectors, one per token position it occupies. */
export type EmbeddingVectors = Float32Array[];

/** Looks an embedding up by the name written after `embedding:`; null when there is no such file. */
export type EmbeddingSource = (name: string) => Promise<EmbeddingVectors | null>;

export interface EmbeddingOptions {
  /** The encoder's width (768 CLIP-L, 1024 CLIP-H, 1280 CLIP-G). */
  width: number;
  /** The encoder's key in multi-encoder embedding files: clip_l, clip_h, clip_g. */
  key: string;
  warn?: (message: string) => void;
}

const EXTENSIONS = ['.safetensors', '.pt', '.bin'];

/** The file `name` refers to in one of `dirs`: the exact name, then with each extension; never outside a dir. */
export function resolveEmbeddingFile(dirs: readonly string[], name: string): string | null {
  for (const dir of dirs) {
    const root = resolve(dir);
    const path = resolve(root, name);
    const rel = relative(root, path);
    if (rel.startsWith('..') || isAbsolute(rel)) continue;
    if (isFile(path)) return path;
    for (const ext of EXTENSIONS) if (isFile(path + ext)) return path + ext;
  }
  return null;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** An EmbeddingSource over the given embeddings folders, caching what it reads. */
export function folderEmbeddings(dirs: readonly string[], options: EmbeddingOptions): EmbeddingSource {
  const cache = new Map<string, Promise<EmbeddingVectors | null>>();
  return (name) => {
    const file = resolveEmbeddingFile(dirs, name);
    if (!file) return Promise.resolve(null);
    let loaded = cache.get(file);
    if (!loaded) {
      loaded = loadEmbeddingFile(file, options).catch((e: unknown) => {
        (options.warn ?? console.warn)(`error loading embedding, skipping loading: ${name} (${(e as Error).message})`);
        return null;
      });
      cache.set(file, loaded);
    }
    return loaded;
  };
}

type Tree = TensorRef | Map<unknown, Tree> | Tree[] | unknown;

function isRef(v: unknown): v is TensorRef {
  return typeof v === 'object' && v !== null && 'byteLength' in v && 'dtype' in v;
}

/** Reads an embedding file and picks its vectors as ComfyUI does. */
export async function loadEmbeddingFile(path: string, options: EmbeddingOptions): Promise<EmbeddingVectors | null> {
  let root: Tree;
  if (path.toLowerCase().endsWith('.safetensors')) {
    const file = await openSafetensors(path);
    // safetensors' own loader lists names sorted, so "the first tensor" is the first by name.
    root = new Map([...file.tensors].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  } else {
    try {
      root = (await openTorchFile(path)).root;
    } catch {
      // Files the safe loader rejects (e.g. old pickles with other globals): ComfyUI scans their raw storages.
      return scanZipStorages(path);
    }
  }
  const picked = await pick(root, options);
  return picked ? splitRows(picked.values, picked.shape) : null;
}

async function pick(root: Tree, { width, key }: EmbeddingOptions): Promise<{ values: Float32Array; shape: number[] } | null> {
  const read = async (ref: TensorRef) => ({ values: await readTensorFloat32(ref), shape: ref.shape });
  const concat = async (refs: TensorRef[]) => {
    if (refs.length === 0) return null;
    const parts = await Promise.all(refs.map(readTensorFloat32));
    const values = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      values.set(p, at);
      at += p.length;
    }
    const last = refs[0]!.shape[refs[0]!.shape.length - 1] ?? 1;
    return { values, shape: [values.length / last, last] };
  };
  if (Array.isArray(root)) {
    // A list of dicts: every tensor whose last dimension is the encoder width, as rows.
    const refs = root.flatMap((d) => (d instanceof Map ? [...d.values()] : []))
      .filter((t): t is TensorRef => isRef(t) && t.shape[t.shape.length - 1] === width);
    return concat(refs);
  }
  if (!(root instanceof Map)) return isRef(root) ? read(root) : null;
  const s2p = root.get('string_to_param');
  if (s2p instanceof Map) {
    const first = [...s2p.values()][0];
    return isRef(first) ? read(first) : null;
  }
  const keyed = root.get(key);
  if (isRef(keyed)) return read(keyed);
  for (const suffix of ['.string_to_param.*', `.${key}`]) {
    const bundled = [...root].filter(([k, v]) => typeof k === 'string' && k.startsWith('bundle_emb.') && k.endsWith(suffix) && isRef(v));
    if (bundled.length) return concat(bundled.map(([, v]) => v as TensorRef));
  }
  const first = [...root.values()][0];
  return isRef(first) ? read(first) : null;
}

function splitRows(values: Float32Array, shape: number[]): EmbeddingVectors {
  if (shape.length <= 1) return [values];
  const rows = shape[0]!;
  const rowSize = values.length / Math.max(rows, 1);
  return Array.from({ length: rows }, (_, i) => values.slice(i * rowSize, (i + 1) * rowSize));
}

/** ComfyUI's `safe_load_embed_zip`: the last `data/` entry holding ≥ 768 float32 values, as [n, 768 or 1024]. */
async function scanZipStorages(path: string): Promise<EmbeddingVectors | null> {
  const zip = await ZipArchive.open(path);
  const names = [...zip.entries.keys()].filter((n) => n.includes('data/')).reverse();
  for (const name of names) {
    const data = await zip.read(zip.entries.get(name)!, 1 << 28);
    const count = Math.floor(data.length / 4);
    if (count < 768) continue;
    const width = count % 768 === 0 ? 768 : 1024;
    if (count % width !== 0 || data.length % 4 !== 0) throw new Error(`${name}: ${data.length} bytes is not a [n, ${width}] float32 matrix`);
    return splitRows(toFloat32(new Uint8Array(data), 'F32'), [count / width, width]);
  }
  return null;
}
