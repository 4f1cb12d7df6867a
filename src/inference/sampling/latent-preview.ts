// Cheap sampling previews (ComfyUI `latent_preview.py` Latent2RGBPreviewer, models.md §10): the first batch
// item's predicted x0 projected to RGB with the latent format's factors, mapped from −1…1 to 0…255
// (truncated to uint8), then scaled to fit the preview box as the server does (PIL `ImageOps.contain`,
// bilinear) and sent as JPEG (quality 95).
import sharp from 'sharp';
import { pilResize, PIL_FILTERS } from '../../imaging/pil-resample.ts';
import type { LatentFormat } from './latent-format.ts';

const f = Math.fround;

export interface PreviewImageData {
  format: 'JPEG';
  data: Buffer;
}

export interface RgbImage {
  pixels: Uint8Array;
  width: number;
  height: number;
}

/** latent2rgb of batch item 0 of `x0` ([B, C, H, W], model space): interleaved RGB bytes at latent size. */
export function latentToRgb(x0: Float32Array, shape: readonly number[], format: LatentFormat): RgbImage {
  const [, channels, height, width] = shape as [number, number, number, number];
  const factors = format.latentRgbFactors;
  const bias = format.latentRgbBias ?? [0, 0, 0];
  const usable = Math.min(channels, factors.length);
  const plane = height * width;
  const pixels = new Uint8Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      let v = f(bias[c]!);
      for (let k = 0; k < usable; k++) v += x0[k * plane + p]! * f(factors[k]![c]!);
      const unit = Math.min(Math.max(f(f(f(v) + 1) / 2), 0), 1);
      pixels[p * 3 + c] = Math.trunc(f(unit * 255));
    }
  }
  return { pixels, width, height };
}

/** Python's round() (half to even), as used by ImageOps.contain. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The size PIL's `ImageOps.contain` gives an image fitted into a box×box square (it scales up too). */
export function containSize(width: number, height: number, box: number): [number, number] {
  const ratio = width / height;
  if (ratio > 1) return [box, roundHalfEven((height / width) * box)];
  if (ratio < 1) return [roundHalfEven((width / height) * box), box];
  return [box, box];
}

/** RGB bytes → fitted into previewSize (bilinear) → JPEG. */
export async function encodePreview(image: RgbImage, previewSize: number): Promise<PreviewImageData> {
  const [width, height] = containSize(image.width, image.height, previewSize);
  const pixels = pilResize(image.pixels, image.width, image.height, 3, width, height, PIL_FILTERS.bilinear);
  const data = await sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 95 })
    .toBuffer();
  return { format: 'JPEG', data };
}

/** The latent2rgb preview of a sampler step's prediction, ready for a progress event. */
export async function latentPreview(x0: Float32Array, shape: readonly number[], format: LatentFormat, previewSize = 512): Promise<PreviewImageData> {
  return encodePreview(latentToRgb(x0, shape, format), previewSize);
}

/** Where sampling progress goes: NodeContext.progress has this shape. */
export type ProgressSink = (value: number, max: number, preview?: PreviewImageData) => void;

/**
 * ComfyUI's `latent_preview.prepare_callback`: after each sampler step, progress (step + 1) of the step
 * count, with a latent2rgb preview of the prediction when previews are on.
 */
export function samplingProgress(
  sink: ProgressSink,
  options: { format: LatentFormat; shape: readonly number[]; previews: boolean; previewSize?: number },
): (info: { i: number; total: number; denoised: Float32Array; shape?: readonly number[] }) => Promise<void> {
  return async (info) => {
    const shape = info.shape ?? options.shape; // samplers that resize the latent say so
    const preview = options.previews ? await latentPreview(info.denoised, shape, options.format, options.previewSize ?? 512) : undefined;
    sink(Math.min(info.i + 1, info.total), info.total, preview);
  };
}
