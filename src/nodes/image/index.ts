// The image nodes, in ComfyUI's registration order.
import type { NodeDefinition } from '../node-definition.ts';
import { loadImage, loadImageMask } from './load-image.ts';
import { previewImage, saveImage } from './save-image.ts';
import { imageScale, imageScaleBy } from './scale.ts';
import { emptyImage, imageBatch, imageInvert, imagePadForOutpaint } from './basic.ts';

export const imageNodes: NodeDefinition[] = [
  // nodes.py
  saveImage,
  previewImage,
  loadImage,
  loadImageMask,
  imageScale,
  imageScaleBy,
  imageInvert,
  imageBatch,
  imagePadForOutpaint,
  emptyImage,
];
