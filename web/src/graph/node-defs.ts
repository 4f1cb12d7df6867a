// Reading `/object_info` node definitions: which inputs are widgets, which are sockets, and the order of a node's
// widget values (`widgets_values` in a saved workflow). The widget builder and the API-prompt conversion share this
// order, as ComfyUI's frontend does: each widget input in input order, followed by its "control after generate"
// value when it has one, and LoadImage-style combos followed by their upload button's value.
import type { InputOptions, InputSpec, NodeDef } from '../api/types.ts';

const PRIMITIVE_TYPES = new Set(['INT', 'FLOAT', 'STRING', 'BOOLEAN', 'COMBO']);

export type WidgetSlot =
  | { kind: 'value'; name: string; spec: InputSpec }
  /** The "control after generate" mode of the widget `name` (fixed/increment/decrement/randomize). */
  | { kind: 'control'; name: string }
  /** The upload button of the image combo `name`. */
  | { kind: 'upload'; name: string };

export interface NamedInput {
  name: string;
  spec: InputSpec;
  optional: boolean;
}

/** Required then optional inputs, in declaration order (hidden inputs are never shown). */
export function orderedInputs(def: NodeDef): NamedInput[] {
  const result: NamedInput[] = [];
  for (const section of ['required', 'optional'] as const) {
    const specs = def.input?.[section] ?? {};
    const order = def.input_order?.[section] ?? Object.keys(specs);
    for (const name of order) {
      const spec = specs[name];
      if (spec) result.push({ name, spec, optional: section === 'optional' });
    }
  }
  return result;
}

export const inputOptions = (spec: InputSpec): InputOptions => spec[1] ?? {};

/** The slot type of an input: the type string, or `COMBO` for a list of choices. */
export function slotType(spec: InputSpec): string {
  return Array.isArray(spec[0]) ? 'COMBO' : spec[0];
}

export function comboChoices(spec: InputSpec): (string | number)[] {
  return Array.isArray(spec[0]) ? spec[0] : (inputOptions(spec).options ?? []);
}

export function isWidgetInput(spec: InputSpec): boolean {
  return PRIMITIVE_TYPES.has(slotType(spec)) && !inputOptions(spec).forceInput;
}

export function hasSeedControl(name: string, spec: InputSpec): boolean {
  const control = inputOptions(spec).control_after_generate;
  if (control !== undefined) return control === true;
  // Older node packs mark seeds only by name, and the frontend still gives those the control.
  return slotType(spec) === 'INT' && (name === 'seed' || name === 'noise_seed');
}

export function hasImageUpload(spec: InputSpec): boolean {
  return slotType(spec) === 'COMBO' && inputOptions(spec).image_upload === true;
}

export function widgetSlots(def: NodeDef): WidgetSlot[] {
  const slots: WidgetSlot[] = [];
  for (const { name, spec } of orderedInputs(def)) {
    if (!isWidgetInput(spec)) continue;
    slots.push({ kind: 'value', name, spec });
    if (hasSeedControl(name, spec)) slots.push({ kind: 'control', name });
    if (hasImageUpload(spec)) slots.push({ kind: 'upload', name });
  }
  return slots;
}

/** The value a new widget starts with. */
export function defaultValue(spec: InputSpec): unknown {
  const options = inputOptions(spec);
  const type = slotType(spec);
  if (type === 'COMBO') {
    const choices = comboChoices(spec);
    return options.default !== undefined && choices.includes(options.default as string) ? options.default : (choices[0] ?? '');
  }
  if (options.default !== undefined) return options.default;
  // Numbers without a default start at 0, moved into [min, max].
  if (type === 'INT' || type === 'FLOAT') return Math.min(Math.max(0, options.min ?? 0), options.max ?? Infinity);
  if (type === 'BOOLEAN') return false;
  return '';
}

export function displayName(def: NodeDef): string {
  return def.display_name || def.name;
}
