// Every built-in node group. Registration order follows ComfyUI's (nodes.py first, then comfy_extras),
// which matters only where two groups define the same name (the later one wins).
import type { NodeDefinition } from './node-definition.ts';
import { imageNodes } from './image/index.ts';
import { maskNodes } from './mask/index.ts';
import { latentNodes } from './latent/index.ts';
import { utilsNodes } from './utils/index.ts';
import { loadersNodes } from './loaders/index.ts';
import { conditioningNodes } from './conditioning/index.ts';
import { samplingNodes } from './sampling/index.ts';
import { audioNodes } from './audio/index.ts';
import { datasetNodes } from './dataset/index.ts';
import { hooksNodes } from './hooks/index.ts';
import { videoNodes } from './video/index.ts';
import { threeDNodes } from './three-d/index.ts';
import { modelSpecificNodes } from './model-specific/index.ts';

export function builtinNodes(): NodeDefinition[] {
  return [...loadersNodes, ...conditioningNodes, ...samplingNodes, ...latentNodes, ...imageNodes, ...maskNodes, ...utilsNodes, ...datasetNodes, ...hooksNodes, ...audioNodes, ...videoNodes, ...threeDNodes, ...modelSpecificNodes];
}
