// MaskPreview (comfy_extras/nodes_mask.py, V3 in ComfyUI 0.8.0, display "Preview Mask"): writes the mask as a
// greyscale PNG into the temp folder under the prefix `ComfyUI_temp_<5 random letters>` (drawn on every call), PNG
// compression level 1 and no prompt/workflow text chunks, as V3's UI.PreviewMask does.
import type { NodeDefinition } from '../node-definition.ts';
import { saveImageBatch } from '../image/save-image.ts';
import { requireMask } from '../utils/node-args.ts';
import { V3_OUTPUT_HIDDEN, v3Socket } from '../utils/v3-io.ts';
import { maskToImage } from './mask-convert.ts';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

export const maskPreviewNode: NodeDefinition = {
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_mask',
  category: 'mask',
  name: 'MaskPreview',
  displayName: 'Preview Mask',
  description: 'Saves the input images to your ComfyUI output directory.', // sic, ComfyUI's text
  outputNode: true,
  inputs: { required: { mask: v3Socket('MASK') }, hidden: { ...V3_OUTPUT_HIDDEN } },
  outputs: [],
  async execute(inputs, ctx) {
    const preview = maskToImage(requireMask('mask', inputs.mask));
    const prefix = 'ComfyUI_temp_' + Array.from({ length: 5 }, () => LETTERS[Math.floor(Math.random() * LETTERS.length)]).join('');
    const images = await saveImageBatch(preview, prefix, ctx, { type: 'temp', compressionLevel: 1, text: [] });
    return { ui: { images, animated: [false] } };
  },
};
