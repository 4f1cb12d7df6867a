// Simple mask nodes (comfy_extras/nodes_mask.py): SolidMask, InvertMask, CropMask, ThresholdMask.
import type { NodeDefinition } from '../node-definition.ts';
import { Tensor } from '../../inference/tensor.ts';
import { oneMinusInto } from '../../imaging/pixel-kernels.ts';
import { allocTensor, MAX_RESOLUTION, requireInt, requireMask, requireNumber } from '../utils/node-args.ts';
import { f32, mapTensor, slice } from '../utils/tensor-ops.ts';
import { v3Float, v3Int, v3Socket } from '../utils/v3-io.ts';

const MASK_NODE = { schemaFormat: 'v3', pythonModule: 'comfy_extras.nodes_mask', category: 'mask' } as const;

const position = () => v3Int({ default: 0, min: 0, max: MAX_RESOLUTION, step: 1 });
const size = () => v3Int({ default: 512, min: 1, max: MAX_RESOLUTION, step: 1 });

export const solidMaskNode: NodeDefinition = {
  ...MASK_NODE,
  name: 'SolidMask',
  inputs: { required: { value: v3Float({ default: 1.0, min: 0.0, max: 1.0, step: 0.01 }), width: size(), height: size() } },
  outputs: [{ type: 'MASK' }],
  execute(inputs) {
    const value = requireNumber('value', inputs.value);
    const width = requireInt('width', inputs.width, 1, MAX_RESOLUTION);
    const height = requireInt('height', inputs.height, 1, MAX_RESOLUTION);
    const out = allocTensor([1, height, width], 'SolidMask');
    out.data.fill(value);
    return [out];
  },
};

export const invertMaskNode: NodeDefinition = {
  ...MASK_NODE,
  name: 'InvertMask',
  inputs: { required: { mask: v3Socket('MASK') } },
  outputs: [{ type: 'MASK' }],
  execute(inputs) {
    requireMask('mask', inputs.mask);
    const mask = inputs.mask as Tensor; // the input's own shape, as ComfyUI's `1.0 - mask`
    const inverted = new Tensor(mask.shape);
    oneMinusInto(mask.data, inverted.data);
    return [inverted];
  },
};

export const cropMaskNode: NodeDefinition = {
  ...MASK_NODE,
  name: 'CropMask',
  inputs: { required: { mask: v3Socket('MASK'), x: position(), y: position(), width: size(), height: size() } },
  outputs: [{ type: 'MASK' }],
  execute(inputs) {
    const mask = requireMask('mask', inputs.mask);
    const x = requireInt('x', inputs.x, 0, MAX_RESOLUTION);
    const y = requireInt('y', inputs.y, 0, MAX_RESOLUTION);
    const width = requireInt('width', inputs.width, 1, MAX_RESOLUTION);
    const height = requireInt('height', inputs.height, 1, MAX_RESOLUTION);
    // Python slicing clamps the rectangle to the mask; an origin outside it would leave an empty mask.
    const out = slice(slice(mask, 1, y, y + height), 2, x, x + width);
    if (out.shape[1] === 0 || out.shape[2] === 0) {
      throw new Error(`CropMask: the origin (${x}, ${y}) lies outside the ${mask.shape[2]}x${mask.shape[1]} mask`);
    }
    return [out];
  },
};

export const thresholdMaskNode: NodeDefinition = {
  ...MASK_NODE,
  name: 'ThresholdMask',
  inputs: { required: { mask: v3Socket('MASK'), value: v3Float({ default: 0.5, min: 0.0, max: 1.0, step: 0.01 }) } },
  outputs: [{ type: 'MASK' }],
  execute(inputs) {
    requireMask('mask', inputs.mask);
    // torch compares a float32 tensor with the scalar rounded to float32.
    const value = f32(requireNumber('value', inputs.value));
    return [mapTensor(inputs.mask, (v) => (v > value ? 1 : 0))];
  },
};
