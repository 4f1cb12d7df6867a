// What the engine reads from a node definition: declared inputs (evaluated lazily, since combo lists of model files
// come from functions that touch the disk), output types and list flags, and the output-node flag.
import type { InputOptions, InputSpec, InputType, NodeDefinition, NodeServices } from '../nodes/node-definition.ts';

export type InputCategory = 'required' | 'optional' | 'hidden';

/** One declared input; `type()` and `options()` evaluate the spec's functions on first use only. */
export interface InputInfo {
  category: InputCategory;
  /** The type comes from a function (a list of files that changes at run time). */
  computedType: boolean;
  type(): InputType;
  options(): InputOptions;
}

/** A declared input whose spec functions run at most once, on first use. */
class LazyInputInfo implements InputInfo {
  private resolvedType: InputType | undefined;
  private resolvedOptions: InputOptions | undefined;

  constructor(
    readonly category: InputCategory,
    private readonly spec: InputSpec,
    private readonly services: NodeServices | undefined,
  ) {}

  get computedType(): boolean {
    return typeof this.spec[0] === 'function';
  }

  type(): InputType {
    const t = this.spec[0];
    return (this.resolvedType ??= typeof t === 'function' ? t(this.services) : t);
  }

  options(): InputOptions {
    const o = this.spec[1];
    return (this.resolvedOptions ??= (typeof o === 'function' ? o(this.services) : o) ?? {});
  }
}

export function lazyInputInfo(category: InputCategory, spec: InputSpec, services?: NodeServices): InputInfo {
  return new LazyInputInfo(category, spec, services);
}

/** ComfyUI's `get_input_info`: required, then optional, then hidden. */
export function inputInfo(def: NodeDefinition, name: string, services?: NodeServices): InputInfo | undefined {
  const { required, optional, hidden } = def.inputs;
  if (required && Object.hasOwn(required, name)) return lazyInputInfo('required', required[name]!, services);
  if (optional && Object.hasOwn(optional, name)) return lazyInputInfo('optional', optional[name]!, services);
  if (hidden && Object.hasOwn(hidden, name)) return lazyInputInfo('hidden', [hidden[name]!]);
  return undefined;
}

/** The declared inputs of nodes whose specs hold no functions: the same for every prompt, so built once. */
const staticDeclared = new WeakMap<NodeDefinition, readonly [string, InputInfo][]>();

/**
 * Declared (validated) input names: required then optional, in declaration order. Specs given as functions
 * (file lists) are evaluated afresh for each call's infos, since the files change at run time.
 */
export function declaredInputs(def: NodeDefinition, services?: NodeServices): readonly [string, InputInfo][] {
  const cached = staticDeclared.get(def);
  if (cached) return cached;
  const out: [string, InputInfo][] = [];
  let computed = false;
  for (const category of ['required', 'optional'] as const) {
    const specs = def.inputs[category];
    if (!specs) continue;
    for (const name of Object.keys(specs)) {
      if (category === 'optional' && def.inputs.required && Object.hasOwn(def.inputs.required, name)) continue;
      const spec = specs[name]!;
      computed ||= typeof spec[0] === 'function' || typeof spec[1] === 'function';
      out.push([name, lazyInputInfo(category, spec, services)]);
    }
  }
  if (!computed) staticDeclared.set(def, out);
  return out;
}

export function isLazyInput(def: NodeDefinition, name: string): boolean {
  const info = inputInfo(def, name);
  return info !== undefined && info.category !== 'hidden' && info.options().lazy === true;
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
