import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeInfo } from '../../src/nodes/registry.ts';
import { hooksNodes } from '../../src/nodes/hooks/index.ts';
import { HookKeyframeGroup, interpolationWeights, linspace32 } from '../../src/nodes/hooks/hook-keyframes.ts';
import { makeContext } from '../helpers/node-context.ts';

const node = (name: string) => hooksNodes.find((n) => n.name === name)!;
const run = async (name: string, inputs: Record<string, unknown>) => (await node(name).execute(inputs, makeContext())) as any;

test('schemas are V1 as in nodes.md', () => {
  const info = nodeInfo(node('CreateHookKeyframesFromFloats'));
  assert.deepEqual((info.input as any).required.floats_strength, ['FLOATS', { default: -1, min: -1, step: 0.001, forceInput: true }]);
  assert.deepEqual((info.input as any).optional, { prev_hook_kf: ['HOOK_KEYFRAMES'] });
  assert.deepEqual(info.output_name, ['HOOK_KF']);
  assert.equal(info.experimental, true);
  assert.deepEqual(nodeInfo(node('ConditioningTimestepsRange')).output_name, ['TIMESTEPS_RANGE', 'BEFORE_RANGE', 'AFTER_RANGE']);
});

// Expected values printed by torch.linspace and ComfyUI's numpy easing formulas.
test('float32 linspace and easing match torch', () => {
  assert.deepEqual(linspace32(0.1, 0.9, 7), [0.10000000149011612, 0.23333331942558289, 0.36666664481163025, 0.5, 0.6333333253860474, 0.7666666507720947, 0.8999999761581421]);
  assert.deepEqual(interpolationWeights(0.25, 0.75, 5, 'ease_in_out'), [0.25, 0.3232232928276062, 0.5, 0.6767767071723938, 0.75]);
  assert.deepEqual(interpolationWeights(1, 3, 4, 'ease_out'), [1.0, 2.1111111640930176, 2.777777671813965, 3.0]);
});

test('keyframe nodes extend a clone of the previous group, sorted by start_percent', async () => {
  const [first] = await run('CreateHookKeyframe', { strength_mult: 2, start_percent: 0.5 });
  const [second] = await run('CreateHookKeyframe', { strength_mult: 0.5, start_percent: 0.2, prev_hook_kf: first });
  assert.equal(first.keyframes.length, 1);
  assert.deepEqual(second.keyframes.map((k: any) => k.start_percent), [0.2, 0.5]);
  const [series] = await run('CreateHookKeyframesInterpolated', {
    strength_start: 0, strength_end: 1, interpolation: 'linear', start_percent: 0, end_percent: 1, keyframes_count: 3, print_keyframes: false,
  });
  assert.deepEqual(series.keyframes, [
    { strength: 0, start_percent: 0, guarantee_steps: 1 },
    { strength: 0.5, start_percent: 0.5, guarantee_steps: 0 },
    { strength: 1, start_percent: 1, guarantee_steps: 0 },
  ]);
  const [floats] = await run('CreateHookKeyframesFromFloats', { floats_strength: [3, 4], start_percent: 0, end_percent: 1, print_keyframes: false });
  assert.ok(floats instanceof HookKeyframeGroup);
  assert.deepEqual(floats.keyframes.map((k: any) => [k.strength, k.start_percent]), [[3, 0], [4, 1]]);
  await assert.rejects(run('CreateHookKeyframesFromFloats', { floats_strength: 'x', start_percent: 0, end_percent: 1 }), /iterable input or a float/);
  await assert.rejects(run('CreateHookKeyframe', { strength_mult: 1, start_percent: 0, prev_hook_kf: 5 }), /HOOK_KEYFRAMES/);
  assert.deepEqual(await run('ConditioningTimestepsRange', { start_percent: 0.25, end_percent: 0.75 }), [[0.25, 0.75], [0, 0.25], [0.75, 1]]);
});
