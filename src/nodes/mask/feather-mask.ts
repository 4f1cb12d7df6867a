// FeatherMask (comfy_extras/nodes_mask.py, as of ComfyUI 0.8.0): multiplies the outer columns/rows by a linear
// ramp (k+1)/n. ComfyUI 0.8.0 indexes the right and bottom ramps with `-k`, so for k = 0 it scales the FIRST
// column/row (Python's -0 is 0) and never touches the last one; this port keeps that behaviour for identical output
// (fixed upstream only after 0.8.0).
import type { NodeDefinition } from '../node-definition.ts';
import { MAX_RESOLUTION, requireInt, requireMask } from '../utils/node-args.ts';
import { v3Int, v3Socket } from '../utils/v3-io.ts';

const edge = () => v3Int({ default: 0, min: 0, max: MAX_RESOLUTION, step: 1 });

export const featherMaskNode: NodeDefinition = {
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_mask',
  category: 'mask',
  name: 'FeatherMask',
  inputs: { required: { mask: v3Socket('MASK'), left: edge(), top: edge(), right: edge(), bottom: edge() } },
  outputs: [{ type: 'MASK' }],
  execute(inputs) {
    const out = requireMask('mask', inputs.mask).clone();
    const [b, h, w] = out.shape as [number, number, number];
    const left = Math.min(requireInt('left', inputs.left, 0, MAX_RESOLUTION), w);
    const top = Math.min(requireInt('top', inputs.top, 0, MAX_RESOLUTION), h);
    const right = Math.min(requireInt('right', inputs.right, 0, MAX_RESOLUTION), w);
    const bottom = Math.min(requireInt('bottom', inputs.bottom, 0, MAX_RESOLUTION), h);
    const d = out.data;
    const scaleColumn = (col: number, rate: number) => {
      for (let i = 0; i < b * h; i++) d[i * w + col] = d[i * w + col]! * rate;
    };
    const scaleRow = (row: number, rate: number) => {
      for (let n = 0; n < b; n++) {
        const start = (n * h + row) * w;
        for (let c = 0; c < w; c++) d[start + c] = d[start + c]! * rate;
      }
    };
    // Python float rates are applied to the float32 tensor as float32 scalars.
    const pyIndex = (k: number, n: number) => (k === 0 ? 0 : n - k);
    for (let k = 0; k < left; k++) scaleColumn(k, Math.fround((k + 1) / left));
    for (let k = 0; k < right; k++) scaleColumn(pyIndex(k, w), Math.fround((k + 1) / right));
    for (let k = 0; k < top; k++) scaleRow(k, Math.fround((k + 1) / top));
    for (let k = 0; k < bottom; k++) scaleRow(pyIndex(k, h), Math.fround((k + 1) / bottom));
    return [out];
  },
};
