// The latent nodes (the VAE codec ones need a model, the rest do not), in ComfyUI's registration order: nodes.py, then comfy_extras files in load order.
import type { NodeDefinition } from '../node-definition.ts';
import { batchLatentsNode } from './batch-latents.ts';
import { emptyLatentImage } from './empty-latent-image.ts';
import { emptyLatentNodes } from './empty-latents.ts';
import { latentBatchNode, latentBatchSeedBehaviorNode, latentFromBatchNode, repeatLatentBatchNode } from './latent-batch.ts';
import { latentBlendNode, latentCompositeNode } from './latent-composite.ts';
import { latentCompositeMaskedNode } from './latent-composite-masked.ts';
import { loadLatentNode, saveLatentNode } from './latent-files.ts';
import { latentAddNode, latentInterpolateNode, latentMultiplyNode, latentSubtractNode } from './latent-math.ts';
import { latentApplyOperationNode, latentOperationSharpenNode, latentOperationTonemapReinhardNode } from './latent-operations.ts';
import { latentConcatNode, latentCutNode, latentCutToBatchNode, replaceVideoLatentFramesNode } from './latent-slicing.ts';
import { latentCropNode, latentFlipNode, latentRotateNode, setLatentNoiseMaskNode } from './latent-transform.ts';
import { latentUpscaleByNode, latentUpscaleNode } from './latent-upscale.ts';
import { rebatchLatentsNode } from './rebatch-latents.ts';
import { vaeDecode, vaeEncode } from './vae-codec.ts';

export const latentNodes: NodeDefinition[] = [
  // nodes.py
  vaeDecode,
  vaeEncode,
  emptyLatentImage,
  latentUpscaleNode,
  latentUpscaleByNode,
  latentFromBatchNode,
  repeatLatentBatchNode,
  setLatentNoiseMaskNode,
  latentCompositeNode,
  latentBlendNode,
  latentRotateNode,
  latentFlipNode,
  latentCropNode,
  saveLatentNode,
  loadLatentNode,
  // comfy_extras/nodes_latent.py
  latentAddNode,
  latentSubtractNode,
  latentMultiplyNode,
  latentInterpolateNode,
  latentConcatNode,
  latentCutNode,
  latentCutToBatchNode,
  latentBatchNode,
  latentBatchSeedBehaviorNode,
  latentApplyOperationNode,
  latentOperationTonemapReinhardNode,
  latentOperationSharpenNode,
  replaceVideoLatentFramesNode,
  // comfy_extras/nodes_mask.py, nodes_rebatch.py, the model-specific empty latents, nodes_post_processing.py
  latentCompositeMaskedNode,
  rebatchLatentsNode,
  ...emptyLatentNodes,
  batchLatentsNode,
];
