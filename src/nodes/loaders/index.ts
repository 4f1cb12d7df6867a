// The loaders nodes, in ComfyUI's registration order.
import type { NodeDefinition } from '../node-definition.ts';

export const loadersNodes: NodeDefinition[] = [];
