// SaveImage and PreviewImage (nodes.py, execution.md §11): each batch item becomes a PNG named by ComfyUI's
// prefix/counter scheme, with the prompt and extra_pnginfo as tEXt chunks unless --disable-metadata.
import path from 'node:path';
import type { NodeContext, NodeDefinition } from '../node-definition.ts';
import type { Tensor } from '../../inference/tensor.ts';
import { imageItemToUint8 } from '../../imaging/codec.ts';
import { encodePng } from '../../imaging/png-encode.ts';
import { pythonJsonDumps } from '../../python/json-dumps.ts';
import { planSave, rememberSaved, type SavePlan } from '../../imaging/save-path.ts';
import { writeFileAtomic } from '../../storage/atomic-write.ts';
import { requireImage, requireString } from '../utils/node-args.ts';

export interface SavedFile {
  filename: string;
  subfolder: string;
  type: 'output' | 'temp';
}

/** The PNG text chunks ComfyUI writes: `prompt`, then one per extra_pnginfo key (usually `workflow`). */
export function metadataChunks(ctx: NodeContext, prompt: unknown, extraPnginfo: unknown): [string, string][] {
  if (ctx.services.options.disableMetadata) return [];
  const chunks: [string, string][] = [];
  if (prompt !== undefined && prompt !== null) chunks.push(['prompt', pythonJsonDumps(prompt)]);
  if (extraPnginfo && typeof extraPnginfo === 'object') {
    for (const [key, value] of Object.entries(extraPnginfo)) chunks.push([key, pythonJsonDumps(value)]);
  }
  return chunks;
}

export interface SaveBatchOptions {
  type: 'output' | 'temp';
  compressionLevel: number;
  text: [string, string][];
}

/** Saves every item of an IMAGE batch as `<filename>_<counter:05>_.png`; returns the UI records. */
export async function saveImageBatch(images: Tensor, filenamePrefix: string, ctx: NodeContext, options: SaveBatchOptions): Promise<SavedFile[]> {
  const [batch, height, width] = images.shape as [number, number, number, number];
  if (batch === 0) throw new Error('images: the batch is empty, nothing to save');
  ctx.checkInterrupted();
  // The deflates run on the libuv threadpool while this thread lists the folder for the counter. A bad path still
  // wins over a bad image, as in ComfyUI, which finds the path first.
  const encoding = (async () => Promise.all(Array.from({ length: batch }, (_, i) =>
    encodePng(imageItemToUint8(images, i), { compressionLevel: options.compressionLevel, text: options.text }))))();
  const dir = options.type === 'output' ? ctx.services.paths.outputDir : ctx.services.paths.tempDir;
  let plan: SavePlan;
  try {
    plan = planSave(filenamePrefix, dir, batch, 'png', { width, height, batchNum: true, resolveInside: (root, rel) => ctx.services.paths.resolveInside(root, rel) });
  } catch (err) {
    encoding.catch(() => {}); // moot once the path has failed
    throw err;
  }
  const { target, names } = plan;
  const pngs = await encoding;
  // In place at once, flushed just after (see atomic-write.ts): each image is whole the moment it is reported.
  await Promise.all(names.map((name, i) => writeFileAtomic(path.join(target.fullOutputFolder, name), pngs[i]!, { flush: 'after-rename' })));
  rememberSaved(plan);
  return names.map((filename) => ({ filename, subfolder: target.subfolder, type: options.type }));
}

export const saveImage: NodeDefinition = {
  name: 'SaveImage',
  schemaFormat: 'v1',
  displayName: 'Save Image',
  description: 'Saves the input images to your ComfyUI output directory.',
  pythonModule: 'nodes',
  category: 'image',
  inputs: {
    required: {
      images: ['IMAGE', { tooltip: 'The images to save.' }],
      filename_prefix: ['STRING', {
        default: 'ComfyUI',
        tooltip: 'The prefix for the file to save. This may include formatting information such as %date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes.',
      }],
    },
    hidden: { prompt: 'PROMPT', extra_pnginfo: 'EXTRA_PNGINFO' },
  },
  outputs: [],
  outputNode: true,
  async execute(inputs, ctx) {
    const images = requireImage('images', inputs.images);
    const prefix = requireString('filename_prefix', inputs.filename_prefix ?? 'ComfyUI');
    const text = metadataChunks(ctx, inputs.prompt, inputs.extra_pnginfo);
    // zlib level 4, as ComfyUI's SaveImage (previews use 1).
    return { ui: { images: await saveImageBatch(images, prefix, ctx, { type: 'output', compressionLevel: 4, text }) } };
  },
};

const PREVIEW_LETTERS = 'abcdefghijklmnopqrstupvxyz'; // sic: ComfyUI's alphabet has "p" twice and no "w"

/** `_temp_` + 5 random letters, fixed per node (ComfyUI draws it once per node object). */
export function previewSuffix(ctx: NodeContext, key = 'image.previewSuffixes'): string {
  let byNode = ctx.services.shared.get(key) as Map<string, string> | undefined;
  if (!byNode) ctx.services.shared.set(key, (byNode = new Map()));
  let suffix = byNode.get(ctx.nodeId);
  if (!suffix) {
    suffix = '_temp_' + Array.from({ length: 5 }, () => PREVIEW_LETTERS[Math.floor(Math.random() * PREVIEW_LETTERS.length)]).join('');
    byNode.set(ctx.nodeId, suffix);
  }
  return suffix;
}

export const previewImage: NodeDefinition = {
  name: 'PreviewImage',
  schemaFormat: 'v1',
  displayName: 'Preview Image',
  description: 'Saves the input images to your ComfyUI output directory.',
  pythonModule: 'nodes',
  category: 'image',
  inputs: {
    required: { images: ['IMAGE'] },
    hidden: { prompt: 'PROMPT', extra_pnginfo: 'EXTRA_PNGINFO' },
  },
  outputs: [],
  outputNode: true,
  async execute(inputs, ctx) {
    const images = requireImage('images', inputs.images);
    const text = metadataChunks(ctx, inputs.prompt, inputs.extra_pnginfo);
    const prefix = 'ComfyUI' + previewSuffix(ctx);
    return { ui: { images: await saveImageBatch(images, prefix, ctx, { type: 'temp', compressionLevel: 1, text }) } };
  },
};
