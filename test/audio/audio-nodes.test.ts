import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../../src/inference/tensor.ts';
import { nodeInfo } from '../../src/nodes/registry.ts';
import { audioNodes } from '../../src/nodes/audio/index.ts';
import { resampleWaveform } from '../../src/nodes/audio/resample.ts';
import { makeContext, makeServices } from '../helpers/node-context.ts';

const node = (name: string) => audioNodes.find((n) => n.name === name)!;
// The engine passes the services as a second argument to VALIDATE_INPUTS.
const validateLoadAudio = (inputs: Record<string, unknown>, services: unknown) =>
  (node('LoadAudio').validateInputs as (i: Record<string, unknown>, s: unknown) => unknown)(inputs, services);
const run = async (name: string, inputs: Record<string, unknown>, ctx = makeContext()) => (await node(name).execute(inputs, ctx)) as any;

function tone(channels: number, samples: number, rate: number) {
  const waveform = new Tensor([1, channels, samples]);
  for (let c = 0; c < channels; c++) for (let i = 0; i < samples; i++) waveform.data[c * samples + i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate) * (c === 0 ? 1 : -1);
  return { waveform, sample_rate: rate };
}

test('schemas follow ComfyUI 0.8.0 (V3)', () => {
  const trim = nodeInfo(node('TrimAudioDuration'));
  assert.deepEqual((trim.input as any).required.duration, ['FLOAT', { tooltip: 'Duration in seconds', default: 60.0, min: 0.0, step: 0.01 }]);
  assert.equal((trim.input as any).required.start_index[1].min, -0xffffffffffffffffn);
  const mp3 = nodeInfo(node('SaveAudioMP3'));
  assert.deepEqual((mp3.input as any).required.quality, ['COMBO', { default: 'V0', multiselect: false, options: ['V0', '128k', '320k'] }]);
  assert.deepEqual((mp3.input as any).hidden, { prompt: ['PROMPT'], extra_pnginfo: ['EXTRA_PNGINFO'] });
  assert.equal(mp3.output_node, true);
  assert.deepEqual(nodeInfo(node('SplitAudioChannels')).output_name, ['left', 'right']);
  assert.deepEqual((nodeInfo(node('EmptyAudio')).input as any).required.sample_rate[1], { tooltip: 'Sample rate of the empty audio clip.', default: 44100, min: 1, max: 192000 });
  const services = makeServices();
  writeFileSync(join(services.paths.inputDir, 'b.flac'), '');
  writeFileSync(join(services.paths.inputDir, 'a.mp4'), '');
  writeFileSync(join(services.paths.inputDir, 'c.png'), '');
  assert.deepEqual((nodeInfo(node('LoadAudio'), services).input as any).required.audio, ['COMBO', { multiselect: false, options: ['a.mp4', 'b.flac'], audio_upload: true }]);
});

test('EmptyAudio, TrimAudioDuration and SplitAudioChannels', async () => {
  const [empty] = await run('EmptyAudio', { duration: 0.5, sample_rate: 1000, channels: 2 });
  assert.deepEqual(empty.waveform.shape, [1, 2, 500]);
  const clip = tone(2, 1000, 1000);
  const [trimmed] = await run('TrimAudioDuration', { audio: clip, start_index: -0.25, duration: 1 });
  assert.deepEqual(trimmed.waveform.shape, [1, 2, 250]);
  assert.equal(trimmed.waveform.data[0], clip.waveform.data[750]);
  await assert.rejects(run('TrimAudioDuration', { audio: clip, start_index: 0, duration: 0 }), /Start time must be less than end time/);
  const [left, right] = await run('SplitAudioChannels', { audio: clip });
  assert.deepEqual(left.waveform.shape, [1, 1, 1000]);
  assert.equal(right.waveform.data[5], clip.waveform.data[1005]);
  await assert.rejects(run('SplitAudioChannels', { audio: tone(1, 10, 1000) }), /only one channel/);
  await assert.rejects(run('SplitAudioChannels', { audio: { waveform: 3 } }), /must be an AUDIO value/);
});

test('AudioConcat upmixes mono and matches sample rates; AudioMerge pads and normalises', async () => {
  const [joined] = await run('AudioConcat', { audio1: tone(1, 100, 1000), audio2: tone(2, 50, 500), direction: 'before' });
  assert.equal(joined.sample_rate, 1000);
  assert.deepEqual(joined.waveform.shape, [1, 2, 200]);
  const a = { waveform: new Tensor([1, 1, 4], Float32Array.from([0.5, 0.9, 0.1, 0])), sample_rate: 8 };
  const b = { waveform: new Tensor([1, 1, 2], Float32Array.from([0.5, 0.3])), sample_rate: 8 };
  const [sum] = await run('AudioMerge', { audio1: a, audio2: b, merge_method: 'add' });
  assert.deepEqual([...sum.waveform.data].map((v) => +v.toFixed(5)), [0.83333, 1, 0.08333, 0]);
  const [louder] = await run('AudioAdjustVolume', { audio: a, volume: 20 });
  assert.ok(Math.abs(louder.waveform.data[0] - 5) < 1e-5);
});

test('resampling keeps a low tone and has torchaudio\'s output length', () => {
  const clip = tone(1, 441, 44100);
  const out = resampleWaveform(clip.waveform, 44100, 48000);
  assert.deepEqual(out.shape, [1, 1, 480]);
  // Away from the edges the 440 Hz tone survives the conversion.
  const expected = 0.5 * Math.sin((2 * Math.PI * 440 * 240) / 48000);
  assert.ok(Math.abs(out.data[240]! - expected) < 0.01, `${out.data[240]} vs ${expected}`);
});

test('SaveAudio writes tagged FLAC that LoadAudio reads back; MP3 and Opus files are written', async () => {
  const services = makeServices();
  const ctx = makeContext(services);
  const clip = tone(2, 4000, 16000);
  const saved = await run('SaveAudio', { audio: clip, filename_prefix: 'audio/ComfyUI', prompt: { '1': {} }, extra_pnginfo: { workflow: { a: 1 } } }, ctx);
  assert.deepEqual(saved.ui.audio, [{ filename: 'ComfyUI_00001_.flac', subfolder: 'audio', type: 'output' }]);
  const flac = readFileSync(join(services.paths.outputDir, 'audio', 'ComfyUI_00001_.flac'));
  assert.ok(flac.includes(Buffer.from('workflow={"a": 1}')));
  const back = await loadBack(services, flac, 'in.flac');
  assert.equal(back.sample_rate, 16000);
  assert.deepEqual(back.waveform.shape, [1, 2, 4000]);
  assert.ok(Math.abs(back.waveform.data[123] - clip.waveform.data[123]!) < 1e-3);
  const mp3 = await run('SaveAudioMP3', { audio: clip, filename_prefix: 'x', quality: '128k', prompt: { p: 1 } }, ctx);
  const mp3Bytes = readFileSync(join(services.paths.outputDir, mp3.ui.audio[0].filename));
  assert.equal(mp3Bytes.toString('latin1', 0, 3), 'ID3');
  const opus = await run('SaveAudioOpus', { audio: tone(1, 4410, 44100), filename_prefix: 'x', quality: '64k' }, ctx);
  assert.equal(opus.ui.audio[0].filename, 'x_00002_.opus');
  const ogg = readFileSync(join(services.paths.outputDir, 'x_00002_.opus'));
  const decoded = await loadBack(services, ogg, 'in.opus');
  assert.equal(decoded.sample_rate, 48000);
  const preview = await run('PreviewAudio', { audio: clip }, ctx);
  assert.match(preview.ui.audio[0].filename, /^ComfyUI_temp_[a-z]{5}_00001_\.flac$/);
  assert.equal(preview.ui.audio[0].type, 'temp');
});

async function loadBack(services: ReturnType<typeof makeServices>, bytes: Buffer, name: string) {
  writeFileSync(join(services.paths.inputDir, name), bytes);
  assert.equal(validateLoadAudio({ audio: name }, services), true);
  return (await run('LoadAudio', { audio: name }, makeContext(services)))[0];
}

test('LoadAudio refuses missing and undecodable files', async () => {
  const services = makeServices();
  assert.equal(validateLoadAudio({ audio: 'nope.wav' }, services), 'Invalid audio file: nope.wav');
  await assert.rejects(run('LoadAudio', { audio: '../x.wav' }, makeContext(services)), /Invalid audio file/);
  writeFileSync(join(services.paths.inputDir, 'junk.wav'), 'not audio at all');
  await assert.rejects(run('LoadAudio', { audio: 'junk.wav' }, makeContext(services)), /decode|audio/i);
});
