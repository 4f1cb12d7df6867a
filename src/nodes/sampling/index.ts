// The sampling nodes, in ComfyUI's registration order.
import type { NodeDefinition } from '../node-definition.ts';
import { kSampler, kSamplerAdvanced } from './ksampler.ts';

export const samplingNodes: NodeDefinition[] = [kSampler, kSamplerAdvanced];
