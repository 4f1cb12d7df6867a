// A node's own validation (VALIDATE_INPUTS / validate_inputs, execution.md §2.2 step 4). Which inputs it takes
// decides both what it is called with and which built-in checks (min/max/combo, link types) are skipped.
import { ExecutionBlocker, type NodeDefinition, type NodeServices } from '../nodes/node-definition.ts';
import type { ErrorBody } from './engine-api.ts';
import { mapOverLists, type InputLists } from './list-mapping.ts';
import type { NodeShape } from './dynamic-inputs.ts';
import { constantInputs } from './input-data.ts';
import { inputErrors } from './validation-errors.ts';

/** null: no custom validation; 'all': it takes every input (`**kwargs`); else the parameter names. */
export type Takes = Set<string> | 'all' | null;

export function validationTakes(def: NodeDefinition): Takes {
  if (!def.validateInputs) return null;
  return def.validateInputsTakes ? new Set(def.validateInputsTakes) : 'all';
}

/** Calls the node's validation and turns each failing return into one error per argument it was given. */
export async function runCustomValidation(
  def: NodeDefinition,
  shape: NodeShape,
  nodeId: string,
  inputs: Record<string, unknown>,
  takes: Exclude<Takes, null>,
  receivedTypes: Record<string, unknown>,
  services: NodeServices | undefined,
): Promise<ErrorBody[]> {
  if (takes !== 'all' && takes.size === 0) return [];
  const all = constantInputs(def, shape, nodeId, inputs);
  const passed: InputLists = {};
  for (const [name, list] of Object.entries(all)) if (takes === 'all' || takes.has(name)) passed[name] = list;
  if (takes !== 'all' && takes.has('input_types')) passed.input_types = [receivedTypes];
  // The services go along as a second argument: validators that check files (LoadImage) need the folders.
  const returns = await mapOverLists(def.inputIsList === true, passed, (args) => def.validateInputs?.(shape.nest(args), services) ?? true);
  const errors: ErrorBody[] = [];
  for (const name of Object.keys(passed)) {
    for (const r of returns) {
      if (r !== true && !(r instanceof ExecutionBlocker)) errors.push(inputErrors.customFailed(name, r));
    }
  }
  return errors;
}
