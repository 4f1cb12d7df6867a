// The sampling nodes, in ComfyUI's registration order.
import type { NodeDefinition } from '../node-definition.ts';
import { kSampler, kSamplerAdvanced } from './ksampler.ts';
import { basicGuiderNode, cfgGuiderNode, dualCfgGuiderNode } from './custom/guider-nodes.ts';
import { addNoiseNode, disableNoiseNode, randomNoiseNode } from './custom/noise-nodes.ts';
import { samplerCustom, samplerCustomAdvanced } from './custom/sampler-custom-nodes.ts';
import {
  kSamplerSelect,
  samplerDpmAdaptative,
  samplerDpmpp2mSde,
  samplerDpmpp2sAncestral,
  samplerDpmpp3mSde,
  samplerDpmppSde,
  samplerErSde,
  samplerEulerAncestral,
  samplerEulerAncestralCfgPp,
  samplerLms,
  samplerSaSolver,
  samplerSeeds2,
} from './custom/sampler-nodes.ts';
import {
  basicScheduler,
  betaSamplingScheduler,
  exponentialScheduler,
  karrasScheduler,
  laplaceScheduler,
  polyexponentialScheduler,
  sdTurboScheduler,
  vpScheduler,
} from './custom/scheduler-nodes.ts';
import {
  extendIntermediateSigmas,
  flipSigmas,
  manualSigmas,
  samplingPercentToSigma,
  setFirstSigma,
  splitSigmas,
  splitSigmasDenoise,
} from './custom/sigma-nodes.ts';
import { samplerEulerCfgPp, samplerLcmUpscale } from './custom/advanced-samplers.ts';
import { flux2Scheduler } from './custom/flux2-scheduler.ts';
import { ltxvScheduler } from './custom/ltxv-scheduler.ts';
import { alignYourStepsScheduler, gitsScheduler, optimalStepsScheduler } from './custom/tabulated-schedulers.ts';

export const samplingNodes: NodeDefinition[] = [
  kSampler,
  kSamplerAdvanced,
  // comfy_extras/nodes_custom_sampler.py
  samplerCustom,
  basicScheduler,
  karrasScheduler,
  exponentialScheduler,
  polyexponentialScheduler,
  laplaceScheduler,
  vpScheduler,
  betaSamplingScheduler,
  sdTurboScheduler,
  kSamplerSelect,
  samplerEulerAncestral,
  samplerEulerAncestralCfgPp,
  samplerLms,
  samplerDpmpp3mSde,
  samplerDpmpp2mSde,
  samplerDpmppSde,
  samplerDpmpp2sAncestral,
  samplerDpmAdaptative,
  samplerErSde,
  samplerSaSolver,
  samplerSeeds2,
  splitSigmas,
  splitSigmasDenoise,
  flipSigmas,
  setFirstSigma,
  extendIntermediateSigmas,
  samplingPercentToSigma,
  manualSigmas,
  cfgGuiderNode,
  dualCfgGuiderNode,
  basicGuiderNode,
  randomNoiseNode,
  disableNoiseNode,
  addNoiseNode,
  samplerCustomAdvanced,
  // other comfy_extras files, in load order
  alignYourStepsScheduler,
  samplerLcmUpscale,
  samplerEulerCfgPp,
  gitsScheduler,
  flux2Scheduler,
  ltxvScheduler,
  optimalStepsScheduler,
];
