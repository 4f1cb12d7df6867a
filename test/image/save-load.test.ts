// SaveImage / PreviewImage / LoadImage / LoadImageMask against execution.md §11 and nodes.py: file naming and
// counters, subfolders, prefix variables, confinement, PNG metadata (order, Python JSON text), --disable-metadata,
// 8-bit truncation, alpha → mask, EXIF orientation, multi-frame files, IS_CHANGED and VALIDATE_INPUTS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { deflateSync } from 'node:zlib';
import { Tensor } from '../../src/inference/tensor.ts';
import { PNG_SIGNATURE, pngChunk, readPngText } from '../../src/imaging/png-text.ts';
import { getSaveImagePath, normpath } from '../../src/imaging/save-path.ts';
import { makeContext, makeServices } from '../helpers/node-context.ts';
import { image, node, run } from './helpers.ts';

const ctxWith = (options = {}) => makeContext(makeServices(options));

async function save(ctx: ReturnType<typeof makeContext>, inputs: Record<string, unknown>, name = 'SaveImage') {
  const r = (await node(name).execute(inputs, ctx)) as { ui: { images: { filename: string; subfolder: string; type: string }[] } };
  return r.ui.images;
}

test('SaveImage names files <prefix>_<counter:05>_.png and continues after the highest counter', async () => {
  const ctx = ctxWith();
  const out = ctx.services.paths.outputDir;
  writeFileSync(path.join(out, 'ComfyUI_00041_.png'), '');
  writeFileSync(path.join(out, 'ComfyUI_7_x.png'), ''); // counted: digits up to the next "_"
  writeFileSync(path.join(out, 'ComfyUIX_00099_.png'), ''); // another prefix
  writeFileSync(path.join(out, 'ComfyUI_abc_.png'), ''); // no digits: counts as 0
  const ui = await save(ctx, { images: new Tensor([2, 2, 2, 3]), filename_prefix: 'ComfyUI' });
  assert.deepEqual(ui, [
    { filename: 'ComfyUI_00042_.png', subfolder: '', type: 'output' },
    { filename: 'ComfyUI_00043_.png', subfolder: '', type: 'output' },
  ]);
  assert.ok(readdirSync(out).includes('ComfyUI_00043_.png'));
  assert.ok(!readdirSync(out).some((f) => f.endsWith('.tmp')), 'no temporary files left');
});

test('SaveImage goes on from its own counter, and lists the folder again once something else changed it', async () => {
  const ctx = ctxWith();
  const out = ctx.services.paths.outputDir;
  const images = new Tensor([1, 1, 1, 3]);
  const names = async () => (await save(ctx, { images, filename_prefix: 'ComfyUI' })).map((u) => u.filename);
  assert.deepEqual(await names(), ['ComfyUI_00001_.png']);
  assert.deepEqual(await names(), ['ComfyUI_00002_.png']);
  writeFileSync(path.join(out, 'ComfyUI_00050_.png'), ''); // another writer
  assert.deepEqual(await names(), ['ComfyUI_00051_.png']);
  for (const n of ['00050', '00051', '00002']) unlinkSync(path.join(out, `ComfyUI_${n}_.png`));
  assert.deepEqual(await names(), ['ComfyUI_00002_.png'], 'as ComfyUI, a freed number is used again');
  // Another prefix in the same folder keeps its own count; a subfolder its own.
  assert.deepEqual((await save(ctx, { images, filename_prefix: 'Other' })).map((u) => u.filename), ['Other_00001_.png']);
  assert.deepEqual((await save(ctx, { images, filename_prefix: 'sub/ComfyUI' })).map((u) => u.filename), ['ComfyUI_00001_.png']);
  assert.deepEqual(await names(), ['ComfyUI_00003_.png']);
});

test('SaveImage: subfolders in the prefix, %width%/%height%, %batch_num%', async () => {
  const ctx = ctxWith();
  const ui = await save(ctx, { images: new Tensor([2, 3, 5, 3]), filename_prefix: 'a/b/img_%width%x%height%_%batch_num%' });
  assert.deepEqual(ui.map((u) => [u.subfolder, u.filename]), [['a/b', 'img_5x3_0_00001_.png'], ['a/b', 'img_5x3_1_00002_.png']]);
  const meta = await sharp(path.join(ctx.services.paths.outputDir, 'a/b/img_5x3_1_00002_.png')).metadata();
  assert.equal(meta.width, 5);
  assert.equal(meta.height, 3);
});

test('SaveImage refuses prefixes that leave the output folder (.., absolute, symlinks)', async () => {
  const ctx = ctxWith();
  const images = new Tensor([1, 1, 1, 3]);
  for (const prefix of ['../escape', '/tmp/abs', 'a/../../x']) {
    await assert.rejects(async () => save(ctx, { images, filename_prefix: prefix }), /outside the output folder/, prefix);
  }
  // ComfyUI's message names both folders and their common path.
  const out = ctx.services.paths.outputDir;
  await assert.rejects(async () => save(ctx, { images, filename_prefix: '../../escape/x' }), {
    message: '**** ERROR: Saving image outside the output folder is not allowed.' +
      `\n full_output_folder: ${path.resolve(out, '../../escape')}\n         output_dir: ${out}\n         commonpath: ${path.resolve(out, '../..')}`,
  });
  symlinkSync(path.dirname(ctx.services.paths.outputDir), path.join(ctx.services.paths.outputDir, 'link'));
  await assert.rejects(async () => save(ctx, { images, filename_prefix: 'link/x' }), /outside the output folder/);
  // The path is checked first, as in ComfyUI: it wins over an image that cannot be saved (2 channels).
  await assert.rejects(async () => save(ctx, { images: new Tensor([1, 1, 1, 2]), filename_prefix: '../escape' }), /outside the output folder/);
  await assert.rejects(async () => save(ctx, { images: new Tensor([1, 1, 1, 2]), filename_prefix: 'ok' }), /2 channels/);
  // Normalised paths that stay inside are fine.
  const ui = await save(ctx, { images, filename_prefix: 'a/../b//./c' });
  assert.deepEqual([ui[0]!.subfolder, ui[0]!.filename], ['b', 'c_00001_.png']);
});

test('get_save_image_path pieces: normpath, date variables, counter parse', () => {
  assert.equal(normpath('a//b/./c/'), 'a/b/c');
  assert.equal(normpath('../a/../../b'), '../../b');
  assert.equal(normpath(''), '.');
  const dir = makeServices().paths.outputDir;
  const now = new Date(2024, 0, 2, 3, 4, 5);
  const p = getSaveImagePath('%year%-%month%-%day%/%hour%%minute%%second%', dir, { now });
  assert.deepEqual([p.subfolder, p.filename, p.counter], ['2024-01-02', '030405', 1]);
});

test('SaveImage writes prompt then extra_pnginfo keys as tEXt chunks in Python JSON form', async () => {
  const ctx = ctxWith();
  const prompt = { '3': { class_type: 'KSampler', inputs: { text: 'café ☕', seed: 5, list: [1, 'a'] } } };
  const ui = await save(ctx, { images: new Tensor([1, 1, 1, 3]), filename_prefix: 'm', prompt, extra_pnginfo: { workflow: { nodes: [] }, other: true } });
  const png = readFileSync(path.join(ctx.services.paths.outputDir, ui[0]!.filename));
  const text = readPngText(png);
  assert.deepEqual(Object.keys(text), ['prompt', 'workflow', 'other']);
  assert.equal(text.prompt, '{"3": {"class_type": "KSampler", "inputs": {"text": "caf\\u00e9 \\u2615", "seed": 5, "list": [1, "a"]}}}');
  assert.deepEqual(JSON.parse(text.prompt!), prompt);
  assert.equal(text.workflow, '{"nodes": []}');
  assert.equal(text.other, 'true');
  // The chunks come before the image data, as Pillow writes them.
  assert.ok(png.indexOf('tEXt') < png.indexOf('IDAT'));
});

test('--disable-metadata writes no text chunks', async () => {
  const ctx = ctxWith({ disableMetadata: true });
  const ui = await save(ctx, { images: new Tensor([1, 1, 1, 3]), filename_prefix: 'm', prompt: { a: 1 }, extra_pnginfo: { workflow: {} } });
  assert.deepEqual(readPngText(readFileSync(path.join(ctx.services.paths.outputDir, ui[0]!.filename))), {});
});

test('8-bit conversion truncates clip(255·x) like numpy astype(uint8)', async () => {
  const ctx = ctxWith();
  const values = [0.9999, 0.5, 1.5, -0.2, 0.00392, NaN];
  const img = new Tensor([1, 1, 2, 3], new Float32Array(values));
  const ui = await save(ctx, { images: img, filename_prefix: 't' });
  const { data } = await sharp(path.join(ctx.services.paths.outputDir, ui[0]!.filename)).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([...data], [254, 127, 255, 0, 0, 0]);
});

test('PreviewImage saves into temp with ComfyUI_temp_<5 letters>, stable per node', async () => {
  const ctx = ctxWith();
  const a = await save(ctx, { images: new Tensor([1, 1, 1, 3]) }, 'PreviewImage');
  const b = await save(ctx, { images: new Tensor([1, 1, 1, 3]) }, 'PreviewImage');
  assert.match(a[0]!.filename, /^ComfyUI_temp_[abcdefghijklmnopqrstupvxyz]{5}_00001_\.png$/);
  assert.equal(a[0]!.type, 'temp');
  assert.equal(b[0]!.filename, a[0]!.filename.replace('00001', '00002'));
  assert.ok(readdirSync(ctx.services.paths.tempDir).includes(a[0]!.filename));
});

test('SaveImage rejects empty batches and non-images', async () => {
  const ctx = ctxWith();
  await assert.rejects(async () => save(ctx, { images: new Tensor([0, 2, 2, 3]), filename_prefix: 'x' }), /empty/);
  await assert.rejects(async () => save(ctx, { images: new Tensor([2, 2, 3]), filename_prefix: 'x' }), /IMAGE tensor/);
  await assert.rejects(async () => save(ctx, { images: new Tensor([1, 2, 2, 2]), filename_prefix: 'x' }), /2 channels/);
});

test('SaveImage → LoadImage round trip, RGBA alpha becomes MASK = 1 − alpha', async () => {
  const ctx = ctxWith();
  const rgba = image(1, 2, 3, 4, (_, y, x, k) => (k === 3 ? (x === 0 ? 0 : 1) : (y * 3 + x + k) / 10));
  const ui = await save(ctx, { images: rgba, filename_prefix: 'rt' });
  mkdirSync(path.join(ctx.services.paths.inputDir, 'sub'));
  writeFileSync(path.join(ctx.services.paths.inputDir, 'sub/rt.png'), readFileSync(path.join(ctx.services.paths.outputDir, ui[0]!.filename)));
  const [img, mask] = await run('LoadImage', { image: 'sub/rt.png' }, ctx);
  assert.deepEqual(img.shape, [1, 2, 3, 3]);
  assert.deepEqual(mask.shape, [1, 2, 3]);
  assert.deepEqual(Array.from(mask.data), [1, 0, 0, 1, 0, 0]);
  for (let p = 0; p < 6; p++) for (let k = 0; k < 3; k++) {
    assert.equal(img.data[p * 3 + k], Math.trunc(rgba.data[p * 4 + k]! * 255) / 255 === 0 ? 0 : Math.fround(Math.trunc(rgba.data[p * 4 + k]! * 255) / 255));
  }
  // Annotated names read from other folders.
  const [fromOutput] = await run('LoadImage', { image: `${ui[0]!.filename} [output]` }, ctx);
  assert.deepEqual(fromOutput.shape, [1, 2, 3, 3]);
});

test('LoadImage: RGB files get a 64×64 zero mask; EXIF orientation is applied', async () => {
  const ctx = ctxWith();
  const raw = Buffer.from([255, 0, 0, 0, 255, 0]); // 2×1: red, green
  await sharp(raw, { raw: { width: 2, height: 1, channels: 3 } }).jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).withMetadata({ orientation: 6 })
    .toFile(path.join(ctx.services.paths.inputDir, 'rot.jpg'));
  const [img, mask] = await run('LoadImage', { image: 'rot.jpg' }, ctx);
  assert.deepEqual(img.shape, [1, 2, 1, 3], 'orientation 6 turns 2×1 into 1×2');
  assert.deepEqual(mask.shape, [1, 64, 64]);
  assert.ok(mask.data.every((v: number) => v === 0));
  assert.ok(img.data[0]! > 0.9 && img.data[3]! < 0.2, 'red ends up on top');
});

test('LoadImage: every frame of an animated file becomes a batch item', async () => {
  const ctx = ctxWith();
  const frames = Buffer.concat([Buffer.alloc(4 * 4 * 4, 0), Buffer.alloc(4 * 4 * 4, 255), Buffer.alloc(4 * 4 * 4, 128)]);
  await sharp(frames, { raw: { width: 4, height: 12, channels: 4, pageHeight: 4 } }).webp({ lossless: true, delay: [100, 100, 100] })
    .toFile(path.join(ctx.services.paths.inputDir, 'anim.webp'));
  const [img, mask] = await run('LoadImage', { image: 'anim.webp' }, ctx);
  assert.deepEqual(img.shape, [3, 4, 4, 3]);
  assert.deepEqual(mask.shape, [3, 4, 4]);
  assert.equal(mask.data[0], 1, 'frame 0 is transparent');
  assert.equal(mask.data[16], 0, 'frame 1 is opaque');
});

test('LoadImage: 16-bit greyscale clips like Pillow\'s I;16 → RGB; opaque GIFs get the 64×64 mask', async () => {
  const ctx = ctxWith();
  // A 2×1 16-bit greyscale PNG written by hand: values 100 and 40000.
  const ihdr = Buffer.from([0, 0, 0, 2, 0, 0, 0, 1, 16, 0, 0, 0, 0]);
  const rows = Buffer.from([0, 0, 100, 0x9c, 0x40]);
  const png = Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(rows)), pngChunk('IEND', Buffer.alloc(0))]);
  writeFileSync(path.join(ctx.services.paths.inputDir, 'g16.png'), png);
  const [grey] = await run('LoadImage', { image: 'g16.png' }, ctx);
  assert.deepEqual(Array.from(grey.data), [100 / 255, 100 / 255, 100 / 255, 1, 1, 1].map(Math.fround));
  const frames = Buffer.concat([Buffer.alloc(2 * 2 * 3, 10), Buffer.alloc(2 * 2 * 3, 200)]);
  await sharp(frames, { raw: { width: 2, height: 4, channels: 3, pageHeight: 2 } }).gif({ delay: [50, 50] }).toFile(path.join(ctx.services.paths.inputDir, 'a.gif'));
  const [gif, gifMask] = await run('LoadImage', { image: 'a.gif' }, ctx);
  assert.deepEqual(gif.shape, [2, 2, 2, 3]);
  assert.deepEqual(gifMask.shape, [2, 64, 64]);
});

test('LoadImageMask picks a channel; alpha is inverted and absent alpha reads as opaque', async () => {
  const ctx = ctxWith();
  await sharp(Buffer.from([255, 51, 0, 102]), { raw: { width: 1, height: 1, channels: 4 } }).png().toFile(path.join(ctx.services.paths.inputDir, 'c.png'));
  await sharp(Buffer.from([10, 20, 30]), { raw: { width: 1, height: 1, channels: 3 } }).png().toFile(path.join(ctx.services.paths.inputDir, 'rgb.png'));
  const pick = async (file: string, channel: string) => (await run('LoadImageMask', { image: file, channel }, ctx))[0].data[0];
  assert.equal(await pick('c.png', 'red'), 1);
  assert.equal(await pick('c.png', 'green'), Math.fround(51 / 255));
  assert.equal(await pick('c.png', 'alpha'), Math.fround(1 - 102 / 255));
  assert.equal(await pick('rgb.png', 'alpha'), 0);
});

test('LoadImage: VALIDATE_INPUTS, IS_CHANGED (SHA-256) and confinement', async () => {
  const ctx = ctxWith();
  const def = node('LoadImage');
  // VALIDATE_INPUTS needs the folders: the node accepts the services as a second argument.
  const validate = def.validateInputs as unknown as (inputs: object, services: unknown) => unknown;
  writeFileSync(path.join(ctx.services.paths.inputDir, 'x.png'), await sharp({ create: { width: 1, height: 1, channels: 3, background: 'black' } }).png().toBuffer());
  assert.equal(await validate({ image: 'x.png' }, ctx.services), true);
  assert.equal(await validate({ image: 'missing.png' }, ctx.services), 'Invalid image file: missing.png');
  assert.equal(await validate({ image: '../x.png' }, ctx.services), 'Invalid image file: ../x.png');
  assert.deepEqual(def.validateInputsTakes, ['image']);
  const h1 = await def.isChanged!({ image: 'x.png' }, ctx);
  assert.match(String(h1), /^[0-9a-f]{64}$/);
  writeFileSync(path.join(ctx.services.paths.inputDir, 'x.png'), await sharp({ create: { width: 1, height: 1, channels: 3, background: 'white' } }).png().toBuffer());
  assert.notEqual(await def.isChanged!({ image: 'x.png' }, ctx), h1);
  await assert.rejects(async () => run('LoadImage', { image: '../../etc/passwd' }, ctx), /Invalid image file/);
  // A file gone after validation, or one no decoder knows, fails as Pillow's open does.
  const missing = path.join(ctx.services.paths.inputDir, 'missing.png');
  await assert.rejects(async () => run('LoadImage', { image: 'missing.png' }, ctx), { code: 'ENOENT', message: `[Errno 2] No such file or directory: '${missing}'` });
  writeFileSync(path.join(ctx.services.paths.inputDir, 'corrupt.png'), 'not an image at all');
  await assert.rejects(async () => run('LoadImage', { image: 'corrupt.png' }, ctx), {
    name: 'PIL.UnidentifiedImageError',
    message: `cannot identify image file '${path.join(ctx.services.paths.inputDir, 'corrupt.png')}'`,
  });
  await assert.rejects(async () => run('LoadImageMask', { image: 'corrupt.png', channel: 'alpha' }, ctx), { name: 'PIL.UnidentifiedImageError' });
});

test('LoadImage lists image files of input/ when given the services', () => {
  const services = makeServices();
  writeFileSync(path.join(services.paths.inputDir, 'b.png'), '');
  writeFileSync(path.join(services.paths.inputDir, 'a.jpg'), '');
  writeFileSync(path.join(services.paths.inputDir, 'notes.txt'), '');
  const listImages = node('LoadImage').inputs.required!.image![0] as (s: unknown) => string[];
  assert.deepEqual(listImages(services), ['a.jpg', 'b.png']);
  const listAll = node('LoadImageMask').inputs.required!.image![0] as (s: unknown) => string[];
  assert.deepEqual(listAll(services), ['a.jpg', 'b.png', 'notes.txt']);
});

test('LoadImageOutput and WebcamCapture load like LoadImage (annotated names, IMAGE only for the webcam)', async () => {
  const ctx = ctxWith();
  const ui = await save(ctx, { images: Tensor.full([1, 2, 2, 3], 0.5), filename_prefix: 'o' });
  const [img, mask] = await run('LoadImageOutput', { image: `${ui[0]!.filename} [output]` }, ctx);
  assert.deepEqual([img.shape, mask.shape], [[1, 2, 2, 3], [1, 64, 64]]);
  const webcam = await node('WebcamCapture').execute({ image: `${ui[0]!.filename} [output]`, width: 0, height: 0, capture_on_queue: true }, ctx);
  assert.deepEqual((webcam as Tensor[])[0]!.shape, [1, 2, 2, 3]);
  assert.deepEqual(node('WebcamCapture').outputs.map((o) => o.type), ['IMAGE']);
});
