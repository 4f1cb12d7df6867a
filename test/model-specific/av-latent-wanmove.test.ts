// LTXVConcatAVLatent / LTXVSeparateAVLatent (nodes_lt) and the Wan-Move TRACKS nodes (nodes_wanmove): schemas,
// results on tiny inputs, and clear errors for bad ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/inference/tensor.ts';
import { modelSpecificNodes } from '../../src/nodes/model-specific/index.ts';
import { makeContext } from '../helpers/node-context.ts';
import { infoOf, int, socket, v3 } from '../custom-sampling/schema-helpers.ts';

const run = async (name: string, inputs: Record<string, unknown>) => (await modelSpecificNodes.find((n) => n.name === name)!.execute(inputs, makeContext())) as any[];
const WM = 'comfy_extras.nodes_wanmove';
const CAT = 'conditioning/video_models';

test('schemas', () => {
  assert.deepEqual(infoOf(modelSpecificNodes, 'LTXVConcatAVLatent'), v3('LTXVConcatAVLatent', 'latent/video/ltxv', 'comfy_extras.nodes_lt', {
    required: { video_latent: socket('LATENT'), audio_latent: socket('LATENT') },
  }, [['LATENT', 'latent']]));
  assert.deepEqual(infoOf(modelSpecificNodes, 'WanMoveConcatTrack'), v3('WanMoveConcatTrack', CAT, WM, {
    required: { tracks_1: socket('TRACKS') }, optional: { tracks_2: socket('TRACKS') },
  }, ['TRACKS']));
  assert.deepEqual(infoOf(modelSpecificNodes, 'WanMoveTracksFromCoords'), v3('WanMoveTracksFromCoords', CAT, WM, {
    required: {}, optional: { track_coords: ['STRING', { default: '[]', forceInput: true, multiline: false }], track_mask: socket('MASK') },
  }, ['TRACKS', ['INT', 'track_length']]));
  const vis = infoOf(modelSpecificNodes, 'WanMoveVisualizeTracks');
  assert.deepEqual(vis.input_order, { required: ['images', 'line_resolution', 'circle_size', 'opacity', 'line_width'], optional: ['tracks'] });
  assert.deepEqual(vis.input.required.line_resolution, int({ default: 24, min: 1, max: 1024 }));
  const gen = infoOf(modelSpecificNodes, 'GenerateTracks');
  assert.deepEqual(gen.input.required.width, int({ default: 832, min: 16, max: 4096, step: 16 }));
  assert.deepEqual(gen.output_name, ['TRACKS', 'track_length']);
});

test('AV latents round-trip through concat and separate, with a ones mask for the unmasked side', async () => {
  const video = { samples: new Tensor([1, 2, 1, 2, 2], Float32Array.from({ length: 8 }, (_, i) => i)), noise_mask: Tensor.full([1, 1, 1, 2, 2], 0.5) };
  const audio = { samples: new Tensor([1, 3, 4], Float32Array.from({ length: 12 }, (_, i) => -i)), type: 'audio' };
  const [av] = await run('LTXVConcatAVLatent', { video_latent: video, audio_latent: audio });
  assert.equal(av.type, 'audio');
  const [v, a] = await run('LTXVSeparateAVLatent', { av_latent: av });
  assert.deepEqual(v.samples, video.samples);
  assert.deepEqual(a.samples, audio.samples);
  assert.deepEqual(v.noise_mask, video.noise_mask);
  assert.deepEqual([...a.noise_mask.data], Array(12).fill(1));
  const [plain] = await run('LTXVConcatAVLatent', { video_latent: { samples: video.samples }, audio_latent: audio });
  assert.equal(plain.noise_mask, undefined);
  await assert.rejects(async () => run('LTXVSeparateAVLatent', { av_latent: { samples: video.samples } }), /audio-video latent/);
});

test('tracks from coordinates, concatenation and a mask', async () => {
  const coords = JSON.stringify([[{ x: 1, y: 2 }, { x: 3, y: 4 }], [{ x: 5, y: 6 }, { x: 7, y: 8 }]]);
  const [tracks, length] = await run('WanMoveTracksFromCoords', { track_coords: coords });
  assert.equal(length, 2);
  assert.deepEqual(tracks.track_path.shape, [2, 2, 2]);
  assert.deepEqual([...tracks.track_path.data], [1, 2, 5, 6, 3, 4, 7, 8]);
  assert.deepEqual([...tracks.track_visibility.data], [1, 1, 1, 1]);
  const [single] = await run('WanMoveTracksFromCoords', { track_coords: "[{'x': 1, 'y': 2}]" });
  assert.deepEqual(single.track_path.shape, [1, 1, 2]);
  const mask = new Tensor([2, 1, 2], Float32Array.from([0, 0, 0, 1]));
  const [masked] = await run('WanMoveTracksFromCoords', { track_coords: coords, track_mask: mask });
  assert.deepEqual(masked.track_visibility.shape, [2, 1]);
  assert.deepEqual([...masked.track_visibility.data], [0, 1]);
  const [both] = await run('WanMoveConcatTrack', { tracks_1: tracks, tracks_2: tracks });
  assert.deepEqual(both.track_path.shape, [2, 4, 2]);
  assert.deepEqual([...both.track_path.data.slice(0, 8)], [1, 2, 5, 6, 1, 2, 5, 6]);
  assert.equal((await run('WanMoveConcatTrack', { tracks_1: tracks }))[0], tracks);
  await assert.rejects(async () => run('WanMoveConcatTrack', { tracks_1: tracks, tracks_2: single }), /do not match/);
  await assert.rejects(async () => run('WanMoveTracksFromCoords', { track_coords: 'not json' }), /no tracks/);
  await assert.rejects(async () => run('WanMoveConcatTrack', { tracks_1: 3 }), /TRACKS/);
});

const GEN = { width: 32, height: 16, start_x: 0, start_y: 0.5, end_x: 1, end_y: 0.5, num_frames: 3, num_tracks: 2, track_spread: 0.25, bezier: false, mid_x: 0.5, mid_y: 0.5, interpolation: 'linear' };

test('GenerateTracks spreads parallel tracks perpendicular to the motion', async () => {
  const [tracks, length] = await run('GenerateTracks', GEN);
  assert.equal(length, 3);
  // Moving right along y = 8: the perpendicular is (0, 1), spread 0.25·(32+16)/2 = 6, offsets ∓3.
  assert.deepEqual([...tracks.track_path.data], [0, 5, 0, 11, 16, 5, 16, 11, 32, 5, 32, 11]);
  const [still] = await run('GenerateTracks', { ...GEN, interpolation: 'constant' });
  assert.deepEqual([...still.track_path.data.slice(8)], [0, 5, 0, 11]);
  const [curve] = await run('GenerateTracks', { ...GEN, bezier: true, mid_y: 0, num_tracks: 1 });
  // t = 0.5 on the curve: x = 16, y = 0.25·8 + 0.5·0 + 0.25·8 = 4.
  assert.deepEqual([...curve.track_path.data.slice(2, 4)], [16, 4]);
  await assert.rejects(async () => run('GenerateTracks', { ...GEN, interpolation: 'wobble' }), /interpolation/);
});

test('WanMoveVisualizeTracks draws circles in the track colours and passes images through without tracks', async () => {
  const images = Tensor.zeros([1, 16, 16, 3]);
  const base = { images, line_resolution: 24, circle_size: 2, opacity: 1, line_width: 2 };
  assert.equal((await run('WanMoveVisualizeTracks', base))[0], images);
  const [tracks] = await run('WanMoveTracksFromCoords', { track_coords: JSON.stringify([[{ x: 8, y: 8 }]]) });
  const [out] = await run('WanMoveVisualizeTracks', { ...base, tracks });
  const px = (x: number, y: number) => [...out.data.slice((y * 16 + x) * 3, (y * 16 + x) * 3 + 3)].map((v: number) => Math.round(v * 255));
  assert.deepEqual(px(8, 8), [102, 153, 255]);
  assert.deepEqual(px(0, 0), [0, 0, 0]);
  await assert.rejects(async () => run('WanMoveVisualizeTracks', { ...base, images: Tensor.zeros([1, 4, 4, 4]), tracks }), /RGB/);
});
