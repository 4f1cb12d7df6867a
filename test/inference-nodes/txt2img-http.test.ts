// The standard txt2img workflow through the HTTP API, as a ComfyUI client runs it: POST /prompt, wait on the
// WebSocket, read /history, fetch the PNG from /view. Small random-weight checkpoints with the real SD1.5 layout;
// every sampler and scheduler; and the model failures a user can cause, each a clear error with the server going on.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { SAMPLER_NAMES, SCHEDULER_NAMES } from '../../src/inference/sampling/index.ts';
import { writeTorchFile, RawPickle } from '../../src/inference/files/torch-writer.ts';
import { writeSafetensors } from '../../src/inference/files/safetensors-writer.ts';
import { fromFloat32 } from '../../src/inference/files/dtype.ts';
import { TINY_SIZES, writeTestCheckpoint } from '../../scripts/make-test-checkpoint.ts';
import { connectWs, http, startTestServer, type TestServer, type WsRecorder } from '../server/helpers.ts';

const TOKENIZER = join(import.meta.dirname, '../../../shared/data/clip-tokenizer');

let server: TestServer;
let ws: WsRecorder;

before(async () => {
  server = await startTestServer([], {
    testNodes: false,
    async beforeStart(base) {
      mkdirSync(join(base, 'models/tokenizers/clip'), { recursive: true });
      mkdirSync(join(base, 'models/checkpoints'), { recursive: true });
      for (const f of ['vocab.json', 'merges.txt']) cpSync(join(TOKENIZER, f), join(base, 'models/tokenizers/clip', f));
      await writeTestCheckpoint(join(base, 'models/checkpoints/tiny-sd15.safetensors'), { arch: 'sd15', sizes: TINY_SIZES });
      writeFileSync(join(base, 'models/checkpoints/corrupt.safetensors'), Buffer.from('\x10\x00\x00\x00\x00\x00\x00\x00{"a":'));
      // A pickle that names os.system: it must be refused, never run.
      await writeTorchFile(join(base, 'models/checkpoints/evil.ckpt'), { state_dict: {}, x: new RawPickle(Buffer.from('cos\nsystem\n(Vtouch /tmp/comfy-ts-pwned\ntR', 'latin1')) });
      // An SDXL-shaped file: recognised by name, not supported.
      const sdxlKey = 'conditioner.embedders.1.model.ln_final.weight';
      await writeSafetensors(join(base, 'models/checkpoints/sdxl-like.safetensors'), [
        { name: 'model.diffusion_model.input_blocks.0.0.weight', dtype: 'F32', shape: [1], data: () => fromFloat32(new Float32Array(1), 'F32') },
        { name: sdxlKey, dtype: 'F32', shape: [1], data: () => fromFloat32(new Float32Array(1), 'F32') },
      ]);
    },
  });
  ws = await connectWs(server.wsUrl('/ws?clientId=txt2img-test'));
});

after(async () => {
  ws.close();
  await server.close();
});

function workflow(overrides: { ckpt?: string; seed?: number | string; sampler?: string; scheduler?: string } = {}) {
  return {
    '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: overrides.ckpt ?? 'tiny-sd15.safetensors' } },
    '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a photo of a cat', clip: ['4', 1] } },
    '7': { class_type: 'CLIPTextEncode', inputs: { text: 'blurry, low quality', clip: ['4', 1] } },
    '5': { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 64, batch_size: 1 } },
    '3': {
      class_type: 'KSampler',
      inputs: {
        seed: overrides.seed ?? 42, steps: 2, cfg: 8.0, sampler_name: overrides.sampler ?? 'euler', scheduler: overrides.scheduler ?? 'normal',
        denoise: 1.0, model: ['4', 0], positive: ['6', 0], negative: ['7', 0], latent_image: ['5', 0],
      },
    },
    '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
    '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'txt2img', images: ['8', 0] } },
  };
}

/** Queues a prompt (raw JSON text, so seeds beyond 2^53 stay exact) and returns its id. */
async function queue(prompt: object | string): Promise<string> {
  const body = typeof prompt === 'string' ? prompt : JSON.stringify({ prompt, client_id: 'txt2img-test' });
  const res = await http(server, 'POST', '/prompt', { body, headers: { 'content-type': 'application/json' } });
  assert.equal(res.status, 200, res.text);
  return res.json().prompt_id;
}

async function finished(promptId: string) {
  await ws.done(promptId, 120_000);
  return (await http(server, 'GET', `/history/${promptId}`)).json()[promptId];
}

const written = new Set<string>();

/** The PNG a prompt's SaveImage wrote; each call must see a newly written file (no cache replay). */
async function outputPng(promptId: string): Promise<Buffer> {
  const entry = await finished(promptId);
  assert.equal(entry.status.status_str, 'success', JSON.stringify(entry.status.messages));
  const [image] = entry.outputs['9'].images;
  assert.ok(!written.has(image.filename), `${image.filename} was written by an earlier prompt`);
  written.add(image.filename);
  const res = await http(server, 'GET', `/view?filename=${encodeURIComponent(image.filename)}&subfolder=${image.subfolder}&type=output`);
  assert.equal(res.status, 200);
  return res.body;
}

const pixels = async (png: Buffer) => sharp(png).raw().toBuffer();

describe('txt2img over the HTTP API', () => {
  it('returns a PNG; the same seed gives the same bytes, another seed another image', async () => {
    const first = await outputPng(await queue(workflow({ seed: 42 })));
    const meta = await sharp(first).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 64, 64]);
    // The same prompt again would be a cache hit: drop the caches (and the loaded networks) first.
    assert.equal((await http(server, 'POST', '/free', { body: { unload_models: true, free_memory: true } })).status, 200);
    const again = await outputPng(await queue(workflow({ seed: 42 })));
    assert.ok(again.equals(first), 'the same seed gives the same PNG bytes');
    const other = await outputPng(await queue(workflow({ seed: 43 })));
    assert.notDeepEqual(await pixels(other), await pixels(first));
  });

  it('keeps a seed of 2^64 − 1 exact', async () => {
    const body = JSON.stringify({ prompt: workflow({ seed: 0 }), client_id: 'txt2img-test' }).replace('"seed":0', '"seed":18446744073709551615');
    const entry = await finished(await queue(body));
    assert.equal(entry.status.status_str, 'success');
    const res = await http(server, 'GET', `/history/${entry.prompt[1]}`);
    assert.match(res.text, /"seed":\s*18446744073709551615/);
  });

  it('runs every sampler and every scheduler', async () => {
    const runs = [
      ...SAMPLER_NAMES.map((sampler) => ({ sampler, scheduler: 'normal' })),
      ...SCHEDULER_NAMES.map((scheduler) => ({ sampler: 'euler', scheduler })),
    ];
    const ids = [];
    for (const run of runs) ids.push({ run, id: await queue(workflow(run)) });
    for (const { run, id } of ids) {
      const entry = await finished(id);
      assert.equal(entry.status.status_str, 'success', `${run.sampler}/${run.scheduler}: ${JSON.stringify(entry.status.messages.at(-1))}`);
    }
  });

  it('streams progress for every step and latent previews as binary frames when asked', async () => {
    const from = ws.messages.length;
    const binaryFrom = ws.binary.length;
    const body = { prompt: workflow({ seed: 5 }), client_id: 'txt2img-test', extra_data: { preview_method: 'latent2rgb' } };
    const id = await queue(JSON.stringify(body));
    await finished(id);
    const progress = ws.messages.slice(from).filter((m) => m.type === 'progress' && m.data.prompt_id === id);
    assert.deepEqual(progress.map((m) => [m.data.node, m.data.value, m.data.max]), [['3', 1, 2], ['3', 2, 2]]);
    const previews = ws.binary.slice(binaryFrom);
    assert.equal(previews.length, 2);
    for (const frame of previews) {
      assert.equal(frame.readUInt32BE(0), 1, 'a client without supports_preview_metadata gets type 1 frames');
      assert.equal(frame.readUInt32BE(4), 1, 'JPEG');
      const meta = await sharp(frame.subarray(8)).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 512, 512]);
    }
  });

  it('refuses a checkpoint name that is not in the folder at validation', async () => {
    const res = await http(server, 'POST', '/prompt', { body: { prompt: workflow({ ckpt: 'missing.safetensors' }) } });
    assert.equal(res.status, 400);
    assert.equal(res.json().node_errors['4'].errors[0].type, 'value_not_in_list');
  });

  for (const [ckpt, message] of [
    ['corrupt.safetensors', /safetensors|header|truncated|JSON/i],
    ['evil.ckpt', /os\.system/],
    ['sdxl-like.safetensors', /SDXL.*not supported/],
  ] as const) {
    it(`ends with a clear execution_error for ${ckpt}, and the server goes on`, async () => {
      const entry = await finished(await queue(workflow({ ckpt })));
      assert.equal(entry.status.status_str, 'error');
      const [, error] = entry.status.messages.find(([type]: [string]) => type === 'execution_error');
      assert.equal(error.node_type, 'CheckpointLoaderSimple');
      assert.match(error.exception_message, message);
      assert.equal((await http(server, 'GET', '/queue')).status, 200);
    });
  }
});
