import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { insertPngText, readPngText } from '../../src/imaging/png-text.ts';
import { buildFileApp, multipartBody, type FileApp } from './helpers.ts';

type Part = Parameters<typeof multipartBody>[0][number];

describe('POST /upload/image', () => {
  let f: FileApp;
  before(async () => {
    f = await buildFileApp({ maxUploadBytes: 64 * 1024 });
  });
  after(() => f.close());

  const upload = (parts: Part[], url = '/upload/image') => f.app.inject({ method: 'POST', url, ...multipartBody(parts) });
  const image = (data: string | Buffer, filename = 'image.png'): Part => ({ name: 'image', filename, data: Buffer.from(data) });

  it('stores into input/ by default and answers name, subfolder, type', async () => {
    const res = await upload([image('one')]);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { name: 'image.png', subfolder: '', type: 'input' });
    assert.equal(readFileSync(path.join(f.paths.inputDir, 'image.png'), 'utf8'), 'one');
  });

  it('renames on a name collision with different content: name (1).png, name (2).png', async () => {
    assert.equal((await upload([image('two')])).json().name, 'image (1).png');
    assert.equal((await upload([image('three')])).json().name, 'image (2).png');
    assert.equal(readFileSync(path.join(f.paths.inputDir, 'image (2).png'), 'utf8'), 'three');
  });

  it('reuses the name holding the same bytes without writing', async () => {
    assert.equal((await upload([image('two')])).json().name, 'image (1).png');
    assert.equal((await upload([image('one')])).json().name, 'image.png');
    const names = readdirSync(f.paths.inputDir).filter((n) => n.startsWith('image'));
    assert.deepEqual(names.sort(), ['image (1).png', 'image (2).png', 'image.png']);
  });

  it('overwrites with overwrite=true or 1', async () => {
    for (const flag of ['true', '1']) {
      const res = await upload([image(`over-${flag}`), { name: 'overwrite', value: flag }]);
      assert.equal(res.json().name, 'image.png');
      assert.equal(readFileSync(path.join(f.paths.inputDir, 'image.png'), 'utf8'), `over-${flag}`);
    }
    assert.equal((await upload([image('x'), { name: 'overwrite', value: 'yes' }])).json().name, 'image (3).png');
  });

  it('honours type and subfolder (created), echoing the subfolder as sent', async () => {
    const res = await upload([image('t', 'a.webp'), { name: 'type', value: 'temp' }, { name: 'subfolder', value: 'x/y' }]);
    assert.deepEqual(res.json(), { name: 'a.webp', subfolder: 'x/y', type: 'temp' });
    assert.ok(existsSync(path.join(f.paths.tempDir, 'x/y/a.webp')));
    const out = await upload([image('o', 'b.png'), { name: 'type', value: 'output' }, { name: 'subfolder', value: 'x/../z' }]);
    assert.deepEqual(out.json(), { name: 'b.png', subfolder: 'x/../z', type: 'output' });
    assert.ok(existsSync(path.join(f.paths.outputDir, 'z/b.png')));
  });

  it('keeps the extension when renaming names with several dots or none', async () => {
    await upload([image('1', 'arch.tar.gz')]);
    assert.equal((await upload([image('2', 'arch.tar.gz')])).json().name, 'arch.tar (1).gz');
    await upload([image('1', 'noext')]);
    assert.equal((await upload([image('2', 'noext')])).json().name, 'noext (1)');
  });

  it('answers 400 for a missing image, an empty file name, an unknown type or a non-multipart body', async () => {
    assert.equal((await upload([{ name: 'subfolder', value: 'x' }])).statusCode, 400);
    assert.equal((await upload([image('x', '')])).statusCode, 400);
    const badType = await upload([image('x'), { name: 'type', value: 'models' }]);
    assert.equal(badType.statusCode, 400);
    assert.match(badType.body, /type/);
    const json = await f.app.inject({ method: 'POST', url: '/upload/image', payload: { image: 'x' } });
    assert.equal(json.statusCode, 400);
  });

  it('answers 400 for a malformed multipart body', async () => {
    const headers = { 'content-type': 'multipart/form-data; boundary=x' };
    const truncated = '--x\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n\r\nabc';
    assert.equal((await f.app.inject({ method: 'POST', url: '/upload/image', payload: truncated, headers })).statusCode, 400);
    assert.equal((await f.app.inject({ method: 'POST', url: '/upload/image', payload: 'x', headers: { 'content-type': 'multipart/form-data' } })).statusCode, 400);
  });

  it('answers 413 for a file over the upload limit, leaving nothing behind', async () => {
    const res = await upload([image(Buffer.alloc(65 * 1024), 'big.png')]);
    assert.equal(res.statusCode, 413);
    assert.equal(existsSync(path.join(f.paths.inputDir, 'big.png')), false);
  });

  it('never leaves temp files in the folder', async () => {
    const hidden = readdirSync(f.paths.inputDir).filter((n) => n.startsWith('.'));
    assert.deepEqual(hidden, []);
  });

  it('accepts files beyond fastify\'s default 1 MiB body limit when the upload limit allows them', async () => {
    const big = await buildFileApp();
    try {
      const body = multipartBody([{ name: 'image', filename: 'big.bin', data: Buffer.alloc(3 * 1024 * 1024, 7) }]);
      const res = await big.app.inject({ method: 'POST', url: '/upload/image', ...body });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(readFileSync(path.join(big.paths.inputDir, 'big.bin')).length, 3 * 1024 * 1024);
    } finally {
      await big.close();
    }
  });

  it('works under /api too', async () => {
    const res = await upload([image('api', 'api.png')], '/api/upload/image');
    assert.deepEqual(res.json(), { name: 'api.png', subfolder: '', type: 'input' });
  });
});

describe('POST /upload/mask', () => {
  let f: FileApp;
  let original: Buffer;
  before(async () => {
    f = await buildFileApp();
    const rgb = await sharp({ create: { width: 3, height: 2, channels: 3, background: { r: 200, g: 100, b: 50 } } }).png().toBuffer();
    original = insertPngText(rgb, [['prompt', '{"1": {}}'], ['workflow', '{"nodes": ["é"]}'], ['note', 'ünïcode ✓']]);
    mkdirSync(path.join(f.paths.outputDir, 'sub'), { recursive: true });
    writeFileSync(path.join(f.paths.outputDir, 'sub', 'orig.png'), original);
    writeFileSync(path.join(f.paths.inputDir, 'in.png'), original);
  });
  after(() => f.close());

  async function mask(alpha: number, width = 3, height = 2): Promise<Buffer> {
    return sharp({ create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha } } }).png().toBuffer();
  }
  const send = (parts: Part[]) => f.app.inject({ method: 'POST', url: '/upload/mask', ...multipartBody(parts) });

  it("copies the mask's alpha into the original, saves PNG and keeps its text chunks", async () => {
    const ref = JSON.stringify({ filename: 'orig.png', subfolder: 'sub', type: 'output' });
    const res = await send([
      { name: 'image', filename: 'clipspace-mask.png', data: await mask(0.4) },
      { name: 'original_ref', value: ref },
      { name: 'type', value: 'input' },
      { name: 'subfolder', value: 'clipspace' },
    ]);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { name: 'clipspace-mask.png', subfolder: 'clipspace', type: 'input' });
    const saved = readFileSync(path.join(f.paths.inputDir, 'clipspace', 'clipspace-mask.png'));
    const { data, info } = await sharp(saved).raw().toBuffer({ resolveWithObject: true });
    assert.equal(info.channels, 4);
    assert.deepEqual([...data.subarray(0, 4)], [200, 100, 50, 102]);
    assert.deepEqual(readPngText(saved), { prompt: '{"1": {}}', workflow: '{"nodes": ["é"]}', note: 'ünïcode ✓' });
  });

  it('finds the original through an annotation suffix, type defaulting to output', async () => {
    const res = await send([
      { name: 'image', filename: 'm2.png', data: await mask(1) },
      { name: 'original_ref', value: JSON.stringify({ filename: 'in.png [input]' }) },
    ]);
    assert.equal(res.statusCode, 200, res.body);
    const plain = await send([
      { name: 'image', filename: 'm3.png', data: await mask(1) },
      { name: 'original_ref', value: JSON.stringify({ filename: 'orig.png', subfolder: 'sub' }) },
    ]);
    assert.equal(plain.statusCode, 200, plain.body);
  });

  it('refuses malformed original references with 400 and writes nothing', async () => {
    for (const ref of [undefined, 'not json', JSON.stringify({ subfolder: 'sub' })]) {
      const parts: Part[] = [{ name: 'image', filename: 'bad.png', data: await mask(1) }];
      if (ref !== undefined) parts.push({ name: 'original_ref', value: ref });
      const res = await send(parts);
      assert.equal(res.statusCode, 400, `${ref}: ${res.body}`);
    }
    assert.equal(existsSync(path.join(f.paths.inputDir, 'bad.png')), false);
  });

  it('answers 200 and writes nothing when the original cannot be used, as ComfyUI does', async () => {
    const cases = [
      { filename: '' },
      { filename: '../orig.png' },
      { filename: '/etc/passwd' },
      { filename: 'orig.png', subfolder: '../..' },
      { filename: 'orig.png', type: 'models' },
      { filename: 'missing.png', subfolder: 'sub' },
    ];
    for (const ref of cases) {
      const res = await send([
        { name: 'image', filename: 'unused.png', data: await mask(1) },
        { name: 'original_ref', value: JSON.stringify(ref) },
      ]);
      assert.equal(res.statusCode, 200, `${JSON.stringify(ref)}: ${res.body}`);
      assert.deepEqual(JSON.parse(res.body), { name: 'unused.png', subfolder: '', type: 'input' });
    }
    assert.equal(existsSync(path.join(f.paths.inputDir, 'unused.png')), false);
  });

  it('refuses a mask of another size with 400', async () => {
    const res = await send([
      { name: 'image', filename: 'size.png', data: await mask(1, 5, 5) },
      { name: 'original_ref', value: JSON.stringify({ filename: 'orig.png', subfolder: 'sub' }) },
    ]);
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /5x5/);
  });
});

describe('PNG text chunks', () => {
  it('round-trips tEXt and iTXt and ignores non-PNG data', async () => {
    const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } }).png().toBuffer();
    const withText = insertPngText(png, [['a', 'latin ÿ'], ['b', 'wide ✓']]);
    assert.deepEqual(readPngText(withText), { a: 'latin ÿ', b: 'wide ✓' });
    assert.equal((await sharp(withText).metadata()).width, 1);
    assert.throws(() => readPngText(Buffer.from('not a png')), /not a PNG/);
  });
});
