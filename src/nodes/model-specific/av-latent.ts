// LTXVConcatAVLatent / LTXVSeparateAVLatent (comfy_extras/nodes_lt.py): LTX-2 samples video and audio together
// as one LATENT whose samples (and noise mask) are a nested tensor of two parts.
import { Tensor, type Latent } from '../../inference/tensor.ts';
import type { NodeDefinition } from '../node-definition.ts';
import { requireLatent } from '../utils/node-args.ts';
import { v3Socket } from '../utils/v3-io.ts';

/**
 * ComfyUI's NestedTensor: tensors of different shapes travelling as one value. As a plain Tensor it is the
 * flat concatenation of its parts (so rank checks elsewhere reject it clearly); `parts` keeps the real shapes.
 */
export class NestedTensor extends Tensor {
  readonly parts: readonly Tensor[];

  constructor(parts: readonly Tensor[]) {
    const flat = new Float32Array(parts.reduce((n, p) => n + p.size, 0));
    let offset = 0;
    for (const p of parts) {
      flat.set(p.data, offset);
      offset += p.size;
    }
    super([flat.length], flat);
    this.parts = parts;
  }

  override toString(): string {
    return `NestedTensor(${this.parts.map((p) => `[${p.shape.join(', ')}]`).join(', ')})`;
  }
}

const NODE = { schemaFormat: 'v3', pythonModule: 'comfy_extras.nodes_lt', category: 'latent/video/ltxv' } as const;

export const ltxvConcatAvLatent: NodeDefinition = {
  ...NODE,
  name: 'LTXVConcatAVLatent',
  inputs: { required: { video_latent: v3Socket('LATENT'), audio_latent: v3Socket('LATENT') } },
  outputs: [{ type: 'LATENT', name: 'latent' }],
  execute(inputs) {
    const video = requireLatent('video_latent', inputs.video_latent);
    const audio = requireLatent('audio_latent', inputs.audio_latent);
    // The audio latent's keys win over the video's, as in a dict update.
    const out: Latent = { ...video, ...audio, samples: new NestedTensor([video.samples, audio.samples]) };
    if (video.noise_mask || audio.noise_mask) {
      const ones = (l: Latent) => l.noise_mask ?? Tensor.full(l.samples.shape, 1);
      out.noise_mask = new NestedTensor([ones(video), ones(audio)]);
    } else {
      delete out.noise_mask;
    }
    return [out];
  },
};

export const ltxvSeparateAvLatent: NodeDefinition = {
  ...NODE,
  name: 'LTXVSeparateAVLatent',
  description: 'LTXV Separate AV Latent',
  inputs: { required: { av_latent: v3Socket('LATENT') } },
  outputs: [{ type: 'LATENT', name: 'video_latent' }, { type: 'LATENT', name: 'audio_latent' }],
  execute(inputs) {
    const av = inputs.av_latent as Latent | null;
    if (typeof av !== 'object' || av === null || !(av.samples instanceof NestedTensor) || av.samples.parts.length < 2) {
      throw new Error('LTXVSeparateAVLatent: av_latent must be an audio-video latent (from LTXVConcatAVLatent)');
    }
    const [videoSamples, audioSamples] = av.samples.parts as [Tensor, Tensor];
    const video: Latent = { ...av, samples: videoSamples };
    const audio: Latent = { ...av, samples: audioSamples };
    if (av.noise_mask instanceof NestedTensor && av.noise_mask.parts.length >= 2) {
      video.noise_mask = av.noise_mask.parts[0];
      audio.noise_mask = av.noise_mask.parts[1];
    }
    return [video, audio];
  },
};
