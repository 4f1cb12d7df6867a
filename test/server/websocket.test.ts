// The WebSocket: greeting with sid, reconnects with executing replay, the feature_flags exchange, event
// forwarding (targeted and broadcast), preview frames per client flags, text frames, heartbeat, slow readers.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { connectWs, http, sleep, sleepWorkflow, startTestServer, type TestServer, type WsMessage } from './helpers.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer([], { websocket: { heartbeatMs: 300, maxBufferedBytes: 256 * 1024 } });
});
after(async () => server.close());

const submit = async (body: Record<string, unknown>) => {
  const res = await http(server, 'POST', '/prompt', { body });
  assert.equal(res.status, 200, res.text);
  return res.json().prompt_id as string;
};

test('the greeting is a status with the sid: given, or generated as 32 hex digits', async () => {
  const named = await connectWs(server.wsUrl() + '?clientId=alice');
  const greeting = await named.waitFor((m) => m.type === 'status');
  assert.deepEqual(greeting.data, { status: { exec_info: { queue_remaining: 0 } }, sid: 'alice' });
  named.close();
  const anonymous = await connectWs(server.wsUrl('/api/ws'));
  const { data } = await anonymous.waitFor((m) => m.type === 'status');
  assert.match(data.sid, /^[0-9a-f]{32}$/);
  anonymous.close();
});

test('feature_flags: the first message is answered, later ones are not', async () => {
  const ws = await connectWs(server.wsUrl() + '?clientId=flags');
  await ws.waitFor((m) => m.type === 'status');
  ws.socket.send('not json');
  ws.socket.send('[1]'); // not an object: ComfyUI fails on it before the first-message slot is used
  ws.socket.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } }));
  const reply = await ws.waitFor((m) => m.type === 'feature_flags');
  assert.deepEqual(reply.data, { supports_preview_metadata: true, max_upload_size: 104857600, extension: { manager: { supports_v4: true } } });
  ws.socket.send(JSON.stringify({ type: 'feature_flags', data: {} }));
  await sleep(100);
  assert.equal(ws.messages.filter((m) => m.type === 'feature_flags').length, 1);
  ws.close();
});

test('a run sends the prompt events to its client, in order', async () => {
  const ws = await connectWs(server.wsUrl() + '?clientId=runner');
  const id = await submit({ prompt: sleepWorkflow(5, 40, 2), client_id: 'runner' });
  await ws.done(id);
  const mine = ws.messages.filter((m) => m.data?.prompt_id === id);
  const types = mine.map((m) => m.type);
  assert.equal(types[0], 'execution_start');
  assert.equal(types[1], 'execution_cached');
  const order = ['execution_start', 'execution_cached', 'executing', 'progress', 'executed', 'execution_success'];
  let last = -1;
  for (const type of order) {
    const at = types.indexOf(type, last + 1);
    assert.ok(at > last, `${type} after position ${last} in ${types.join(',')}`);
    last = at;
  }
  const executed = mine.find((m) => m.type === 'executed')!;
  assert.deepEqual(executed.data.output, { text: ['5'] });
  assert.deepEqual(mine.at(-1), { type: 'executing', data: { node: null, prompt_id: id } });
  assert.ok(ws.messages.filter((m) => m.type === 'status').length >= 3, 'queue changes are broadcast');
  ws.close();
});

test('without client_id only broadcast events reach other sockets', async () => {
  const watcher = await connectWs(server.wsUrl() + '?clientId=watcher');
  const id = await submit({ prompt: sleepWorkflow(6, 40, 2) });
  await server.engine.waitFor(id);
  await sleep(50);
  const types = new Set(watcher.messages.filter((m) => m.data?.prompt_id === id).map((m) => m.type));
  assert.ok(types.has('progress'), 'progress is broadcast');
  assert.ok(!types.has('execution_start') && !types.has('executed') && !types.has('execution_success'));
  watcher.close();
});

test('reconnecting with the same clientId replays the executing node', async () => {
  const first = await connectWs(server.wsUrl() + '?clientId=bob');
  const id = await submit({ prompt: sleepWorkflow(7, 1500, 15), client_id: 'bob' });
  await first.waitFor((m) => m.type === 'progress' && m.data.prompt_id === id);
  first.socket.terminate();
  const second = await connectWs(server.wsUrl() + '?clientId=bob');
  await second.waitFor((m) => m.type === 'executing');
  assert.deepEqual(second.messages[0]!.data.sid, 'bob');
  assert.deepEqual(second.messages[1], { type: 'executing', data: { node: '1' } });
  await second.done(id);
  assert.ok(second.messages.some((m) => m.type === 'executed' && m.data.prompt_id === id), 'events follow the new socket');
  second.close();
});

function frameTypes(frames: Buffer[]): number[] {
  return frames.map((f) => f.readUInt32BE(0));
}

test('previews are type 4 for clients that declared supports_preview_metadata, else type 1', async () => {
  const modern = await connectWs(server.wsUrl() + '?clientId=modern');
  modern.socket.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } }));
  await modern.waitFor((m) => m.type === 'feature_flags');
  const legacy = await connectWs(server.wsUrl() + '?clientId=legacy');

  const a = await submit({ prompt: sleepWorkflow(8, 20, 2, { preview: true }), client_id: 'modern' });
  await modern.done(a);
  const b = await submit({ prompt: sleepWorkflow(9, 20, 2, { preview: true }), client_id: 'legacy' });
  await legacy.done(b);

  assert.deepEqual(frameTypes(modern.binary), [4, 4]);
  const meta = JSON.parse(modern.binary[0]!.subarray(8, 8 + modern.binary[0]!.readUInt32BE(4)).toString());
  assert.equal(meta.prompt_id, a);
  assert.equal(meta.node_id, '1');
  assert.equal(meta.image_type, 'image/jpeg');
  assert.deepEqual(frameTypes(legacy.binary), [1, 1]);
  assert.equal(legacy.binary[0]!.readUInt32BE(4), 1, 'format 1 = JPEG');
  // ComfyUI 0.8.0's order per step: the type-4 preview goes before `progress`, the type-1 preview after it.
  const aroundPreviews = (sequence: string[]) => sequence.flatMap((s, i) => (s.startsWith('binary') ? [sequence.slice(i - 1, i + 2)] : []));
  assert.deepEqual(aroundPreviews(modern.sequence), Array(2).fill(['progress_state', 'binary 4', 'progress']));
  assert.deepEqual(aroundPreviews(legacy.sequence), Array(2).fill(['progress', 'binary 1', 'progress_state']));

  // Without a client_id the previews are broadcast, and as type 1 to everyone (ComfyUI asks no socket's flags).
  const [modernBefore, legacyBefore] = [modern.binary.length, legacy.binary.length];
  const c = await submit({ prompt: sleepWorkflow(10, 20, 2, { preview: true }) });
  await server.engine.waitFor(c);
  for (let i = 0; i < 100 && (modern.binary.length < modernBefore + 2 || legacy.binary.length < legacyBefore + 2); i++) await sleep(20);
  assert.deepEqual(frameTypes(modern.binary.slice(modernBefore)), [1, 1]);
  assert.deepEqual(frameTypes(legacy.binary.slice(legacyBefore)), [1, 1]);
  modern.close();
  legacy.close();
});

test('progress text frames (type 3) are forwarded', async () => {
  const ws = await connectWs(server.wsUrl() + '?clientId=texter');
  const id = await submit({ prompt: { '1': { class_type: 'TestText', inputs: { text: 'héllo' } } }, client_id: 'texter' });
  await ws.done(id);
  const frame = ws.binary.find((f) => f.readUInt32BE(0) === 3)!;
  assert.ok(frame, 'a text frame arrived');
  const idLength = frame.readUInt32BE(4);
  assert.equal(frame.subarray(8, 8 + idLength).toString(), '1');
  assert.equal(frame.subarray(8 + idLength).toString(), 'héllo');
  ws.close();
});

test('an idle socket gets a status at least every heartbeat', async () => {
  const ws = await connectWs(server.wsUrl() + '?clientId=idle');
  await sleep(1000);
  assert.ok(ws.messages.filter((m: WsMessage) => m.type === 'status').length >= 3);
  ws.close();
});

/** A WebSocket client that completes the handshake and then never reads. */
function stalledClient(port: number): Promise<import('node:net').Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `GET /ws?clientId=stalled HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
      socket.once('data', (data) => {
        if (!data.toString().startsWith('HTTP/1.1 101')) reject(new Error(data.toString()));
        socket.pause();
        resolve(socket);
      });
    });
    socket.on('error', () => {});
  });
}

test('a client that stops reading is disconnected and never delays the others', async () => {
  const stalled = await stalledClient(server.port);
  let closed = false;
  stalled.on('close', () => (closed = true));
  const good = await connectWs(server.wsUrl() + '?clientId=good');
  // 40 previews of 512 KiB, broadcast (no client_id): 20 MiB that the stalled socket never reads.
  const started = Date.now();
  const id = await submit({ prompt: sleepWorkflow(10, 400, 40, { preview: true, preview_kb: 512 }) });
  await server.engine.waitFor(id);
  assert.ok(Date.now() - started < 10_000, 'the run was not held up');
  for (let i = 0; i < 100 && good.binary.length < 40; i++) await sleep(50);
  assert.equal(good.binary.length, 40, 'the reading client got every preview');
  stalled.resume();
  for (let i = 0; i < 100 && !closed; i++) await sleep(50);
  assert.ok(closed, 'the stalled socket was closed by the server');
  good.close();
});
