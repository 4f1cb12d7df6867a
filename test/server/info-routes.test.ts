// The informational routes: /object_info, /system_stats, /features, /extensions, /internal/logs*, /api/jobs,
// /global_subgraphs, the web root, 404s and the /api mirror.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { outputsSummary } from '../../src/server/routes/jobs.ts';
import { connectWs, http, sleepWorkflow, startTestServer, type TestServer } from './helpers.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer([], {
    beforeStart(baseDir) {
      const pack = join(baseDir, 'custom_nodes', 'test_nodes');
      mkdirSync(join(pack, 'subgraphs'), { recursive: true });
      writeFileSync(join(pack, 'subgraphs', 'My Blueprint.json'), '{"nodes": []}');
      // Hidden names, which ComfyUI's glob skips: a dot-file, and a pack folder starting with a dot.
      writeFileSync(join(pack, 'subgraphs', '.hidden.json'), '{}');
      mkdirSync(join(baseDir, 'custom_nodes', '.hidden_pack', 'subgraphs'), { recursive: true });
      writeFileSync(join(baseDir, 'custom_nodes', '.hidden_pack', 'subgraphs', 'h.json'), '{}');
      mkdirSync(join(pack, 'web', 'js'), { recursive: true });
      writeFileSync(join(pack, 'web', 'js', 'ext.js'), 'console.log("hi")');
    },
  });
});
after(async () => server.close());

const get = (path: string) => http(server, 'GET', path);

test('/object_info lists every node, /object_info/{class} one or none', async () => {
  const all = await get('/object_info');
  assert.equal(all.status, 200);
  const info = all.json();
  assert.ok('SaveImage' in info && 'TestSleep' in info);
  assert.equal(info.TestSleep.python_module, 'custom_nodes.test_nodes');
  assert.deepEqual(info.TestSleep.input.required.ms, ['INT', { default: 100, min: 0, max: 600000 }]);
  const one = await get('/api/object_info/TestSleep');
  assert.deepEqual(Object.keys(one.json()), ['TestSleep']);
  assert.deepEqual(one.json().TestSleep, info.TestSleep);
  assert.deepEqual((await get('/object_info/NoSuchNode')).json(), {});
  // One node's entry is the same as in the full list, file lists read from the disk included.
  writeFileSync(join(server.baseDir, 'input', 'listed.png'), '');
  const full = (await get('/object_info')).json().LoadImage;
  assert.ok(full.input.required.image[0].includes('listed.png'));
  assert.deepEqual((await get('/object_info/LoadImage')).json().LoadImage, full);
});

test('/system_stats has ComfyUI\'s shape with Node.js and ONNX Runtime versions', async () => {
  const stats = (await get('/system_stats')).json();
  assert.deepEqual(Object.keys(stats), ['system', 'devices']);
  const s = stats.system;
  assert.equal(s.os, process.platform);
  assert.equal(s.comfyui_version, '0.8.0');
  assert.equal(s.required_frontend_version, '1.35.9');
  assert.match(s.python_version, /^Node\.js v\d+/);
  assert.match(s.pytorch_version, /onnxruntime-node/);
  assert.equal(typeof s.ram_total, 'number');
  assert.equal(typeof s.ram_free, 'number');
  assert.equal(s.embedded_python, false);
  assert.ok(Array.isArray(s.argv));
  assert.equal(stats.devices.length, 1);
  const d = stats.devices[0];
  assert.deepEqual(Object.keys(d), ['name', 'type', 'index', 'vram_total', 'vram_free', 'torch_vram_total', 'torch_vram_free']);
  assert.equal(d.type, 'cpu');
});

test('/features is the server feature flags', async () => {
  const res = await get('/api/features');
  assert.equal(res.text, '{"supports_preview_metadata":true,"max_upload_size":104857600,"extension":{"manager":{"supports_v4":true}}}');
});

test('/extensions lists custom node scripts, which are served', async () => {
  const list = (await get('/extensions')).json();
  assert.deepEqual(list, ['/extensions/test_nodes/js/ext.js']);
  const script = await get('/extensions/test_nodes/js/ext.js');
  assert.equal(script.status, 200);
  assert.equal(script.text, 'console.log("hi")');
  assert.equal(script.headers['cache-control'], 'no-cache');
  assert.ok([403, 404].includes((await get('/extensions/test_nodes/../index.ts')).status), 'nothing outside the web directory');
  assert.ok([403, 404].includes((await get('/extensions/test_nodes/%2e%2e/index.ts')).status), 'nothing outside the web directory');
});

test('/internal/logs* and the logs subscription', async () => {
  const logs = await get('/internal/logs');
  assert.equal(logs.status, 200);
  assert.equal(typeof logs.json(), 'string');
  const raw = (await get('/internal/logs/raw')).json();
  assert.ok(Array.isArray(raw.entries));
  assert.deepEqual(Object.keys(raw.size), ['cols', 'rows']);
  assert.equal((await get('/api/internal/logs')).status, 404, '/internal is not mirrored');

  const ws = await connectWs(server.wsUrl() + '?clientId=log-reader');
  const sub = await http(server, 'PATCH', '/internal/logs/subscribe', { body: { clientId: 'log-reader', enabled: true } });
  assert.equal(sub.status, 200);
  server.logs.write('hello from the log\n');
  const event = await ws.waitFor((m) => m.type === 'logs');
  assert.deepEqual(event.data.entries.map((e: { m: string }) => e.m), ['hello from the log\n']);
  assert.match(event.data.entries[0].t, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
  assert.deepEqual(Object.keys(event.data.size), ['cols', 'rows']);
  assert.match((await get('/internal/logs')).json(), /hello from the log\n$/);
  ws.close();
  assert.equal((await http(server, 'PATCH', '/internal/logs/subscribe', { body: { enabled: true } })).status, 400);
});

test('/api/jobs lists queue and history with filters, sorting and paging', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await http(server, 'POST', '/prompt', { body: { prompt: sleepWorkflow(i, 1, 1), extra_data: { extra_pnginfo: { workflow: { id: `wf-${i % 2}` } } } } });
    ids.push(res.json().prompt_id);
    await server.engine.waitFor(res.json().prompt_id);
  }
  const failed = await http(server, 'POST', '/prompt', { body: { prompt: { '1': { class_type: 'TestFail', inputs: { value: 1 } }, '2': { class_type: 'TestShow', inputs: { value: ['1', 0] } } } } });
  await server.engine.waitFor(failed.json().prompt_id);

  const all = (await get('/api/jobs')).json();
  assert.equal(all.pagination.total, 4);
  assert.equal(all.pagination.has_more, false);
  assert.equal(all.pagination.limit, null);
  const job = all.jobs.find((j: { id: string }) => j.id === ids[0]);
  assert.equal(job.status, 'completed');
  assert.equal(job.outputs_count, 0, 'text items are not dicts, so they do not count');
  assert.equal(job.workflow_id, 'wf-0');
  assert.equal(typeof job.create_time, 'number');
  assert.ok(job.execution_end_time >= job.execution_start_time);
  assert.deepEqual(Object.keys(job), ['id', 'status', 'priority', 'create_time', 'execution_start_time', 'execution_end_time', 'outputs_count', 'workflow_id']);
  const failedJob = all.jobs.find((j: { id: string }) => j.id === failed.json().prompt_id);
  assert.equal(failedJob.status, 'failed');
  assert.match(failedJob.execution_error.exception_message, /boom from TestFail/);

  assert.equal((await get('/api/jobs?status=failed')).json().jobs.length, 1);
  assert.equal((await get('/api/jobs?workflow_id=wf-0')).json().jobs.length, 2);
  // As aiohttp reads them: an empty status list matches nothing, an empty workflow_id filters nothing, and a
  // repeated parameter counts by its first value.
  assert.equal((await get('/api/jobs?status=,')).json().pagination.total, 0);
  assert.equal((await get('/api/jobs?status=')).json().pagination.total, 4);
  assert.equal((await get('/api/jobs?workflow_id=')).json().pagination.total, 4);
  assert.equal((await get('/api/jobs?status=failed&status=x')).json().jobs.length, 1);
  assert.equal((await get('/api/jobs?workflow_id=wf-0&workflow_id=wf-1')).json().jobs.length, 2);
  assert.equal((await get('/api/jobs?limit=1&limit=x&sort_by=created_at&sort_by=x')).json().jobs.length, 1);
  const page = (await get('/api/jobs?limit=2&offset=1&sort_order=asc')).json();
  assert.equal(page.jobs.length, 2);
  assert.deepEqual(page.pagination, { offset: 1, limit: 2, total: 4, has_more: true });
  assert.equal((await get('/api/api/jobs')).status, 200);
  assert.equal((await get('/jobs')).status, 404);

  const bad: [string, string][] = [
    ['status=done', 'Invalid status value(s): done. Valid values: pending, in_progress, completed, failed'],
    ['sort_by=name', "sort_by must be 'created_at' or 'execution_duration'"],
    ['sort_order=up', "sort_order must be 'asc' or 'desc'"],
    ['limit=0', 'limit must be a positive integer'],
    ['limit=x', 'limit must be an integer'],
    ['offset=x', 'offset must be an integer'],
  ];
  for (const [query, error] of bad) {
    const res = await get(`/api/jobs?${query}`);
    assert.equal(res.status, 400, query);
    assert.deepEqual(res.json(), { error });
  }

  const detail = (await get(`/api/jobs/${ids[1]}`)).json();
  assert.equal(detail.id, ids[1]);
  assert.deepEqual(Object.keys(detail).slice(-3), ['outputs', 'execution_status', 'workflow']);
  assert.deepEqual(detail.workflow.prompt['1'].class_type, 'TestSleep');
  const missing = await get('/api/jobs/nope');
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.json(), { error: 'Job not found' });
});

test('outputsSummary prefers output images and skips `animated`', () => {
  const summary = outputsSummary({
    '1': { images: [{ filename: 'a.png', type: 'temp' }], animated: [true] },
    '2': { images: [{ filename: 'b.png', type: 'output' }, { filename: 'c.png', type: 'output' }], text: ['x'] as unknown[] },
  });
  assert.equal(summary.count, 3);
  assert.deepEqual(summary.preview, { filename: 'b.png', type: 'output', nodeId: '2', mediaType: 'images' });
});

test('/global_subgraphs lists custom node blueprints', async () => {
  const list = (await get('/global_subgraphs')).json();
  const ids = Object.keys(list);
  assert.equal(ids.length, 1);
  assert.match(ids[0]!, /^[0-9a-f]{64}$/);
  assert.deepEqual(list[ids[0]!], { source: 'custom_node', name: 'My Blueprint', info: { node_pack: 'custom_nodes.test_nodes' } });
  const one = (await get(`/api/global_subgraphs/${ids[0]}`)).json();
  assert.equal(one.data, '{"nodes": []}');
  const unknown = await get('/global_subgraphs/abc');
  assert.equal(unknown.status, 200);
  assert.equal(unknown.text, 'null');
});

test('/ and /api/ serve the front page; unknown paths are 404 text', async () => {
  for (const path of ['/', '/api/']) {
    const res = await get(path);
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
  }
  const missing = await get('/no/such/thing');
  assert.equal(missing.status, 404);
  assert.equal(missing.text, '404: Not Found');
  // A route parameter needs at least one character, as in aiohttp.
  for (const path of ['/history/', '/object_info/', '/global_subgraphs/', '/api/jobs/', '/userdata/', '/internal/files/']) {
    const res = await get(path);
    assert.equal(res.status, 404, path);
    assert.equal(res.text, '404: Not Found', path);
  }
});

test('the file routes are mounted under / and /api', async () => {
  assert.equal((await get('/models')).status, 200);
  assert.equal((await get('/api/models')).status, 200);
  assert.deepEqual((await get('/api/embeddings')).json(), []);
  assert.equal((await get('/internal/folder_paths')).status, 200);
});
