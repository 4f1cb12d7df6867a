// Shared bits of the image-node tests: schema views without presentation-only keys, small synthetic tensors.
import assert from 'node:assert/strict';
import type { NodeDefinition, NodeResult } from '../../src/nodes/node-definition.ts';
import { nodeInfo } from '../../src/nodes/registry.ts';
import { Tensor } from '../../src/inference/tensor.ts';
import { imageNodes } from '../../src/nodes/image/index.ts';

export function node(name: string): NodeDefinition {
  const def = imageNodes.find((n) => n.name === name);
  assert.ok(def, `${name} is registered in imageNodes`);
  return def;
}

/** `/object_info` entry with tooltips and descriptions removed (nodes.md omits them as presentation-only). */
export function info(name: string): Record<string, any> {
  const entry = JSON.parse(JSON.stringify(nodeInfo(node(name))));
  delete entry.description;
  delete entry.output_tooltips;
  for (const section of Object.values(entry.input) as Record<string, any>[]) {
    for (const spec of Object.values(section)) {
      if (Array.isArray(spec) && spec[1] && typeof spec[1] === 'object') delete spec[1].tooltip;
    }
  }
  return entry;
}

/** An IMAGE [b,h,w,c] whose value at (i,y,x,k) is f(i,y,x,k). */
export function image(b: number, h: number, w: number, c: number, f: (i: number, y: number, x: number, k: number) => number): Tensor {
  const t = new Tensor([b, h, w, c]);
  for (let i = 0; i < b; i++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++) t.data[((i * h + y) * w + x) * c + k] = f(i, y, x, k);
  return t;
}

/** The output slots of a node result. */
export async function run(name: string, inputs: Record<string, unknown>, ctx?: any): Promise<any[]> {
  const r: NodeResult = await node(name).execute(inputs, ctx);
  if (Array.isArray(r)) return r;
  return [...((r as { result?: unknown[] }).result ?? [])];
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = 'values'): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol)) {
      assert.fail(`${what}[${i}]: expected ${expected[i]} ± ${tol}, got ${actual[i]}`);
    }
  }
}

/** V1 combo input of nodes.md: `[choices]`. */
export const UPSCALE = ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos'];
