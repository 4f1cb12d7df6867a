// Shared bits of the mask, latent and utility node tests: the registry entry of a node with presentation-only keys
// removed (nodes.md omits tooltips and descriptions), spec-table shorthands for expected schemas, synthetic tensors.
import assert from 'node:assert/strict';
import type { NodeDefinition, NodeResult } from '../../src/nodes/node-definition.ts';
import { nodeInfo } from '../../src/nodes/registry.ts';
import { Tensor } from '../../src/inference/tensor.ts';
import { maskNodes } from '../../src/nodes/mask/index.ts';
import { latentNodes } from '../../src/nodes/latent/index.ts';
import { utilsNodes } from '../../src/nodes/utils/index.ts';
import { makeContext } from '../helpers/node-context.ts';

const ALL = [...maskNodes, ...latentNodes, ...utilsNodes];

export function node(name: string): NodeDefinition {
  const def = ALL.find((n) => n.name === name);
  assert.ok(def, `${name} is registered`);
  return def;
}

/** `/object_info` entry without tooltips and descriptions. */
export function info(name: string): Record<string, any> {
  const entry = structuredClone(nodeInfo(node(name))) as Record<string, any>;
  delete entry.description;
  delete entry.output_tooltips;
  for (const section of Object.values(entry.input) as Record<string, any>[]) {
    for (const spec of Object.values(section)) {
      if (Array.isArray(spec) && spec[1] && typeof spec[1] === 'object') delete spec[1].tooltip;
    }
  }
  return entry;
}

// Spec-table shorthands: `INT (=d, a..b, step s)` → ['INT', {default, min, max, step}] (V3 and V1 share the keys).
export const INT = (d?: number | bigint, min?: number | bigint, max?: number | bigint, step?: number, extra: object = {}) => ['INT', prune({ default: d, min, max, step, ...extra })];
export const FLOAT = (d?: number, min?: number, max?: number, step?: number, extra: object = {}) => ['FLOAT', prune({ default: d, min, max, step, ...extra })];
export const BOOL = (d?: boolean) => ['BOOLEAN', prune({ default: d })];
export const STR = (multiline: boolean, d?: string) => ['STRING', prune({ default: d, multiline })];
export const COMBO = (options: string[], d?: string) => ['COMBO', prune({ default: d, multiselect: false, options })];
export const SOCKET = (type: string) => [type, {}];

function prune(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** A V3 entry (nodes.md §1.1 keys, changes-0.8.0.md §7 order) from required/optional specs in declaration order. */
export function v3(o: {
  name: string;
  display?: string | null;
  category: string;
  module: string;
  required: Record<string, unknown>;
  optional?: Record<string, unknown>;
  hidden?: string[];
  outputs: (string | [string, string])[];
  outputNode?: boolean;
  deprecated?: boolean;
  experimental?: boolean;
  isList?: boolean[];
  matchtypes?: (string | null)[] | null;
}) {
  const input: Record<string, unknown> = { required: o.required };
  const order: Record<string, string[]> = { required: Object.keys(o.required) };
  if (o.optional) {
    input.optional = o.optional;
    order.optional = Object.keys(o.optional);
  }
  if (o.hidden) {
    input.hidden = Object.fromEntries(o.hidden.map((h) => [h, [h === 'prompt' ? 'PROMPT' : 'EXTRA_PNGINFO']]));
    order.hidden = o.hidden;
  }
  return {
    input,
    input_order: order,
    output: o.outputs.map((x) => (Array.isArray(x) ? x[0] : x)),
    output_is_list: o.isList ?? o.outputs.map(() => false),
    output_name: o.outputs.map((x) => (Array.isArray(x) ? x[1] : x)),
    output_matchtypes: o.matchtypes ?? null,
    name: o.name,
    display_name: o.display ?? null,
    python_module: o.module,
    category: o.category,
    output_node: o.outputNode ?? false,
    deprecated: o.deprecated ?? false,
    experimental: o.experimental ?? false,
    api_node: false,
  };
}

/** A V1 entry (nodes.md §1.1). Specs without options are written `[type]`. */
export function v1(o: { name: string; display: string; category: string; module?: string; required: Record<string, unknown>; outputs: string[]; deprecated?: boolean }) {
  return {
    input: { required: o.required },
    input_order: { required: Object.keys(o.required) },
    output: o.outputs,
    output_is_list: o.outputs.map(() => false),
    output_name: o.outputs,
    name: o.name,
    display_name: o.display,
    python_module: o.module ?? 'nodes',
    category: o.category,
    output_node: false,
    ...(o.deprecated ? { deprecated: true } : {}),
  };
}

/** Runs a node and returns its output slots (and UI, if any). */
export async function run(name: string, inputs: Record<string, unknown>, ctx = makeContext()): Promise<any[]> {
  const r: NodeResult = await node(name).execute(inputs, ctx);
  if (Array.isArray(r)) return r;
  return [...(((r as { result?: unknown[] }).result ?? []) as unknown[])];
}

export async function runUi(name: string, inputs: Record<string, unknown>, ctx = makeContext()): Promise<Record<string, unknown[]>> {
  const r = (await node(name).execute(inputs, ctx)) as { ui?: Record<string, unknown[]> };
  assert.ok(r.ui, `${name} returns UI`);
  return r.ui;
}

/** A tensor of `shape` filled row-major from `values` (or a function of the flat index). */
export function tensor(shape: number[], values: number[] | ((i: number) => number)): Tensor {
  const t = new Tensor(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = typeof values === 'function' ? values(i) : values[i]!;
  return t;
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6, what = 'values'): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol)) assert.fail(`${what}[${i}]: expected ${expected[i]} ± ${tol}, got ${actual[i]}`);
  }
}

export function values(t: Tensor): number[] {
  return Array.from(t.data);
}
