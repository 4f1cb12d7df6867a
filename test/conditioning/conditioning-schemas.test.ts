// /object_info entries of the model-free conditioning nodes against nodes.md §2–§3 (V1 core nodes) and
// changes-0.8.0.md (V3 comfy_extras nodes, FluxKontextMultiReferenceLatentMethod's 0.8.0 changes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conditioningNodes } from '../../src/nodes/conditioning/index.ts';
import { combo, float, infoOf, socket, v1, v3 } from '../custom-sampling/schema-helpers.ts';

const info = (name: string) => infoOf(conditioningNodes, name);
const COND = ['CONDITIONING'];
const STRENGTH = ['FLOAT', { default: 1.0, min: 0.0, max: 10.0, step: 0.01 }];
const px = (d: number, min: number) => ['INT', { default: d, min, max: 16384, step: 8 }];
const frac = (d: number) => ['FLOAT', { default: d, min: 0, max: 1.0, step: 0.01 }];

test('the lead\'s CLIP nodes stay first', () => {
  assert.deepEqual(conditioningNodes.slice(0, 2).map((n) => n.name), ['CLIPTextEncode', 'CLIPSetLastLayer']);
});

test('nodes.py conditioning nodes (V1)', () => {
  const core = (name: string, display: string, required: Record<string, unknown[]>, category = 'conditioning') =>
    assert.deepEqual(info(name), v1(name, display, category, 'nodes', required, ['CONDITIONING']));
  core('ConditioningCombine', 'Conditioning (Combine)', { conditioning_1: COND, conditioning_2: COND });
  // The display-name table's key "ConditioningAverage " has a trailing space: the class name shows.
  core('ConditioningAverage', 'ConditioningAverage', {
    conditioning_to: COND, conditioning_from: COND,
    conditioning_to_strength: ['FLOAT', { default: 1.0, min: 0.0, max: 1.0, step: 0.01 }],
  });
  core('ConditioningConcat', 'Conditioning (Concat)', { conditioning_to: COND, conditioning_from: COND });
  core('ConditioningSetArea', 'Conditioning (Set Area)', {
    conditioning: COND, width: px(64, 64), height: px(64, 64), x: px(0, 0), y: px(0, 0), strength: STRENGTH,
  });
  core('ConditioningSetAreaPercentage', 'Conditioning (Set Area with Percentage)', {
    conditioning: COND, width: frac(1.0), height: frac(1.0), x: frac(0), y: frac(0), strength: STRENGTH,
  });
  core('ConditioningSetAreaStrength', 'ConditioningSetAreaStrength', { conditioning: COND, strength: STRENGTH });
  core('ConditioningSetMask', 'Conditioning (Set Mask)', {
    conditioning: COND, mask: ['MASK'], strength: STRENGTH, set_cond_area: [['default', 'mask bounds']],
  });
  core('ConditioningZeroOut', 'ConditioningZeroOut', { conditioning: COND }, 'advanced/conditioning');
  core('ConditioningSetTimestepRange', 'ConditioningSetTimestepRange', {
    conditioning: COND,
    start: ['FLOAT', { default: 0.0, min: 0.0, max: 1.0, step: 0.001 }],
    end: ['FLOAT', { default: 1.0, min: 0.0, max: 1.0, step: 0.001 }],
  }, 'advanced/conditioning');
  assert.deepEqual(info('ConditioningSetAreaPercentageVideo'), v1('ConditioningSetAreaPercentageVideo', 'ConditioningSetAreaPercentageVideo', 'conditioning', 'comfy_extras.nodes_video_model', {
    conditioning: COND, width: frac(1.0), height: frac(1.0), temporal: frac(1.0), x: frac(0), y: frac(0), z: frac(0), strength: STRENGTH,
  }, ['CONDITIONING']));
});

test('comfy_extras conditioning nodes (V3)', () => {
  const C = socket('CONDITIONING');
  const FLUX = 'advanced/conditioning/flux';
  assert.deepEqual(info('FluxGuidance'), v3('FluxGuidance', FLUX, 'comfy_extras.nodes_flux', {
    required: { conditioning: C, guidance: float({ default: 3.5, min: 0.0, max: 100.0, step: 0.1 }) },
  }, ['CONDITIONING']));
  assert.deepEqual(info('FluxKontextImageScale'), v3('FluxKontextImageScale', FLUX, 'comfy_extras.nodes_flux', { required: { image: socket('IMAGE') } }, ['IMAGE']));
  assert.deepEqual(info('FluxDisableGuidance'), v3('FluxDisableGuidance', FLUX, 'comfy_extras.nodes_flux', { required: { conditioning: C } }, ['CONDITIONING']));
  assert.deepEqual(info('FluxKontextMultiReferenceLatentMethod'), v3('FluxKontextMultiReferenceLatentMethod', FLUX, 'comfy_extras.nodes_flux', {
    required: { conditioning: C, reference_latents_method: combo(['offset', 'index', 'uxo/uno', 'index_timestep_zero']) },
  }, ['CONDITIONING'], { display_name: 'Edit Model Reference Method', experimental: true }));
  assert.deepEqual(info('ReferenceLatent'), v3('ReferenceLatent', 'advanced/conditioning/edit_models', 'comfy_extras.nodes_edit_model', {
    required: { conditioning: C }, optional: { latent: socket('LATENT') },
  }, ['CONDITIONING']));
  assert.deepEqual(info('ConditioningStableAudio'), v3('ConditioningStableAudio', 'conditioning', 'comfy_extras.nodes_audio', {
    required: {
      positive: C, negative: C,
      seconds_start: float({ default: 0.0, min: 0.0, max: 1000.0, step: 0.1 }),
      seconds_total: float({ default: 47.0, min: 0.0, max: 1000.0, step: 0.1 }),
    },
  }, [['CONDITIONING', 'positive'], ['CONDITIONING', 'negative']]));
  assert.deepEqual(info('LTXVConditioning'), v3('LTXVConditioning', 'conditioning/video_models', 'comfy_extras.nodes_lt', {
    required: { positive: C, negative: C, frame_rate: float({ default: 25.0, min: 0.0, max: 1000.0, step: 0.01 }) },
  }, [['CONDITIONING', 'positive'], ['CONDITIONING', 'negative']]));
  assert.deepEqual(info('StableCascade_StageB_Conditioning'), v3('StableCascade_StageB_Conditioning', 'conditioning/stable_cascade', 'comfy_extras.nodes_stable_cascade', {
    required: { conditioning: C, stage_c: socket('LATENT') },
  }, ['CONDITIONING']));
});
