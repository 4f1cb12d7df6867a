import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { buildFileApp, type FileApp } from './helpers.ts';

/** A minimal valid safetensors file: one F32 tensor and the given `__metadata__`. */
function safetensors(metadata?: Record<string, string>): Buffer {
  const header: Record<string, unknown> = { w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } };
  if (metadata) header.__metadata__ = metadata;
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, Buffer.alloc(4)]);
}

function put(file: string, data: Buffer | string = 'x'): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, data);
}

describe('model routes', () => {
  let f: FileApp;
  let png: Buffer;
  before(async () => {
    f = await buildFileApp();
    png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const m = (...p: string[]) => path.join(f.base, 'models', ...p);
    put(m('embeddings/easynegative.safetensors'));
    put(m('embeddings/sub/foo.pt'));
    put(m('embeddings/readme.md'));
    put(m('checkpoints/sd15.safetensors'), safetensors({ 'modelspec.title': 'SD 1.5', ss_network_dim: '4' }));
    put(m('checkpoints/sd15.png'), png);
    put(m('checkpoints/other.ckpt'));
    put(m('checkpoints/other.preview.jpeg'), png);
    put(m('checkpoints/nometa.safetensors'), safetensors());
    put(m('checkpoints/covered.safetensors'), safetensors({ ssmd_cover_images: JSON.stringify([png.toString('base64')]) }));
    put(m('checkpoints/.hidden.safetensors'));
    put(m('checkpoints/.cache/x.safetensors'));
    put(m('checkpoints/sub/deep.sft'));
    put(m('unet/u.safetensors'), safetensors({ k: 'v' }));
    put(m('configs/v1.yaml'));
    const huge = Buffer.alloc(16);
    huge.writeBigUInt64LE(BigInt(2 * 1024 * 1024));
    put(m('checkpoints/hugeheader.safetensors'), huge);
  });
  after(() => f.close());

  it('GET /embeddings lists embedding names without extensions', async () => {
    const res = await f.app.inject({ url: '/embeddings' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), ['easynegative', 'sub/foo']);
    assert.deepEqual((await f.app.inject({ url: '/api/embeddings' })).json(), ['easynegative', 'sub/foo']);
  });

  it('GET /models and /models/{folder}; legacy aliases and unknown names are 404', async () => {
    const names = (await f.app.inject({ url: '/models' })).json() as string[];
    assert.equal(names[14], 'latent_upscale_models');
    assert.equal(names.length, 21);
    const ck = await f.app.inject({ url: '/models/checkpoints' });
    assert.deepEqual(ck.json(), [
      '.cache/x.safetensors', '.hidden.safetensors', 'covered.safetensors', 'hugeheader.safetensors',
      'nometa.safetensors', 'other.ckpt', 'sd15.safetensors', 'sub/deep.sft',
    ]);
    assert.deepEqual((await f.app.inject({ url: '/models/diffusion_models' })).json(), ['u.safetensors']);
    assert.deepEqual((await f.app.inject({ url: '/api/models/configs' })).json(), ['v1.yaml']);
    assert.deepEqual((await f.app.inject({ url: '/models/latent_upscale_models' })).json(), []);
    for (const url of ['/models/unet', '/models/clip', '/models/nope']) {
      const res = await f.app.inject({ url });
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.body, '');
    }
  });

  it('GET /experiment/models lists folders with their paths, without configs and custom_nodes', async () => {
    const body = (await f.app.inject({ url: '/experiment/models' })).json() as { name: string; folders: string[] }[];
    assert.equal(body.some((e) => e.name === 'configs' || e.name === 'custom_nodes'), false);
    assert.equal(body.length, 19);
    assert.deepEqual(body[0], { name: 'checkpoints', folders: f.paths.modelFolderPaths('checkpoints') });
  });

  it('GET /experiment/models/{folder} gives stats, PT extensions only, hidden names skipped', async () => {
    const res = await f.app.inject({ url: '/experiment/models/checkpoints' });
    assert.equal(res.statusCode, 200);
    const files = res.json() as { name: string; pathIndex: number; modified: number; created: number; size: number }[];
    assert.deepEqual(files.map((x) => x.name), [
      'covered.safetensors', 'hugeheader.safetensors', 'nometa.safetensors', 'other.ckpt', 'sd15.safetensors', 'sub/deep.sft',
    ]);
    assert.equal(files[0].pathIndex, 0);
    assert.equal(typeof files[0].modified, 'number');
    assert.ok(files[0].modified > 1e9 && files[0].modified < 1e11);
    assert.equal(files.find((x) => x.name === 'other.ckpt')!.size, 1);
    const unet = (await f.app.inject({ url: '/experiment/models/diffusion_models' })).json() as { name: string; pathIndex: number }[];
    assert.deepEqual(unet.map((x) => [x.name, x.pathIndex]), [['u.safetensors', 0]]);
    assert.equal((await f.app.inject({ url: '/experiment/models/unet' })).statusCode, 404);
  });

  it('GET /experiment/models/preview serves a sibling image, a .preview image or a cover image as WEBP', async () => {
    for (const name of ['sd15.safetensors', 'other.ckpt', 'covered.safetensors']) {
      const res = await f.app.inject({ url: `/experiment/models/preview/checkpoints/0/${name}` });
      assert.equal(res.statusCode, 200, name);
      assert.equal(res.headers['content-type'], 'image/webp');
      const meta = await sharp(res.rawPayload).metadata();
      assert.equal(meta.format, 'webp');
      assert.equal(meta.width, 2);
    }
    const none = await f.app.inject({ url: '/experiment/models/preview/checkpoints/0/nometa.safetensors' });
    assert.equal(none.statusCode, 404);
    const missingFolder = await f.app.inject({ url: '/experiment/models/preview/nope/0/sd15.safetensors' });
    assert.equal(missingFolder.statusCode, 404);
  });

  it('GET /view_metadata/{folder} returns __metadata__, 404 otherwise', async () => {
    const ok = await f.app.inject({ url: '/view_metadata/checkpoints?filename=sd15.safetensors' });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { 'modelspec.title': 'SD 1.5', ss_network_dim: '4' });
    assert.deepEqual((await f.app.inject({ url: '/view_metadata/unet?filename=u.safetensors' })).json(), { k: 'v' });
    for (const q of ['', '?filename=other.ckpt', '?filename=nometa.safetensors', '?filename=missing.safetensors', '?filename=hugeheader.safetensors']) {
      assert.equal((await f.app.inject({ url: `/view_metadata/checkpoints${q}` })).statusCode, 404, q);
    }
    assert.equal((await f.app.inject({ url: '/view_metadata/nope?filename=sd15.safetensors' })).statusCode, 404);
  });

  it('GET /internal/folder_paths lists every folder with its search paths, only outside /api', async () => {
    const res = await f.app.inject({ url: '/internal/folder_paths' });
    assert.equal(res.statusCode, 200);
    const body = res.json() as Record<string, string[]>;
    assert.deepEqual(Object.keys(body), f.paths.modelFolderNames());
    assert.deepEqual(body.text_encoders, f.paths.modelFolderPaths('text_encoders'));
    assert.equal((await f.app.inject({ url: '/api/internal/folder_paths' })).statusCode, 404);
  });
});
