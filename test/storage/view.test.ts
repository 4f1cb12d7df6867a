import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { buildFileApp, type FileApp } from './helpers.ts';

describe('GET /view', () => {
  let f: FileApp;
  let rgba: Buffer;
  const originalRgba = () => rgba;
  before(async () => {
    f = await buildFileApp();
    rgba = await sharp({ create: { width: 4, height: 2, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 0.5 } } }).png().toBuffer();
    const rgb = await sharp({ create: { width: 4, height: 2, channels: 3, background: { r: 1, g: 2, b: 3 } } }).png().toBuffer();
    mkdirSync(path.join(f.paths.outputDir, 'sub'), { recursive: true });
    writeFileSync(path.join(f.paths.outputDir, 'a.png'), rgba);
    writeFileSync(path.join(f.paths.outputDir, 'sub', 'b.png'), rgb);
    writeFileSync(path.join(f.paths.inputDir, 'in.png'), rgb);
    writeFileSync(path.join(f.paths.tempDir, 't.png'), rgb);
    writeFileSync(path.join(f.paths.outputDir, 'page.html'), '<script>alert(1)</script>');
    writeFileSync(path.join(f.paths.outputDir, 'data.json'), '{}');
    writeFileSync(path.join(f.paths.outputDir, 'clip.mp4'), 'mp4');
    writeFileSync(path.join(f.paths.outputDir, 'blob.xyz'), 'zzz');
    writeFileSync(path.join(f.paths.outputDir, 'ünï.png'), rgb);
    writeFileSync(path.join(f.paths.outputDir, 'text.txt'), 'not an image');
    mkdirSync(path.join(f.paths.outputDir, 'dir.png'));
  });
  after(() => f.close());

  const view = (q: string, headers?: Record<string, string>) => f.app.inject({ url: `/view?${q}`, headers });

  it('serves the file as-is with its content type and a Content-Disposition', async () => {
    const res = await view('filename=a.png');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'image/png');
    assert.equal(res.headers['content-disposition'], 'filename="a.png"');
    assert.deepEqual(res.rawPayload, rgba);
    assert.equal((await view('filename=b.png&subfolder=sub')).statusCode, 200);
    assert.equal((await view('filename=in.png&type=input')).statusCode, 200);
    assert.equal((await view('filename=t.png&type=temp')).statusCode, 200);
    assert.equal((await f.app.inject({ url: '/api/view?filename=a.png' })).statusCode, 200);
  });

  it('guesses content types; html, js and css are sent as downloads', async () => {
    assert.equal((await view('filename=page.html')).headers['content-type'], 'application/octet-stream');
    assert.equal((await view('filename=data.json')).headers['content-type'], 'application/json');
    assert.equal((await view('filename=clip.mp4')).headers['content-type'], 'video/mp4');
    assert.equal((await view('filename=blob.xyz')).headers['content-type'], 'application/octet-stream');
  });

  it('sends a non-ASCII file name as UTF-8 bytes in Content-Disposition', async () => {
    const res = await view(`filename=${encodeURIComponent('ünï.png')}`);
    assert.equal(res.statusCode, 200);
    assert.equal(Buffer.from(res.headers['content-disposition'] as string, 'latin1').toString('utf8'), 'filename="ünï.png"');
  });

  it('selects the folder by annotation suffix, overriding type', async () => {
    assert.equal((await view(`filename=${encodeURIComponent('in.png [input]')}&type=output`)).statusCode, 200);
    assert.equal((await view(`filename=${encodeURIComponent('a.png [output]')}&type=input`)).statusCode, 200);
    assert.equal((await view(`filename=${encodeURIComponent('t.png [temp]')}`)).statusCode, 200);
  });

  it('uses only the base name of filename', async () => {
    const res = await view('filename=sub/b.png');
    assert.equal(res.statusCode, 404);
    assert.equal((await view('filename=whatever/b.png&subfolder=sub')).statusCode, 200);
  });

  it('answers 404 without filename or for a missing file or a directory; 400 for bad names and types', async () => {
    assert.equal((await f.app.inject({ url: '/view' })).statusCode, 404);
    assert.equal((await view('filename=missing.png')).statusCode, 404);
    assert.equal((await view('filename=dir.png')).statusCode, 404);
    assert.equal((await view('filename=')).statusCode, 400);
    assert.equal((await view(`filename=${encodeURIComponent(' [output]')}`)).statusCode, 400);
    assert.equal((await view('filename=a..png')).statusCode, 400);
    assert.equal((await view('filename=a.png&type=models')).statusCode, 400);
    assert.equal((await view('filename=a.png&subfolder=../..')).statusCode, 403);
  });

  it('preview=webp / jpeg;q converts, jpeg without alpha, forced to webp when channel has an a', async () => {
    const webp = await view('filename=a.png&preview=webp');
    assert.equal(webp.headers['content-type'], 'image/webp');
    assert.equal(webp.headers['content-disposition'], 'filename="a.png"');
    assert.equal((await sharp(webp.rawPayload).metadata()).hasAlpha, true);
    const jpeg = await view('filename=a.png&preview=jpeg;50');
    assert.equal(jpeg.headers['content-type'], 'image/jpeg');
    assert.equal((await sharp(jpeg.rawPayload).metadata()).format, 'jpeg');
    const hi = await view('filename=a.png&preview=jpeg;95');
    assert.ok(hi.rawPayload.length >= jpeg.rawPayload.length);
    assert.equal((await view('filename=a.png&preview=jpeg;90&channel=rgba')).headers['content-type'], 'image/webp');
    assert.equal((await view('filename=a.png&preview=gif')).headers['content-type'], 'image/webp');
    const rgbWebp = await view('filename=a.png&preview=webp&channel=rgb');
    assert.equal((await sharp(rgbWebp.rawPayload).metadata()).hasAlpha, false);
  });

  it('channel=rgb drops alpha, channel=a gives black with the alpha (255 when none)', async () => {
    const rgb = await view('filename=a.png&channel=rgb');
    assert.equal(rgb.headers['content-type'], 'image/png');
    const rgbPixels = await sharp(rgb.rawPayload).raw().toBuffer({ resolveWithObject: true });
    assert.equal(rgbPixels.info.channels, 3);
    assert.deepEqual([...rgbPixels.data.subarray(0, 3)], [10, 20, 30]);

    const a = await view('filename=a.png&channel=a');
    const aPixels = await sharp(a.rawPayload).raw().toBuffer({ resolveWithObject: true });
    assert.equal(aPixels.info.channels, 4);
    assert.deepEqual([...aPixels.data.subarray(0, 4)], [0, 0, 0, 128]);

    const opaque = await view('filename=b.png&subfolder=sub&channel=a');
    const opaquePixels = await sharp(opaque.rawPayload).raw().toBuffer();
    assert.deepEqual([...opaquePixels.subarray(0, 4)], [0, 0, 0, 255]);

    const rgba = await view('filename=a.png&channel=rgba');
    assert.deepEqual(rgba.rawPayload, originalRgba());
  });

  it('answers 400 when a conversion is asked of a file that is not an image', async () => {
    assert.equal((await view('filename=text.txt&preview=webp')).statusCode, 400);
    assert.equal((await view('filename=text.txt&channel=rgb')).statusCode, 400);
    assert.equal((await view('filename=text.txt')).statusCode, 200);
  });

  it('supports byte ranges and conditional requests', async () => {
    const part = await view('filename=blob.xyz', { range: 'bytes=1-' });
    assert.equal(part.statusCode, 206);
    assert.equal(part.body, 'zz');
    assert.equal(part.headers['content-range'], 'bytes 1-2/3');
    assert.equal((await view('filename=blob.xyz', { range: 'bytes=9-' })).statusCode, 416);
    const first = await view('filename=blob.xyz');
    const again = await view('filename=blob.xyz', { 'if-none-match': first.headers.etag as string });
    assert.equal(again.statusCode, 304);
    const head = await f.app.inject({ method: 'HEAD', url: '/view?filename=blob.xyz' });
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers['content-length'], '3');
  });
});
