// The mask upload's image work (api.md §3.14): find the original the mask belongs to, then copy the mask's alpha
// into it and save as PNG (compress level 4), keeping the original's PNG text chunks.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { FolderPaths } from '../../../storage/folder-paths.ts';
import { splitAnnotation } from '../../../storage/folder-paths.ts';
import { insertPngText, isPng, readPngText } from '../../../imaging/png-text.ts';

/**
 * The original image a mask upload refers to: its file, `null` when ComfyUI writes nothing but still answers 200
 * (an empty, absolute or `..` name, an unknown type, a subfolder that escapes, a missing file), or the message of
 * a malformed reference (ComfyUI fails with a 500 on those; here they are a 400).
 */
export async function resolveOriginal(paths: FolderPaths, originalRef: string | undefined): Promise<{ file: string | null } | string> {
  if (originalRef === undefined) return 'original_ref is required';
  let ref: unknown;
  try {
    ref = JSON.parse(originalRef);
  } catch {
    return 'original_ref is not valid JSON';
  }
  if (!ref || typeof ref !== 'object' || typeof (ref as { filename?: unknown }).filename !== 'string') {
    return 'original_ref needs a "filename"';
  }
  const nothing = { file: null };
  const { filename, type = 'output', subfolder = '' } = ref as { filename: string; type?: unknown; subfolder?: unknown };
  const split = splitAnnotation(filename);
  if (split.name === '' || split.name.startsWith('/') || split.name.includes('..')) return nothing;
  const root = paths.dirForType(split.type ?? String(type));
  if (root === null) return nothing;
  const file = paths.resolveInside(root, path.join(typeof subfolder === 'string' ? subfolder : '', split.name));
  if (file === null) return nothing;
  const st = await stat(file).catch(() => null);
  return st?.isFile() ? { file } : nothing;
}

export async function compositeMask(originalFile: string, maskBytes: Buffer): Promise<Buffer> {
  const originalBytes = await readFile(originalFile);
  const texts = isPng(originalBytes) ? Object.entries(readPngText(originalBytes)) : [];
  let original: { data: Buffer; info: sharp.OutputInfo };
  let mask: { data: Buffer; info: sharp.OutputInfo };
  try {
    original = await toRgba(originalBytes);
  } catch {
    throw Object.assign(new Error('The original is not a readable image'), { statusCode: 400 });
  }
  try {
    mask = await toRgba(maskBytes);
  } catch {
    throw Object.assign(new Error('The mask is not a readable image'), { statusCode: 400 });
  }
  const { width, height } = original.info;
  if (mask.info.width !== width || mask.info.height !== height) {
    throw Object.assign(new Error(`The mask is ${mask.info.width}x${mask.info.height}, the original ${width}x${height}`), {
      statusCode: 400,
    });
  }
  for (let i = 3; i < original.data.length; i += 4) original.data[i] = mask.data[i];
  const png = await sharp(original.data, { raw: { width, height, channels: 4 } }).png({ compressionLevel: 4 }).toBuffer();
  return insertPngText(png, texts);
}

function toRgba(bytes: Buffer) {
  return sharp(bytes).toColourspace('srgb').ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
}
