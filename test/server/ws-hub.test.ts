// ClientHub's held stretches: frames sent between hold() and release() wait in their connection and arrive
// together, in order, at release; outside them every frame is written at once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WebSocketServer } from 'ws';
import { ClientHub } from '../../src/server/ws/hub.ts';
import { connectWs, sleep, type WsRecorder } from './helpers.ts';
import { silentLogger } from '../../src/server/logger.ts';

let wss: WebSocketServer;
let hub: ClientHub;
let client: WsRecorder;

before(async () => {
  hub = new ClientHub({ logger: silentLogger, queueRemaining: () => 0, serverFeatureFlags: () => ({}), heartbeatMs: 0 });
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  wss.on('connection', (socket, request) => hub.connect(socket, request.socket, 'c1', null));
  await new Promise((resolve) => wss.once('listening', resolve));
  const { port } = wss.address() as { port: number };
  client = await connectWs(`ws://127.0.0.1:${port}/ws`);
  await client.waitFor((m) => m.type === 'status');
});
after(async () => {
  client.close();
  hub.close();
  await new Promise((resolve) => wss.close(resolve));
});

test('held frames arrive only at release, in the order they were sent', async () => {
  const from = client.messages.length;
  hub.hold();
  hub.send('first', { n: 1 }, 'c1');
  hub.send('second', { n: 2 }, null);
  hub.sendBinary({ frame: Buffer.from([0, 0, 0, 3, 1]), clientId: 'c1' });
  await sleep(100);
  assert.deepEqual(client.messages.slice(from), [], 'nothing is delivered while held');
  assert.equal(client.binary.length, 0);
  hub.release();
  await client.waitFor((m) => m.type === 'second', 5000, from);
  assert.deepEqual(client.messages.slice(from).map((m) => m.type), ['first', 'second']);
  await sleep(20);
  assert.equal(client.binary.length, 1);
});

test('outside a held stretch every frame goes out at once', async () => {
  const from = client.messages.length;
  hub.send('alone', {}, 'c1');
  await client.waitFor((m) => m.type === 'alone', 5000, from);
  hub.release(); // a release without a hold is harmless
  hub.send('after', {}, 'c1');
  await client.waitFor((m) => m.type === 'after', 5000, from);
});
