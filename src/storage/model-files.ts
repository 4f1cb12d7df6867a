// Model-file details for the `/experiment/models*` and `/view_metadata` routes (api.md §3.3): per-file stats,
// previews next to a model, and the safetensors header's `__metadata__`.
import { statSync } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { extensionOf, walkFiles } from './file-listing.ts';
import { isImageFile } from './mime-types.ts';
import { PT_EXTENSIONS } from './model-folders.ts';
import { resolveInside } from './safe-path.ts';

export interface ModelFileInfo {
  name: string;
  pathIndex: number;
  modified: number;
  created: number;
  size: number;
}

/** Files with a PT extension in every existing search path; hidden names and `.git` skipped. */
export function listModelFileInfos(searchPaths: readonly string[]): ModelFileInfo[] {
  const result: ModelFileInfo[] = [];
  searchPaths.forEach((searchPath, pathIndex) => {
    const walk = walkFiles(searchPath, { excludedDirNames: ['.git'], skipHidden: true });
    for (const name of walk.files) {
      if (!PT_EXTENSIONS.includes(extensionOf(name))) continue;
      try {
        const st = statSync(path.join(searchPath, name));
        result.push({ name, pathIndex, modified: st.mtimeMs / 1000, created: st.ctimeMs / 1000, size: st.size });
      } catch {
        // vanished or unreadable: skipped, as ComfyUI does
      }
    }
  });
  return result;
}

/** Safetensors header limits: `/view_metadata` reads at most 1 MiB, the preview lookup 8 MiB. */
export const VIEW_METADATA_MAX_HEADER_BYTES = 1024 * 1024;
export const PREVIEW_MAX_HEADER_BYTES = 8 * 1024 * 1024;

/** The parsed JSON header of a safetensors file, or null when unreadable, too large or not JSON. */
export async function readSafetensorsHeader(file: string, maxBytes: number): Promise<Record<string, unknown> | null> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return null;
  }
  try {
    const lengthBytes = Buffer.alloc(8);
    const { bytesRead } = await handle.read(lengthBytes, 0, 8, 0);
    if (bytesRead < 8) return null;
    const length = lengthBytes.readBigUInt64LE(0);
    if (length > BigInt(maxBytes)) return null;
    const header = Buffer.alloc(Number(length));
    const read = await handle.read(header, 0, header.length, 8);
    if (read.bytesRead < header.length) return null;
    const parsed: unknown = JSON.parse(header.toString('utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

/**
 * The first preview of a model file: an image `B.<ext>` or `B.preview.<ext>` beside it (B = the name without its
 * extension), else the first base64 image of the safetensors metadata key `ssmd_cover_images`.
 * `relativeName` is confined to `searchPath` (symlinks included); null when there is no preview.
 */
export async function findModelPreview(searchPath: string, relativeName: string): Promise<string | Buffer | null> {
  const modelPath = resolveInside(searchPath, relativeName);
  if (modelPath === null) return null;
  const dir = path.dirname(modelPath);
  const ext = extensionOf(path.basename(modelPath));
  const stem = path.basename(modelPath).slice(0, path.basename(modelPath).length - ext.length);
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    return null;
  }
  const siblings = names.filter((n) => n.startsWith(`${stem}.`) && resolveInside(searchPath, path.relative(searchPath, path.join(dir, n))) !== null);
  const withoutExt = (n: string) => n.slice(0, n.length - extensionOf(n).length);
  const images = siblings.filter((n) => isImageFile(n) && isRegularFile(path.join(dir, n)));
  const direct = images.find((n) => withoutExt(n) === stem) ?? images.find((n) => withoutExt(n) === `${stem}.preview`);
  if (direct) return path.join(dir, direct);
  const safetensors = siblings.find((n) => n.endsWith('.safetensors'));
  if (!safetensors) return null;
  const header = await readSafetensorsHeader(path.join(dir, safetensors), PREVIEW_MAX_HEADER_BYTES);
  const metadata = header?.__metadata__;
  const covers = metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>).ssmd_cover_images : undefined;
  if (typeof covers !== 'string') return null;
  try {
    const list: unknown = JSON.parse(covers);
    const first = Array.isArray(list) ? list.find((x) => typeof x === 'string' && x.length > 0) : undefined;
    return typeof first === 'string' ? Buffer.from(first, 'base64') : null;
  } catch {
    return null;
  }
}

function isRegularFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
