// Shared bits of the image-node tests: schema views without presentation-only keys, small synthetic tensors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
  const entry = structuredClone(nodeInfo(node(name))) as Record<string, any>;
  delete entry.description;
  if (!('output_matchtypes' in entry)) delete entry.output_tooltips; // V1: present only when declared
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
/** Bytes that rise slowly with some noise (a linear congruential generator): something for every PNG predictor. */
export function noisyBytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = ((i >> 3) + (s >>> 26)) & 255;
  }
  return out;
}

export async function run(name: string, inputs: Record<string, unknown>, ctx?: any): Promise<any[]> {
  const r: NodeResult = await node(name).execute(inputs, ctx);
  if (Array.isArray(r)) return r;
  return [...((r as { result?: unknown[] }).result ?? [])];
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = 'values'): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    // Fixtures store float32 values with 9 significant digits, which round-trip exactly through Math.fround.
    if (!(Math.abs(actual[i]! - Math.fround(expected[i]!)) <= tol)) {
      assert.fail(`${what}[${i}]: expected ${expected[i]} ± ${tol}, got ${actual[i]}`);
    }
  }
}

/** V1 combo input of nodes.md: `[choices]`. */
export const UPSCALE = ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos'];

/** A V3 `/object_info` entry (nodes.md §1.1 with changes-0.8.0.md §7's key order). */
export function v3Info(name: string, category: string, pythonModule: string, input: any, inputOrder: any, outputs: string[], extra: any = {}) {
  return {
    input,
    input_order: inputOrder,
    output: outputs,
    output_is_list: outputs.map(() => false),
    output_name: outputs,
    output_tooltips: outputs.map(() => null),
    output_matchtypes: null,
    name,
    display_name: null,
    python_module: pythonModule,
    category,
    output_node: false,
    deprecated: false,
    experimental: false,
    api_node: false,
    ...extra,
  };
}

export const combo = (options: readonly (string | number)[], extra: Record<string, unknown> = {}) => ['COMBO', { ...extra, multiselect: false, options: [...options] }];
export const int = (o: Record<string, unknown>) => ['INT', o];
export const float = (o: Record<string, unknown>) => ['FLOAT', o];

/** Reads a fixture of test/image/fixtures. */
export function fixture(name: string): any {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
}
