// MaskComposite (comfy_extras/nodes_mask.py): combines `source` into `destination` at (x, y) with an arithmetic or
// logical operation; the whole result is clamped to 0..1. Logical operations round both values (half to even) and
// treat non-zero as true.
import type { NodeDefinition } from '../node-definition.ts';
import { MAX_RESOLUTION, requireChoice, requireInt, requireMask } from '../utils/node-args.ts';
import { roundHalfEven } from '../utils/tensor-ops.ts';
import { v3Combo, v3Int, v3Socket } from '../utils/v3-io.ts';

const OPERATIONS = ['multiply', 'add', 'subtract', 'and', 'or', 'xor'] as const;
type Operation = (typeof OPERATIONS)[number];

const truthy = (v: number) => roundHalfEven(v) !== 0;

function combine(op: Operation, d: number, s: number): number {
  switch (op) {
    case 'multiply':
      return d * s;
    case 'add':
      return d + s;
    case 'subtract':
      return d - s;
    case 'and':
      return truthy(d) && truthy(s) ? 1 : 0;
    case 'or':
      return truthy(d) || truthy(s) ? 1 : 0;
    case 'xor':
      return truthy(d) !== truthy(s) ? 1 : 0;
  }
}

export const maskCompositeNode: NodeDefinition = {
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_mask',
  category: 'mask',
  name: 'MaskComposite',
  inputs: {
    required: {
      destination: v3Socket('MASK'),
      source: v3Socket('MASK'),
      x: v3Int({ default: 0, min: 0, max: MAX_RESOLUTION, step: 1 }),
      y: v3Int({ default: 0, min: 0, max: MAX_RESOLUTION, step: 1 }),
      operation: v3Combo(OPERATIONS),
    },
  },
  outputs: [{ type: 'MASK' }],
  execute(inputs) {
    const destination = requireMask('destination', inputs.destination);
    const source = requireMask('source', inputs.source);
    const x = requireInt('x', inputs.x, 0, MAX_RESOLUTION);
    const y = requireInt('y', inputs.y, 0, MAX_RESOLUTION);
    const op = requireChoice('operation', inputs.operation, OPERATIONS);
    const [bd, dh, dw] = destination.shape as [number, number, number];
    const [bs, sh, sw] = source.shape as [number, number, number];
    // The source batch broadcasts when it has one item; otherwise torch needs equal batch sizes.
    if (bs !== 1 && bs !== bd) {
      throw new Error(`MaskComposite: source has ${bs} masks but destination has ${bd}; they must match or source must have 1`);
    }
    const out = destination.clone();
    // An offset at or past the destination's edge leaves nothing visible: the destination is returned clamped.
    const visibleW = Math.max(0, Math.min(x + sw, dw) - x);
    const visibleH = Math.max(0, Math.min(y + sh, dh) - y);
    const o = out.data;
    const s = source.data;
    for (let b = 0; b < bd; b++) {
      const sb = bs === 1 ? 0 : b;
      for (let row = 0; row < visibleH; row++) {
        const dRow = (b * dh + y + row) * dw + x;
        const sRow = (sb * sh + row) * sw;
        for (let col = 0; col < visibleW; col++) o[dRow + col] = combine(op, o[dRow + col]!, s[sRow + col]!);
      }
    }
    for (let i = 0; i < o.length; i++) o[i] = Math.min(Math.max(o[i]!, 0), 1);
    return [out];
  },
};
