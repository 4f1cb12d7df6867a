// CLIPTextEncode and CLIPSetLastLayer (nodes.py): a prompt → CONDITIONING `[[cond, {pooled_output}]]`
// through the CLIP of a checkpoint (models.md §5), and the choice of which CLIP layer's output is used.
import type { SdClip } from '../../inference/models/sd-models.ts';
import type { NodeDefinition } from '../node-definition.ts';
import { requireInt, requireString } from '../utils/node-args.ts';

function requireClip(value: unknown): SdClip {
  if (value === null || value === undefined) {
    throw new Error(
      'ERROR: clip input is invalid: None\n\nIf the clip is from a checkpoint loader node your checkpoint does not contain a valid clip or text encoder model.',
    );
  }
  if ((value as SdClip).kind !== 'sd-clip') throw new Error('clip input is not a CLIP model');
  return value as SdClip;
}

export const clipTextEncode: NodeDefinition = {
  name: 'CLIPTextEncode',
  schemaFormat: 'v1',
  displayName: 'CLIP Text Encode (Prompt)',
  description:
    'Encodes a text prompt using a CLIP model into an embedding that can be used to guide the diffusion model towards generating specific images.',
  pythonModule: 'nodes',
  category: 'conditioning',
  inputs: {
    required: {
      text: ['STRING', { multiline: true, dynamicPrompts: true, tooltip: 'The text to be encoded.' }],
      clip: ['CLIP', { tooltip: 'The CLIP model used for encoding the text.' }],
    },
  },
  outputs: [{ type: 'CONDITIONING', tooltip: 'A conditioning containing the embedded text used to guide the diffusion model.' }],
  async execute(inputs) {
    const clip = requireClip(inputs.clip);
    const chunks = await clip.tokenize(requireString('text', inputs.text));
    const encoder = await clip.encoder();
    const { cond, pooled } = await encoder.encode(chunks, clip.layer === undefined ? {} : { layer: clip.layer });
    return [[[cond, { pooled_output: pooled }]]];
  },
};

export const clipSetLastLayer: NodeDefinition = {
  name: 'CLIPSetLastLayer',
  schemaFormat: 'v1',
  displayName: 'CLIP Set Last Layer',
  pythonModule: 'nodes',
  category: 'conditioning',
  inputs: {
    required: {
      clip: ['CLIP'],
      stop_at_clip_layer: ['INT', { default: -1, min: -24, max: -1, step: 1 }],
    },
  },
  outputs: [{ type: 'CLIP' }],
  execute(inputs) {
    return [requireClip(inputs.clip).withLayer(requireInt('stop_at_clip_layer', inputs.stop_at_clip_layer, -24, -1))];
  },
};
