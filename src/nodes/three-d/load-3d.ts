// Load3D and Preview3D (nodes_load_3d.py). The 3D viewer runs in the browser: Load3D receives its renders (image,
// mask, normal pass, camera, optional recording) as a LOAD_3D value of annotated file names and loads them as
// LoadImage does; Preview3D hands a model path, a camera and an optional background image back to the viewer.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { NodeDefinition, NodeServices } from '../node-definition.ts';
import { imageItemToUint8 } from '../../imaging/codec.ts';
import { encodePng } from '../../imaging/png-encode.ts';
import { writeFileAtomic } from '../../storage/atomic-write.ts';
import { compareCodePoints, extensionOf, walkFiles } from '../../storage/file-listing.ts';
import { loadImage } from '../image/load-image.ts';
import { requireImage, requireString } from '../utils/node-args.ts';
import { V3_OUTPUT_HIDDEN, v3Int, v3Socket, v3String } from '../utils/v3-io.ts';
import { videoFromFile } from '../video/video-value.ts';

const MODEL_EXTENSIONS = ['.gltf', '.glb', '.obj', '.fbx', '.stl'];

/** Model files anywhere under input/3d, as `3d/<relative path>`; the folder is created first, as ComfyUI's schema does. */
function list3dFiles(services?: NodeServices): string[] {
  if (!services) return [];
  const folder = path.join(services.paths.inputDir, '3d');
  try {
    mkdirSync(folder, { recursive: true });
  } catch {
    // a read-only input folder lists what it has
  }
  const files = walkFiles(folder).files;
  return files.filter((f) => MODEL_EXTENSIONS.includes(extensionOf(f))).map((f) => `3d/${f}`).sort(compareCodePoints);
}

interface Load3DRenders {
  image: string;
  mask: string;
  normal: string;
  camera_info?: unknown;
  recording?: string;
}

function requireRenders(value: unknown): Load3DRenders {
  const v = value as Partial<Load3DRenders> | null;
  if (typeof value !== 'object' || value === null || ['image', 'mask', 'normal'].some((k) => typeof (v as Record<string, unknown>)[k] !== 'string')) {
    throw new Error('image must be a LOAD_3D value from the 3D viewer (with image, mask and normal file names)');
  }
  return value as Load3DRenders;
}

export const load3D: NodeDefinition = {
  name: 'Load3D',
  schemaFormat: 'v3',
  displayName: 'Load 3D & Animation',
  pythonModule: 'comfy_extras.nodes_load_3d',
  category: '3d',
  experimental: true,
  inputs: {
    required: {
      model_file: ['COMBO', (services?: NodeServices) => ({ multiselect: false, options: list3dFiles(services), file_upload: true })],
      image: v3Socket('LOAD_3D'),
      width: v3Int({ default: 1024, min: 1, max: 4096, step: 1 }),
      height: v3Int({ default: 1024, min: 1, max: 4096, step: 1 }),
    },
  },
  outputs: [
    { type: 'IMAGE', name: 'image' }, { type: 'MASK', name: 'mask' }, { type: 'STRING', name: 'mesh_path' },
    { type: 'IMAGE', name: 'normal' }, { type: 'LOAD3D_CAMERA', name: 'camera_info' }, { type: 'VIDEO', name: 'recording_video' },
  ],
  async execute(inputs, ctx) {
    const renders = requireRenders(inputs.image);
    const load = async (name: string) => (await loadImage.execute({ image: name }, ctx)) as [unknown, unknown];
    const [image] = await load(renders.image);
    const [, mask] = await load(renders.mask);
    const [normal] = await load(renders.normal);
    let video = null;
    if (renders.recording) {
      const file = ctx.services.paths.resolveAnnotated(renders.recording);
      if (file === null) throw new Error(`Invalid video file: ${renders.recording}`);
      video = videoFromFile(file);
    }
    return [image, mask, inputs.model_file, normal, renders.camera_info ?? null, video];
  },
};

export const preview3D: NodeDefinition = {
  name: 'Preview3D',
  schemaFormat: 'v3',
  displayName: 'Preview 3D & Animation',
  pythonModule: 'comfy_extras.nodes_load_3d',
  category: '3d',
  experimental: true,
  inputs: {
    required: { model_file: v3String({ default: '', multiline: false }) },
    optional: { camera_info: v3Socket('LOAD3D_CAMERA'), bg_image: v3Socket('IMAGE') },
    hidden: V3_OUTPUT_HIDDEN,
  },
  outputs: [],
  outputNode: true,
  async execute(inputs, ctx) {
    const modelFile = requireString('model_file', inputs.model_file ?? '');
    let background: string | null = null;
    if (inputs.bg_image !== undefined && inputs.bg_image !== null) {
      const image = requireImage('bg_image', inputs.bg_image);
      if (image.shape[0] === 0) throw new Error('bg_image: the batch is empty');
      const file = `bg_${randomUUID().replaceAll('-', '')}.png`;
      await writeFileAtomic(path.join(ctx.services.paths.tempDir, file), await encodePng(imageItemToUint8(image, 0), { compressionLevel: 1 }));
      background = `temp/${file}`;
    }
    return { ui: { result: [modelFile, inputs.camera_info ?? null, background] } };
  },
};
