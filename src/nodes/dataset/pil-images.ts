// The dataset nodes work image by image through Pillow (`tensor_to_pil` → PIL op → `pil_to_tensor`): a batch item
// becomes 8-bit pixels by truncating clip(255·x), is cropped or Lanczos-resized, and comes back as x/255.
import { Tensor } from '../../inference/tensor.ts';
import { imageItemToUint8 } from '../../imaging/codec.ts';
import { PIL_FILTERS, pilResize } from '../../imaging/pil-resample.ts';
import { requireImage } from '../utils/node-args.ts';

export interface PilImage {
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/** Every batch item of an IMAGE as 8-bit pixels. */
export function toPilImages(name: string, value: unknown): PilImage[] {
  const image = requireImage(name, value);
  return Array.from({ length: image.shape[0]! }, (_, i) => imageItemToUint8(image, i));
}

/** 8-bit images of one size → an IMAGE batch [B, H, W, C] of x/255. */
export function fromPilImages(images: readonly PilImage[]): Tensor {
  const { width, height, channels } = images[0]!;
  const out = new Tensor([images.length, height, width, channels]);
  images.forEach((img, b) => {
    const offset = b * width * height * channels;
    for (let i = 0; i < img.pixels.length; i++) out.data[offset + i] = img.pixels[i]! / 255;
  });
  return out;
}

/** `Image.resize((w, h), LANCZOS)`. */
export function resizeLanczos(img: PilImage, width: number, height: number): PilImage {
  return { pixels: pilResize(img.pixels, img.width, img.height, img.channels, width, height, PIL_FILTERS.lanczos), width, height, channels: img.channels };
}

/** `Image.crop((left, top, right, bottom))` with the box inside the image. */
export function cropPil(img: PilImage, left: number, top: number, right: number, bottom: number): PilImage {
  const width = right - left;
  const height = bottom - top;
  const c = img.channels;
  const pixels = new Uint8Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const src = ((top + y) * img.width + left) * c;
    pixels.set(img.pixels.subarray(src, src + width * c), y * width * c);
  }
  return { pixels, width, height, channels: c };
}

/** `convert("RGB")` of L, RGB or RGBA pixels (alpha dropped, grey replicated). */
export function toRgb(img: PilImage): PilImage {
  if (img.channels === 3) return img;
  const n = img.width * img.height;
  const pixels = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    for (let k = 0; k < 3; k++) pixels[p * 3 + k] = img.pixels[p * img.channels + (img.channels === 1 ? 0 : k)]!;
  }
  return { pixels, width: img.width, height: img.height, channels: 3 };
}

/** `convert("L")`: ITU-R 601-2 luma with Pillow's fixed-point rounding. */
export function toLuma(img: PilImage): Uint8Array {
  const rgb = toRgb(img);
  const n = rgb.width * rgb.height;
  const out = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    out[p] = (rgb.pixels[p * 3]! * 19595 + rgb.pixels[p * 3 + 1]! * 38470 + rgb.pixels[p * 3 + 2]! * 7471 + 0x8000) >>> 16;
  }
  return out;
}
