// The on-disk graph cache. ONNX Runtime resolves external data relative to the .onnx file and refuses `..`,
// absolute paths and symlinks, so each weight file gets a folder holding a HARDLINK of it (no bytes copied; a
// copy only when linking is impossible, e.g. across filesystems) next to the graphs built from it. The folder
// is keyed by the weight file's identity (path, size, mtime); a graph file by the network's architecture key,
// so a second load of the same checkpoint skips building. A folder whose weight file has changed or gone is
// deleted (its hardlink would otherwise keep the old bytes alive), and so is a graph its builder replaced.
import { createHash } from 'node:crypto';
import { copyFile, link, mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { basename, extname, join, resolve } from 'node:path';

/** Part of every graph's key; the source fingerprint below also changes it whenever the builders change. */
export const GRAPH_FORMAT_VERSION = 1;

let sourceFingerprint: string | undefined;

/**
 * A hash of the graph-building code (src/inference/onnx and networks), so an edited builder never reuses a
 * graph built by the old one.
 */
export function graphCodeFingerprint(): string {
  if (sourceFingerprint === undefined) {
    const h = createHash('sha256');
    for (const dir of ['../onnx', '../networks']) {
      const root = fileURLToPath(new URL(dir, import.meta.url));
      const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ts|proto)$/.test(f)).sort();
      for (const f of files) h.update(f).update(readFileSync(join(root, f)));
    }
    sourceFingerprint = h.digest('hex').slice(0, 16);
  }
  return sourceFingerprint;
}

export interface LinkedFile {
  /** The weight file's name inside the cache folder (what external_data.location holds). */
  name: string;
  /** 'link' normally; 'copy' when hardlinking failed and the bytes were copied. */
  how: 'link' | 'copy';
}

export interface GraphCacheOptions {
  warn?: (message: string) => void;
  /** How to hardlink (tests inject a failing one to exercise the copy fallback). */
  link?: (source: string, target: string) => Promise<void>;
}

/** Written into each folder: the weight file it was made for. */
const SOURCE_RECORD = 'source.json';

interface SourceRecord {
  path: string;
  size: number;
  mtimeMs: number;
}

export class GraphCache {
  private readonly warn: (message: string) => void;
  private readonly link: (source: string, target: string) => Promise<void>;
  private pruned?: Promise<void>;

  constructor(
    readonly root: string,
    options: GraphCacheOptions = {},
  ) {
    this.warn = options.warn ?? ((m) => console.warn(m));
    this.link = options.link ?? link;
  }

  /** The folder for graphs over `weightFile`, with the weight file linked inside it. */
  async folderFor(weightFile: string): Promise<CacheFolder> {
    this.pruned ??= this.prune();
    await this.pruned;
    const file = resolve(weightFile);
    const info = await stat(file);
    const record: SourceRecord = { path: file, size: info.size, mtimeMs: info.mtimeMs };
    const stem = basename(file, extname(file)).replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);
    const dir = join(this.root, `${stem}-${hash(JSON.stringify(record))}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, SOURCE_RECORD), JSON.stringify(record));
    const name = `weights${extname(file).toLowerCase().replace(/[^a-z0-9.]/g, '') || '.bin'}`;
    const how = await this.linkInto(file, join(dir, name), info.ino, info.dev);
    return new CacheFolder(dir, file, { name, how });
  }

  /** Deletes folders whose weight file no longer exists or has changed (size or mtime). */
  async prune(): Promise<void> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const dir = join(this.root, entry.name);
      let record: SourceRecord;
      try {
        record = JSON.parse(await readFile(join(dir, SOURCE_RECORD), 'utf8')) as SourceRecord;
      } catch {
        continue; // not one of ours, or being created
      }
      const now = await stat(record.path).catch(() => undefined);
      if (!now || now.size !== record.size || now.mtimeMs !== record.mtimeMs) await rm(dir, { recursive: true, force: true });
    }
  }

  private async linkInto(source: string, target: string, ino: number, dev: number): Promise<'link' | 'copy'> {
    const isOurLink = async () => {
      const existing = await stat(target).catch(() => undefined);
      return existing !== undefined && existing.ino === ino && existing.dev === dev;
    };
    if (await isOurLink()) return 'link';
    // Anything else there is a copy made earlier: the folder's key already pins the source's size and mtime.
    if (existsSync(target)) return 'copy';
    try {
      await this.link(source, target);
      return 'link';
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && (await isOurLink())) return 'link'; // another process linked it first
      this.warn(`cannot hardlink ${source} into the graph cache ${this.root} (${code}); copying it instead`);
      const tmp = `${target}.${process.pid}.tmp`;
      await copyFile(source, tmp);
      await rename(tmp, target);
      return 'copy';
    }
  }
}

export class CacheFolder {
  constructor(
    readonly dir: string,
    readonly weightFile: string,
    readonly linked: LinkedFile,
  ) {}

  /** The external-data location for a tensor stored in `file` (must be this folder's weight file). */
  locate = (file: string): string => {
    if (resolve(file) !== this.weightFile) throw new Error(`tensor from ${file} cannot be bound into the graph cache of ${this.weightFile}`);
    return this.linked.name;
  };

  /** Path of the graph for `network` with architecture `arch` (any JSON-able description). */
  graphPath(network: string, arch: unknown): string {
    const key = { v: GRAPH_FORMAT_VERSION, code: graphCodeFingerprint(), arch };
    return join(this.dir, `${network}-${hash(JSON.stringify(key))}.onnx`);
  }

  has(path: string): boolean {
    return existsSync(path);
  }

  /** Writes a graph atomically (a reader never sees half a file) and deletes graphs it replaces. */
  async write(path: string, bytes: Uint8Array, network: string): Promise<void> {
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, path);
    // Sessions read the whole graph when they open, so deleting an older graph under them is safe.
    for (const old of await this.graphs()) {
      if (old.startsWith(`${network}-`) && /^[0-9a-f]{16}\.onnx$/.test(old.slice(network.length + 1)) && join(this.dir, old) !== path) {
        await unlink(join(this.dir, old)).catch(() => {});
      }
    }
  }

  async graphs(): Promise<string[]> {
    return (await readdir(this.dir)).filter((f) => f.endsWith('.onnx'));
  }
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * The graph cache folder for a ComfyUI base directory: `<base>/.cache/onnx-graphs` (the same filesystem as
 * `<base>/models` in the usual layout, so hardlinks work), or $COMFY_TS_GRAPH_CACHE when set.
 */
export function defaultGraphCacheDir(baseDir: string): string {
  return process.env.COMFY_TS_GRAPH_CACHE ?? join(baseDir, '.cache', 'onnx-graphs');
}
