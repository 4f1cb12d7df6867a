// Expected `/object_info` entries written the way nodes.md tables read (V1 per nodes.md §1.1, V3 with
// changes-0.8.0.md §7's key order), and the registered entry with presentation-only keys removed.
import assert from 'node:assert/strict';
import type { NodeDefinition } from '../../src/nodes/node-definition.ts';
import { nodeInfo } from '../../src/nodes/registry.ts';

/** The registered node's entry without description and input tooltips (nodes.md omits them). */
export function infoOf(nodes: readonly NodeDefinition[], name: string): Record<string, any> {
  const def = nodes.find((n) => n.name === name);
  assert.ok(def, `${name} is registered`);
  const entry = structuredClone(nodeInfo(def)) as Record<string, any>;
  delete entry.description;
  for (const section of Object.values(entry.input) as Record<string, any>[]) {
    for (const spec of Object.values(section)) if (Array.isArray(spec) && spec[1]) delete spec[1].tooltip;
  }
  return entry;
}

type Inputs = Record<string, unknown[]>;
type Out = string | [string, string];

const outTypes = (outputs: Out[]) => outputs.map((o) => (Array.isArray(o) ? o[0] : o));
const outNames = (outputs: Out[]) => outputs.map((o) => (Array.isArray(o) ? o[1] : o));

export function v1(name: string, displayName: string, category: string, module: string, required: Inputs, outputs: Out[], extra: Record<string, unknown> = {}) {
  return {
    input: { required },
    input_order: { required: Object.keys(required) },
    output: outTypes(outputs),
    output_is_list: outputs.map(() => false),
    output_name: outNames(outputs),
    name,
    display_name: displayName,
    python_module: module,
    category,
    output_node: false,
    ...extra,
  };
}

export function v3(name: string, category: string, module: string, inputs: { required: Inputs; optional?: Inputs }, outputs: Out[], extra: Record<string, unknown> = {}) {
  const order: Record<string, string[]> = { required: Object.keys(inputs.required) };
  if (inputs.optional) order.optional = Object.keys(inputs.optional);
  return {
    input: inputs,
    input_order: order,
    output: outTypes(outputs),
    output_is_list: outputs.map(() => false),
    output_name: outNames(outputs),
    output_tooltips: outputs.map(() => null),
    output_matchtypes: null,
    name,
    display_name: null,
    python_module: module,
    category,
    output_node: false,
    deprecated: false,
    experimental: false,
    api_node: false,
    ...extra,
  };
}

export const float = (o: Record<string, unknown>) => ['FLOAT', o];
export const int = (o: Record<string, unknown>) => ['INT', o];
export const combo = (options: readonly string[]) => ['COMBO', { multiselect: false, options: [...options] }];
export const socket = (type: string) => [type, {}];
export const SEED_MAX = 18446744073709551615n;
