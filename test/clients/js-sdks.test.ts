// Two published JavaScript SDKs run an image workflow against a real server and get the output image:
// @saintno/comfyui-sdk (ComfyApi + CallWrapper) and @stable-canvas/comfyui-client (Client.enqueue over WebSocket).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CallWrapper, ComfyApi, PromptBuilder } from '@saintno/comfyui-sdk';
import { Client } from '@stable-canvas/comfyui-client';
import sharp from 'sharp';
import WebSocket from 'ws';
import { invertWorkflow, startTestServer, writeTestPng, type TestServer } from '../server/helpers.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer([], { testNodes: false });
  await writeTestPng(join(server.baseDir, 'input'), 'sdk.png', 8, 4);
});
after(async () => server.close());

async function assertInverted(png: Buffer): Promise<void> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height], [8, 4]);
  const expected = [255, 191, 55];
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(data[c]! - expected[c]!) <= 1, `channel ${c}: ${data[c]} ≈ ${expected[c]}`);
}

test('@saintno/comfyui-sdk: PromptBuilder + CallWrapper', async () => {
  const api = new ComfyApi(server.url, 'saintno-client');
  try {
    await api.init(5, 200).waitForReady();
    const workflow = new PromptBuilder(invertWorkflow('placeholder.png', 'saintno') as any, ['image'], ['images'])
      .setInputNode('image', '8.inputs.image')
      .setOutputNode('images', '9')
      .input('image', 'sdk.png');
    const output = await new Promise<Record<string, any>>((resolve, reject) => {
      new CallWrapper(api, workflow)
        .onFinished((data) => resolve(data as Record<string, any>))
        .onFailed((err) => reject(err))
        .run();
    });
    const image = output.images.images[0];
    assert.match(image.filename, /^saintno_\d{5}_\.png$/);
    const blob = await api.getImage(image);
    await assertInverted(Buffer.from(await blob.arrayBuffer()));
  } finally {
    api.destroy();
  }
});

test('@stable-canvas/comfyui-client: Client.enqueue', async () => {
  const client = new Client({ api_host: server.host, WebSocket: WebSocket as any, clientId: 'stable-canvas-client' });
  try {
    await client.connect();
    const stats = await client.getSystemStats();
    assert.ok(stats.system);
    const result = await client.enqueue(invertWorkflow('sdk.png', 'stablecanvas'), { timeout_ms: 30_000 } as any);
    const urls = result.images.filter((i: { type: string }) => i.type === 'url').map((i: { data: unknown }) => String(i.data));
    assert.equal(urls.length, 1);
    assert.match(urls[0]!, /filename=stablecanvas_\d{5}_\.png/);
    const res = await fetch(urls[0]!);
    assert.equal(res.status, 200);
    await assertInverted(Buffer.from(await res.arrayBuffer()));
  } finally {
    client.close();
  }
});
