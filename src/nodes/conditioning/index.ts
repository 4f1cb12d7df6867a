// The conditioning nodes, in ComfyUI's registration order.
import type { NodeDefinition } from '../node-definition.ts';
import { clipSetLastLayer, clipTextEncode } from './clip-text-encode.ts';
import { fluxKontextImageScale } from './flux-kontext-image-scale.ts';
import { conditioningAverage, conditioningCombine, conditioningConcat } from './conditioning-combine.ts';
import {
  conditioningSetArea,
  conditioningSetAreaPercentage,
  conditioningSetAreaPercentageVideo,
  conditioningSetAreaStrength,
  conditioningSetMask,
} from './conditioning-area.ts';
import {
  conditioningSetTimestepRange,
  conditioningStableAudio,
  conditioningZeroOut,
  fluxDisableGuidance,
  fluxGuidance,
  fluxKontextMultiReferenceLatentMethod,
  ltxvConditioning,
  referenceLatent,
  stableCascadeStageBConditioning,
} from './conditioning-options.ts';

export const conditioningNodes: NodeDefinition[] = [
  clipTextEncode,
  clipSetLastLayer,
  conditioningAverage,
  conditioningCombine,
  conditioningConcat,
  conditioningSetArea,
  conditioningSetAreaPercentage,
  conditioningSetAreaStrength,
  conditioningSetMask,
  conditioningZeroOut,
  conditioningSetTimestepRange,
  // comfy_extras, in file load order
  conditioningSetAreaPercentageVideo,
  stableCascadeStageBConditioning,
  conditioningStableAudio,
  fluxGuidance,
  fluxDisableGuidance,
  fluxKontextImageScale,
  fluxKontextMultiReferenceLatentMethod,
  ltxvConditioning,
  referenceLatent,
];
