// Nodes that edit SIGMAS (comfy_extras/nodes_custom_sampler.py): split at a step or by denoise, flip, set the
// first σ, insert intermediate σ, read a model's σ at a sampling percentage, and parse a typed list.
import type { NodeDefinition } from '../../node-definition.ts';
import { requireChoice, requireInt, requireNumber, requireString } from '../../utils/node-args.ts';
import { v3Boolean, v3Combo, v3Float, v3Int, v3Socket, v3String } from '../../utils/v3-io.ts';
import { requireModel } from '../ksampler.ts';
import { linspace32 } from '../../../inference/sampling/schedulers.ts';
import { requireSigmas, roundHalfEven, sigmasTensor } from './sigmas.ts';

const f = Math.fround;
const SIGMA_NODE = { schemaFormat: 'v3', pythonModule: 'comfy_extras.nodes_custom_sampler', category: 'sampling/custom_sampling/sigmas' } as const;
const SIGMAS_IN = v3Socket('SIGMAS');
const SPLIT_OUT = [{ type: 'SIGMAS', name: 'high_sigmas' }, { type: 'SIGMAS', name: 'low_sigmas' }] as const;

/** Python slicing `seq[start:end]` with possibly negative or out-of-range bounds. */
function pySlice(values: Float64Array, start: number, end = values.length): Float64Array {
  const at = (i: number) => Math.min(Math.max(i < 0 ? values.length + i : i, 0), values.length);
  return values.slice(at(start), Math.max(at(start), at(end)));
}

export const splitSigmas: NodeDefinition = {
  ...SIGMA_NODE,
  name: 'SplitSigmas',
  inputs: { required: { sigmas: SIGMAS_IN, step: v3Int({ default: 0, min: 0, max: 10000 }) } },
  outputs: SPLIT_OUT,
  execute(inputs) {
    const sigmas = requireSigmas('sigmas', inputs.sigmas);
    const step = requireInt('step', inputs.step, 0, 10000);
    return [sigmasTensor(pySlice(sigmas, 0, step + 1)), sigmasTensor(pySlice(sigmas, step))];
  },
};

export const splitSigmasDenoise: NodeDefinition = {
  ...SIGMA_NODE,
  name: 'SplitSigmasDenoise',
  inputs: { required: { sigmas: SIGMAS_IN, denoise: v3Float({ default: 1.0, min: 0.0, max: 1.0, step: 0.01 }) } },
  outputs: SPLIT_OUT,
  execute(inputs) {
    const sigmas = requireSigmas('sigmas', inputs.sigmas);
    const total = roundHalfEven(Math.max(sigmas.length - 1, 0) * requireNumber('denoise', inputs.denoise, 0, 1));
    // sigmas[:-total] is empty when total is 0, as in Python.
    return [sigmasTensor(pySlice(sigmas, 0, -total)), sigmasTensor(pySlice(sigmas, -(total + 1)))];
  },
};

export const flipSigmas: NodeDefinition = {
  ...SIGMA_NODE,
  name: 'FlipSigmas',
  inputs: { required: { sigmas: SIGMAS_IN } },
  outputs: [{ type: 'SIGMAS' }],
  execute(inputs) {
    const flipped = requireSigmas('sigmas', inputs.sigmas).reverse();
    if (flipped.length > 0 && flipped[0] === 0) flipped[0] = 0.0001;
    return [sigmasTensor(flipped)];
  },
};

export const setFirstSigma: NodeDefinition = {
  ...SIGMA_NODE,
  name: 'SetFirstSigma',
  inputs: { required: { sigmas: SIGMAS_IN, sigma: v3Float({ default: 136.0, min: 0.0, max: 20000.0, step: 0.001, round: false }) } },
  outputs: [{ type: 'SIGMAS' }],
  execute(inputs) {
    const sigmas = requireSigmas('sigmas', inputs.sigmas);
    if (sigmas.length === 0) throw new Error('index 0 is out of bounds for dimension 0 with size 0');
    sigmas[0] = requireNumber('sigma', inputs.sigma);
    return [sigmasTensor(sigmas)];
  },
};

const SPACINGS = ['linear', 'cosine', 'sine'] as const;
const SPACING_FUNCTIONS: Record<(typeof SPACINGS)[number], (x: number) => number> = {
  linear: (x) => x,
  cosine: (x) => f(Math.sin(f(f(x * f(Math.PI)) / 2))),
  sine: (x) => f(1 - f(Math.cos(f(f(x * f(Math.PI)) / 2)))),
};

export const extendIntermediateSigmas: NodeDefinition = {
  ...SIGMA_NODE,
  name: 'ExtendIntermediateSigmas',
  inputs: {
    required: {
      sigmas: SIGMAS_IN,
      steps: v3Int({ default: 2, min: 1, max: 100 }),
      start_at_sigma: v3Float({ default: -1.0, min: -1.0, max: 20000.0, step: 0.01, round: false }),
      end_at_sigma: v3Float({ default: 12.0, min: 0.0, max: 20000.0, step: 0.01, round: false }),
      spacing: v3Combo(SPACINGS),
    },
  },
  outputs: [{ type: 'SIGMAS' }],
  execute(inputs) {
    const sigmas = requireSigmas('sigmas', inputs.sigmas);
    const steps = requireInt('steps', inputs.steps, 1, 100);
    const start = requireNumber('start_at_sigma', inputs.start_at_sigma);
    const upper = start < 0 ? Infinity : f(start);
    const lower = f(requireNumber('end_at_sigma', inputs.end_at_sigma));
    const spacing = SPACING_FUNCTIONS[requireChoice('spacing', inputs.spacing, SPACINGS)];
    const fractions = Array.from(linspace32(0, 1, steps + 1).subarray(1, steps), spacing);
    const out: number[] = [];
    for (let i = 0; i + 1 < sigmas.length; i++) {
      const current = sigmas[i]!;
      out.push(current);
      if (lower <= current && current <= upper) {
        const delta = f(sigmas[i + 1]! - current);
        for (const t of fractions) out.push(f(f(t * delta) + current));
      }
    }
    if (sigmas.length > 0) out.push(sigmas[sigmas.length - 1]!);
    return [sigmasTensor(out)];
  },
};

export const samplingPercentToSigma: NodeDefinition = {
  ...SIGMA_NODE,
  name: 'SamplingPercentToSigma',
  inputs: {
    required: {
      model: v3Socket('MODEL'),
      sampling_percent: v3Float({ default: 0.0, min: 0.0, max: 1.0, step: 0.0001 }),
      return_actual_sigma: v3Boolean({
        default: false,
        tooltip: 'Return the actual sigma value instead of the value used for interval checks.\nThis only affects results at 0.0 and 1.0.',
      }),
    },
  },
  outputs: [{ type: 'FLOAT', name: 'sigma_value' }],
  execute(inputs) {
    const ms = requireModel(inputs.model).modelSampling;
    const percent = requireNumber('sampling_percent', inputs.sampling_percent, 0, 1);
    if (inputs.return_actual_sigma === true && percent === 0) return [ms.sigmaMax];
    if (inputs.return_actual_sigma === true && percent === 1) return [ms.sigmaMin];
    return [ms.percentToSigma(percent)];
  },
};

/** Signed decimals as ComfyUI's ManualSigmas finds them. */
const NUMBER_PATTERN = /[-+]?(?:\d*\.*\d+)/g;

export const manualSigmas: NodeDefinition = {
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_custom_sampler',
  category: '_for_testing/custom_sampling',
  name: 'ManualSigmas',
  experimental: true,
  inputs: { required: { sigmas: v3String({ default: '1, 0.5' }) } },
  outputs: [{ type: 'SIGMAS' }],
  execute(inputs) {
    const values = (requireString('sigmas', inputs.sigmas).match(NUMBER_PATTERN) ?? []).map((text) => {
      // float() refuses forms like "1..5" that the pattern lets through.
      if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(text)) throw new Error(`could not convert string to float: '${text}'`);
      return Number(text);
    });
    return [sigmasTensor(values)];
  },
};
