// The sampler registry, keyed by ComfyUI 0.8.0's KSampler.SAMPLERS names (changes-0.8.0.md §9.1).
import type { SamplerFunction } from './common.ts';
import { sampleDdpm, sampleLcm } from './ddpm-lcm.ts';
import { sampleDpmpp2mSde, sampleDpmpp2sAncestral, sampleDpmpp2sAncestralCfgPp, sampleDpmpp3mSde, sampleDpmppSde } from './dpmpp.ts';
import { sampleEuler, sampleEulerAncestral, sampleEulerAncestralCfgPp, sampleEulerCfgPp } from './euler.ts';
import { sampleErSde, sampleExpHeun2X0, sampleExpHeun2X0Sde, sampleSeeds2, sampleSeeds3 } from './exponential.ts';
import { sampleDpm2, sampleDpm2Ancestral, sampleHeun, sampleHeunpp2 } from './heun.ts';
import { sampleDeis } from './deis.ts';
import { sampleDpmAdaptive, sampleDpmFast } from './dpm-solver.ts';
import { gradientEstimation, resMultistep, sampleDpmpp2m, sampleDpmpp2mCfgPp, sampleIpndm, sampleIpndmV, sampleLms } from './multistep.ts';
import { sampleSaSolver } from './sa-solver.ts';
import { sampleUniPc, sampleUniPcBh2 } from './uni-pc.ts';

export type { Denoiser, SamplerFunction, SamplerOptions, StepInfo } from './common.ts';

/** KSampler.SAMPLERS of ComfyUI 0.8.0, in order (44 names). */
export const SAMPLER_NAMES = [
  'euler',
  'euler_cfg_pp',
  'euler_ancestral',
  'euler_ancestral_cfg_pp',
  'heun',
  'heunpp2',
  'exp_heun_2_x0',
  'exp_heun_2_x0_sde',
  'dpm_2',
  'dpm_2_ancestral',
  'lms',
  'dpm_fast',
  'dpm_adaptive',
  'dpmpp_2s_ancestral',
  'dpmpp_2s_ancestral_cfg_pp',
  'dpmpp_sde',
  'dpmpp_sde_gpu',
  'dpmpp_2m',
  'dpmpp_2m_cfg_pp',
  'dpmpp_2m_sde',
  'dpmpp_2m_sde_gpu',
  'dpmpp_2m_sde_heun',
  'dpmpp_2m_sde_heun_gpu',
  'dpmpp_3m_sde',
  'dpmpp_3m_sde_gpu',
  'ddpm',
  'lcm',
  'ipndm',
  'ipndm_v',
  'deis',
  'res_multistep',
  'res_multistep_cfg_pp',
  'res_multistep_ancestral',
  'res_multistep_ancestral_cfg_pp',
  'gradient_estimation',
  'gradient_estimation_cfg_pp',
  'er_sde',
  'seeds_2',
  'seeds_3',
  'sa_solver',
  'sa_solver_pece',
  'ddim',
  'uni_pc',
  'uni_pc_bh2',
] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

export interface SamplerEntry {
  sample: SamplerFunction;
  /**
   * Per-step noise: ComfyUI's default noise sampler (CPU generator seeded with seed + 1), torchsde's Brownian tree, or
   * `torch.randn_like` on the global generator right after the initial noise (opts.randnLike).
   */
  noise?: 'default' | 'brownian' | 'global';
  /** CFG++: needs the unconditional prediction at every step, even at cfg 1. */
  needsUncond?: boolean;
  /** `ddim`: the inpainting noise is a fresh draw seeded with seed + 1 instead of the initial noise. */
  randomInpaintNoise?: boolean;
}

const SAMPLERS: Partial<Record<SamplerName, SamplerEntry>> = {
  euler: { sample: sampleEuler },
  euler_cfg_pp: { sample: sampleEulerCfgPp, needsUncond: true },
  euler_ancestral: { sample: sampleEulerAncestral, noise: 'default' },
  euler_ancestral_cfg_pp: { sample: sampleEulerAncestralCfgPp, noise: 'default', needsUncond: true },
  heun: { sample: sampleHeun },
  heunpp2: { sample: sampleHeunpp2 },
  exp_heun_2_x0: { sample: sampleExpHeun2X0 },
  exp_heun_2_x0_sde: { sample: sampleExpHeun2X0Sde, noise: 'default' },
  dpm_2: { sample: sampleDpm2 },
  dpm_2_ancestral: { sample: sampleDpm2Ancestral, noise: 'default' },
  lms: { sample: (d, x, s, o) => sampleLms(d, x, s, o) },
  dpm_fast: { sample: sampleDpmFast },
  dpm_adaptive: { sample: sampleDpmAdaptive },
  dpmpp_2s_ancestral: { sample: sampleDpmpp2sAncestral, noise: 'default' },
  dpmpp_2s_ancestral_cfg_pp: { sample: sampleDpmpp2sAncestralCfgPp, noise: 'default', needsUncond: true },
  dpmpp_sde: { sample: (d, x, s, o) => sampleDpmppSde(d, x, s, o), noise: 'brownian' },
  dpmpp_sde_gpu: { sample: (d, x, s, o) => sampleDpmppSde(d, x, s, o), noise: 'brownian' },
  dpmpp_2m: { sample: sampleDpmpp2m },
  dpmpp_2m_cfg_pp: { sample: sampleDpmpp2mCfgPp, needsUncond: true },
  dpmpp_2m_sde: { sample: (d, x, s, o) => sampleDpmpp2mSde(d, x, s, o, 'midpoint'), noise: 'brownian' },
  dpmpp_2m_sde_gpu: { sample: (d, x, s, o) => sampleDpmpp2mSde(d, x, s, o, 'midpoint'), noise: 'brownian' },
  dpmpp_2m_sde_heun: { sample: (d, x, s, o) => sampleDpmpp2mSde(d, x, s, o, 'heun'), noise: 'brownian' },
  dpmpp_2m_sde_heun_gpu: { sample: (d, x, s, o) => sampleDpmpp2mSde(d, x, s, o, 'heun'), noise: 'brownian' },
  dpmpp_3m_sde: { sample: sampleDpmpp3mSde, noise: 'brownian' },
  dpmpp_3m_sde_gpu: { sample: sampleDpmpp3mSde, noise: 'brownian' },
  ddpm: { sample: sampleDdpm, noise: 'default' },
  lcm: { sample: sampleLcm, noise: 'default' },
  ipndm: { sample: sampleIpndm },
  ipndm_v: { sample: sampleIpndmV },
  deis: { sample: (d, x, s, o) => sampleDeis(d, x, s, o) },
  res_multistep: { sample: (d, x, s, o) => resMultistep(d, x, s, o, 0, false) },
  res_multistep_cfg_pp: { sample: (d, x, s, o) => resMultistep(d, x, s, o, 0, true), needsUncond: true },
  res_multistep_ancestral: { sample: (d, x, s, o) => resMultistep(d, x, s, o, o.eta ?? 1, false), noise: 'default' },
  res_multistep_ancestral_cfg_pp: { sample: (d, x, s, o) => resMultistep(d, x, s, o, o.eta ?? 1, true), noise: 'default', needsUncond: true },
  gradient_estimation: { sample: (d, x, s, o) => gradientEstimation(d, x, s, o, false) },
  gradient_estimation_cfg_pp: { sample: (d, x, s, o) => gradientEstimation(d, x, s, o, true), needsUncond: true },
  er_sde: { sample: (d, x, s, o) => sampleErSde(d, x, s, o), noise: 'default' },
  seeds_2: { sample: (d, x, s, o) => sampleSeeds2(d, x, s, o), noise: 'default' },
  seeds_3: { sample: (d, x, s, o) => sampleSeeds3(d, x, s, o), noise: 'default' },
  sa_solver: { sample: (d, x, s, o) => sampleSaSolver(d, x, s, o, false), noise: 'default' },
  sa_solver_pece: { sample: (d, x, s, o) => sampleSaSolver(d, x, s, o, true), noise: 'default' },
  ddim: { sample: sampleEuler, randomInpaintNoise: true },
  uni_pc: { sample: (d, x, s, o) => sampleUniPc(d, x, s, o, 'bh1') },
  uni_pc_bh2: { sample: sampleUniPcBh2 },
};

export function isSamplerName(name: string): name is SamplerName {
  return (SAMPLER_NAMES as readonly string[]).includes(name);
}

/** The sampler for a ComfyUI name; a clear error for names ComfyUI knows but comfy-ts does not implement yet. */
export function getSampler(name: string): SamplerEntry {
  if (!isSamplerName(name)) throw new Error(`unknown sampler "${name}"`);
  const entry = SAMPLERS[name];
  if (!entry) throw new Error(`sampler "${name}" is not implemented in comfy-ts yet; implemented: ${implementedSamplers().join(', ')}`);
  return entry;
}

export function implementedSamplers(): SamplerName[] {
  return SAMPLER_NAMES.filter((n) => SAMPLERS[n] !== undefined);
}
