// SAMPLER values: a k-diffusion sampler by ComfyUI name plus the keyword arguments a Sampler* node sets
// (`comfy.samplers.ksampler(name, extra_options)`). The entry to run is resolved when the node executes,
// so a sampler comfy-ts lacks fails there with a clear message.
import { getSampler, type SamplerName } from '../../../inference/sampling/index.ts';
import type { SamplerEntry } from '../../../inference/sampling/samplers/index.ts';
import { sampleDpmpp2mSde, sampleDpmppSde } from '../../../inference/sampling/samplers/dpmpp.ts';
import { sampleErSde, sampleSeeds2 } from '../../../inference/sampling/samplers/exponential.ts';
import { sampleLms } from '../../../inference/sampling/samplers/multistep.ts';

/** The extra options the custom-sampling nodes pass (k-diffusion keyword arguments). */
export interface SamplerKnobs {
  eta?: number;
  sNoise?: number;
  /** lms */
  order?: number;
  /** dpmpp_sde, seeds_2 */
  r?: number;
  /** dpmpp_2m_sde: midpoint | heun; seeds_2: phi_1 | phi_2 */
  solverType?: string;
  /** er_sde */
  maxStage?: number;
}

export interface SamplerObject {
  readonly kind: 'sampler';
  readonly name: SamplerName;
  readonly knobs: SamplerKnobs;
  /** What runs: the registry entry with the knobs bound into its sample function. */
  readonly entry: SamplerEntry;
  toString(): string;
}

export function isSamplerObject(value: unknown): value is SamplerObject {
  return (value as SamplerObject | null)?.kind === 'sampler';
}

/** Binds the knobs a sampler function takes as arguments (the rest travel in SamplerOptions). */
function bindKnobs(name: SamplerName, base: SamplerEntry, knobs: SamplerKnobs): SamplerEntry {
  switch (name) {
    case 'lms':
      return knobs.order === undefined ? base : { ...base, sample: (d, x, s, o) => sampleLms(d, x, s, o, knobs.order) };
    case 'dpmpp_sde':
    case 'dpmpp_sde_gpu':
      return knobs.r === undefined ? base : { ...base, sample: (d, x, s, o) => sampleDpmppSde(d, x, s, o, knobs.r) };
    case 'dpmpp_2m_sde':
    case 'dpmpp_2m_sde_gpu': {
      const solver = knobs.solverType === 'heun' ? 'heun' : 'midpoint';
      return { ...base, sample: (d, x, s, o) => sampleDpmpp2mSde(d, x, s, o, solver) };
    }
    case 'er_sde':
      return knobs.maxStage === undefined ? base : { ...base, sample: (d, x, s, o) => sampleErSde(d, x, s, o, knobs.maxStage) };
    case 'seeds_2': {
      const solverType = knobs.solverType === 'phi_2' ? 'phi_2' : 'phi_1';
      return { ...base, sample: (d, x, s, o) => sampleSeeds2(d, x, s, o, { eta: knobs.eta, sNoise: knobs.sNoise, r: knobs.r, solverType }) };
    }
    default:
      return base;
  }
}

/** `ksampler(name, extra_options)`; throws for a sampler comfy-ts does not implement yet. */
export function makeSampler(name: SamplerName, knobs: SamplerKnobs = {}): SamplerObject {
  const entry = bindKnobs(name, getSampler(name), knobs);
  return { kind: 'sampler', name, knobs, entry, toString: () => `<SAMPLER ${name}>` };
}
