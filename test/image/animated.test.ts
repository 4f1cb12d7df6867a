// SaveAnimatedPNG / SaveAnimatedWEBP: one file per batch, counter naming, frame count and delay, metadata
// (`comf` chunks after the frames in APNG, EXIF Model/Make in WEBP), UI `animated`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { PNG_SIGNATURE, pngChunk } from '../../src/imaging/png-text.ts';
import { Tensor } from '../../src/inference/tensor.ts';
import { makeContext, makeServices } from '../helpers/node-context.ts';
import { image, node } from './helpers.ts';

function pngChunks(buf: Buffer): { type: string; data: Buffer }[] {
  const out = [];
  for (let pos = 8; pos < buf.length; ) {
    const len = buf.readUInt32BE(pos);
    out.push({ type: buf.toString('latin1', pos + 4, pos + 8), data: buf.subarray(pos + 8, pos + 8 + len) });
    pos += 12 + len;
  }
  return out;
}

const frames = image(3, 2, 2, 3, (i) => i / 2);

test('SaveAnimatedPNG writes an APNG: acTL frame count, fcTL delay 1000/fps ms, comf metadata after the frames', async () => {
  const ctx = makeContext();
  const r = (await node('SaveAnimatedPNG').execute({ images: frames, filename_prefix: 'anim/a', fps: 4, compress_level: 9, prompt: { p: 1 }, extra_pnginfo: { workflow: { w: 2 } } }, ctx)) as any;
  assert.deepEqual(r.ui, { images: [{ filename: 'a_00001_.png', subfolder: 'anim', type: 'output' }], animated: [true] });
  const buf = readFileSync(path.join(ctx.services.paths.outputDir, 'anim/a_00001_.png'));
  const chunks = pngChunks(buf);
  assert.deepEqual(chunks.map((c) => c.type), ['IHDR', 'acTL', 'fcTL', 'IDAT', 'fcTL', 'fdAT', 'fcTL', 'fdAT', 'comf', 'comf', 'IEND']);
  assert.equal(chunks[1]!.data.readUInt32BE(0), 3);
  assert.deepEqual([chunks[2]!.data.readUInt16BE(20), chunks[2]!.data.readUInt16BE(22)], [250, 1000]);
  assert.equal(chunks[8]!.data.toString('latin1'), 'prompt\0{"p": 1}');
  assert.equal(chunks[9]!.data.toString('latin1'), 'workflow\0{"w": 2}');
  // Frame 1 (value 0.5 → 127) decodes from its fdAT data (4-byte sequence number, then the frame's image data),
  // here as the IDAT of a still PNG with the same header.
  const frame1 = Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', chunks[0]!.data), pngChunk('IDAT', chunks[5]!.data.subarray(4)), pngChunk('IEND', Buffer.alloc(0))]);
  assert.deepEqual([...(await sharp(frame1).raw().toBuffer())], Array(2 * 2 * 3).fill(127));
  // Still a valid PNG for ordinary decoders (first frame).
  const first = await sharp(buf).raw().toBuffer();
  assert.deepEqual([...first.subarray(0, 3)], [0, 0, 0]);
});

test('SaveAnimatedPNG with a single image reports animated: [false]; --disable-metadata drops comf chunks', async () => {
  const ctx = makeContext(makeServices({ disableMetadata: true }));
  const r = (await node('SaveAnimatedPNG').execute({ images: new Tensor([1, 1, 1, 3]), filename_prefix: 'x', fps: 6, compress_level: 4, prompt: { p: 1 } }, ctx)) as any;
  assert.deepEqual(r.ui.animated, [false]);
  const chunks = pngChunks(readFileSync(path.join(ctx.services.paths.outputDir, r.ui.images[0].filename)));
  assert.ok(!chunks.some((c) => c.type === 'comf'));
});

test('SaveAnimatedWEBP writes all frames with the fps delay and EXIF prompt/workflow', async () => {
  const ctx = makeContext();
  const r = (await node('SaveAnimatedWEBP').execute({ images: frames, filename_prefix: 'w', fps: 10, lossless: true, quality: 80, method: 'fastest', prompt: { p: 1 }, extra_pnginfo: { workflow: { w: 2 } } }, ctx)) as any;
  assert.deepEqual(r.ui, { images: [{ filename: 'w_00001_.webp', subfolder: '', type: 'output' }], animated: [true] });
  const file = path.join(ctx.services.paths.outputDir, 'w_00001_.webp');
  const meta = await sharp(file).metadata();
  assert.equal(meta.pages, 3);
  assert.deepEqual(meta.delay, [100, 100, 100]);
  const exif = meta.exif!.toString('latin1');
  assert.ok(exif.includes('prompt:{"p": 1}'));
  assert.ok(exif.includes('workflow:{"w": 2}'));
  const { data } = await sharp(file, { pages: -1 }).raw().toBuffer({ resolveWithObject: true });
  assert.equal(data[data.length - 1], 255, 'last frame (value 1.0) is lossless');
});

test('SaveSVGNode writes each document with a JSON metadata block after every <svg> tag', async () => {
  const ctx = makeContext();
  const svg = { data: ['<svg width="1"><g/></svg>', Buffer.from('<?xml version="1.0"?><svg>x</svg>')] };
  const r = (await node('SaveSVGNode').execute({ svg, filename_prefix: 'svg/ComfyUI', prompt: { a: 1 }, extra_pnginfo: { workflow: { w: [] } } }, ctx)) as any;
  assert.deepEqual(r.ui.images, [
    { filename: 'ComfyUI_00001_.svg', subfolder: 'svg', type: 'output' },
    { filename: 'ComfyUI_00002_.svg', subfolder: 'svg', type: 'output' },
  ]);
  const first = readFileSync(path.join(ctx.services.paths.outputDir, 'svg/ComfyUI_00001_.svg'), 'utf8');
  const json = '{\n  "prompt": {\n    "a": 1\n  },\n  "workflow": {\n    "w": []\n  }\n}';
  assert.equal(first, `<svg width="1">\n  <metadata>\n                <![CDATA[\n            ${json}\n                ]]>\n            </metadata>\n            <g/></svg>`);
  await assert.rejects(async () => node('SaveSVGNode').execute({ svg: 'nope', filename_prefix: 'x' }, ctx), /SVG value/);
});
