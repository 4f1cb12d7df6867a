import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../../src/inference/tensor.ts';
import { nodeInfo } from '../../src/nodes/registry.ts';
import { videoNodes } from '../../src/nodes/video/index.ts';
import { ffmpegAvailable, ffmetadata } from '../../src/nodes/video/ffmpeg.ts';
import { probeVideo } from '../../src/nodes/video/video-decode.ts';
import { makeContext, makeServices } from '../helpers/node-context.ts';

const node = (name: string) => videoNodes.find((n) => n.name === name)!;
const run = async (name: string, inputs: Record<string, unknown>, ctx = makeContext()) => (await node(name).execute(inputs, ctx)) as any;
const noFfmpeg = (await ffmpegAvailable()) ? false : 'ffmpeg/ffprobe not installed (apt-get install ffmpeg)';

/** 4 frames of 16×16: a red gradient that moves with the frame, green fixed, blue = frame index. */
function frames(count = 4, size = 16): Tensor {
  const t = new Tensor([count, size, size, 3]);
  for (let f = 0; f < count; f++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const o = ((f * size + y) * size + x) * 3;
        t.data[o] = x / (size - 1);
        t.data[o + 1] = 0.5;
        t.data[o + 2] = f / (count - 1);
      }
    }
  }
  return t;
}

function tone(seconds: number, rate: number) {
  const n = Math.round(seconds * rate);
  const waveform = new Tensor([1, 2, n]);
  for (let i = 0; i < n; i++) {
    waveform.data[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate);
    waveform.data[n + i] = -waveform.data[i]!;
  }
  return { waveform, sample_rate: rate };
}

test('schemas follow ComfyUI 0.8.0 (V3)', () => {
  const save = nodeInfo(node('SaveVideo')) as any;
  assert.equal(save.display_name, 'Save Video');
  assert.equal(save.output_node, true);
  assert.deepEqual(save.input.required.format, ['COMBO', { tooltip: 'The format to save the video as.', default: 'auto', multiselect: false, options: ['auto', 'mp4'] }]);
  assert.deepEqual(save.input.required.codec[1].options, ['auto', 'h264']);
  assert.equal(save.input.required.filename_prefix[1].default, 'video/ComfyUI');
  const webm = nodeInfo(node('SaveWEBM')) as any;
  assert.equal(webm.experimental, true);
  assert.deepEqual(webm.input.required.fps, ['FLOAT', { default: 24.0, min: 0.01, max: 1000.0, step: 0.01 }]);
  assert.deepEqual(webm.input.required.codec, ['COMBO', { multiselect: false, options: ['vp9', 'av1'] }]);
  const create = nodeInfo(node('CreateVideo')) as any;
  assert.deepEqual(create.input.required.fps, ['FLOAT', { default: 30.0, min: 1.0, max: 120.0, step: 1.0 }]);
  assert.deepEqual(create.input.optional.audio, ['AUDIO', { tooltip: 'The audio to add to the video.' }]);
  assert.deepEqual(nodeInfo(node('GetVideoComponents')).output_name, ['images', 'audio', 'fps']);
  const services = makeServices();
  for (const f of ['b.webm', 'a.mp4', 'c.png', 'd.flac']) writeFileSync(join(services.paths.inputDir, f), '');
  assert.deepEqual((nodeInfo(node('LoadVideo'), services).input as any).required.file, ['COMBO', { multiselect: false, options: ['a.mp4', 'b.webm'], video_upload: true }]);
});

test('ffmetadata escapes the characters FFmpeg treats specially', () => {
  assert.equal(ffmetadata([['prompt', '{"a=b": "x;y#z\\\n"}']]).toString(), ';FFMETADATA1\nprompt={"a\\=b": "x\\;y\\#z\\\\\\\n"}\n');
});

test('CreateVideo → SaveVideo → LoadVideo → GetVideoComponents round trip with audio', { skip: noFfmpeg }, async () => {
  const services = makeServices();
  const ctx = makeContext(services);
  const images = frames();
  const [video] = await run('CreateVideo', { images, fps: 8, audio: tone(1, 16000) }, ctx);
  const prompt = { '1': { class_type: 'CreateVideo', inputs: {} } };
  const result = await run('SaveVideo', { video, filename_prefix: 'video/clip', format: 'auto', codec: 'auto', prompt, extra_pnginfo: { workflow: { nodes: [] } } }, ctx);
  assert.deepEqual(result.ui, { images: [{ filename: 'clip_00001_.mp4', subfolder: 'video', type: 'output' }], animated: [true] });
  assert.deepEqual(readdirSync(join(services.paths.outputDir, 'video')), ['clip_00001_.mp4']); // no temp file left
  const saved = join(services.paths.outputDir, 'video', 'clip_00001_.mp4');
  const probe = await probeVideo(saved);
  assert.equal(probe.video?.codec_name, 'h264');
  assert.equal(probe.tags.prompt, JSON.stringify(prompt).replace(/":/g, '": ').replace(/,"/g, ', "'));
  assert.equal(probe.tags.workflow, '{"nodes": []}');

  const [loaded] = await run('LoadVideo', { file: 'video/clip_00001_.mp4 [output]' }, ctx);
  assert.equal(loaded.kind, 'file');
  const [decoded, audio, fps] = await run('GetVideoComponents', { video: { kind: 'file', path: saved } }, ctx);
  assert.equal(fps, 8);
  assert.deepEqual(decoded.shape, [4, 16, 16, 3]);
  let maxErr = 0;
  for (let i = 0; i < images.size; i++) maxErr = Math.max(maxErr, Math.abs(decoded.data[i] - images.data[i]!));
  assert.ok(maxErr < 0.2, `frames survive lossy H.264 (max error ${maxErr})`);
  assert.equal(audio.sample_rate, 16000);
  assert.equal(audio.waveform.shape[1], 2);
  assert.ok(Math.abs(audio.waveform.shape[2] - 8000) < 2048, `audio cut to the 0.5 s of video, got ${audio.waveform.shape[2]} samples`);

  // Saving a loaded file copies its streams (same codec), keeping its tags.
  const again = await run('SaveVideo', { video: loaded, filename_prefix: 'video/clip', format: 'mp4', codec: 'h264' }, ctx);
  assert.equal(again.ui.images[0].filename, 'clip_00002_.mp4');
  const copied = await probeVideo(join(services.paths.outputDir, 'video', 'clip_00002_.mp4'));
  assert.equal(copied.tags.workflow, '{"nodes": []}');
});

test('SaveWEBM writes VP9 with its tags even under --disable-metadata', { skip: noFfmpeg }, async () => {
  const services = makeServices({ disableMetadata: true });
  const ctx = makeContext(services);
  const result = await run('SaveWEBM', { images: frames(3, 16), filename_prefix: 'anim', codec: 'vp9', fps: 12.5, crf: 40, prompt: { a: 1 } }, ctx);
  assert.deepEqual(result.ui.images, [{ filename: 'anim_00001_.webm', subfolder: '', type: 'output' }]);
  const file = join(services.paths.outputDir, 'anim_00001_.webm');
  assert.deepEqual(readFileSync(file).subarray(0, 4), Buffer.from([0x1a, 0x45, 0xdf, 0xa3]));
  const probe = await probeVideo(file);
  assert.equal(probe.video?.codec_name, 'vp9');
  assert.equal(probe.tags.prompt ?? probe.tags.PROMPT, '{"a": 1}');
  assert.equal(probe.video?.avg_frame_rate, '25/2');
});

test('bad inputs give clear errors', { skip: noFfmpeg }, async () => {
  const services = makeServices();
  const ctx = makeContext(services);
  await assert.rejects(run('GetVideoComponents', { video: frames() }), /must be a VIDEO value/);
  await assert.rejects(run('CreateVideo', { images: frames(), fps: 0 }), /fps must be between 1 and 120/);
  const validate = node('LoadVideo').validateInputs!;
  assert.equal(validate({ file: 'missing.mp4' }, services), 'Invalid video file: missing.mp4');
  await assert.rejects(run('LoadVideo', { file: '../x.mp4' }, ctx), /Invalid video file/);
  const [odd] = await run('CreateVideo', { images: frames(2, 15), fps: 10 });
  await assert.rejects(run('SaveVideo', { video: odd, filename_prefix: 'odd', format: 'auto', codec: 'auto' }, ctx), /even width and height, got 15x15/);
  writeFileSync(join(services.paths.inputDir, 'junk.mp4'), 'not a video');
  const [junk] = await run('LoadVideo', { file: 'junk.mp4' }, ctx);
  await assert.rejects(run('GetVideoComponents', { video: junk }, ctx), /could not read the video file/);
  assert.deepEqual(readdirSync(services.paths.outputDir), []);
});

test('without FFmpeg on PATH the nodes name the missing tool', async () => {
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    const [video] = await run('CreateVideo', { images: frames(2, 16), fps: 10 });
    await assert.rejects(run('SaveVideo', { video, filename_prefix: 'x', format: 'auto', codec: 'auto' }), /ffmpeg was not found on PATH.*apt-get install ffmpeg/);
  } finally {
    process.env.PATH = path;
  }
});
