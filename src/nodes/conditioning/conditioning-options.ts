// Nodes that set or clear single conditioning options: ConditioningZeroOut and ConditioningSetTimestepRange
// (nodes.py), and the model-family options of comfy_extras (Flux guidance, edit-model reference latents,
// Stable Audio timing, LTXV frame rate, Stable Cascade prior). Options a model family does not read are
// carried along and ignored while sampling, as in ComfyUI.
import { Tensor } from '../../inference/tensor.ts';
import type { NodeDefinition } from '../node-definition.ts';
import { isTensor, requireChoice, requireLatent, requireNumber } from '../utils/node-args.ts';
import { v3Combo, v3Float, v3Socket } from '../utils/v3-io.ts';
import { requireConditioning, setValues } from './conditioning-args.ts';

const ADVANCED = { schemaFormat: 'v1', pythonModule: 'nodes', category: 'advanced/conditioning' } as const;

export const conditioningZeroOut: NodeDefinition = {
  ...ADVANCED,
  name: 'ConditioningZeroOut',
  inputs: { required: { conditioning: ['CONDITIONING'] } },
  outputs: [{ type: 'CONDITIONING' }],
  execute(inputs) {
    const zerosLike = (t: unknown) => (isTensor(t) ? new Tensor(t.shape) : t);
    return [requireConditioning('conditioning', inputs.conditioning).map(([cond, options]) => {
      const out = { ...options };
      for (const key of ['pooled_output', 'conditioning_lyrics']) if (out[key] != null) out[key] = zerosLike(out[key]);
      return [new Tensor(cond.shape), out] as const;
    })];
  },
};

export const conditioningSetTimestepRange: NodeDefinition = {
  ...ADVANCED,
  name: 'ConditioningSetTimestepRange',
  inputs: {
    required: {
      conditioning: ['CONDITIONING'],
      start: ['FLOAT', { default: 0.0, min: 0.0, max: 1.0, step: 0.001 }],
      end: ['FLOAT', { default: 1.0, min: 0.0, max: 1.0, step: 0.001 }],
    },
  },
  outputs: [{ type: 'CONDITIONING' }],
  execute(inputs) {
    return [setValues(requireConditioning('conditioning', inputs.conditioning), {
      start_percent: requireNumber('start', inputs.start),
      end_percent: requireNumber('end', inputs.end),
    })];
  },
};

const FLUX = { schemaFormat: 'v3', pythonModule: 'comfy_extras.nodes_flux', category: 'advanced/conditioning/flux' } as const;
const COND_IN = v3Socket('CONDITIONING');

export const fluxGuidance: NodeDefinition = {
  ...FLUX,
  name: 'FluxGuidance',
  inputs: { required: { conditioning: COND_IN, guidance: v3Float({ default: 3.5, min: 0.0, max: 100.0, step: 0.1 }) } },
  outputs: [{ type: 'CONDITIONING' }],
  execute(inputs) {
    return [setValues(requireConditioning('conditioning', inputs.conditioning), { guidance: requireNumber('guidance', inputs.guidance) })];
  },
};

export const fluxDisableGuidance: NodeDefinition = {
  ...FLUX,
  name: 'FluxDisableGuidance',
  description: 'This node completely disables the guidance embed on Flux and Flux like models',
  inputs: { required: { conditioning: COND_IN } },
  outputs: [{ type: 'CONDITIONING' }],
  execute(inputs) {
    return [setValues(requireConditioning('conditioning', inputs.conditioning), { guidance: null })];
  },
};

const REFERENCE_METHODS = ['offset', 'index', 'uxo/uno', 'index_timestep_zero'] as const;

export const fluxKontextMultiReferenceLatentMethod: NodeDefinition = {
  ...FLUX,
  name: 'FluxKontextMultiReferenceLatentMethod',
  displayName: 'Edit Model Reference Method',
  experimental: true,
  inputs: { required: { conditioning: COND_IN, reference_latents_method: v3Combo(REFERENCE_METHODS) } },
  outputs: [{ type: 'CONDITIONING' }],
  execute(inputs) {
    let method: string = requireChoice('reference_latents_method', inputs.reference_latents_method, REFERENCE_METHODS);
    if (method.includes('uxo') || method.includes('uso')) method = 'uxo';
    return [setValues(requireConditioning('conditioning', inputs.conditioning), { reference_latents_method: method })];
  },
};

export const referenceLatent: NodeDefinition = {
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_edit_model',
  category: 'advanced/conditioning/edit_models',
  name: 'ReferenceLatent',
  description: 'This node sets the guiding latent for an edit model. If the model supports it you can chain multiple to set multiple reference images.',
  inputs: { required: { conditioning: COND_IN }, optional: { latent: v3Socket('LATENT') } },
  outputs: [{ type: 'CONDITIONING' }],
  execute(inputs) {
    const conditioning = requireConditioning('conditioning', inputs.conditioning);
    if (inputs.latent == null) return [conditioning];
    const samples = requireLatent('latent', inputs.latent).samples;
    // conditioning_set_values(..., append=True): the list grows along a chain of these nodes.
    return [conditioning.map(([cond, options]) => {
      const previous = Array.isArray(options.reference_latents) ? options.reference_latents : [];
      return [cond, { ...options, reference_latents: [...previous, samples] }] as const;
    })];
  },
};

/** The same values set on a positive/negative pair. */
function setOnPair(inputs: Record<string, unknown>, values: Record<string, unknown>): unknown[] {
  return [setValues(requireConditioning('positive', inputs.positive), values), setValues(requireConditioning('negative', inputs.negative), values)];
}

const PAIR_OUT = [{ type: 'CONDITIONING', name: 'positive' }, { type: 'CONDITIONING', name: 'negative' }] as const;

export const ltxvConditioning: NodeDefinition = {
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_lt',
  category: 'conditioning/video_models',
  name: 'LTXVConditioning',
  inputs: { required: { positive: COND_IN, negative: COND_IN, frame_rate: v3Float({ default: 25.0, min: 0.0, max: 1000.0, step: 0.01 }) } },
  outputs: PAIR_OUT,
  execute: (inputs) => setOnPair(inputs, { frame_rate: requireNumber('frame_rate', inputs.frame_rate) }),
};

export const conditioningStableAudio: NodeDefinition = {
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_audio',
  category: 'conditioning',
  name: 'ConditioningStableAudio',
  inputs: {
    required: {
      positive: COND_IN,
      negative: COND_IN,
      seconds_start: v3Float({ default: 0.0, min: 0.0, max: 1000.0, step: 0.1 }),
      seconds_total: v3Float({ default: 47.0, min: 0.0, max: 1000.0, step: 0.1 }),
    },
  },
  outputs: PAIR_OUT,
  execute: (inputs) =>
    setOnPair(inputs, { seconds_start: requireNumber('seconds_start', inputs.seconds_start), seconds_total: requireNumber('seconds_total', inputs.seconds_total) }),
};

export const stableCascadeStageBConditioning: NodeDefinition = {
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_stable_cascade',
  category: 'conditioning/stable_cascade',
  name: 'StableCascade_StageB_Conditioning',
  inputs: { required: { conditioning: COND_IN, stage_c: v3Socket('LATENT') } },
  outputs: [{ type: 'CONDITIONING' }],
  execute(inputs) {
    const prior = requireLatent('stage_c', inputs.stage_c).samples;
    return [setValues(requireConditioning('conditioning', inputs.conditioning), { stable_cascade_prior: prior })];
  },
};
