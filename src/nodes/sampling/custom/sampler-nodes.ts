// The SAMPLER nodes of comfy_extras/nodes_custom_sampler.py: KSamplerSelect by name, and the Sampler* nodes
// that set a sampler's knobs (eta, s_noise, order, r, solver type). The `noise_device` choice is accepted;
// comfy-ts draws all noise on the CPU, as ComfyUI does on a CPU-only machine.
import { SAMPLER_NAMES, type SamplerName } from '../../../inference/sampling/index.ts';
import type { InputSpec, NodeDefinition } from '../../node-definition.ts';
import { requireChoice, requireInt, requireNumber } from '../../utils/node-args.ts';
import { v3Boolean, v3Combo, v3Float, v3Int, v3Socket } from '../../utils/v3-io.ts';
import { requireModel } from '../ksampler.ts';
import { makeSampler, type SamplerObject } from './sampler-object.ts';

const SAMPLER_NODE = { schemaFormat: 'v3', pythonModule: 'comfy_extras.nodes_custom_sampler', category: 'sampling/custom_sampling/samplers' } as const;
const knob = (d: number, max = 100.0, min = 0.0, tooltip?: string): InputSpec =>
  v3Float({ default: d, min, max, step: 0.01, round: false, ...(tooltip === undefined ? {} : { tooltip }) });
const ETA = knob(1.0);
const S_NOISE = knob(1.0);
const NOISE_DEVICE = v3Combo(['gpu', 'cpu']);

type Inputs = Record<string, unknown>;
const num = (inputs: Inputs, name: string) => requireNumber(name, inputs[name]);

function samplerNode(name: string, inputs: Record<string, InputSpec>, make: (inputs: Inputs) => SamplerObject, extra: Partial<NodeDefinition> = {}): NodeDefinition {
  return { ...SAMPLER_NODE, name, inputs: { required: inputs }, outputs: [{ type: 'SAMPLER' }], execute: (values) => [make(values)], ...extra };
}

/** A sampler whose knobs are eta and s_noise. */
function etaNoise(sampler: SamplerName, inputs: Inputs): SamplerObject {
  return makeSampler(sampler, { eta: num(inputs, 'eta'), sNoise: num(inputs, 's_noise') });
}

/** `_gpu` variants draw Brownian noise on the GPU in ComfyUI; comfy-ts draws both on the CPU (a CPU-only ComfyUI's numbers). */
const onDevice = (cpuName: SamplerName, gpuName: SamplerName, inputs: Inputs): SamplerName =>
  requireChoice('noise_device', inputs.noise_device, ['gpu', 'cpu']) === 'cpu' ? cpuName : gpuName;

export const kSamplerSelect = samplerNode('KSamplerSelect', { sampler_name: v3Combo(SAMPLER_NAMES) }, (inputs) =>
  makeSampler(requireChoice('sampler_name', inputs.sampler_name, SAMPLER_NAMES)),
);

export const samplerEulerAncestral = samplerNode('SamplerEulerAncestral', { eta: ETA, s_noise: S_NOISE }, (inputs) => etaNoise('euler_ancestral', inputs));

export const samplerEulerAncestralCfgPp = samplerNode(
  'SamplerEulerAncestralCFGPP',
  { eta: knob(1.0, 1.0), s_noise: knob(1.0, 10.0) },
  (inputs) => etaNoise('euler_ancestral_cfg_pp', inputs),
  { displayName: 'SamplerEulerAncestralCFG++' },
);

export const samplerLms = samplerNode('SamplerLMS', { order: v3Int({ default: 4, min: 1, max: 100 }) }, (inputs) =>
  makeSampler('lms', { order: requireInt('order', inputs.order, 1, 100) }),
);

export const samplerDpmpp3mSde = samplerNode('SamplerDPMPP_3M_SDE', { eta: ETA, s_noise: S_NOISE, noise_device: NOISE_DEVICE }, (inputs) =>
  etaNoise(onDevice('dpmpp_3m_sde', 'dpmpp_3m_sde_gpu', inputs), inputs),
);

export const samplerDpmpp2mSde = samplerNode(
  'SamplerDPMPP_2M_SDE',
  { solver_type: v3Combo(['midpoint', 'heun']), eta: ETA, s_noise: S_NOISE, noise_device: NOISE_DEVICE },
  (inputs) =>
    makeSampler(onDevice('dpmpp_2m_sde', 'dpmpp_2m_sde_gpu', inputs), {
      eta: num(inputs, 'eta'),
      sNoise: num(inputs, 's_noise'),
      solverType: requireChoice('solver_type', inputs.solver_type, ['midpoint', 'heun']),
    }),
);

export const samplerDpmppSde = samplerNode('SamplerDPMPP_SDE', { eta: ETA, s_noise: S_NOISE, r: knob(0.5), noise_device: NOISE_DEVICE }, (inputs) =>
  makeSampler(onDevice('dpmpp_sde', 'dpmpp_sde_gpu', inputs), { eta: num(inputs, 'eta'), sNoise: num(inputs, 's_noise'), r: num(inputs, 'r') }),
);

export const samplerDpmpp2sAncestral = samplerNode('SamplerDPMPP_2S_Ancestral', { eta: ETA, s_noise: S_NOISE }, (inputs) => etaNoise('dpmpp_2s_ancestral', inputs));

/**
 * Nodes whose sampler comfy-ts runs only with k-diffusion's default settings: any other value of these inputs
 * fails clearly instead of being ignored.
 */
function requireDefaults(node: string, inputs: Inputs, defaults: Record<string, number | boolean>): void {
  const changed = Object.entries(defaults).filter(([name, d]) => inputs[name] !== d).map(([name, d]) => `${name}=${String(inputs[name])} (default ${d})`);
  if (changed.length > 0) throw new Error(`${node}: non-default settings are not implemented in comfy-ts yet: ${changed.join(', ')}`);
}

const DPM_ADAPTIVE_DEFAULTS = { order: 3, rtol: 0.05, atol: 0.0078, h_init: 0.05, pcoeff: 0.0, icoeff: 1.0, dcoeff: 0.0, accept_safety: 0.81, eta: 0.0 };

export const samplerDpmAdaptative = samplerNode(
  'SamplerDPMAdaptative',
  {
    order: v3Int({ default: 3, min: 2, max: 3 }),
    rtol: knob(0.05), atol: knob(0.0078), h_init: knob(0.05), pcoeff: knob(0.0), icoeff: knob(1.0), dcoeff: knob(0.0),
    accept_safety: knob(0.81), eta: knob(0.0), s_noise: S_NOISE,
  },
  (inputs) => {
    requireDefaults('SamplerDPMAdaptative', inputs, DPM_ADAPTIVE_DEFAULTS);
    return makeSampler('dpm_adaptive', { eta: 0, sNoise: num(inputs, 's_noise') });
  },
);

const ER_SDE_SOLVERS = ['ER-SDE', 'Reverse-time SDE', 'ODE'] as const;

export const samplerErSde = samplerNode(
  'SamplerER_SDE',
  {
    solver_type: v3Combo(ER_SDE_SOLVERS),
    max_stage: v3Int({ default: 3, min: 1, max: 3 }),
    eta: v3Float({
      default: 1.0, min: 0.0, max: 100.0, step: 0.01, round: false,
      tooltip: "Stochastic strength of reverse-time SDE.\nWhen eta=0, it reduces to deterministic ODE. This setting doesn't apply to ER-SDE solver type.",
    }),
    s_noise: S_NOISE,
  },
  (inputs) => {
    const solver = requireChoice('solver_type', inputs.solver_type, ER_SDE_SOLVERS);
    // The other solver types replace er_sde's noise scaler with x^(eta + 1), which comfy-ts lacks.
    if (solver !== 'ER-SDE') throw new Error(`SamplerER_SDE: solver_type "${solver}" is not implemented in comfy-ts yet (only "ER-SDE")`);
    return makeSampler('er_sde', { sNoise: num(inputs, 's_noise'), maxStage: requireInt('max_stage', inputs.max_stage, 1, 3) });
  },
);

export const samplerSaSolver = samplerNode(
  'SamplerSASolver',
  {
    model: v3Socket('MODEL'),
    eta: knob(1.0, 10.0),
    sde_start_percent: v3Float({ default: 0.2, min: 0.0, max: 1.0, step: 0.001 }),
    sde_end_percent: v3Float({ default: 0.8, min: 0.0, max: 1.0, step: 0.001 }),
    s_noise: S_NOISE,
    predictor_order: v3Int({ default: 3, min: 1, max: 6 }),
    corrector_order: v3Int({ default: 4, min: 0, max: 6 }),
    use_pece: v3Boolean(),
    simple_order_2: v3Boolean(),
  },
  (inputs) => {
    requireModel(inputs.model);
    // comfy-ts's SA-Solver has the τ interval (η = 1 between the 20% and 80% points) and orders built in.
    requireDefaults('SamplerSASolver', inputs, { eta: 1.0, sde_start_percent: 0.2, sde_end_percent: 0.8, predictor_order: 3, corrector_order: 4, simple_order_2: false });
    return makeSampler(inputs.use_pece === true ? 'sa_solver_pece' : 'sa_solver', { sNoise: num(inputs, 's_noise') });
  },
);

const SEEDS2_SOLVERS = ['phi_1', 'phi_2'] as const;

export const samplerSeeds2 = samplerNode(
  'SamplerSEEDS2',
  {
    solver_type: v3Combo(SEEDS2_SOLVERS),
    eta: knob(1.0, 100.0, 0.0, 'Stochastic strength'),
    s_noise: knob(1.0, 100.0, 0.0, 'SDE noise multiplier'),
    r: knob(0.5, 1.0, 0.01, 'Relative step size for the intermediate stage (c2 node)'),
  },
  (inputs) =>
    makeSampler('seeds_2', {
      solverType: requireChoice('solver_type', inputs.solver_type, SEEDS2_SOLVERS),
      eta: num(inputs, 'eta'),
      sNoise: num(inputs, 's_noise'),
      r: num(inputs, 'r'),
    }),
  {
    description:
      'This sampler node can represent multiple samplers:\n\nseeds_2\n- default setting\n\nexp_heun_2_x0\n- solver_type=phi_2, r=1.0, eta=0.0\n\n' +
      'exp_heun_2_x0_sde\n- solver_type=phi_2, r=1.0, eta=1.0, s_noise=1.0',
  },
);
