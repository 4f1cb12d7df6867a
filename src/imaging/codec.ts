// Pixel codecs: files → IMAGE/MASK tensors the way ComfyUI's LoadImage reads them (all frames of a multi-frame
// file, EXIF orientation applied, MASK = 1 − alpha), and IMAGE batch items → 8-bit pixels with ComfyUI's
// conversion (truncation of clip(255·x)); png-encode.ts writes those as PNG.
import sharp from 'sharp';
import { Tensor } from '../inference/tensor.ts';
import { BYTE_TO_UNIT, byteCodesToUint8, bytesToUnit, toUint8Into, unitBytesTensor } from './pixel-kernels.ts';
import { decodePlainPng, pngHeader } from './png-decode.ts';

/** The largest image (pixels per frame) the decoder accepts: a decompression-bomb guard, as Pillow's. */
export const MAX_DECODE_PIXELS = 16384 * 16384;

export interface DecodedFrame {
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA) interleaved 8-bit channels. */
  channels: number;
  pixels: Buffer;
}

export interface DecodedImage {
  format: string;
  frames: DecodedFrame[];
}

/** True if any frame has a pixel that is not fully opaque. */
function anyTransparency(frames: readonly DecodedFrame[]): boolean {
  return frames.some((f) => {
    if (f.channels !== 4) return false;
    for (let i = 3; i < f.pixels.length; i += 4) if (f.pixels[i]! !== 255) return true;
    return false;
  });
}

/** Drops the alpha channel of RGBA frames. */
function withoutAlpha(frames: DecodedFrame[]): DecodedFrame[] {
  return frames.map((f) => {
    if (f.channels !== 4) return f;
    const n = f.width * f.height;
    const rgb = Buffer.alloc(n * 3);
    for (let p = 0; p < n; p++) rgb.set(f.pixels.subarray(p * 4, p * 4 + 3), p * 3);
    return { ...f, channels: 3, pixels: rgb };
  });
}

/**
 * Pillow opens 16-bit greyscale files as mode "I;16", whose conversion to RGB clips each value to 255 (so
 * ComfyUI sees almost white images); libvips would rescale. Reproduce Pillow's result.
 */
async function decodeGrey16(file: Buffer | string, opts: sharp.SharpOptions): Promise<DecodedFrame> {
  const { data, info } = await sharp(file, opts).autoOrient().toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
  const values = new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
  const n = info.width * info.height;
  const rgb = Buffer.alloc(n * 3);
  for (let p = 0; p < n; p++) rgb[p * 3] = rgb[p * 3 + 1] = rgb[p * 3 + 2] = Math.min(values[p]!, 255);
  return { width: info.width, height: info.height, channels: 3, pixels: rgb };
}

async function rawFrames(img: sharp.Sharp): Promise<{ data: Buffer; info: sharp.OutputInfo }> {
  return img.toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
}

/** A PNG whose IHDR says 8-bit RGB (colour type 2) or RGBA (6): what SaveImage writes. */
function isPlainRgbPng(file: Buffer): boolean {
  const header = pngHeader(file);
  return header !== null && header.bitDepth === 8 && (header.colourType === 2 || header.colourType === 6);
}

/**
 * Decodes every frame of an image file as 8-bit sRGB(A). Frames whose size differs from the first are skipped,
 * as ComfyUI's LoadImage does; single-frame images are EXIF-oriented.
 */
export async function decodeImageFrames(file: Buffer | string): Promise<DecodedImage> {
  // failOn 'none': truncated files load as far as they go, as ComfyUI retries with LOAD_TRUNCATED_IMAGES.
  // ignoreIcc: Pillow returns the stored values, whatever colour profile the file declares.
  const opts = { limitInputPixels: MAX_DECODE_PIXELS, failOn: 'none' as const, ignoreIcc: true };
  const plain = typeof file !== 'string' ? decodePlainPng(file) : null;
  if (plain) return { format: 'png', frames: [plain] };
  if (typeof file !== 'string' && isPlainRgbPng(file)) {
    // Already 8-bit sRGB(A) and one frame: no metadata pass and no colourspace step (half of a small file's time).
    const { data, info } = await sharp(file, opts).autoOrient().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return { format: 'png', frames: [{ width: info.width, height: info.height, channels: info.channels, pixels: data }] };
  }
  const meta = await sharp(file, opts).metadata();
  const format = meta.format ?? 'unknown';
  const pages = meta.pages ?? 1;
  if (meta.depth === 'ushort' && meta.channels === 1 && pages <= 1) {
    return { format, frames: [await decodeGrey16(file, opts)] };
  }
  if (format === 'gif') {
    // libvips always decodes GIF as RGBA; Pillow reports a mask only for GIFs with transparency.
    const decoded = await decodeAllPages(file, opts, pages);
    return { format, frames: anyTransparency(decoded) ? decoded : withoutAlpha(decoded) };
  }
  if (pages <= 1 || format === 'jpeg') {
    const { data, info } = await rawFrames(sharp(file, opts).autoOrient());
    return { format, frames: [{ width: info.width, height: info.height, channels: info.channels, pixels: data }] };
  }
  return { format, frames: await decodeAllPages(file, opts, pages) };
}

async function decodeAllPages(file: Buffer | string, opts: sharp.SharpOptions, pages: number): Promise<DecodedFrame[]> {
  try {
    const { data, info } = await rawFrames(sharp(file, { ...opts, pages: -1 }));
    const pageHeight = info.pageHeight ?? info.height;
    const frameBytes = info.width * pageHeight * info.channels;
    const frames: DecodedFrame[] = [];
    for (let off = 0; off + frameBytes <= data.length; off += frameBytes) {
      frames.push({ width: info.width, height: pageHeight, channels: info.channels, pixels: data.subarray(off, off + frameBytes) });
    }
    return frames;
  } catch {
    // Pages of different sizes (multi-page TIFF): read them one by one and keep those of the first page's size.
    const frames: DecodedFrame[] = [];
    for (let page = 0; page < pages; page++) {
      const { data, info } = await rawFrames(sharp(file, { ...opts, page }).autoOrient());
      if (frames.length > 0 && (info.width !== frames[0]!.width || info.height !== frames[0]!.height)) continue;
      frames.push({ width: info.width, height: info.height, channels: info.channels, pixels: data });
    }
    return frames;
  }
}

/** `1 − v / 255` as float32 (the mask of an alpha byte). */
const BYTE_TO_INVERSE = Float32Array.from({ length: 256 }, (_, v) => 1 - v / 255);

/** An IMAGE [B,H,W,3] from decoded frames (RGB only), and their MASK (1 − alpha, or 64×64 zeros without alpha). */
export function framesToImageAndMask(frames: readonly DecodedFrame[]): { image: Tensor; mask: Tensor } {
  if (frames.length === 0) throw new Error('image file has no frames');
  const { width, height } = frames[0]!;
  const hw = width * height;
  const hasAlpha = frames[0]!.channels === 4;
  if (frames.every((f) => f.channels === 3)) {
    // RGB bytes as they are: floats only when some node reads them (see Tensor.fromByteCodes).
    const codes = frames.length === 1 ? frames[0]!.pixels : Buffer.concat(frames.map((f) => f.pixels));
    return { image: unitBytesTensor([frames.length, height, width, 3], codes), mask: new Tensor([frames.length, 64, 64]) };
  }
  const image = Tensor.uninitialized([frames.length, height, width, 3]); // every value is written below
  const mask = hasAlpha ? new Tensor([frames.length, height, width]) : new Tensor([frames.length, 64, 64]);
  for (let b = 0; b < frames.length; b++) {
    const { channels, pixels } = frames[b]!;
    const rgb = image.data.subarray(b * hw * 3, (b + 1) * hw * 3);
    if (channels === 3) bytesToUnit(pixels, rgb);
    else rgbaToUnit(pixels, rgb, hasAlpha ? mask.data.subarray(b * hw, (b + 1) * hw) : null);
  }
  return { image, mask };
}

function rgbaToUnit(src: Uint8Array, rgb: Float32Array, mask: Float32Array | null): void {
  const hw = rgb.length / 3;
  for (let p = 0, i = 0, o = 0; p < hw; p++, i += 4, o += 3) {
    rgb[o] = BYTE_TO_UNIT[src[i]!]!;
    rgb[o + 1] = BYTE_TO_UNIT[src[i + 1]!]!;
    rgb[o + 2] = BYTE_TO_UNIT[src[i + 2]!]!;
    if (mask !== null) mask[p] = BYTE_TO_INVERSE[src[i + 3]!]!;
  }
}

/** One batch item of an IMAGE [B,H,W,C] (C = 1, 3 or 4) as interleaved 8-bit pixels. */
export function imageItemToUint8(image: Tensor, index: number): { pixels: Buffer; width: number; height: number; channels: 1 | 3 | 4 } {
  const [, h, w, c] = image.shape as [number, number, number, number];
  if (c !== 1 && c !== 3 && c !== 4) throw new Error(`cannot save an image with ${c} channels (expected 1, 3 or 4)`);
  const n = h * w * c;
  const pixels = Buffer.allocUnsafe(n);
  const coded = image.byteCoded;
  if (coded) byteCodesToUint8(coded, index * n, pixels);
  else toUint8Into(image.data.subarray(index * n, (index + 1) * n), pixels);
  return { pixels, width: w, height: h, channels: c };
}
