// The model loader nodes, in ComfyUI's registration order.
import type { NodeDefinition } from '../node-definition.ts';
import { checkpointLoader, checkpointLoaderSimple } from './checkpoint-loader.ts';
import { vaeLoader } from './vae-loader.ts';

export const loadersNodes: NodeDefinition[] = [checkpointLoaderSimple, vaeLoader, checkpointLoader];
