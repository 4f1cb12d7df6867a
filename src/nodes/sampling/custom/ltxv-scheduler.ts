// LTXVScheduler (comfy_extras/nodes_lt.py): a flow-model schedule t = linspace(1, 0, steps + 1) shifted by
// e^μ/(e^μ + (1/t − 1)), μ growing linearly with the latent's token count (4096 without a latent), optionally
// stretched so that the last non-zero σ equals `terminal`. float32 tensor arithmetic as in torch.
import { linspace32 } from '../../../inference/sampling/schedulers.ts';
import type { NodeDefinition } from '../../node-definition.ts';
import { requireInt, requireLatent, requireNumber } from '../../utils/node-args.ts';
import { v3Boolean, v3Float, v3Int, v3Socket } from '../../utils/v3-io.ts';
import { sigmasTensor } from './sigmas.ts';

const f = Math.fround;

export function ltxvSigmas(steps: number, maxShift: number, baseShift: number, stretch: boolean, terminal: number, tokens: number): Float64Array {
  const slope = (maxShift - baseShift) / (4096 - 1024);
  const shift = Math.exp(tokens * slope + (baseShift - slope * 1024));
  const sigmas = linspace32(1, 0, steps + 1).map((t) => (t === 0 ? 0 : f(f(shift) / f(f(shift) + f(f(1 / t) - 1)))));
  if (!stretch) return sigmas;
  const nonZero = [...sigmas.keys()].filter((i) => sigmas[i] !== 0);
  if (nonZero.length === 0) return sigmas;
  const scale = f(f(1 - sigmas[nonZero[nonZero.length - 1]!]!) / f(1 - terminal));
  for (const i of nonZero) sigmas[i] = f(1 - f(f(1 - sigmas[i]!) / scale));
  return sigmas;
}

export const ltxvScheduler: NodeDefinition = {
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_lt',
  category: 'sampling/custom_sampling/schedulers',
  name: 'LTXVScheduler',
  inputs: {
    required: {
      steps: v3Int({ default: 20, min: 1, max: 10000 }),
      max_shift: v3Float({ default: 2.05, min: 0.0, max: 100.0, step: 0.01 }),
      base_shift: v3Float({ default: 0.95, min: 0.0, max: 100.0, step: 0.01 }),
      stretch: v3Boolean({ default: true, tooltip: 'Stretch the sigmas to be in the range [terminal, 1].' }),
      terminal: v3Float({ default: 0.1, min: 0.0, max: 0.99, step: 0.01, tooltip: 'The terminal value of the sigmas after stretching.' }),
    },
    optional: { latent: v3Socket('LATENT') },
  },
  outputs: [{ type: 'SIGMAS' }],
  execute(inputs) {
    const tokens = inputs.latent == null ? 4096 : requireLatent('latent', inputs.latent).samples.shape.slice(2).reduce((a, b) => a * b, 1);
    return [sigmasTensor(ltxvSigmas(
      requireInt('steps', inputs.steps, 1, 10000),
      requireNumber('max_shift', inputs.max_shift),
      requireNumber('base_shift', inputs.base_shift),
      inputs.stretch !== false,
      requireNumber('terminal', inputs.terminal, 0, 0.99),
      tokens,
    ))];
  },
};
