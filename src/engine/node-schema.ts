// What the engine reads from a node definition: declared inputs (evaluated lazily, since combo lists of model files
// come from functions that touch the disk), output types and list flags, and the output-node flag.
import type { InputOptions, InputSpec, InputType, NodeDefinition } from '../nodes/node-definition.ts';

export type InputCategory = 'required' | 'optional' | 'hidden';

/** One declared input; `type()` and `options()` evaluate the spec's functions on first use only. */
export interface InputInfo {
  category: InputCategory;
  type(): InputType;
  options(): InputOptions;
}

function lazyInfo(category: InputCategory, spec: InputSpec): InputInfo {
  let type: InputType | undefined;
  let options: InputOptions | undefined;
  return {
    category,
    type: () => (type ??= typeof spec[0] === 'function' ? spec[0]() : spec[0]),
    options: () => (options ??= (typeof spec[1] === 'function' ? spec[1]() : spec[1]) ?? {}),
  };
}

/** ComfyUI's `get_input_info`: required, then optional, then hidden. */
export function inputInfo(def: NodeDefinition, name: string): InputInfo | undefined {
  const { required, optional, hidden } = def.inputs;
  if (required && Object.hasOwn(required, name)) return lazyInfo('required', required[name]!);
  if (optional && Object.hasOwn(optional, name)) return lazyInfo('optional', optional[name]!);
  if (hidden && Object.hasOwn(hidden, name)) return lazyInfo('hidden', [hidden[name]!]);
  return undefined;
}

/** Declared (validated) input names: required then optional, in declaration order. */
export function declaredInputs(def: NodeDefinition): [string, InputInfo][] {
  const out: [string, InputInfo][] = [];
  for (const category of ['required', 'optional'] as const) {
    const specs = def.inputs[category];
    if (!specs) continue;
    for (const name of Object.keys(specs)) {
      if (category === 'optional' && def.inputs.required && Object.hasOwn(def.inputs.required, name)) continue;
      out.push([name, lazyInfo(category, specs[name]!)]);
    }
  }
  return out;
}

export function isLazyInput(def: NodeDefinition, name: string): boolean {
  const info = inputInfo(def, name);
  return info !== undefined && info.category !== 'hidden' && info.options().lazy === true;
}

export function isRawLinkInput(def: NodeDefinition, name: string): boolean {
  const info = inputInfo(def, name);
  return info !== undefined && info.category !== 'hidden' && info.options().rawLink === true;
}

/** RETURN_TYPES as validation compares them: a V3 combo output is the string "COMBO", a V1 one its options list. */
export function returnTypes(def: NodeDefinition): (string | readonly (string | number)[])[] {
  return def.outputs.map((o) => (def.schemaFormat === 'v3' && typeof o.type !== 'string' ? 'COMBO' : o.type));
}

export function isOutputNode(def: NodeDefinition | undefined): boolean {
  return def?.outputNode === true;
}

/** The hidden inputs whose signature must include the node id (ComfyUI: a hidden UNIQUE_ID input). */
export function hasUniqueIdInput(def: NodeDefinition): boolean {
  return Object.values(def.inputs.hidden ?? {}).includes('UNIQUE_ID');
}
