// The conditioning nodes, in ComfyUI's registration order.
import type { NodeDefinition } from '../node-definition.ts';
import { clipSetLastLayer, clipTextEncode } from './clip-text-encode.ts';

export const conditioningNodes: NodeDefinition[] = [clipTextEncode, clipSetLastLayer];
