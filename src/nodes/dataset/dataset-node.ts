// Schema scaffolding shared by nodes_dataset.py's processing nodes: every one is a V3 experimental node whose
// main input (`images` or `texts`) is either one value per call or, for group nodes, the whole list
// (INPUT_IS_LIST), with the other list-wrapped widget values unwrapped to scalars. Their schemas carry no
// description.
import type { InputSpec, NodeDefinition, NodeOutputSpec } from '../node-definition.ts';
import { v3Socket, v3String } from '../utils/v3-io.ts';

export const DATASET_MODULE = 'comfy_extras.nodes_dataset';

interface ProcessingNode {
  name: string;
  displayName: string;
  extraInputs?: Record<string, InputSpec>;
  /** Group nodes take the whole list at once. */
  group?: boolean;
  outputIsList?: boolean;
  execute(main: any, params: Record<string, unknown>): unknown;
}

/** ComfyUI's parameter unwrapping: a one-element list becomes its element. */
function unwrap(inputs: Record<string, unknown>, skip: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inputs)) if (k !== skip) out[k] = Array.isArray(v) && v.length === 1 ? v[0] : v;
  return out;
}

function processingNode(kind: 'image' | 'text', spec: ProcessingNode): NodeDefinition {
  const group = spec.group ?? false;
  const main = kind === 'image' ? 'images' : 'texts';
  const mainInput = kind === 'image'
    ? v3Socket('IMAGE', { tooltip: group ? 'List of images to process.' : 'Image to process.' })
    : v3String({ tooltip: group ? 'List of texts to process.' : 'Text to process.' });
  const output: NodeOutputSpec = {
    type: kind === 'image' ? 'IMAGE' : 'STRING',
    name: main,
    // Image nodes default to their mode; text nodes pass their unset `is_output_list` (None) through.
    isList: spec.outputIsList ?? (kind === 'image' ? group : null),
    tooltip: kind === 'image' ? 'Processed images' : 'Processed texts',
  };
  return {
    name: spec.name,
    schemaFormat: 'v3',
    displayName: spec.displayName,
    pythonModule: DATASET_MODULE,
    category: kind === 'image' ? 'dataset/image' : 'dataset/text',
    experimental: true,
    inputIsList: group,
    inputs: { required: { [main]: mainInput, ...spec.extraInputs } },
    outputs: [output],
    execute(inputs) {
      const value = inputs[main];
      if (group && !Array.isArray(value)) throw new Error(`${spec.name}: ${main} must be a list`);
      return [spec.execute(value, unwrap(inputs, main))];
    },
  };
}

export const imageProcessingNode = (spec: ProcessingNode) => processingNode('image', spec);
export const textProcessingNode = (spec: ProcessingNode) => processingNode('text', spec);
