// Input specs written the way ComfyUI's V3 schema (comfy_api/latest/_io.py) serialises them for `/object_info`:
// every input has an options object, keys in the order `as_dict` builds them (display_name, tooltip, lazy, default,
// socketless, widgetType, forceInput, then the type's own keys), and unset options left out. Only `multiline` and
// `multiselect` are emitted when false, as ComfyUI does.
import type { InputOptions, InputSpec } from '../node-definition.ts';

interface Common {
  displayName?: string;
  tooltip?: string;
  lazy?: boolean;
}

interface Widget<T> extends Common {
  default?: T;
  socketless?: boolean;
  forceInput?: boolean;
}

/** Drops undefined values, keeping insertion order. */
function pruned(entries: [string, unknown][]): InputOptions {
  const out: InputOptions = {};
  for (const [k, v] of entries) if (v !== undefined) out[k] = v;
  return out;
}

function base(o: Common): [string, unknown][] {
  return [['display_name', o.displayName], ['tooltip', o.tooltip], ['lazy', o.lazy]];
}

function widget<T>(o: Widget<T>): [string, unknown][] {
  return [...base(o), ['default', o.default], ['socketless', o.socketless], ['forceInput', o.forceInput]];
}

/** A socket-only input (IMAGE, MASK, LATENT, …). */
export function v3Socket(type: string, o: Common = {}): InputSpec {
  return [type, pruned(base(o))];
}

export function v3Int(
  o: Widget<number | bigint> & { min?: number | bigint; max?: number | bigint; step?: number; controlAfterGenerate?: boolean; display?: 'number' | 'slider' | 'color' } = {},
): InputSpec {
  return ['INT', pruned([...widget(o), ['min', o.min], ['max', o.max], ['step', o.step], ['control_after_generate', o.controlAfterGenerate], ['display', o.display]])];
}

export function v3Float(
  o: Widget<number> & { min?: number; max?: number; step?: number; round?: number | false; display?: 'number' | 'slider' } = {},
): InputSpec {
  return ['FLOAT', pruned([...widget(o), ['min', o.min], ['max', o.max], ['step', o.step], ['round', o.round], ['display', o.display]])];
}

export function v3Boolean(o: Widget<boolean> & { labelOn?: string; labelOff?: string } = {}): InputSpec {
  return ['BOOLEAN', pruned([...widget(o), ['label_on', o.labelOn], ['label_off', o.labelOff]])];
}

export function v3String(o: Widget<string> & { multiline?: boolean; placeholder?: string; dynamicPrompts?: boolean } = {}): InputSpec {
  return ['STRING', pruned([...widget(o), ['multiline', o.multiline ?? false], ['placeholder', o.placeholder], ['dynamicPrompts', o.dynamicPrompts]])];
}

export function v3Combo(options: readonly (string | number)[], o: Widget<string | number> & { controlAfterGenerate?: boolean } = {}): InputSpec {
  return ['COMBO', pruned([...widget(o), ['multiselect', false], ['options', [...options]], ['control_after_generate', o.controlAfterGenerate]])];
}

/** Hidden inputs every V3 output node declares. */
export const V3_OUTPUT_HIDDEN = { prompt: 'PROMPT', extra_pnginfo: 'EXTRA_PNGINFO' } as const;
