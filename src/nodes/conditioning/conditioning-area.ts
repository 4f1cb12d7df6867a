// Where and how strongly a conditioning applies (nodes.py, comfy_extras/nodes_video_model.py): a rectangle in
// pixels (stored in latent units, /8) or in fractions of the latent, a strength, a mask. The sampler reads
// these options (inference/sampling/conditioning.ts).
import type { NodeDefinition } from '../node-definition.ts';
import { MAX_RESOLUTION, requireChoice, requireInt, requireMask, requireNumber } from '../utils/node-args.ts';
import { requireConditioning, setValues } from './conditioning-args.ts';

const CORE = { schemaFormat: 'v1', pythonModule: 'nodes', category: 'conditioning' } as const;
const STRENGTH = ['FLOAT', { default: 1.0, min: 0.0, max: 10.0, step: 0.01 }] as const;
const PIXELS = (d: number, min: number) => ['INT', { default: d, min, max: MAX_RESOLUTION, step: 8 }] as const;
const FRACTION = (d: number) => ['FLOAT', { default: d, min: 0, max: 1.0, step: 0.01 }] as const;

export const conditioningSetArea: NodeDefinition = {
  ...CORE,
  name: 'ConditioningSetArea',
  displayName: 'Conditioning (Set Area)',
  inputs: {
    required: { conditioning: ['CONDITIONING'], width: PIXELS(64, 64), height: PIXELS(64, 64), x: PIXELS(0, 0), y: PIXELS(0, 0), strength: STRENGTH },
  },
  outputs: [{ type: 'CONDITIONING' }],
  execute(inputs) {
    const px = (name: string) => Math.floor(requireInt(name, inputs[name], 0, MAX_RESOLUTION) / 8);
    return [setValues(requireConditioning('conditioning', inputs.conditioning), {
      area: [px('height'), px('width'), px('y'), px('x')],
      strength: requireNumber('strength', inputs.strength),
      set_area_to_bounds: false,
    })];
  },
};

function fraction(inputs: Record<string, unknown>, name: string): number {
  return requireNumber(name, inputs[name], 0, 1);
}

export const conditioningSetAreaPercentage: NodeDefinition = {
  ...CORE,
  name: 'ConditioningSetAreaPercentage',
  displayName: 'Conditioning (Set Area with Percentage)',
  inputs: {
    required: { conditioning: ['CONDITIONING'], width: FRACTION(1.0), height: FRACTION(1.0), x: FRACTION(0), y: FRACTION(0), strength: STRENGTH },
  },
  outputs: [{ type: 'CONDITIONING' }],
  execute(inputs) {
    return [setValues(requireConditioning('conditioning', inputs.conditioning), {
      area: ['percentage', fraction(inputs, 'height'), fraction(inputs, 'width'), fraction(inputs, 'y'), fraction(inputs, 'x')],
      strength: requireNumber('strength', inputs.strength),
      set_area_to_bounds: false,
    })];
  },
};

export const conditioningSetAreaStrength: NodeDefinition = {
  ...CORE,
  name: 'ConditioningSetAreaStrength',
  inputs: { required: { conditioning: ['CONDITIONING'], strength: STRENGTH } },
  outputs: [{ type: 'CONDITIONING' }],
  execute(inputs) {
    return [setValues(requireConditioning('conditioning', inputs.conditioning), { strength: requireNumber('strength', inputs.strength) })];
  },
};

export const conditioningSetMask: NodeDefinition = {
  ...CORE,
  name: 'ConditioningSetMask',
  displayName: 'Conditioning (Set Mask)',
  inputs: {
    required: { conditioning: ['CONDITIONING'], mask: ['MASK'], strength: STRENGTH, set_cond_area: [['default', 'mask bounds']] },
  },
  outputs: [{ type: 'CONDITIONING' }],
  execute(inputs) {
    const setCondArea = requireChoice('set_cond_area', inputs.set_cond_area, ['default', 'mask bounds']);
    return [setValues(requireConditioning('conditioning', inputs.conditioning), {
      mask: requireMask('mask', inputs.mask),
      set_area_to_bounds: setCondArea !== 'default',
      mask_strength: requireNumber('strength', inputs.strength),
    })];
  },
};

/** The video variant stores ("percentage", t, h, w, z, y, x): a box over frames, rows and columns. */
export const conditioningSetAreaPercentageVideo: NodeDefinition = {
  ...CORE,
  pythonModule: 'comfy_extras.nodes_video_model',
  name: 'ConditioningSetAreaPercentageVideo',
  inputs: {
    required: {
      conditioning: ['CONDITIONING'],
      width: FRACTION(1.0), height: FRACTION(1.0), temporal: FRACTION(1.0),
      x: FRACTION(0), y: FRACTION(0), z: FRACTION(0),
      strength: STRENGTH,
    },
  },
  outputs: [{ type: 'CONDITIONING' }],
  execute(inputs) {
    const [t, h, w, z, y, x] = ['temporal', 'height', 'width', 'z', 'y', 'x'].map((name) => fraction(inputs, name));
    return [setValues(requireConditioning('conditioning', inputs.conditioning), {
      area: ['percentage', t, h, w, z, y, x],
      strength: requireNumber('strength', inputs.strength),
      set_area_to_bounds: false,
    })];
  },
};
