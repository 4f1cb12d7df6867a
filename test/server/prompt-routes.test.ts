// POST/GET /prompt, /queue, /history, /interrupt, /free on a real server: status codes, bodies, leniency,
// big integers, bad JSON, the /api mirror.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { readPngText } from '../../src/imaging/png-text.ts';
import { connectWs, http, sleep, sleepWorkflow, startTestServer, type TestServer } from './helpers.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  http(server, 'POST', path, { body, headers });

async function runToEnd(prompt: unknown, extra: Record<string, unknown> = {}) {
  const res = await post('/prompt', { prompt, ...extra });
  assert.equal(res.status, 200, res.text);
  const { prompt_id: id } = res.json();
  await server.engine.waitFor(id);
  return id as string;
}

test('GET /prompt reports the queue', async () => {
  for (const path of ['/prompt', '/api/prompt']) {
    const res = await http(server, 'GET', path);
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.deepEqual(res.json(), { exec_info: { queue_remaining: 0 } });
  }
});

test('POST /prompt queues a valid prompt and answers prompt_id, number, node_errors', async () => {
  const res = await post('/prompt', { prompt: sleepWorkflow(1, 1, 1), client_id: 'abc' });
  assert.equal(res.status, 200);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['prompt_id', 'number', 'node_errors']);
  assert.match(body.prompt_id, /^[0-9a-f-]{36}$/);
  assert.equal(typeof body.number, 'number');
  assert.deepEqual(body.node_errors, {});
  const entry = await server.engine.waitFor(body.prompt_id);
  assert.equal(entry.status.status_str, 'success');
});

test('the body is JSON whatever the Content-Type says', async () => {
  for (const headers of [{ 'content-type': 'text/plain;charset=UTF-8' }, { 'content-type': 'application/x-www-form-urlencoded' }, {}] as Record<string, string>[]) {
    const res = await post('/api/prompt', { prompt: sleepWorkflow(2, 1, 1) }, headers);
    assert.equal(res.status, 200, `${JSON.stringify(headers)}: ${res.text}`);
  }
});

test('an explicit prompt_id is used and an explicit number is echoed as a float', async () => {
  const res = await http(server, 'POST', '/prompt', { body: `{"prompt": ${JSON.stringify(sleepWorkflow(3, 1, 1))}, "prompt_id": "my-id-1", "number": 5}` });
  assert.equal(res.status, 200, res.text);
  assert.match(res.text, /"number":5\.0/);
  assert.equal(res.json().prompt_id, 'my-id-1');
  await server.engine.waitFor('my-id-1');
});

test('bad JSON and non-object bodies are 400 with a ComfyUI-shaped error', async () => {
  for (const body of ['{"prompt": ', 'not json', '']) {
    const res = await http(server, 'POST', '/prompt', { body, headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 400, `body ${JSON.stringify(body)}`);
    const json = res.json();
    assert.equal(json.error.type, 'invalid_json');
    assert.equal(typeof json.error.message, 'string');
    assert.equal(typeof json.error.details, 'string');
    assert.deepEqual(json.error.extra_info, {});
    assert.deepEqual(json.node_errors, {});
  }
  // Each still takes a queue number, as ComfyUI's handler counts before it looks for a prompt.
  const numberNow = async () => (await post('/prompt', { prompt: sleepWorkflow(1, 1, 1) })).json().number as number;
  const before = await numberNow();
  for (const body of ['[1,2]', '"text"', '42', 'null']) {
    const res = await http(server, 'POST', '/prompt', { body });
    assert.equal(res.status, 400, body);
    assert.deepEqual(res.json(), { error: { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} }, node_errors: {} });
  }
  assert.equal(await numberNow(), before + 5);
  // Nesting deep enough to overflow a writer (an error echoing the input) is refused up front.
  const deep = `{"prompt": {"1": {"class_type": "EmptyImage", "inputs": {"width": ${'['.repeat(5000)}0${']'.repeat(5000)}}}}}`;
  const refused = await http(server, 'POST', '/prompt', { body: deep });
  assert.equal(refused.status, 400);
  assert.equal(refused.json().error.type, 'invalid_json');
  assert.match(refused.json().error.details, /nested deeper than 512 levels/);
  // An empty list for a prompt is an empty prompt: no outputs.
  assert.equal((await post('/prompt', { prompt: [] })).json().error.type, 'prompt_no_outputs');
});

test('numeric node ids keep the order they were sent in (ComfyUI iterates the prompt dict as sent)', async () => {
  // Written by hand: JSON.stringify would put "9" before "10".
  const bad = await http(server, 'POST', '/prompt', { body: '{"prompt": {"10": {"class_type": "Bar", "inputs": {}}, "9": {"class_type": "Foo", "inputs": {}}}}' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json().error.details, "Node ID '#10'", 'the first node sent is the one reported');

  const ws = await connectWs(server.wsUrl() + '?clientId=ordered');
  const body = '{"client_id": "ordered", "prompt": {"10": {"class_type": "TestSleep", "inputs": {"value": 5, "ms": 1, "steps": 1}}, ' +
    '"9": {"class_type": "TestShow", "inputs": {"value": ["10", 0]}}, "2": {"class_type": "TestShow", "inputs": {"value": ["10", 0]}}}}';
  for (let run = 0; run < 2; run++) {
    const id = (await http(server, 'POST', '/prompt', { body })).json().prompt_id;
    const cached = await ws.waitFor((m) => m.type === 'execution_cached' && m.data.prompt_id === id);
    if (run === 1) assert.deepEqual(cached.data.nodes, ['10', '9', '2']);
    await ws.done(id);
  }
  ws.close();
});

test('/queue, /history, /api/jobs and the PNG prompt chunk write numeric ids in the sent order, outputs in the run order', async () => {
  const blocker = await post('/prompt', { prompt: sleepWorkflow(13, 300, 3) });
  for (let i = 0; i < 100 && server.engine.currentlyExecuting()?.promptId !== blocker.json().prompt_id; i++) await sleep(10);
  // Written by hand: JSON.stringify would put "2" before "9" before "10" before "20".
  const body = '{"prompt": {"20": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}}, ' +
    '"10": {"class_type": "TestSleep", "inputs": {"value": 5, "ms": 1, "steps": 1}}, ' +
    '"9": {"class_type": "TestShow", "inputs": {"value": ["10", 0]}}, ' +
    '"2": {"class_type": "SaveImage", "inputs": {"images": ["20", 0], "filename_prefix": "ordered"}}}}';
  const id = (await http(server, 'POST', '/prompt', { body })).json().prompt_id;
  const sentOrder = /\{"20":\{"class_type":"EmptyImage".*\},"10":\{.*\},"9":\{.*\},"2":\{"class_type":"SaveImage"/;
  const queued = (await http(server, 'GET', '/queue')).text;
  assert.match(queued, sentOrder);
  assert.equal(JSON.parse(queued).queue_pending[0][2]['20'].class_type, 'EmptyImage');
  await server.engine.waitFor(id);

  const history = (await http(server, 'GET', `/history/${id}`)).text;
  assert.match(history, sentOrder);
  // Output nodes run in the sent order: TestShow "9", then SaveImage "2".
  assert.match(history, /"outputs":\{"9":\{"text":\["5"\]\},"2":\{"images":/);
  assert.match(history, /"meta":\{"9":\{.*\},"2":\{/);
  assert.deepEqual(Object.keys(JSON.parse(history)[id].outputs).sort(), ['2', '9']);
  assert.match((await http(server, 'GET', '/history?max_items=1')).text, sentOrder);
  const job = (await http(server, 'GET', `/api/jobs/${id}`)).text;
  assert.match(job, sentOrder);
  assert.match(job, /"outputs":\{"9":/);

  const png = readFileSync(path.join(server.baseDir, 'output', 'ordered_00001_.png'));
  assert.match(readPngText(png).prompt!, /^\{"20": \{"class_type": "EmptyImage".*\}, "10": \{.*\}, "9": \{.*\}, "2": \{"class_type": "SaveImage"/);
});

test('a missing prompt is no_prompt; an invalid one gets node_errors', async () => {
  const missing = await post('/prompt', { client_id: 'x' });
  assert.equal(missing.status, 400);
  assert.deepEqual(missing.json(), {
    error: { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} },
    node_errors: {},
  });
  const invalid = await post('/prompt', { prompt: { '1': { class_type: 'NoSuchNode', inputs: {} } } });
  assert.equal(invalid.status, 400);
  assert.equal(invalid.json().error.type, 'invalid_prompt');
  const wrongType = await post('/prompt', { prompt: { '1': { class_type: 'TestShow', inputs: { value: 'abc' } } } });
  assert.equal(wrongType.status, 400);
  const body = wrongType.json();
  assert.equal(body.error.type, 'prompt_outputs_failed_validation');
  assert.equal(body.node_errors['1'].class_type, 'TestShow');
  for (const prompt of ['a string', [1, 2], 7]) {
    const res = await post('/prompt', { prompt });
    assert.equal(res.status, 400, JSON.stringify(prompt));
    assert.equal(typeof res.json().error.type, 'string');
  }
  const badClient = await post('/prompt', { prompt: sleepWorkflow(1, 1, 1), client_id: 12, extra_data: 'x', front: 'yes' });
  assert.ok(badClient.status === 200 || badClient.status === 400, badClient.text);
});

test('seeds up to 2^64-1 travel without losing a digit', async () => {
  const seed = '18446744073709551615';
  const text = `{"prompt": {"1": {"class_type": "TestSleep", "inputs": {"value": ${seed}, "ms": 1, "steps": 1}}, "2": {"class_type": "TestShow", "inputs": {"value": ["1", 0]}}}}`;
  const res = await http(server, 'POST', '/prompt', { body: text });
  assert.equal(res.status, 200, res.text);
  const id = res.json().prompt_id;
  await server.engine.waitFor(id);
  const history = await http(server, 'GET', `/history/${id}`);
  assert.ok(history.text.includes(`"value":${seed}`), 'the prompt in history keeps the exact seed');
  assert.ok(history.text.includes(`"text":["${seed}"]`), 'the node saw the exact value');
});

test('GET /queue lists running and pending items as 5-element arrays', async () => {
  const blocker = await post('/prompt', { prompt: sleepWorkflow(10, 400, 4) });
  const pending = await post('/prompt', { prompt: sleepWorkflow(11, 1, 1) });
  for (let i = 0; i < 100 && server.engine.currentlyExecuting()?.promptId !== blocker.json().prompt_id; i++) await sleep(10);
  const res = await http(server, 'GET', '/queue');
  assert.equal(res.status, 200);
  const { queue_running: running, queue_pending: queued } = res.json();
  assert.equal(running.length, 1);
  assert.equal(running[0][1], blocker.json().prompt_id);
  assert.equal(running[0].length, 5);
  assert.ok(queued.some((item: unknown[]) => item[1] === pending.json().prompt_id));
  const remaining = await http(server, 'GET', '/prompt');
  assert.ok(remaining.json().exec_info.queue_remaining >= 2);

  // delete the pending one, then clear (running unaffected)
  const del = await post('/queue', { delete: [pending.json().prompt_id, 'unknown-id', 5] });
  assert.equal(del.status, 200);
  assert.equal(del.body.length, 0);
  assert.ok(!(await http(server, 'GET', '/queue')).json().queue_pending.some((i: unknown[]) => i[1] === pending.json().prompt_id));
  await post('/prompt', { prompt: sleepWorkflow(12, 1, 1) });
  assert.equal((await post('/api/queue', { clear: true })).status, 200);
  const after = (await http(server, 'GET', '/queue')).json();
  assert.equal(after.queue_pending.length, 0);
  assert.equal(after.queue_running.length, 1);
  await server.engine.waitFor(blocker.json().prompt_id);
});

test('POST /queue and /history reject malformed bodies with 400', async () => {
  for (const path of ['/queue', '/history']) {
    assert.equal((await http(server, 'POST', path, { body: '{oops' })).status, 400);
    assert.equal((await post(path, [1])).status, 400);
    assert.equal((await post(path, { delete: 'abc' })).status, 400);
    assert.equal((await post(path, {})).status, 200);
  }
});

test('history: paging, one entry, delete, clear', async () => {
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push(await runToEnd(sleepWorkflow(100 + i, 1, 1)));
  const all = (await http(server, 'GET', '/history')).json();
  for (const id of ids) assert.ok(id in all);
  const last2 = Object.keys((await http(server, 'GET', '/history?max_items=2')).json());
  assert.deepEqual(last2, ids.slice(1));
  const res = await http(server, 'GET', `/history?max_items=1&offset=${Object.keys(all).indexOf(ids[0]!)}&unknown=1`);
  assert.deepEqual(Object.keys(res.json()), [ids[0]]);
  assert.equal((await http(server, 'GET', '/history?max_items=abc')).status, 400);
  assert.equal((await http(server, 'GET', '/history?offset=1.5')).status, 400);

  const one = await http(server, 'GET', `/api/history/${ids[1]}`);
  assert.equal(one.status, 200);
  const entry = one.json()[ids[1]!];
  assert.deepEqual(Object.keys(entry).sort(), ['meta', 'outputs', 'prompt', 'status']);
  assert.equal(entry.status.status_str, 'success');
  assert.deepEqual((await http(server, 'GET', '/history/nope')).json(), {});

  assert.equal((await post('/history', { delete: [ids[1]] })).status, 200);
  assert.deepEqual((await http(server, 'GET', `/history/${ids[1]}`)).json(), {});
  assert.equal((await post('/history', { clear: true })).status, 200);
  assert.deepEqual((await http(server, 'GET', '/history')).json(), {});
});

/**
 * A client in a process of its own (this process serves the prompt and is held by the busy node): connects as
 * `busy`, queues the prompt, sends the interrupt (on a new connection) as soon as node 1 starts, and prints the
 * `execution_interrupted` data.
 */
const BUSY_CLIENT = `
import WebSocket from ${JSON.stringify(createRequire(import.meta.url).resolve('ws'))};
const [base, prompt] = [process.argv[1], JSON.parse(process.argv[2])];
const ws = new WebSocket(base.replace('http', 'ws') + '/ws?clientId=busy');
await new Promise((resolve) => ws.once('open', resolve));
const post = (path, body) => fetch(base + path, { method: 'POST', body: JSON.stringify(body), headers: { connection: 'close' } });
let id = null;
ws.on('message', async (data, binary) => {
  if (binary) return;
  const m = JSON.parse(data.toString());
  if (m.type === 'executing' && m.data.node === '1') await post('/interrupt', { prompt_id: m.data.prompt_id });
  if (m.type === 'execution_interrupted') { console.log(JSON.stringify(m.data)); process.exit(0); }
});
id = (await (await post('/prompt', { prompt, client_id: 'busy' })).json()).prompt_id;
`;

test('an interrupt sent while a node holds the thread stops the prompt before its next node', async () => {
  // ComfyUI answers HTTP on its own thread while a node runs and checks the flag before each node. Here the
  // request waits for the busy node; the engine then turns the event loop (a new connection needs two turns:
  // accept, then read) before it starts the next node.
  const prompt = {
    '1': { class_type: 'TestBusy', inputs: { value: 3, ms: 1500 } },
    '2': { class_type: 'TestBusy', inputs: { value: ['1', 0], ms: 200 } },
    '3': { class_type: 'TestShow', inputs: { value: ['2', 0] } },
  };
  const child = spawn(process.execPath, ['--input-type=module', '-e', BUSY_CLIENT, server.url, JSON.stringify(prompt)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  assert.equal(await new Promise((resolve) => child.once('exit', resolve)), 0);
  const interrupted = JSON.parse(out);
  assert.equal(interrupted.node_id, '2');
  assert.deepEqual(interrupted.executed, ['1']);
});

test('POST /interrupt stops the running prompt; any body is fine', async () => {
  const ws = await connectWs(server.wsUrl() + '?clientId=interrupter');
  const res = await post('/prompt', { prompt: sleepWorkflow(7, 2000, 20), client_id: 'interrupter' });
  const id = res.json().prompt_id;
  await ws.waitFor((m) => m.type === 'progress' && m.data.prompt_id === id);
  assert.equal((await http(server, 'POST', '/interrupt', { body: '{not json' })).status, 200);
  // a prompt id that is not running does nothing; the global interrupt (empty body) stops it
  assert.equal((await post('/interrupt', { prompt_id: 'someone-else' })).status, 200);
  assert.equal((await http(server, 'POST', '/api/interrupt')).status, 200);
  const interrupted = await ws.waitFor((m) => m.type === 'execution_interrupted' && m.data.prompt_id === id);
  assert.equal(interrupted.data.node_type, 'TestSleep');
  const entry = await server.engine.waitFor(id);
  assert.equal(entry.status.status_str, 'error');
  ws.close();
});

test('POST /interrupt with the running prompt id stops it', async () => {
  const res = await post('/prompt', { prompt: sleepWorkflow(8, 2000, 20) });
  const id = res.json().prompt_id;
  for (let i = 0; i < 100 && server.engine.currentlyExecuting()?.promptId !== id; i++) await sleep(10);
  assert.equal((await post('/interrupt', { prompt_id: id })).status, 200);
  const entry = await server.engine.waitFor(id);
  assert.equal(entry.status.status_str, 'error', 'interrupted before the node could finish');
});

test('POST /free accepts its flags and anything else', async () => {
  assert.equal((await post('/free', { unload_models: true })).status, 200);
  assert.equal((await post('/api/free', { free_memory: true })).status, 200);
  assert.equal((await http(server, 'POST', '/free')).status, 200);
  assert.equal((await http(server, 'POST', '/free', { body: '{x' })).status, 400);
});

test('no body, however odd, gets a 500 or brings the server down', async () => {
  const deep = '['.repeat(200_000) + ']'.repeat(200_000);
  const bodies: unknown[] = [
    deep,
    '{"a":' + '1'.repeat(5000) + '}',
    '\u0000\u0001garbage',
    '{"prompt": {"1": {"class_type": "TestShow", "inputs": {"value": 1e999}}}}',
    '{"prompt": {"1": {"class_type": "TestShow", "inputs": {"value": -99999999999999999999999999}}}}',
    { prompt: { '1': null } },
    { prompt: { '1': { class_type: 5, inputs: [] } } },
    { prompt: { '1': { class_type: 'TestShow', inputs: { value: ['1', 0] } } } },
    { prompt: { '1': { class_type: 'TestShow', inputs: { value: ['missing', 7] } } } },
    { prompt: sleepWorkflow(1, 1, 1), prompt_id: { x: 1 }, number: 'abc', front: {}, extra_data: [1], client_id: 5, partial_execution_targets: 'x' },
    { prompt: sleepWorkflow(1, 1, 1), partial_execution_targets: ['nope'] },
    { clear: 'yes', delete: [null, {}, 1] },
    { unload_models: [], free_memory: 'no', prompt_id: [] },
  ];
  const routes: [string, string][] = [
    ['POST', '/prompt'],
    ['POST', '/queue'],
    ['POST', '/history'],
    ['POST', '/interrupt'],
    ['POST', '/free'],
    ['PATCH', '/internal/logs/subscribe'],
    ['POST', '/api/v1/prompts'],
  ];
  for (const [method, path] of routes) {
    for (const body of bodies) {
      const res = await http(server, method, path, { body });
      assert.ok(res.status < 500, `${method} ${path} ${String(typeof body === 'string' ? body : JSON.stringify(body)).slice(0, 80)} → ${res.status} ${res.text.slice(0, 200)}`);
    }
  }
  assert.equal((await http(server, 'GET', '/prompt')).status, 200);
  await sleep(300);
  while (server.engine.queueRemaining() > 0) await sleep(50);
});
