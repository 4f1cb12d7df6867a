// PreviewAny (comfy_extras/nodes_preview_any.py, V1; display "Preview as Text" in 0.8.0): shows any value as text.
// Strings as they are; numbers and booleans via Python's str(); anything else as json.dumps(indent=4) (0.8.0), or
// str() when json cannot serialise it (tensors, latents).
import type { NodeDefinition } from '../node-definition.ts';
import { NotJsonSerializable, pythonJsonDumps } from '../../python/json-dumps.ts';
import { pyRepr, pyStr } from '../../python/values.ts';

export function previewText(source: unknown): string {
  if (source === null || source === undefined) return 'None';
  if (typeof source === 'string') return source;
  if (typeof source === 'boolean') return source ? 'True' : 'False';
  if (typeof source === 'number' || typeof source === 'bigint') return pyStr(source);
  try {
    return pythonJsonDumps(source, { indent: 4, strict: true });
  } catch (err) {
    if (!(err instanceof NotJsonSerializable)) throw err;
    try {
      return pyRepr(source);
    } catch {
      return 'source exists, but could not be serialized.';
    }
  }
}

export const previewAnyNode: NodeDefinition = {
  name: 'PreviewAny',
  schemaFormat: 'v1',
  displayName: 'Preview as Text',
  pythonModule: 'comfy_extras.nodes_preview_any',
  category: 'utils',
  inputs: { required: { source: ['*', {}] } },
  outputs: [],
  outputNode: true,
  execute: ({ source }) => ({ ui: { text: [previewText(source)] } }),
};
