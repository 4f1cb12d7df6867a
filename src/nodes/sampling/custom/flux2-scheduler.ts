// Flux2Scheduler (comfy_extras/nodes_flux.py): Flux 2's time-shifted flow sigmas, with the shift μ fitted to the
// image's token count (one token per 16×16 pixels) and the number of steps.
import { linspace32 } from '../../../inference/sampling/schedulers.ts';
import type { NodeDefinition } from '../../node-definition.ts';
import { requireInt } from '../../utils/node-args.ts';
import { v3Int } from '../../utils/v3-io.ts';
import { roundHalfEven, sigmasTensor } from './sigmas.ts';

const f = Math.fround;
const MAX_RESOLUTION = 16384;

/** μ for a token count and step count: linear in length above 4300 tokens, otherwise interpolated in the steps between the 10- and 200-step fits. */
export function flux2Mu(imageSeqLen: number, steps: number): number {
  const long = 0.00016927 * imageSeqLen + 0.45666666;
  if (imageSeqLen > 4300) return long;
  const short = 8.73809524e-5 * imageSeqLen + 1.89833333;
  const slope = (long - short) / 190.0;
  return slope * steps + (long - 200.0 * slope);
}

/** t ↦ e^μ / (e^μ + (1/t − 1)), in float32 over t = linspace(1, 0, steps + 1); t = 0 gives 0. */
export function flux2Sigmas(steps: number, width: number, height: number): Float32Array {
  const expMu = f(Math.exp(flux2Mu(roundHalfEven((width * height) / 256), steps)));
  return Float32Array.from(linspace32(1, 0, steps + 1), (t) => f(expMu / f(expMu + f(f(1 / t) - 1))));
}

export const flux2Scheduler: NodeDefinition = {
  name: 'Flux2Scheduler',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_flux',
  category: 'sampling/custom_sampling/schedulers',
  inputs: {
    required: {
      steps: v3Int({ default: 20, min: 1, max: 4096 }),
      width: v3Int({ default: 1024, min: 16, max: MAX_RESOLUTION, step: 1 }),
      height: v3Int({ default: 1024, min: 16, max: MAX_RESOLUTION, step: 1 }),
    },
  },
  outputs: [{ type: 'SIGMAS' }],
  execute(inputs) {
    const steps = requireInt('steps', inputs.steps, 1, 4096);
    const width = requireInt('width', inputs.width, 16, MAX_RESOLUTION);
    const height = requireInt('height', inputs.height, 16, MAX_RESOLUTION);
    return [sigmasTensor(flux2Sigmas(steps, width, height))];
  },
};
