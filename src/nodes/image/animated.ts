// SaveAnimatedWEBP and SaveAnimatedPNG (nodes_images.py, comfy_api ImageSaveHelper): the whole batch as one
// animated file named `<prefix>_<counter:05>_.webp|.png`; UI `images` plus `animated: [batch > 1]`.
import path from 'node:path';
import sharp from 'sharp';
import type { NodeContext, NodeDefinition } from '../node-definition.ts';
import type { Tensor } from '../../inference/tensor.ts';
import { encodeApng } from '../../imaging/apng.ts';
import { imageItemToUint8 } from '../../imaging/codec.ts';
import { pythonJsonDumps } from '../../python/json-dumps.ts';
import { planSave, rememberSaved } from '../../imaging/save-path.ts';
import { writeFileAtomic } from '../../storage/atomic-write.ts';
import { requireChoice, requireImage, requireInt, requireNumber, requireString } from '../utils/node-args.ts';
import { V3_OUTPUT_HIDDEN, v3Boolean, v3Combo, v3Float, v3Int, v3Socket, v3String } from '../utils/v3-io.ts';

/** Writes one animated file for the batch and returns the UI record. */
async function saveAnimated(images: Tensor, prefix: string, ctx: NodeContext, ext: string, encode: (frames: Buffer[], w: number, h: number, c: number) => Promise<Buffer>) {
  const [batch, height, width] = images.shape as [number, number, number, number];
  if (batch === 0) throw new Error('images: the batch is empty, nothing to save');
  const plan = planSave(prefix, ctx.services.paths.outputDir, 1, ext, {
    width, height, resolveInside: (root, rel) => ctx.services.paths.resolveInside(root, rel),
  });
  const { target, names: [file] } = plan;
  const frames = Array.from({ length: batch }, (_, i) => imageItemToUint8(images, i));
  const data = await encode(frames.map((f) => f.pixels), width, height, frames[0]!.channels);
  await writeFileAtomic(path.join(target.fullOutputFolder, file!), data);
  rememberSaved(plan);
  return { ui: { images: [{ filename: file, subfolder: target.subfolder, type: 'output' }], animated: [batch > 1] } };
}

/** Metadata pairs `[key, json]`: `prompt`, then extra_pnginfo's keys (none with --disable-metadata). */
function metadata(ctx: NodeContext, inputs: Record<string, unknown>): [string, string][] {
  if (ctx.services.options.disableMetadata) return [];
  const out: [string, string][] = [];
  if (inputs.prompt) out.push(['prompt', pythonJsonDumps(inputs.prompt)]);
  if (inputs.extra_pnginfo && typeof inputs.extra_pnginfo === 'object') {
    for (const [k, v] of Object.entries(inputs.extra_pnginfo)) out.push([k, pythonJsonDumps(v)]);
  }
  return out;
}

const WEBP_METHODS = { default: 4, fastest: 0, slowest: 6 } as const;
/** EXIF IFD0 tags ComfyUI fills: Model (0x0110) = prompt, then Make (0x010F) downwards for extra_pnginfo keys. */
const EXIF_TAGS_DOWN_FROM_MAKE = ['Make', 'ImageDescription', 'DocumentName'];

export const saveAnimatedWebp: NodeDefinition = {
  name: 'SaveAnimatedWEBP',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_images',
  category: 'image/animation',
  inputs: {
    required: {
      images: v3Socket('IMAGE'),
      filename_prefix: v3String({ default: 'ComfyUI' }),
      fps: v3Float({ default: 6.0, min: 0.01, max: 1000.0, step: 0.01 }),
      lossless: v3Boolean({ default: true }),
      quality: v3Int({ default: 80, min: 0, max: 100 }),
      method: v3Combo(Object.keys(WEBP_METHODS)),
    },
    hidden: { ...V3_OUTPUT_HIDDEN },
  },
  outputs: [],
  outputNode: true,
  async execute(inputs, ctx) {
    const images = requireImage('images', inputs.images);
    const prefix = requireString('filename_prefix', inputs.filename_prefix ?? 'ComfyUI');
    const fps = requireNumber('fps', inputs.fps, 0.01, 1000);
    const quality = requireInt('quality', inputs.quality, 0, 100);
    const method = WEBP_METHODS[requireChoice('method', inputs.method, Object.keys(WEBP_METHODS) as (keyof typeof WEBP_METHODS)[])];
    const meta = metadata(ctx, inputs);
    const exif: Record<string, string> = {};
    for (const [i, [key, json]] of meta.entries()) {
      const tag = key === 'prompt' && i === 0 ? 'Model' : EXIF_TAGS_DOWN_FROM_MAKE[i - (meta[0]?.[0] === 'prompt' ? 1 : 0)];
      if (tag) exif[tag] = `${key}:${json}`;
    }
    return saveAnimated(images, prefix, ctx, 'webp', async (frames, w, h, c) => {
      let img = sharp(Buffer.concat(frames), { raw: { width: w, height: h * frames.length, channels: c as 1 | 3 | 4, pageHeight: h } })
        .webp({ lossless: inputs.lossless !== false, quality: Math.max(1, quality), effort: method, loop: 0, delay: frames.map(() => Math.trunc(1000 / fps)) });
      if (Object.keys(exif).length > 0) img = img.withExif({ IFD0: exif });
      return img.toBuffer();
    });
  },
};

export const saveAnimatedPng: NodeDefinition = {
  name: 'SaveAnimatedPNG',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_images',
  category: 'image/animation',
  inputs: {
    required: {
      images: v3Socket('IMAGE'),
      filename_prefix: v3String({ default: 'ComfyUI' }),
      fps: v3Float({ default: 6.0, min: 0.01, max: 1000.0, step: 0.01 }),
      compress_level: v3Int({ default: 4, min: 0, max: 9 }),
    },
    hidden: { ...V3_OUTPUT_HIDDEN },
  },
  outputs: [],
  outputNode: true,
  async execute(inputs, ctx) {
    const images = requireImage('images', inputs.images);
    const prefix = requireString('filename_prefix', inputs.filename_prefix ?? 'ComfyUI');
    const fps = requireNumber('fps', inputs.fps, 0.01, 1000);
    const level = requireInt('compress_level', inputs.compress_level, 0, 9);
    const comf = metadata(ctx, inputs);
    return saveAnimated(images, prefix, ctx, 'png', async (frames, w, h, c) =>
      encodeApng(frames, w, h, c, { delayMs: Math.trunc(1000 / fps), compressionLevel: level, comfChunks: comf }));
  },
};
