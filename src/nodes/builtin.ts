// Every built-in node group, registered in the order ComfyUI lists its nodes (/object_info keeps it). Where two
// groups define the same name, the later one wins.
import type { NodeDefinition } from './node-definition.ts';
import { COMFYUI_NODE_ORDER } from './comfyui-node-order.ts';
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

const ORDER = new Map(COMFYUI_NODE_ORDER.map((name, i) => [name, i]));

/** The built-in nodes in ComfyUI's listing order (a stable sort: a name defined twice keeps its later definition last). */
export function builtinNodes(): NodeDefinition[] {
  const all = [...loadersNodes, ...conditioningNodes, ...samplingNodes, ...latentNodes, ...imageNodes, ...maskNodes, ...utilsNodes, ...datasetNodes, ...hooksNodes, ...audioNodes, ...videoNodes, ...threeDNodes, ...modelSpecificNodes];
  const rank = (def: NodeDefinition) => ORDER.get(def.name) ?? ORDER.size;
  return all.sort((a, b) => rank(a) - rank(b));
}
