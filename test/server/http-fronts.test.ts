// HTTP front processes (--http-processes): connections opening with POST /prompt are shared between the main
// process and a front, which validates there and enqueues in the main process's engine. What a client sees must
// not depend on which process took its connection.
import assert from 'node:assert/strict';
import { Agent, request as httpRequest } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connectWs, http, sleep, sleepWorkflow, startTestServer, writeTestPng, type HttpResult, type TestServer } from './helpers.ts';

let server: TestServer;
const logged: string[] = [];
before(async () => {
  const log = (line: string) => void logged.push(line);
  const logger = { debug: log, info: log, warn: log, error: log, isEnabled: () => true };
  server = await startTestServer(['--http-processes', '1'], { logger });
  assert.equal(server.fronts!.ready().length, 1, 'the server is announced once its front is up');
});
after(async () => {
  await server.close();
});

/** A kept-alive connection (one socket for every request): `send` goes over it. */
function keptAlive(port = server.port) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const send = (method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) =>
    new Promise<HttpResult>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const data = Buffer.concat(chunks);
          const text = data.toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data, text, json: () => JSON.parse(text) });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}

/** POST /prompt on a connection of its own. */
async function postOnNewConnection(body: unknown): Promise<HttpResult> {
  const conn = keptAlive();
  try {
    return await conn.send('POST', '/prompt', JSON.stringify(body));
  } finally {
    conn.close();
  }
}

/** A kept-alive connection that a front took: its first request is a POST /prompt (answered no_prompt). */
async function frontConnection() {
  for (;;) {
    const before = server.fronts!.handedOver;
    const conn = keptAlive();
    const first = await conn.send('POST', '/prompt', '{}');
    assert.equal(first.json().error.type, 'no_prompt');
    if (server.fronts!.handedOver > before) return conn;
    conn.close(); // the main process's turn
  }
}

test('connections opening with POST /prompt are shared with the front, and its prompts run like any other', async () => {
  const handed = server.fronts!.handedOver;
  const answers: HttpResult[] = [];
  for (let i = 0; i < 10; i++) answers.push(await postOnNewConnection({ prompt: sleepWorkflow(i, 1, 1), client_id: 'shared' }));
  assert.ok(server.fronts!.handedOver - handed >= 8, `a front took most of the connections: ${server.fronts!.handedOver - handed}`);
  const numbers = answers.map((a) => a.json().number);
  for (let i = 1; i < numbers.length; i++) assert.equal(numbers[i], numbers[i - 1] + 1, `numbers follow arrival: ${numbers}`);
  for (const a of answers) {
    assert.equal(a.status, 200);
    assert.deepEqual(Object.keys(a.json()), ['prompt_id', 'number', 'node_errors']);
    const entry = await server.engine.waitFor(a.json().prompt_id);
    assert.equal(entry.status.status_str, 'success');
  }
  const history = (await http(server, 'GET', `/history/${answers[9]!.json().prompt_id}`)).json();
  assert.deepEqual(Object.values(history as Record<string, { outputs: unknown }>)[0]!.outputs, { '2': { text: ['9'] } });
});

test('a front answers an invalid prompt exactly as the main process does, logs it first, and it takes a number', async () => {
  const conn = await frontConnection();
  const direct = await http(server, 'POST', '/prompt', { body: { prompt: { '1': { class_type: 'TestShow', inputs: { value: 'abc' } } } } });
  const viaFront = await conn.send('POST', '/prompt', JSON.stringify({ prompt: { '1': { class_type: 'TestShow', inputs: { value: 'abc' } } } }));
  assert.equal(viaFront.status, 400);
  const strip = (r: HttpResult) => JSON.stringify(r.json(), (k, v) => (k === 'traceback' ? undefined : v));
  assert.equal(strip(viaFront), strip(direct));
  assert.ok(logged.some((l) => l.startsWith('invalid prompt:')), 'the validation lines reach the main log before the answer');
  const before = (await conn.send('POST', '/prompt', JSON.stringify({ prompt: sleepWorkflow(1, 1, 1) }))).json().number;
  await conn.send('POST', '/prompt', JSON.stringify({ prompt: { '1': { class_type: 'NoSuchNode', inputs: {} } } }));
  const after = (await conn.send('POST', '/prompt', JSON.stringify({ prompt: sleepWorkflow(1, 1, 1), front: true }))).json().number;
  assert.equal(after, -(before + 2), 'the rejected prompt drew the counter; `front` negates it');
  const explicit = await conn.send('POST', '/prompt', JSON.stringify({ prompt: sleepWorkflow(1, 1, 1), number: 5 }));
  assert.match(explicit.text, /"number":5\.0,/, 'an explicit number comes back as a float');
  conn.close();
  await server.engine.waitFor(explicit.json().prompt_id);
});

test('through a front, big integers stay exact and numeric node ids keep their sent order', async () => {
  const conn = await frontConnection();
  const ws = await connectWs(server.wsUrl() + '?clientId=front-order');
  const body =
    '{"client_id": "front-order", "extra_data": {"seed": 18446744073709551615}, "prompt": {' +
    '"10": {"class_type": "TestSleep", "inputs": {"value": 5, "ms": 1, "steps": 1}}, ' +
    '"9": {"class_type": "TestShow", "inputs": {"value": ["10", 0]}}, "2": {"class_type": "TestShow", "inputs": {"value": ["10", 0]}}}}';
  const ids: string[] = [];
  for (let run = 0; run < 2; run++) {
    const id = (await conn.send('POST', '/prompt', body)).json().prompt_id;
    ids.push(id);
    const cached = await ws.waitFor((m) => m.type === 'execution_cached' && m.data.prompt_id === id);
    if (run === 1) assert.deepEqual(cached.data.nodes, ['10', '9', '2']);
    await ws.done(id);
  }
  ws.close();
  const history = await conn.send('GET', `/history/${ids[1]}`);
  assert.match(history.text, /"seed":18446744073709551615[,}]/);
  conn.close();
});

test("any other request on a front's connection reaches the main server (files, uploads, errors), and closes it", async () => {
  /** The request on a connection a front took (a new one each time: the answer closes it). */
  const viaFront = async (method: string, path: string, body?: string | Buffer, headers?: Record<string, string>) => {
    const conn = await frontConnection();
    try {
      const res = await conn.send(method, path, body, headers);
      assert.equal(res.headers.connection, 'close', `${method} ${path}`);
      return res;
    } finally {
      conn.close();
    }
  };
  assert.deepEqual((await viaFront('GET', '/prompt')).json(), { exec_info: { queue_remaining: 0 } });
  assert.equal((await viaFront('GET', '/no/such/route')).status, 404);
  const png = await writeTestPng(server.paths.inputDir, 'front-upload-source.png');
  const boundary = 'frontboundary';
  const form = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="via-front.png"\r\nContent-Type: image/png\r\n\r\n`),
    png,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const upload = await viaFront('POST', '/upload/image', form, { 'content-type': `multipart/form-data; boundary=${boundary}` });
  assert.deepEqual(upload.json(), { name: 'via-front.png', subfolder: '', type: 'input' });
  const view = await viaFront('GET', '/view?filename=via-front.png&type=input');
  assert.equal(view.status, 200);
  assert.deepEqual(view.body, png);
  // As the main server answers it: nothing on the way normalises or refuses the URL.
  const traversal = await viaFront('GET', '/view?filename=../secret&type=input');
  assert.deepEqual([traversal.status, traversal.text], [400, 'Invalid filename']);
  const foreign = await viaFront('GET', '/queue', undefined, { host: 'attacker.example' });
  assert.equal(foreign.status, 403, 'the Host header reaches the gate as the client sent it');

  // A kept-alive client goes on over a new connection, which its first request routes.
  const conn = await frontConnection();
  const handed = server.fronts!.handedOver;
  for (let i = 0; i < 3; i++) assert.equal((await conn.send('GET', '/queue')).status, 200);
  assert.equal(server.fronts!.handedOver, handed);
  conn.close();

  // A WebSocket upgrade on such a connection is passed through as it came.
  const prompt = JSON.stringify({ prompt: { bad: {} } });
  let opened = false;
  // Until a front takes the connection (the main process has one turn in nine).
  for (let i = 0; i < 9 && !opened; i++) {
    const before = server.fronts!.handedOver;
    const probe = connect(server.port, '127.0.0.1');
    const probeText = collect(probe);
    probe.write(`POST /prompt HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Length: ${prompt.length}\r\n\r\n${prompt}`);
    await until(() => probeText().includes('invalid_prompt'));
    if (server.fronts!.handedOver > before) {
      probe.write(`GET /ws?clientId=through-front HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
      await until(() => probeText().includes('"sid":"through-front"'));
      assert.match(probeText(), /HTTP\/1\.1 101 Switching Protocols/);
      opened = true;
    }
    probe.destroy();
  }
  assert.ok(opened);
});

test('a body sent after the headers, in a later packet, reaches the front whole', async () => {
  for (let i = 0; i < 9; i++) {
    const socket = connect(server.port, '127.0.0.1');
    const text = collect(socket);
    const body = JSON.stringify({ prompt: sleepWorkflow(i, 1, 1) });
    socket.write(`POST /prompt HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    await sleep(30);
    socket.write(body.slice(0, 10));
    await sleep(30);
    socket.write(body.slice(10));
    await until(() => text().includes('"node_errors"'));
    assert.match(text(), /^HTTP\/1\.1 200 OK/);
    socket.destroy();
  }
});

test('a front that dies is replaced; meanwhile the main process serves every connection', async () => {
  const [pid] = server.fronts!.pids();
  process.kill(pid!, 'SIGKILL');
  await until(() => !server.fronts!.pids().includes(pid!));
  for (let i = 0; i < 3; i++) assert.equal((await postOnNewConnection({ prompt: sleepWorkflow(i, 1, 1) })).status, 200);
  await until(() => server.fronts!.ready().length === 1, 30_000); // a second's pause, then the new one loads the nodes
  assert.notEqual(server.fronts!.pids()[0], pid);
  const handed = server.fronts!.handedOver;
  for (let i = 0; i < 9; i++) assert.equal((await postOnNewConnection({ prompt: sleepWorkflow(i, 1, 1) })).status, 200);
  assert.ok(server.fronts!.handedOver > handed, 'the new front takes connections');
});

test('closing the server does not wait for connections a front holds', async () => {
  const other = await startTestServer(['--http-processes', '1']);
  const held: Socket[] = [];
  for (let i = 0; i < 3; i++) {
    const socket = connect(other.port, '127.0.0.1');
    const text = collect(socket);
    socket.write(`POST /prompt HTTP/1.1\r\nHost: 127.0.0.1:${other.port}\r\nContent-Length: 2\r\n\r\n{}`);
    await until(() => text().includes('no_prompt'));
    held.push(socket);
  }
  const started = Date.now();
  await other.close();
  assert.ok(Date.now() - started < 8000, `closed in ${Date.now() - started} ms`);
  for (const s of held) s.destroy();
});

test('a front that cannot start leaves its share to the main process, which says so', async () => {
  const lines: string[] = [];
  const log = (line: string) => void lines.push(line);
  const broken = await startTestServer(['--http-processes', '1'], {
    logger: { debug: log, info: log, warn: log, error: log, isEnabled: () => true },
    // A custom node that ends any front process loading it (and only those).
    beforeStart: (base) => {
      mkdirSync(join(base, 'custom_nodes', 'front_killer'), { recursive: true });
      writeFileSync(
        join(base, 'custom_nodes', 'front_killer', 'index.mjs'),
        "if (process.argv[1]?.endsWith('front-process.ts')) process.exit(3);\nexport const nodes = [];\n",
      );
    },
  });
  try {
    assert.equal(broken.fronts!.ready().length, 0);
    assert.ok(lines.some((l) => /HTTP front process \d+ failed to start \(code 3\); serving without it/.test(l)), lines.join('\n'));
    for (let i = 0; i < 3; i++) {
      const conn = keptAlive(broken.port);
      assert.equal((await conn.send('POST', '/prompt', JSON.stringify({ prompt: sleepWorkflow(i, 1, 1) }))).status, 200);
      conn.close();
    }
    await sleep(1500);
    assert.equal(broken.fronts!.pids().length, 0, 'not started again and again');
  } finally {
    await broken.close();
  }
});

test('--http-processes 0 serves everything in the one process', async () => {
  const single = await startTestServer(['--http-processes', '0']);
  try {
    assert.equal(single.fronts, undefined);
    const res = await http(single, 'POST', '/prompt', { body: { prompt: sleepWorkflow(1, 1, 1) } });
    assert.equal(res.status, 200);
    await single.engine.waitFor(res.json().prompt_id);
  } finally {
    await single.close();
  }
});

function collect(socket: Socket): () => string {
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.on('error', () => {});
  return () => text;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(10);
  }
}
