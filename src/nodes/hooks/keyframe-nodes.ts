// The model-free scheduling nodes of nodes_hooks.py (V1): hook keyframes (single, interpolated, from a float
// list) and ConditioningTimestepsRange. Each keyframe node extends a clone of the optional previous group; in a
// generated series only the first keyframe guarantees a step.
import type { NodeDefinition } from '../node-definition.ts';
import { requireChoice, requireInt, requireNumber } from '../utils/node-args.ts';
import { HookKeyframeGroup, INTERPOLATIONS, interpolationWeights } from './hook-keyframes.ts';

const base = {
  schemaFormat: 'v1', pythonModule: 'comfy_extras.nodes_hooks', category: 'advanced/hooks/scheduling', experimental: true,
  outputs: [{ type: 'HOOK_KEYFRAMES', name: 'HOOK_KF' }],
} as const;

const percent = (def: number) => ['FLOAT', { default: def, min: 0.0, max: 1.0, step: 0.001 }] as const;
const optionalPrev = { prev_hook_kf: ['HOOK_KEYFRAMES'] } as const;

function previous(value: unknown): HookKeyframeGroup {
  if (value === undefined || value === null) return new HookKeyframeGroup();
  if (!(value instanceof HookKeyframeGroup)) throw new Error('prev_hook_kf must be a HOOK_KEYFRAMES value');
  return value.clone();
}

function addSeries(group: HookKeyframeGroup, percents: number[], strengths: number[], print: boolean): void {
  for (let i = 0; i < Math.min(percents.length, strengths.length); i++) {
    group.add({ strength: strengths[i]!, start_percent: percents[i]!, guarantee_steps: i === 0 ? 1 : 0 });
    if (print) console.info(`Hook Keyframe - start_percent:${percents[i]} = ${strengths[i]}`);
  }
}

export const createHookKeyframe: NodeDefinition = {
  ...base,
  name: 'CreateHookKeyframe',
  displayName: 'Create Hook Keyframe',
  inputs: {
    required: { strength_mult: ['FLOAT', { default: 1.0, min: -20.0, max: 20.0, step: 0.01 }], start_percent: percent(0.0) },
    optional: optionalPrev,
  },
  execute(inputs) {
    const group = previous(inputs.prev_hook_kf);
    group.add({
      strength: requireNumber('strength_mult', inputs.strength_mult),
      start_percent: requireNumber('start_percent', inputs.start_percent),
      guarantee_steps: 1,
    });
    return [group];
  },
};

export const createHookKeyframesInterpolated: NodeDefinition = {
  ...base,
  name: 'CreateHookKeyframesInterpolated',
  displayName: 'Create Hook Keyframes Interp.',
  inputs: {
    required: {
      strength_start: ['FLOAT', { default: 1.0, min: 0.0, max: 10.0, step: 0.001 }],
      strength_end: ['FLOAT', { default: 1.0, min: 0.0, max: 10.0, step: 0.001 }],
      interpolation: [INTERPOLATIONS],
      start_percent: percent(0.0),
      end_percent: percent(1.0),
      keyframes_count: ['INT', { default: 5, min: 2, max: 100, step: 1 }],
      print_keyframes: ['BOOLEAN', { default: false }],
    },
    optional: optionalPrev,
  },
  execute(inputs) {
    const group = previous(inputs.prev_hook_kf);
    const count = requireInt('keyframes_count', inputs.keyframes_count, 2, 100);
    const method = requireChoice('interpolation', inputs.interpolation, INTERPOLATIONS);
    const percents = interpolationWeights(requireNumber('start_percent', inputs.start_percent), requireNumber('end_percent', inputs.end_percent), count, 'linear');
    const strengths = interpolationWeights(requireNumber('strength_start', inputs.strength_start), requireNumber('strength_end', inputs.strength_end), count, method);
    addSeries(group, percents, strengths, inputs.print_keyframes === true);
    return [group];
  },
};

export const createHookKeyframesFromFloats: NodeDefinition = {
  ...base,
  name: 'CreateHookKeyframesFromFloats',
  displayName: 'Create Hook Keyframes From Floats',
  inputs: {
    required: {
      floats_strength: ['FLOATS', { default: -1, min: -1, step: 0.001, forceInput: true }],
      start_percent: percent(0.0),
      end_percent: percent(1.0),
      print_keyframes: ['BOOLEAN', { default: false }],
    },
    optional: optionalPrev,
  },
  execute(inputs) {
    const group = previous(inputs.prev_hook_kf);
    const raw = inputs.floats_strength;
    const floats = typeof raw === 'number' ? [raw] : raw;
    if (!Array.isArray(floats) || floats.some((v) => typeof v !== 'number')) {
      throw new Error('floats_strength must be either an iterable input or a float');
    }
    const percents = interpolationWeights(requireNumber('start_percent', inputs.start_percent), requireNumber('end_percent', inputs.end_percent), floats.length, 'linear');
    addSeries(group, percents, floats as number[], inputs.print_keyframes === true);
    return [group];
  },
};

export const conditioningTimestepsRange: NodeDefinition = {
  schemaFormat: 'v1',
  pythonModule: 'comfy_extras.nodes_hooks',
  category: 'advanced/hooks',
  experimental: true,
  name: 'ConditioningTimestepsRange',
  displayName: 'Timesteps Range',
  inputs: { required: { start_percent: percent(0.0), end_percent: percent(1.0) } },
  outputs: [
    { type: 'TIMESTEPS_RANGE', name: 'TIMESTEPS_RANGE' },
    { type: 'TIMESTEPS_RANGE', name: 'BEFORE_RANGE' },
    { type: 'TIMESTEPS_RANGE', name: 'AFTER_RANGE' },
  ],
  execute(inputs) {
    const start = requireNumber('start_percent', inputs.start_percent);
    const end = requireNumber('end_percent', inputs.end_percent);
    return [[start, end], [0.0, start], [end, 1.0]];
  },
};
