// LoadImage and LoadImageMask (nodes.py): read a file of the input folder (or an annotated `name [output]`
// path) into IMAGE/MASK tensors. Both re-key their cache on the file's SHA-256 and validate that the file exists.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { NodeContext, NodeDefinition, NodeServices } from '../node-definition.ts';
import { Tensor } from '../../inference/tensor.ts';
import { decodeImageFrames, framesToImageAndMask, type DecodedImage } from '../../imaging/codec.ts';
import { pyRepr } from '../../python/values.ts';
import { requireChoice, requireString } from '../utils/node-args.ts';

/** The services of a call that may pass either the services or a node context (validation has no context). */
function servicesOf(arg: NodeServices | NodeContext | undefined): NodeServices | undefined {
  if (!arg) return undefined;
  return 'services' in arg ? arg.services : arg;
}

function resolveImagePath(services: NodeServices, name: unknown): string {
  const file = typeof name === 'string' ? services.paths.resolveAnnotated(name) : null;
  if (!file) throw new Error(`Invalid image file: ${String(name)}`);
  return file;
}

/**
 * Files up to this size are read with one synchronous call: an async read is four threadpool hops (open, stat,
 * read, close), ~0.1 ms each, where a 1 MB read from the page cache takes ~0.1 ms in all.
 */
const SYNC_READ_LIMIT = 1024 * 1024;

async function readImageFile(services: NodeServices, name: unknown): Promise<Buffer> {
  const file = resolveImagePath(services, name);
  try {
    const stats = statSync(file);
    // Only regular files: a FIFO would block the whole process on a synchronous read.
    return stats.isFile() && stats.size <= SYNC_READ_LIMIT ? readFileSync(file) : await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    // Python's FileNotFoundError, as Pillow's open raises it (the file went after validation).
    throw Object.assign(new Error(`[Errno 2] No such file or directory: ${pyRepr(file)}`), { code: 'ENOENT' });
  }
}

/** The frames of an input image; a file no decoder knows fails as Pillow's does. */
async function decodeInputImage(services: NodeServices, name: unknown): Promise<DecodedImage> {
  const bytes = await readImageFile(services, name);
  try {
    return await decodeImageFrames(bytes);
  } catch (err) {
    if (!/unsupported image format/.test((err as Error).message)) throw err;
    const unidentified = new Error(`cannot identify image file ${pyRepr(resolveImagePath(services, name))}`);
    unidentified.name = 'PIL.UnidentifiedImageError';
    throw unidentified;
  }
}

async function fileSha256(ctx: NodeContext, name: unknown): Promise<string> {
  return createHash('sha256').update(await readImageFile(ctx.services, name)).digest('hex');
}

/** VALIDATE_INPUTS: the (possibly annotated) file must exist. Without services (no folders known) it passes. */
function validateImageName(inputs: Record<string, unknown>, arg?: NodeServices | NodeContext): true | string {
  const services = servicesOf(arg);
  if (!services) return true;
  const name = inputs.image;
  const file = typeof name === 'string' ? services.paths.resolveAnnotated(name) : null;
  return file !== null && existsSync(file) ? true : `Invalid image file: ${String(name)}`;
}

export const loadImage: NodeDefinition = {
  name: 'LoadImage',
  schemaFormat: 'v1',
  displayName: 'Load Image',
  pythonModule: 'nodes',
  category: 'image',
  inputs: {
    required: {
      image: [(services?: NodeServices) => services?.paths.listInputFiles({ imagesOnly: true }) ?? [], { image_upload: true }],
    },
  },
  outputs: [{ type: 'IMAGE' }, { type: 'MASK' }],
  async execute(inputs, ctx) {
    const decoded = await decodeInputImage(ctx.services, inputs.image);
    // MPO files (multi-picture JPEG) contribute their first picture only.
    const frames = decoded.format === 'mpo' ? decoded.frames.slice(0, 1) : decoded.frames;
    const { image, mask } = framesToImageAndMask(frames);
    return [image, mask];
  },
  isChanged: (inputs, ctx) => fileSha256(ctx, inputs.image),
  validateInputs: validateImageName,
  validateInputsTakes: ['image'],
};

const MASK_CHANNELS = ['alpha', 'red', 'green', 'blue'] as const;

export const loadImageMask: NodeDefinition = {
  name: 'LoadImageMask',
  schemaFormat: 'v1',
  displayName: 'Load Image (as Mask)',
  pythonModule: 'nodes',
  category: 'mask',
  inputs: {
    required: {
      image: [(services?: NodeServices) => services?.paths.listInputFiles() ?? [], { image_upload: true }],
      channel: [MASK_CHANNELS],
    },
  },
  outputs: [{ type: 'MASK' }],
  async execute(inputs, ctx) {
    const channel = requireChoice('channel', inputs.channel, MASK_CHANNELS);
    requireString('image', inputs.image);
    const { frames } = await decodeInputImage(ctx.services, inputs.image);
    const f = frames[0]!;
    // The file is read as RGBA, so every channel exists (alpha = 255 when the file has none).
    const index = { red: 0, green: 1, blue: 2, alpha: 3 }[channel];
    const hw = f.width * f.height;
    const mask = new Tensor([1, f.height, f.width]);
    for (let p = 0; p < hw; p++) {
      const v = index < f.channels ? f.pixels[p * f.channels + index]! / 255 : 1;
      mask.data[p] = channel === 'alpha' ? 1 - v : v;
    }
    return [mask];
  },
  isChanged: (inputs, ctx) => fileSha256(ctx, inputs.image),
  validateInputs: validateImageName,
  validateInputsTakes: ['image'],
};

export const loadImageOutput: NodeDefinition = {
  ...loadImage,
  name: 'LoadImageOutput',
  displayName: 'Load Image (from Outputs)',
  description:
    'Load an image from the output folder. When the refresh button is clicked, the node will update the image list and automatically select the first image, allowing for easy iteration.',
  experimental: true,
  inputs: {
    required: {
      image: ['COMBO', {
        image_upload: true,
        image_folder: 'output',
        remote: { route: '/internal/files/output', refresh_button: true, control_after_refresh: 'first' },
      }],
    },
  },
};

export const webcamCapture: NodeDefinition = {
  ...loadImage,
  name: 'WebcamCapture',
  displayName: 'Webcam Capture',
  pythonModule: 'comfy_extras.nodes_webcam',
  inputs: {
    required: {
      image: ['WEBCAM', {}],
      width: ['INT', { default: 0, min: 0, max: 16384, step: 1 }],
      height: ['INT', { default: 0, min: 0, max: 16384, step: 1 }],
      capture_on_queue: ['BOOLEAN', { default: true }],
    },
  },
  // LoadImage's result; only the IMAGE slot is declared (the frontend already sized the capture).
  outputs: [{ type: 'IMAGE' }],
};
