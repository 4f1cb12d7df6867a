// Image datasets on disk (nodes_dataset.py): load every .png/.jpg/.jpeg/.webp of an input subfolder as a list of
// RGB images (with `<stem>.txt` captions and kohya `<N>_<name>` repeat folders for the image-text variant), and
// save image lists as `<prefix>_<index:05>.png` (+ `.txt` captions) into an output subfolder, overwriting.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { NodeContext, NodeDefinition, NodeOutputSpec, NodeServices } from '../node-definition.ts';
import type { Tensor } from '../../inference/tensor.ts';
import { decodeImageFrames, framesToImageAndMask, imageItemToUint8 } from '../../imaging/codec.ts';
import { encodePng } from '../../imaging/png-encode.ts';
import { writeFileAtomic } from '../../storage/atomic-write.ts';
import { compareCodePoints } from '../../storage/file-listing.ts';
import { requireImage, requireString } from '../utils/node-args.ts';
import { V3_OUTPUT_HIDDEN, v3Socket, v3String } from '../utils/v3-io.ts';
import { DATASET_MODULE } from './dataset-node.ts';

const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp'];
const isDatasetImage = (name: string) => IMAGE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));

/** `folder_paths.get_input_subfolders()`: every directory below input/, relative, `/`-separated, sorted. */
export function inputSubfolders(inputDir: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, rel: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const child = rel ? `${rel}/${e.name}` : e.name;
      found.push(child);
      walk(path.join(dir, e.name), child);
    }
  };
  walk(inputDir, '');
  return found.sort(compareCodePoints);
}

function folderInput(tooltip: string) {
  return ['COMBO', (services?: NodeServices) => ({
    tooltip, multiselect: false, options: services ? inputSubfolders(services.paths.inputDir) : [],
  })] as const;
}

function subfolder(services: NodeServices, root: string, folder: unknown): string {
  const name = requireString('folder', folder);
  const dir = services.paths.resolveInside(root, name);
  if (!dir || path.resolve(dir) === path.resolve(root)) throw new Error(`Invalid folder name ${JSON.stringify(name)}: resolves outside of ${root}`);
  return dir;
}

async function loadRgb(file: string): Promise<Tensor> {
  const { frames } = await decodeImageFrames(await readFile(file));
  return framesToImageAndMask(frames.slice(0, 1)).image;
}

async function loadImages(files: readonly string[], ctx: NodeContext): Promise<Tensor[]> {
  if (files.length === 0) throw new Error('No valid images found in input');
  const images: Tensor[] = [];
  for (const file of files) {
    ctx.checkInterrupted();
    images.push(await loadRgb(file));
  }
  return images;
}

const imagesOutput: NodeOutputSpec = { type: 'IMAGE', name: 'images', isList: true, tooltip: 'List of loaded images' };

export const loadImageDataSetFromFolder: NodeDefinition = {
  name: 'LoadImageDataSetFromFolder',
  schemaFormat: 'v3',
  displayName: 'Load Image Dataset from Folder',
  pythonModule: DATASET_MODULE,
  category: 'dataset',
  experimental: true,
  inputs: { required: { folder: folderInput('The folder to load images from.') } },
  outputs: [imagesOutput],
  async execute(inputs, ctx) {
    const dir = subfolder(ctx.services, ctx.services.paths.inputDir, inputs.folder);
    const files = readdirSync(dir).filter(isDatasetImage).map((f) => path.join(dir, f));
    return [await loadImages(files, ctx)];
  },
};

/** The image files of a dataset folder: top-level images, then each `<N>_<name>` folder's images N times. */
function imageTextFiles(dir: string): string[] {
  const files: string[] = [];
  for (const item of readdirSync(dir)) {
    const full = path.join(dir, item);
    if (isDatasetImage(item)) files.push(full);
    else if (statSync(full, { throwIfNoEntry: false })?.isDirectory()) {
      const head = item.split('_')[0]!;
      const repeat = /^\d+$/.test(head) ? Number(head) : 1;
      const inner = readdirSync(full).filter(isDatasetImage).map((f) => path.join(full, f));
      for (let r = 0; r < repeat; r++) files.push(...inner);
    }
  }
  return files;
}

export const loadImageTextDataSetFromFolder: NodeDefinition = {
  name: 'LoadImageTextDataSetFromFolder',
  schemaFormat: 'v3',
  displayName: 'Load Image and Text Dataset from Folder',
  pythonModule: DATASET_MODULE,
  category: 'dataset',
  experimental: true,
  inputs: { required: { folder: folderInput('The folder to load images from.') } },
  outputs: [imagesOutput, { type: 'STRING', name: 'texts', isList: true, tooltip: 'List of text captions' }],
  async execute(inputs, ctx) {
    const dir = subfolder(ctx.services, ctx.services.paths.inputDir, inputs.folder);
    const files = imageTextFiles(dir);
    const captions: string[] = [];
    for (const file of files) {
      // As ComfyUI: every occurrence of the extension in the path becomes ".txt".
      const captionFile = file.replaceAll(path.extname(file), '.txt');
      captions.push(existsSync(captionFile) ? (await readFile(captionFile, 'utf8')).trim() : '');
    }
    return [await loadImages(files, ctx), captions];
  },
};

/** Writes every image of the list (batches split into items) as `<prefix>_<index:05>.png`; returns the names. */
async function saveImageList(images: readonly unknown[], dir: string, prefix: string, ctx: NodeContext): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const items = images.flatMap((value, i) => {
    const image = requireImage(`images[${i}]`, value);
    return Array.from({ length: image.shape[0]! }, (_, b) => imageItemToUint8(image, b));
  });
  const names: string[] = [];
  for (const [idx, item] of items.entries()) {
    ctx.checkInterrupted();
    const name = `${prefix}_${String(idx).padStart(5, '0')}.png`;
    await writeFileAtomic(path.join(dir, name), await encodePng(item, { compressionLevel: 6 }));
    names.push(name);
  }
  return names;
}

const saveInputs = {
  folder_name: v3String({ default: 'dataset', tooltip: 'Name of the folder to save images to (inside output directory).' }),
  filename_prefix: v3String({ default: 'image', tooltip: 'Prefix for saved image filenames.' }),
};

function saveTarget(inputs: Record<string, any>, ctx: NodeContext): { dir: string; prefix: string } {
  const folder = requireString('folder_name', (inputs.folder_name as unknown[])?.[0]);
  const prefix = requireString('filename_prefix', (inputs.filename_prefix as unknown[])?.[0]);
  if (prefix.includes('/') || prefix.includes('\\') || prefix.includes('\0')) throw new Error(`Invalid filename prefix ${JSON.stringify(prefix)}`);
  return { dir: subfolder(ctx.services, ctx.services.paths.outputDir, folder), prefix };
}

export const saveImageDataSetToFolder: NodeDefinition = {
  name: 'SaveImageDataSetToFolder',
  schemaFormat: 'v3',
  displayName: 'Save Image Dataset to Folder',
  pythonModule: DATASET_MODULE,
  category: 'dataset',
  experimental: true,
  outputNode: true,
  inputIsList: true,
  inputs: { required: { images: v3Socket('IMAGE', { tooltip: 'List of images to save.' }), ...saveInputs }, hidden: V3_OUTPUT_HIDDEN },
  outputs: [],
  async execute(inputs, ctx) {
    const { dir, prefix } = saveTarget(inputs, ctx);
    await saveImageList(inputs.images as unknown[], dir, prefix, ctx);
    return [];
  },
};

export const saveImageTextDataSetToFolder: NodeDefinition = {
  name: 'SaveImageTextDataSetToFolder',
  schemaFormat: 'v3',
  displayName: 'Save Image and Text Dataset to Folder',
  pythonModule: DATASET_MODULE,
  category: 'dataset',
  experimental: true,
  outputNode: true,
  inputIsList: true,
  inputs: {
    required: {
      images: v3Socket('IMAGE', { tooltip: 'List of images to save.' }),
      texts: v3String({ tooltip: 'List of text captions to save.' }),
      ...saveInputs,
    },
    hidden: V3_OUTPUT_HIDDEN,
  },
  outputs: [],
  async execute(inputs, ctx) {
    const { dir, prefix } = saveTarget(inputs, ctx);
    const names = await saveImageList(inputs.images as unknown[], dir, prefix, ctx);
    const texts = inputs.texts as unknown[];
    // zip(): captions for as many images as there are texts.
    for (let i = 0; i < Math.min(names.length, texts.length); i++) {
      await writeFileAtomic(path.join(dir, names[i]!.replace('.png', '.txt')), requireString(`texts[${i}]`, texts[i]));
    }
    return [];
  },
};
