// Directory walks for model folders (nodes.md §6.1): recursive, symlinks followed (loops cut), `.git` skipped,
// plus the directory mtimes that decide when a cached listing is stale.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { isWithin } from './safe-path.ts';

export interface Walk {
  /** Relative paths with `/`: each directory's files (sorted), then its subdirectories' (as os.walk goes). */
  files: string[];
  /** Every directory visited → its mtime in ms. */
  dirMtimes: Map<string, number>;
}

export interface WalkOptions {
  excludedDirNames?: readonly string[];
  /** Skip names starting with `.` (files and directories). */
  skipHidden?: boolean;
  /** Skip entries whose real path (symlinks resolved) leaves this directory. */
  confineTo?: string;
}

export function walkFiles(root: string, options: WalkOptions = {}): Walk {
  const walk: Walk = { files: [], dirMtimes: new Map() };
  const excluded = new Set(options.excludedDirNames ?? ['.git']);
  const confinedRoot = options.confineTo === undefined ? null : realpathOr(options.confineTo);
  const visit = (dir: string, rel: string, chain: Set<string>): void => {
    let real: string;
    try {
      real = realpathSync.native(dir);
      walk.dirMtimes.set(dir, statSync(dir).mtimeMs);
    } catch {
      return;
    }
    if (chain.has(real)) return; // symlink loop
    chain.add(real);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      names = [];
    }
    const subdirs: [full: string, rel: string][] = [];
    for (const name of names.sort(compareCodePoints)) {
      if (options.skipHidden && name.startsWith('.')) continue;
      const full = path.join(dir, name);
      if (confinedRoot !== null && !realpathWithin(confinedRoot, full)) continue;
      const relName = rel === '' ? name : `${rel}/${name}`;
      let isDir: boolean;
      try {
        isDir = statSync(full).isDirectory();
      } catch {
        continue; // dangling symlink
      }
      if (!isDir) walk.files.push(relName);
      else if (!excluded.has(name)) subdirs.push([full, relName]);
    }
    for (const [full, relName] of subdirs) visit(full, relName, chain);
    chain.delete(real);
  };
  try {
    if (statSync(root).isDirectory()) visit(root, '', new Set());
  } catch {
    // a search path that does not exist lists nothing
  }
  return walk;
}

function realpathOr(p: string): string {
  try {
    return realpathSync.native(p);
  } catch {
    return path.resolve(p);
  }
}

function realpathWithin(root: string, p: string): boolean {
  try {
    return isWithin(root, realpathSync.native(p));
  } catch {
    return false;
  }
}

/** Python's `sorted()` order for str: by code point (JS `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

// Surrogates (code points above U+FFFF) must sort after U+E000–U+FFFF.
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** `os.path.splitext(name)[1].lower()`: a leading dot of the base name does not start an extension. */
export function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return '';
  let allDots = true;
  for (let i = 0; i < dot; i++) if (base[i] !== '.') allDots = false;
  if (allDots) return '';
  return base.slice(dot).toLowerCase();
}

export function matchesExtensions(name: string, extensions: readonly string[]): boolean {
  return extensions.length === 0 || extensions.includes(extensionOf(name));
}
