// Zero latents for the other model families (V3 nodes from comfy_extras; ComfyUI 0.8.0 reports all of them in the
// V3 format). Each is a shape computed from the widgets; none needs a model. TrimVideoLatent sits here too.
import type { Tensor } from '../../inference/tensor.ts';
import type { InputSpec, NodeDefinition } from '../node-definition.ts';
import { allocTensor, copyLatent, MAX_RESOLUTION, requireInt, requireLatent, requireNumber } from '../utils/node-args.ts';
import { pyRound } from '../../imaging/resize.ts';
import { narrow } from '../utils/tensor-ops.ts';
import { v3Float, v3Int, v3Socket } from '../utils/v3-io.ts';

const BATCH_TOOLTIP = 'The number of latent images in the batch.';

interface SizeWidget {
  default: number;
  min: number;
  max?: number;
  step?: number;
}

interface EmptyLatentSpec {
  name: string;
  module: string;
  category: string;
  displayName?: string;
  /** Widgets in order; `batch_size` is appended. */
  widgets: Record<string, SizeWidget>;
  batchTooltip?: boolean;
  /** The tensor shape from the (validated) widget values. */
  shape(v: Record<string, number>): number[];
  type?: string;
}

function emptyLatentNode(spec: EmptyLatentSpec): NodeDefinition {
  const required: Record<string, InputSpec> = {};
  for (const [name, w] of Object.entries(spec.widgets)) {
    required[name] = v3Int({ default: w.default, min: w.min, max: w.max ?? MAX_RESOLUTION, step: w.step });
  }
  required.batch_size = v3Int({ tooltip: spec.batchTooltip ? BATCH_TOOLTIP : undefined, default: 1, min: 1, max: 4096 });
  return {
    schemaFormat: 'v3',
    pythonModule: spec.module,
    category: spec.category,
    displayName: spec.displayName,
    name: spec.name,
    inputs: { required },
    outputs: [{ type: 'LATENT' }],
    execute(inputs) {
      const v: Record<string, number> = {};
      for (const [name, w] of Object.entries(spec.widgets)) v[name] = requireInt(name, inputs[name], w.min, w.max ?? MAX_RESOLUTION);
      v.batch_size = requireInt('batch_size', inputs.batch_size ?? 1, 1, 4096);
      const samples: Tensor = allocTensor(spec.shape(v), spec.name);
      return [spec.type ? { samples, type: spec.type } : { samples }];
    },
  };
}

const fl = Math.floor;
const image = (w: number, h: number, step: number, min = 16) => ({
  width: { default: w, min, step },
  height: { default: h, min, step },
});

export const emptySD3LatentImageNode = emptyLatentNode({
  name: 'EmptySD3LatentImage', module: 'comfy_extras.nodes_sd3', category: 'latent/sd3',
  widgets: image(1024, 1024, 16),
  shape: (v) => [v.batch_size!, 16, fl(v.height! / 8), fl(v.width! / 8)],
});

export const emptyHunyuanLatentVideoNode = emptyLatentNode({
  name: 'EmptyHunyuanLatentVideo', module: 'comfy_extras.nodes_hunyuan', category: 'latent/video',
  displayName: 'Empty HunyuanVideo 1.0 Latent',
  widgets: { ...image(848, 480, 16), length: { default: 25, min: 1, step: 4 } },
  shape: (v) => [v.batch_size!, 16, fl((v.length! - 1) / 4) + 1, fl(v.height! / 8), fl(v.width! / 8)],
});

export const emptyHunyuanImageLatentNode = emptyLatentNode({
  name: 'EmptyHunyuanImageLatent', module: 'comfy_extras.nodes_hunyuan', category: 'latent',
  widgets: image(2048, 2048, 32, 64),
  shape: (v) => [v.batch_size!, 64, fl(v.height! / 32), fl(v.width! / 32)],
});

export const emptyHunyuanVideo15LatentNode = emptyLatentNode({
  name: 'EmptyHunyuanVideo15Latent', module: 'comfy_extras.nodes_hunyuan', category: 'latent/video',
  displayName: 'Empty HunyuanVideo 1.5 Latent',
  widgets: { ...image(848, 480, 16), length: { default: 25, min: 1, step: 4 } },
  shape: (v) => [v.batch_size!, 32, fl((v.length! - 1) / 4) + 1, fl(v.height! / 16), fl(v.width! / 16)],
});

export const emptyMochiLatentVideoNode = emptyLatentNode({
  name: 'EmptyMochiLatentVideo', module: 'comfy_extras.nodes_mochi', category: 'latent/video',
  widgets: { ...image(848, 480, 16), length: { default: 25, min: 7, step: 6 } },
  shape: (v) => [v.batch_size!, 12, fl((v.length! - 1) / 6) + 1, fl(v.height! / 8), fl(v.width! / 8)],
});

export const emptyLTXVLatentVideoNode = emptyLatentNode({
  name: 'EmptyLTXVLatentVideo', module: 'comfy_extras.nodes_lt', category: 'latent/video/ltxv',
  widgets: { ...image(768, 512, 32, 64), length: { default: 97, min: 1, step: 8 } },
  shape: (v) => [v.batch_size!, 128, fl((v.length! - 1) / 8) + 1, fl(v.height! / 32), fl(v.width! / 32)],
});

export const emptyCosmosLatentVideoNode = emptyLatentNode({
  name: 'EmptyCosmosLatentVideo', module: 'comfy_extras.nodes_cosmos', category: 'latent/video',
  widgets: { ...image(1280, 704, 16), length: { default: 121, min: 1, step: 8 } },
  shape: (v) => [v.batch_size!, 16, fl((v.length! - 1) / 8) + 1, fl(v.height! / 8), fl(v.width! / 8)],
});

export const emptyChromaRadianceLatentImageNode = emptyLatentNode({
  name: 'EmptyChromaRadianceLatentImage', module: 'comfy_extras.nodes_chroma_radiance', category: 'latent/chroma_radiance',
  widgets: image(1024, 1024, 16),
  shape: (v) => [v.batch_size!, 3, v.height!, v.width!],
});

export const emptyFlux2LatentImageNode = emptyLatentNode({
  name: 'EmptyFlux2LatentImage', module: 'comfy_extras.nodes_flux', category: 'latent',
  displayName: 'Empty Flux 2 Latent',
  widgets: image(1024, 1024, 16),
  shape: (v) => [v.batch_size!, 128, fl(v.height! / 16), fl(v.width! / 16)],
});

export const emptyQwenImageLayeredLatentImageNode = emptyLatentNode({
  name: 'EmptyQwenImageLayeredLatentImage', module: 'comfy_extras.nodes_qwen', category: 'latent/qwen',
  displayName: 'Empty Qwen Image Layered Latent',
  widgets: { ...image(640, 640, 16), layers: { default: 3, min: 0, step: 1 } },
  shape: (v) => [v.batch_size!, 16, v.layers! + 1, fl(v.height! / 8), fl(v.width! / 8)],
});

export const emptyLatentHunyuan3Dv2Node = emptyLatentNode({
  name: 'EmptyLatentHunyuan3Dv2', module: 'comfy_extras.nodes_hunyuan3d', category: 'latent/3d',
  widgets: { resolution: { default: 3072, min: 1, max: 8192 } },
  batchTooltip: true,
  shape: (v) => [v.batch_size!, 64, v.resolution!],
  type: 'hunyuan3dv2',
});

function secondsNode(name: string, module: string, displayName: string | undefined, defaultSeconds: number, batchTooltip: boolean, shape: (seconds: number, batch: number) => number[]): NodeDefinition {
  return {
    schemaFormat: 'v3',
    pythonModule: module,
    category: 'latent/audio',
    displayName,
    name,
    inputs: {
      required: {
        seconds: v3Float({ default: defaultSeconds, min: 1.0, max: 1000.0, step: 0.1 }),
        batch_size: v3Int({ tooltip: batchTooltip ? BATCH_TOOLTIP : undefined, default: 1, min: 1, max: 4096 }),
      },
    },
    outputs: [{ type: 'LATENT' }],
    execute(inputs) {
      const seconds = requireNumber('seconds', inputs.seconds, 1.0, 1000.0);
      const batch = requireInt('batch_size', inputs.batch_size, 1, 4096);
      return [{ samples: allocTensor(shape(seconds, batch), name), type: 'audio' }];
    },
  };
}

export const emptyLatentAudioNode = secondsNode('EmptyLatentAudio', 'comfy_extras.nodes_audio', 'Empty Latent Audio', 47.6, true,
  (s, b) => [b, 64, pyRound((s * 44100) / 2048 / 2) * 2]);

export const emptyAceStepLatentAudioNode = secondsNode('EmptyAceStepLatentAudio', 'comfy_extras.nodes_ace', undefined, 120.0, true,
  (s, b) => [b, 8, 16, Math.trunc((s * 44100) / 512 / 8)]);

export const stableCascadeEmptyLatentImageNode: NodeDefinition = {
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_stable_cascade',
  category: 'latent/stable_cascade',
  name: 'StableCascade_EmptyLatentImage',
  inputs: {
    required: {
      width: v3Int({ default: 1024, min: 256, max: MAX_RESOLUTION, step: 8 }),
      height: v3Int({ default: 1024, min: 256, max: MAX_RESOLUTION, step: 8 }),
      compression: v3Int({ default: 42, min: 4, max: 128, step: 1 }),
      batch_size: v3Int({ default: 1, min: 1, max: 4096 }),
    },
  },
  outputs: [{ type: 'LATENT', name: 'stage_c' }, { type: 'LATENT', name: 'stage_b' }],
  execute(inputs) {
    const width = requireInt('width', inputs.width, 256, MAX_RESOLUTION);
    const height = requireInt('height', inputs.height, 256, MAX_RESOLUTION);
    const compression = requireInt('compression', inputs.compression, 4, 128);
    const batch = requireInt('batch_size', inputs.batch_size ?? 1, 1, 4096);
    return [
      { samples: allocTensor([batch, 16, fl(height / compression), fl(width / compression)], 'stage_c') },
      { samples: allocTensor([batch, 4, fl(height / 4), fl(width / 4)], 'stage_b') },
    ];
  },
};

export const trimVideoLatentNode: NodeDefinition = {
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_wan',
  category: 'latent/video',
  name: 'TrimVideoLatent',
  inputs: { required: { samples: v3Socket('LATENT'), trim_amount: v3Int({ default: 0, min: 0, max: 99999 }) } },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const samples = requireLatent('samples', inputs.samples);
    const trim = requireInt('trim_amount', inputs.trim_amount, 0, 99999);
    const s = samples.samples;
    const frames = s.shape[2]!;
    const out = copyLatent(samples);
    // s[:, :, trim:] — trimming past the end leaves zero frames, as Python slicing does.
    out.samples = narrow(s, 2, Math.min(trim, frames), frames - Math.min(trim, frames));
    return [out];
  },
};

export const emptyLatentNodes: NodeDefinition[] = [
  stableCascadeEmptyLatentImageNode,
  emptyLatentAudioNode,
  emptySD3LatentImageNode,
  emptyHunyuanLatentVideoNode,
  emptyHunyuanImageLatentNode,
  emptyHunyuanVideo15LatentNode,
  emptyMochiLatentVideoNode,
  emptyLTXVLatentVideoNode,
  emptyCosmosLatentVideoNode,
  trimVideoLatentNode,
  emptyLatentHunyuan3Dv2Node,
  emptyAceStepLatentAudioNode,
  emptyChromaRadianceLatentImageNode,
  emptyFlux2LatentImageNode,
  emptyQwenImageLayeredLatentImageNode,
];
