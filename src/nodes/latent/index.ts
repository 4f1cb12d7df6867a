// The latent nodes, in ComfyUI's registration order.
import type { NodeDefinition } from '../node-definition.ts';
import { emptyLatentImage } from './empty-latent-image.ts';

export const latentNodes: NodeDefinition[] = [emptyLatentImage];
