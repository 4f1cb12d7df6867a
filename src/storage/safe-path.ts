// The one confinement primitive: a client-named path must stay inside its root, lexically and after symlinks.
import { lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** True when `target` is `base` or lies below it (both absolute and normalised). */
export function isWithin(base: string, target: string): boolean {
  if (target === base) return true;
  const prefix = base.endsWith(path.sep) ? base : base + path.sep;
  return target.startsWith(prefix);
}

/**
 * Resolves `relative` inside `root`; null when it would leave `root` through `..`, an absolute path, a NUL byte,
 * or a symlink (anywhere along the path, the last component included, dangling or not) pointing outside.
 * The target need not exist (uploads): the deepest existing ancestor is checked instead.
 * The returned path is lexical (`root` joined with `relative`, normalised).
 */
export function resolveInside(root: string, relative: string): string | null {
  if (typeof relative !== 'string' || relative.includes('\0') || root.includes('\0')) return null;
  if (path.isAbsolute(relative)) return null;
  const base = path.resolve(root);
  const target = path.resolve(base, relative);
  if (!isWithin(base, target)) return null;
  const realBase = realpathOrNull(base);
  if (realBase === null) return target; // nothing exists below a missing root, so no symlink can lead out
  let probe = target;
  for (;;) {
    try {
      const real = realpathSync.native(probe);
      return isWithin(realBase, real) ? target : null;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return null; // ELOOP, EACCES, …
      if (existsAsLink(probe)) return null; // a dangling symlink: writing through it would land who knows where
      if (probe === base) return target;
      probe = path.dirname(probe);
    }
  }
}

function realpathOrNull(p: string): string | null {
  try {
    return realpathSync.native(p);
  } catch {
    return null;
  }
}

function existsAsLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Python's `os.path.normpath`-then-`..` check used by ComfyUI for client file names: `/` start or `..` anywhere. */
export function looksLikeTraversal(name: string): boolean {
  return name.startsWith('/') || name.includes('..') || name.includes('\0');
}
