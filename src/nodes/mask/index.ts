// The mask nodes, in ComfyUI's registration order.
import type { NodeDefinition } from '../node-definition.ts';

export const maskNodes: NodeDefinition[] = [];
