// The mask nodes, in ComfyUI's registration order (nodes_mask.py, nodes_compositing.py, then the 0.8.0
// BatchMasksNode of nodes_post_processing.py). LoadImageMask is an image node; LatentCompositeMasked is a latent one.
import type { NodeDefinition } from '../node-definition.ts';
import { batchMasksNode } from './batch-masks.ts';
import { joinImageWithAlphaNode, porterDuffImageCompositeNode, splitImageWithAlphaNode } from './compositing.ts';
import { featherMaskNode } from './feather-mask.ts';
import { growMaskNode } from './grow-mask.ts';
import { cropMaskNode, invertMaskNode, solidMaskNode, thresholdMaskNode } from './mask-basic.ts';
import { maskCompositeNode } from './mask-composite.ts';
import { imageColorToMaskNode, imageToMaskNode, maskToImageNode } from './mask-convert.ts';
import { maskPreviewNode } from './mask-preview.ts';

export const maskNodes: NodeDefinition[] = [
  maskToImageNode,
  imageToMaskNode,
  imageColorToMaskNode,
  solidMaskNode,
  invertMaskNode,
  cropMaskNode,
  maskCompositeNode,
  featherMaskNode,
  growMaskNode,
  thresholdMaskNode,
  maskPreviewNode,
  porterDuffImageCompositeNode,
  splitImageWithAlphaNode,
  joinImageWithAlphaNode,
  batchMasksNode,
];
