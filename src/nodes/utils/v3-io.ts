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
  o: Widget<number> & { min?: number | bigint; max?: number | bigint; step?: number; round?: number | false; display?: 'number' | 'slider' } = {},
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

/** An autogrow input (COMFY_AUTOGROW_V3) with prefix-named slots `<prefix>0 … <prefix>(max−1)` of one socket type. */
export function v3AutogrowPrefix(templateName: string, templateType: string, prefix: string, min: number, max: number): InputSpec {
  return ['COMFY_AUTOGROW_V3', { template: { input: { required: { [templateName]: [templateType, {}] } }, prefix, min, max } }];
}

/**
 * The values of an autogrow input's present slots, in slot order. Accepts the nested form ComfyUI passes
 * (`inputs[id] = {image0: …, image1: …}`) and the flat dotted keys of an API prompt (`inputs["images.image0"]`).
 */
export function autogrowValues(inputs: Record<string, unknown>, id: string, prefix: string, max: number): unknown[] {
  const nested = inputs[id];
  const values: unknown[] = [];
  for (let i = 0; i < max; i++) {
    const slot = `${prefix}${i}`;
    let v: unknown;
    if (nested && typeof nested === 'object' && !Array.isArray(nested) && slot in (nested as Record<string, unknown>)) {
      v = (nested as Record<string, unknown>)[slot];
    } else {
      v = inputs[`${id}.${slot}`];
    }
    if (v !== undefined && v !== null) values.push(v);
  }
  return values;
}

/** A match-type input (COMFY_MATCHTYPE_V3): any type allowed by the template, matched across the node in the UI. */
export function v3MatchType(templateId: string, allowedTypes: string, o: Common = {}): InputSpec {
  return ['COMFY_MATCHTYPE_V3', pruned([...base(o), ['template', { template_id: templateId, allowed_types: allowedTypes }]])];
}
