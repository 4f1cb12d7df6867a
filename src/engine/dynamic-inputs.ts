// V3 dynamic inputs (changes-0.8.0.md §4.1): autogrow slots and dynamic-combo sub-inputs arrive in the prompt
// under dotted names (`images.image0`, `resize_type.multiplier`). Before validation and execution a V3 node's
// declared inputs are "finalised" against the submitted names; the node function then receives them nested:
// `images: {image0, image1}`, `resize_type: {resize_type: <key>, multiplier}`.
import type { InputSpec, NodeDefinition, NodeServices } from '../nodes/node-definition.ts';
import { declaredInputs, inputInfo, lazyInputInfo, type InputCategory, type InputInfo } from './node-schema.ts';
import { isPlainObject } from '../python/values.ts';

const AUTOGROW = 'COMFY_AUTOGROW_V3';
const DYNAMIC_COMBO = 'COMFY_DYNAMICCOMBO_V3';

export interface FinalInputs {
  /** Every input that counts as declared for this prompt node, dotted names included, in schema order. */
  declared: Map<string, InputInfo>;
  /** Where each dynamic input goes in the nested arguments. */
  paths: Map<string, string[]>;
}

const dynamicDefs = new WeakMap<NodeDefinition, boolean>();

/** Whether a V3 node declares autogrow or dynamic-combo inputs (only those need finalising). */
export function hasDynamicInputs(def: NodeDefinition): boolean {
  let known = dynamicDefs.get(def);
  if (known === undefined) {
    const specs = [...Object.values(def.inputs.required ?? {}), ...Object.values(def.inputs.optional ?? {})];
    known = def.schemaFormat === 'v3' && specs.some(([type]) => type === AUTOGROW || type === DYNAMIC_COMBO);
    dynamicDefs.set(def, known);
  }
  return known;
}

type SpecGroup = { required?: Record<string, InputSpec>; optional?: Record<string, InputSpec> };

interface Walk {
  prompt: Record<string, unknown>;
  services: NodeServices | undefined;
  out: FinalInputs;
}

function options(spec: InputSpec, services: NodeServices | undefined): Record<string, unknown> {
  const o = typeof spec[1] === 'function' ? spec[1](services) : spec[1];
  return o ?? {};
}

function addAutogrow(w: Walk, full: string, path: string[], category: InputCategory, spec: InputSpec): void {
  const template = (options(spec, w.services).template ?? {}) as Record<string, unknown>;
  const group = (template.input ?? {}) as SpecGroup;
  const slotSpec = Object.values(group.required ?? {})[0] ?? Object.values(group.optional ?? {})[0];
  if (!slotSpec) return;
  const min = typeof template.min === 'number' ? template.min : 0;
  const names = Array.isArray(template.names)
    ? (template.names as string[])
    : Array.from({ length: typeof template.max === 'number' ? template.max : 0 }, (_, i) => `${template.prefix ?? ''}${i}`);
  const parentGiven = Object.hasOwn(w.prompt, full);
  names.forEach((slot, i) => {
    const name = `${full}.${slot}`;
    if (!Object.hasOwn(w.prompt, name) && !(parentGiven && i < min)) return;
    const slotCategory: InputCategory = category === 'required' && i < min ? 'required' : 'optional';
    w.out.declared.set(name, lazyInputInfo(slotCategory, slotSpec, w.services));
    w.out.paths.set(name, [...path, slot]);
  });
}

function addGroup(w: Walk, group: SpecGroup, prefix: string, path: string[]): void {
  for (const category of ['required', 'optional'] as const) {
    for (const [name, spec] of Object.entries(group[category] ?? {})) {
      const full = prefix ? `${prefix}.${name}` : name;
      const type = typeof spec[0] === 'function' ? spec[0](w.services) : spec[0];
      if (type === AUTOGROW) {
        addAutogrow(w, full, [...path, name], category, spec);
      } else if (type === DYNAMIC_COMBO) {
        // The selector itself is declared (its value is not checked against the option keys).
        w.out.declared.set(full, lazyInputInfo(category, spec, w.services));
        w.out.paths.set(full, [...path, name, name]);
        const chosen = w.prompt[full];
        const list = options(spec, w.services).options;
        const option = Array.isArray(list) ? list.find((o) => isPlainObject(o) && o.key === chosen) : undefined;
        if (option) addGroup(w, (option.inputs ?? {}) as SpecGroup, full, [...path, name]);
      } else {
        w.out.declared.set(full, lazyInputInfo(category, spec, w.services));
        if (prefix) w.out.paths.set(full, [...path, name]);
      }
    }
  }
}

/** The inputs a V3 node with dynamic inputs declares for the names this prompt node submits. */
export function finalizeInputs(def: NodeDefinition, promptInputs: Record<string, unknown>, services?: NodeServices): FinalInputs {
  const out: FinalInputs = { declared: new Map(), paths: new Map() };
  addGroup({ prompt: promptInputs, services, out }, def.inputs, '', []);
  return out;
}

/**
 * One call's arguments with dynamic inputs nested. `withKeys` gives each nested value as `[value, dotted key]`
 * (what `check_lazy_status` receives, so it can name the key it needs).
 */
export function nestInputs(args: Record<string, unknown>, paths: Map<string, string[]>, withKeys = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) {
    const path = paths.get(name);
    if (!path) {
      out[name] = value;
      continue;
    }
    let target = out;
    for (const segment of path.slice(0, -1)) {
      if (!isPlainObject(target[segment])) target[segment] = {};
      target = target[segment] as Record<string, unknown>;
    }
    target[path.at(-1)!] = withKeys ? [value, name] : value;
  }
  return out;
}

/** How one prompt node's inputs map onto its definition: which names are declared, and the call shape. */
export interface NodeShape {
  /** The declared info of an input name (dotted names included; hidden inputs too), or undefined. */
  info(name: string): InputInfo | undefined;
  /** The inputs validation checks (required and optional), in schema order. */
  declared(): readonly [string, InputInfo][];
  /** Call arguments as the node function receives them. */
  nest(args: Record<string, unknown>, withKeys?: boolean): Record<string, unknown>;
}

/** The shape of a node without dynamic inputs: its schema as declared (a class: no closures per prompt node). */
class StaticShape implements NodeShape {
  constructor(
    private readonly def: NodeDefinition,
    private readonly services: NodeServices | undefined,
  ) {}

  info(name: string): InputInfo | undefined {
    return inputInfo(this.def, name, this.services);
  }

  declared(): readonly [string, InputInfo][] {
    return declaredInputs(this.def, this.services);
  }

  nest(args: Record<string, unknown>): Record<string, unknown> {
    return args;
  }
}

export function nodeShape(def: NodeDefinition, promptInputs: Record<string, unknown>, services?: NodeServices): NodeShape {
  if (!hasDynamicInputs(def)) return new StaticShape(def, services);
  const final = finalizeInputs(def, promptInputs, services);
  return {
    info: (name) => final.declared.get(name) ?? (def.inputs.hidden && Object.hasOwn(def.inputs.hidden, name) ? inputInfo(def, name) : undefined),
    declared: () => [...final.declared],
    nest: (args, withKeys) => nestInputs(args, final.paths, withKeys),
  };
}
