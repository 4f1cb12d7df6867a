// The blocking API of seed 000: POST /api/v1/prompts (JSON and multipart), its headers and status codes,
// GET /api/v1/prompts and GET /api/v1/images/{digest}.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { http, invertWorkflow, sleepWorkflow, startTestServer, writeTestPng, type TestServer } from './helpers.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer(['--max-queue-size', '2'], { beforeStart: (baseDir) => writeTestPng(join(baseDir, 'input'), 'blocking.png', 16, 8).then(() => {}) });
});
after(async () => server.close());

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

test('GET /api/v1/prompts is 404 before anything ran', async () => {
  assert.equal((await http(server, 'GET', '/api/v1/prompts')).status, 404);
});

test('POST /api/v1/prompts runs the prompt and answers with the image URLs', async () => {
  const prompt = invertWorkflow('blocking.png', 'blocking');
  const body = JSON.stringify(prompt);
  const res = await http(server, 'POST', '/api/v1/prompts', { body, headers: { 'content-type': 'application/json' } });
  assert.equal(res.status, 200, res.text);
  const digest = sha256(body);
  assert.equal(res.headers.digest, `SHA256=${digest}`);
  assert.equal(res.headers.location, `/api/v1/images/${digest}`);
  assert.match(String(res.headers['content-disposition']), /^filename=blocking_\d{5}_\.png$/);
  const { urls } = res.json();
  assert.equal(urls[0], `/api/v1/images/${digest}`);
  assert.match(urls[1], new RegExp(`^http://${server.host}/view\\?filename=blocking_\\d{5}_\\.png&subfolder=&type=output$`));

  const byDigest = await http(server, 'GET', urls[0]);
  assert.equal(byDigest.status, 200);
  assert.equal(byDigest.headers['content-type'], 'image/png');
  const viewed = await http(server, 'GET', urls[1].slice(`http://${server.host}`.length));
  assert.deepEqual(byDigest.body, viewed.body);
  const { data, info } = await sharp(byDigest.body).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height], [16, 8]);
  assert.equal(data[0], 255, 'the first pixel was red 0, inverted');

  const last = await http(server, 'GET', '/api/v1/prompts');
  assert.equal(last.status, 200);
  assert.deepEqual(last.json()['9'].class_type, 'SaveImage');
  assert.equal((await http(server, 'GET', '/api/v1/images/0000')).status, 404);

  // The same body again: every node is cached, and the answer is still the image.
  const again = await http(server, 'POST', '/api/v1/prompts', { body, headers: { 'content-type': 'application/json' } });
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(again.json().urls, urls);
});

test('the image is that of the last SaveImage in the prompt as sent', async () => {
  // "10" comes first in the text, "9" last (JSON.stringify would sort them, so the body is written by hand).
  const save = (prefix: string) => `{"class_type": "SaveImage", "inputs": {"images": ["8", 0], "filename_prefix": "${prefix}"}}`;
  const body = `{"10": ${save('sent_first')}, "8": {"class_type": "LoadImage", "inputs": {"image": "blocking.png"}}, "9": ${save('sent_last')}}`;
  const res = await http(server, 'POST', '/api/v1/prompts', { body, headers: { 'content-type': 'application/json' } });
  assert.equal(res.status, 200, res.text);
  assert.match(String(res.headers['content-disposition']), /^filename=sent_last_\d{5}_\.png$/);
});

test('`{"prompt": …}` bodies and Accept: image/png', async () => {
  const res = await http(server, 'POST', '/api/v1/prompts', {
    body: { prompt: invertWorkflow('blocking.png', 'wrapped') },
    headers: { accept: 'image/png' },
  });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers['content-type'], 'image/png');
  assert.deepEqual((await sharp(res.body).metadata()).width, 16);
});

test('multipart: the prompt field plus files saved into input/', async () => {
  const png = await writeTestPng(join(server.baseDir, 'scratch'), 'upload.png', 4, 4);
  const form = new FormData();
  form.append('prompt', JSON.stringify(invertWorkflow('posted.png', 'multipart')));
  form.append('files', new Blob([png], { type: 'image/png' }), 'posted.png');
  const res = await fetch(`${server.url}/api/v1/prompts`, { method: 'POST', body: form });
  assert.equal(res.status, 200, await res.clone().text());
  const { urls } = (await res.json()) as { urls: string[] };
  assert.match(urls[1]!, /filename=multipart_\d{5}_\.png/);
  assert.equal((await sharp(join(server.baseDir, 'input', 'posted.png')).metadata()).width, 4);

  // The OpenAPI text's own spelling of the type, `multipart/formdata`, is read as a form as well.
  const encoded = new Response(form);
  const type = encoded.headers.get('content-type')!.replace('multipart/form-data', 'multipart/formdata');
  const spelled = await fetch(`${server.url}/api/v1/prompts`, { method: 'POST', body: await encoded.arrayBuffer(), headers: { 'content-type': type } });
  assert.equal(spelled.status, 200, await spelled.clone().text());
});

test('a prompt without image output is 204; an invalid one 400; a failing one 500', async () => {
  const noImage = await http(server, 'POST', '/api/v1/prompts', { body: sleepWorkflow(1, 1, 1) });
  assert.equal(noImage.status, 204);
  // GET /api/v1/prompts is the last prompt that produced an image, not this one.
  const lastWithImage = Object.values((await http(server, 'GET', '/api/v1/prompts')).json()) as { class_type: string }[];
  assert.ok(lastWithImage.some((n) => n.class_type === 'SaveImage'));
  assert.ok(!lastWithImage.some((n) => n.class_type === 'TestSleep'));
  const invalid = await http(server, 'POST', '/api/v1/prompts', { body: { '1': { class_type: 'Nope', inputs: {} } } });
  assert.equal(invalid.status, 400);
  assert.equal(invalid.json().error.type, 'invalid_prompt');
  const empty = await http(server, 'POST', '/api/v1/prompts', { body: '{}' });
  assert.equal(empty.status, 400);
  const badJson = await http(server, 'POST', '/api/v1/prompts', { body: '{"1": ' });
  assert.equal(badJson.status, 400);
  assert.equal(badJson.json().error.type, 'invalid_json');
  const failing = await http(server, 'POST', '/api/v1/prompts', {
    body: { '1': { class_type: 'TestFail', inputs: { value: 1 } }, '2': { class_type: 'TestShow', inputs: { value: ['1', 0] } } },
  });
  assert.equal(failing.status, 500);
  assert.equal(failing.json().error.type, 'execution_error');
});

test('429 when the queue is longer than --max-queue-size', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    const res = await http(server, 'POST', '/prompt', { body: { prompt: sleepWorkflow(200 + i, 300, 2) } });
    ids.push(res.json().prompt_id);
  }
  const res = await http(server, 'POST', '/api/v1/prompts', { body: invertWorkflow('blocking.png') });
  assert.equal(res.status, 429);
  for (const id of ids) await server.engine.waitFor(id);
});
