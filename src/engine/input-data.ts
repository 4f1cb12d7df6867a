// `get_input_data` (execution.md §5.1): what a node function receives, as one list per input. Links resolve to
// the producer's output list for that slot; constants of declared inputs become one-element lists; hidden inputs
// are filled by type. Before execution (validation, IS_CHANGED) links are not evaluated and arrive as [null].
import type { NodeDefinition } from '../nodes/node-definition.ts';
import type { InputLists } from './list-mapping.ts';
import type { NodeShape } from './dynamic-inputs.ts';

/** The values hidden inputs receive, by their type string. */
export interface HiddenSources {
  prompt: unknown;
  dynprompt: unknown;
  extraData: Record<string, unknown>;
}

/** ComfyUI's link test: `[source_id (string), output_index (number)]`. */
export function isLink(v: unknown): v is [string, number] {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'number';
}

function hiddenValue(type: string, nodeId: string, src: HiddenSources): { value: unknown } | undefined {
  switch (type) {
    case 'PROMPT':
      return { value: src.prompt };
    case 'DYNPROMPT':
      return { value: src.dynprompt };
    case 'EXTRA_PNGINFO':
      return { value: src.extraData.extra_pnginfo ?? null };
    case 'UNIQUE_ID':
      return { value: nodeId };
    case 'AUTH_TOKEN_COMFY_ORG':
      return { value: src.extraData.auth_token_comfy_org ?? null };
    case 'API_KEY_COMFY_ORG':
      return { value: src.extraData.api_key_comfy_org ?? null };
    case 'COMFY_USAGE_SOURCE':
      return { value: src.extraData.comfy_usage_source ?? null };
    default:
      return undefined;
  }
}

function fillHidden(def: NodeDefinition, nodeId: string, out: InputLists, src: HiddenSources): void {
  for (const [name, type] of Object.entries(def.inputs.hidden ?? {})) {
    const v = hiddenValue(type, nodeId, src);
    if (v) out[name] = [v.value];
  }
}

const BEFORE_EXECUTION: HiddenSources = { prompt: {}, dynprompt: null, extraData: {} };

function isRawLink(shape: NodeShape, name: string): boolean {
  const info = shape.info(name);
  return info !== undefined && info.category !== 'hidden' && info.options().rawLink === true;
}

/** Inputs as validation and IS_CHANGED see them: constants only, links as [null]. */
export function constantInputs(def: NodeDefinition, shape: NodeShape, nodeId: string, inputs: Record<string, unknown>): InputLists {
  const out: InputLists = {};
  for (const [name, value] of Object.entries(inputs)) {
    if (isLink(value) && !isRawLink(shape, name)) out[name] = [null];
    else if (shape.info(name)) out[name] = [value];
  }
  fillHidden(def, nodeId, out, BEFORE_EXECUTION);
  return out;
}

/** Resolves a link for a consumer: the producer's outputs as the run holds them, or undefined. */
export type LinkResolver = (sourceId: string) => { outputs: unknown[][] | null } | undefined;

export interface GatheredInputs {
  inputs: InputLists;
  /** Linked inputs whose value is not available (yet): lazy inputs not evaluated, or a missing slot. */
  missing: Set<string>;
}

/** Inputs for a run of the node. */
export function gatherInputs(
  def: NodeDefinition,
  shape: NodeShape,
  nodeId: string,
  inputs: Record<string, unknown>,
  resolve: LinkResolver,
  hidden: HiddenSources,
): GatheredInputs {
  const out: InputLists = {};
  const missing = new Set<string>();
  for (const [name, value] of Object.entries(inputs)) {
    if (isLink(value) && !isRawLink(shape, name)) {
      const outputs = resolve(value[0])?.outputs;
      const slot = value[1] < 0 && outputs ? outputs.length + value[1] : value[1];
      if (!outputs || !Number.isInteger(slot) || slot < 0 || slot >= outputs.length) {
        missing.add(name);
        out[name] = [null];
      } else {
        out[name] = outputs[slot]!;
      }
    } else if (shape.info(name)) {
      out[name] = [value];
    }
  }
  fillHidden(def, nodeId, out, hidden);
  return { inputs: out, missing };
}
