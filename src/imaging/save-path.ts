// ComfyUI's `folder_paths.get_save_image_path`: expands %width%/%height%/date tokens in the prefix, splits it into
// subfolder and file name, refuses to leave the output folder, and picks the counter after the highest one in use
// (remembered between saves while the folder is otherwise unchanged).
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface SavePath {
  fullOutputFolder: string;
  filename: string;
  counter: number;
  subfolder: string;
  filenamePrefix: string;
  /** Folder and prefix, for rememberSaved. */
  counterKey: string;
}

/** Per folder and prefix: the counter to go on with while the folder's mtime is still the one seen after saving. */
const counters = new Map<string, { mtimeNs: bigint; next: number }>();
const MAX_REMEMBERED = 1000;

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The `%…%` substitutions ComfyUI performs itself (others are expanded by the frontend). */
export function expandPrefixVariables(prefix: string, width: number, height: number, now = new Date()): string {
  return prefix
    .replaceAll('%width%', String(width))
    .replaceAll('%height%', String(height))
    .replaceAll('%year%', String(now.getFullYear()))
    .replaceAll('%month%', pad2(now.getMonth() + 1))
    .replaceAll('%day%', pad2(now.getDate()))
    .replaceAll('%hour%', pad2(now.getHours()))
    .replaceAll('%minute%', pad2(now.getMinutes()))
    .replaceAll('%second%', pad2(now.getSeconds()));
}

/** Python's posixpath.normpath. */
export function normpath(p: string): string {
  if (p === '') return '.';
  const initial = p.startsWith('//') && !p.startsWith('///') ? 2 : p.startsWith('/') ? 1 : 0;
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..' || (initial === 0 && parts.length === 0) || parts[parts.length - 1] === '..') parts.push(part);
    else if (parts.length > 0) parts.pop();
  }
  const joined = '/'.repeat(initial) + parts.join('/');
  return joined || '.';
}

/** Python's int() on the digits after `<prefix>_`: an optional sign and decimal digits with optional `_` separators. */
function parseCounter(s: string): number {
  const m = /^\s*([+-]?\d+)\s*$/.exec(s);
  return m ? Number(m[1]) : 0;
}

/** Python's os.path.commonpath of two absolute paths: their longest shared run of whole segments. */
function commonPath(a: string, b: string): string {
  const x = a.split(path.sep).filter(Boolean);
  const y = b.split(path.sep).filter(Boolean);
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return path.sep + x.slice(0, n).join(path.sep);
}

/** Options for `getSaveImagePath`: `isInside` confines the folder after symlinks (FolderPaths.resolveInside). */
export interface SavePathOptions {
  width?: number;
  height?: number;
  now?: Date;
  resolveInside?: (root: string, relative: string) => string | null;
  /** List the folder even when a remembered counter would do (a name it gave was taken meanwhile). */
  relist?: boolean;
}

export function getSaveImagePath(filenamePrefix: string, outputDir: string, options: SavePathOptions = {}): SavePath {
  const { width = 0, height = 0, now } = options;
  let prefix = filenamePrefix;
  if (prefix.includes('%')) prefix = expandPrefixVariables(prefix, width, height, now);
  const normalised = normpath(prefix);
  const slash = normalised.lastIndexOf('/');
  const subfolder = slash < 0 ? '' : normalised.slice(0, slash) || (normalised.startsWith('/') ? '/' : '');
  const filename = normalised.slice(slash + 1);
  const root = path.resolve(outputDir);
  const fullOutputFolder = path.resolve(root, subfolder);
  const lexicallyInside = fullOutputFolder === root || fullOutputFolder.startsWith(root + path.sep);
  const confined = lexicallyInside && (!options.resolveInside || subfolder === '' || options.resolveInside(root, subfolder) !== null);
  if (!confined || prefix.includes('\0')) {
    throw new Error(
      '**** ERROR: Saving image outside the output folder is not allowed.' +
        `\n full_output_folder: ${fullOutputFolder}\n         output_dir: ${root}\n         commonpath: ${commonPath(root, fullOutputFolder)}`,
    );
  }
  const baseLen = prefix.slice(prefix.lastIndexOf('/') + 1).length; // Python's os.path.basename
  const counterKey = `${fullOutputFolder}\0${filename}\0${baseLen}`;
  const folder = statSync(fullOutputFolder, { bigint: true, throwIfNoEntry: false });
  const known = counters.get(counterKey);
  let counter = 1;
  if (!folder) mkdirSync(fullOutputFolder, { recursive: true });
  else if (!options.relist && known && known.mtimeNs === folder.mtimeNs) counter = known.next;
  else counter = nextCounter(fullOutputFolder, filename, baseLen);
  return { fullOutputFolder, filename, counter, subfolder, filenamePrefix: prefix, counterKey };
}

/** The counter after the highest one in use for `filename` in the folder (1 when none is). */
function nextCounter(folder: string, filename: string, baseLen: number): number {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(folder, { recursive: true }); // gone since the stat
    return 1;
  }
  let best = -Infinity;
  for (const name of names) {
    const head = name.slice(0, baseLen + 1);
    if (head.slice(0, -1) !== filename || !head.endsWith('_')) continue;
    best = Math.max(best, parseCounter(name.slice(baseLen + 1).split('_')[0]!));
  }
  return best === -Infinity ? 1 : best + 1;
}

/** The files one save writes: `<filename>_<counter:05>_.<ext>` for `count` items from the counter on. */
export interface SavePlan {
  target: SavePath;
  names: string[];
}

/**
 * Plans a save as ComfyUI's savers name their files; `batchNum` replaces `%batch_num%` in the name with the item's
 * index (SaveImage, SaveAudio, SaveSVG do; the one-file savers do not). A remembered counter can miss a file that
 * another process wrote within the folder's mtime resolution: a name already taken is never written over, the folder
 * is listed instead.
 */
export function planSave(
  filenamePrefix: string, outputDir: string, count: number, ext: string, options: SavePathOptions & { batchNum?: boolean } = {},
): SavePlan {
  const plan = (relist: boolean): SavePlan => {
    const target = getSaveImagePath(filenamePrefix, outputDir, { ...options, relist });
    const names = Array.from({ length: count }, (_, i) => {
      const name = options.batchNum ? target.filename.replaceAll('%batch_num%', String(i)) : target.filename;
      return `${name}_${String(target.counter + i).padStart(5, '0')}_.${ext}`;
    });
    return { target, names };
  };
  const planned = plan(false);
  return planned.names.some((name) => existsSync(path.join(planned.target.fullOutputFolder, name))) ? plan(true) : planned;
}

/**
 * Once a plan's files are written: until the folder changes otherwise (its mtime), the next save there goes on
 * from the counter after them without listing the folder, which with 10,000 files took 10 ms of the server's one
 * thread per save (ComfyUI lists it every time).
 */
export function rememberSaved({ target, names }: SavePlan): void {
  const folder = statSync(target.fullOutputFolder, { bigint: true, throwIfNoEntry: false });
  if (!folder) return;
  if (counters.size >= MAX_REMEMBERED) counters.clear();
  counters.set(target.counterKey, { mtimeNs: folder.mtimeNs, next: target.counter + names.length });
}
