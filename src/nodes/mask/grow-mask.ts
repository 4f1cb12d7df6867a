// GrowMask (comfy_extras/nodes_mask.py): |expand| rounds of greyscale dilation (expand > 0) or erosion (< 0) with a
// 3×3 footprint: a cross when `tapered_corners`, else the full square (scipy.ndimage.grey_dilation/erosion). scipy's
// default 'reflect' border repeats the edge pixel for a radius-1 footprint, so neighbours are clamped to the image.
import { Tensor } from '../../inference/tensor.ts';
import type { NodeDefinition } from '../node-definition.ts';
import { MAX_RESOLUTION, requireInt, requireMask } from '../utils/node-args.ts';
import { v3Boolean, v3Int, v3Socket } from '../utils/v3-io.ts';

/** One dilation (max) or erosion (min) pass of a single [h, w] plane from `src` into `dst`; returns whether anything changed. */
function morphPass(src: Float32Array, dst: Float32Array, h: number, w: number, grow: boolean, square: boolean): boolean {
  let changed = false;
  for (let y = 0; y < h; y++) {
    const up = Math.max(y - 1, 0) * w;
    const mid = y * w;
    const down = Math.min(y + 1, h - 1) * w;
    for (let x = 0; x < w; x++) {
      const l = Math.max(x - 1, 0);
      const r = Math.min(x + 1, w - 1);
      const centre = src[mid + x]!;
      let v = centre;
      if (grow) {
        v = Math.max(v, src[up + x]!, src[down + x]!, src[mid + l]!, src[mid + r]!);
        if (square) v = Math.max(v, src[up + l]!, src[up + r]!, src[down + l]!, src[down + r]!);
      } else {
        v = Math.min(v, src[up + x]!, src[down + x]!, src[mid + l]!, src[mid + r]!);
        if (square) v = Math.min(v, src[up + l]!, src[up + r]!, src[down + l]!, src[down + r]!);
      }
      if (v !== centre) changed = true;
      dst[mid + x] = v;
    }
  }
  return changed;
}

export function growMask(mask: Tensor, expand: number, taperedCorners: boolean): Tensor {
  const m = requireMask('mask', mask);
  const [b, h, w] = m.shape as [number, number, number];
  const out = new Tensor([b, h, w]);
  const plane = h * w;
  let a = new Float32Array(plane);
  let c = new Float32Array(plane);
  for (let n = 0; n < b; n++) {
    a.set(m.data.subarray(n * plane, (n + 1) * plane));
    // Once a pass changes nothing, further passes cannot either.
    for (let i = 0; i < Math.abs(expand); i++) {
      const changed = morphPass(a, c, h, w, expand > 0, !taperedCorners);
      [a, c] = [c, a];
      if (!changed) break;
    }
    out.data.set(a, n * plane);
  }
  return out;
}

export const growMaskNode: NodeDefinition = {
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_mask',
  category: 'mask',
  name: 'GrowMask',
  displayName: 'Grow Mask',
  inputs: {
    required: {
      mask: v3Socket('MASK'),
      expand: v3Int({ default: 0, min: -MAX_RESOLUTION, max: MAX_RESOLUTION, step: 1 }),
      tapered_corners: v3Boolean({ default: true }),
    },
  },
  outputs: [{ type: 'MASK' }],
  execute(inputs) {
    const expand = requireInt('expand', inputs.expand, -MAX_RESOLUTION, MAX_RESOLUTION);
    if (typeof inputs.tapered_corners !== 'boolean') throw new Error('tapered_corners must be a boolean');
    return [growMask(inputs.mask, expand, inputs.tapered_corners)];
  },
};
