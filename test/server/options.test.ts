// Command-line options that change what the server does: --front-end-root, the built-in page, TLS, several
// --listen addresses, --disable-all-custom-nodes (and its whitelist), --extra-model-paths-config, --output-directory,
// and the temp folder emptied at start-up and removed at exit.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Fastify from 'fastify';
import { indexRoute } from '../../src/server/routes/web-root.ts';
import { resolvesToLoopbackOnly } from '../../src/server/hooks/host-origin.ts';
import { http, startTestServer } from './helpers.ts';

test('--front-end-root serves index.html at / and /api/, its files and its extensions', async () => {
  const web = mkdtempSync(join(tmpdir(), 'comfy-ts-web-'));
  mkdirSync(join(web, 'assets'));
  mkdirSync(join(web, 'extensions', 'core'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>the real UI</title>');
  writeFileSync(join(web, 'assets', 'app.js'), 'export {}');
  writeFileSync(join(web, 'extensions', 'core', 'widgets.js'), '// core');
  const server = await startTestServer(['--front-end-root', web], { testNodes: false });
  try {
    for (const path of ['/', '/api/']) {
      const res = await http(server, 'GET', path);
      assert.equal(res.status, 200);
      assert.equal(res.text, '<!doctype html><title>the real UI</title>');
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.equal(res.headers.pragma, 'no-cache');
      assert.equal(res.headers.expires, '0');
    }
    const asset = await http(server, 'GET', '/assets/app.js');
    assert.equal(asset.status, 200);
    assert.equal(asset.text, 'export {}');
    assert.equal(asset.headers['cache-control'], 'no-cache');
    assert.deepEqual((await http(server, 'GET', '/extensions')).json(), ['/extensions/core/widgets.js']);
    assert.equal((await http(server, 'GET', '/extensions/core/widgets.js')).text, '// core');
    assert.equal((await http(server, 'GET', '/prompt')).status, 200, 'dynamic routes win over static files');
  } finally {
    await server.close();
    rmSync(web, { recursive: true, force: true });
  }
});

test('without a web root, / is the built-in page', async () => {
  const app = Fastify();
  await app.register(indexRoute, { webRoot: null });
  const res = await app.inject({ method: 'GET', url: '/' });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /^text\/html/);
  assert.match(res.body, /comfy-ts/);
  assert.match(res.body, /--front-end-root/);
  await app.close();
});

test('--tls-keyfile and --tls-certfile serve https', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'comfy-ts-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], {
      stdio: 'ignore',
    });
  } catch {
    t.skip('openssl is not available to make a test certificate');
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  const server = await startTestServer(['--tls-keyfile', join(dir, 'key.pem'), '--tls-certfile', join(dir, 'cert.pem')], { testNodes: false });
  try {
    assert.match(server.urls[0]!, /^https:\/\/127\.0\.0\.1:\d+$/);
    const body = await new Promise<string>((resolve, reject) => {
      httpsRequest({ host: '127.0.0.1', port: server.port, path: '/prompt', rejectUnauthorized: false }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
    assert.deepEqual(JSON.parse(body), { exec_info: { queue_remaining: 0 } });
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--listen with two addresses serves on both', async (t) => {
  let server;
  try {
    server = await startTestServer(['--listen', '127.0.0.1,::1'], { testNodes: false });
  } catch (err) {
    t.skip(`IPv6 loopback unavailable: ${(err as Error).message}`);
    return;
  }
  try {
    assert.deepEqual(server.urls, [`http://127.0.0.1:${server.port}`, `http://[::1]:${server.port}`]);
    for (const url of server.urls) {
      const res = await fetch(`${url}/prompt`);
      assert.equal(res.status, 200, url);
    }
    const ws = new (await import('ws')).default(`ws://[::1]:${server.port}/ws?clientId=v6`);
    const first = await new Promise<string>((resolve, reject) => {
      ws.once('message', (data) => resolve(data.toString()));
      ws.once('error', reject);
    });
    assert.equal(JSON.parse(first).data.sid, 'v6');
    ws.close();
  } finally {
    await server.close();
  }
});

test('--disable-all-custom-nodes leaves the custom nodes out', async () => {
  const server = await startTestServer(['--disable-all-custom-nodes']);
  try {
    const info = (await http(server, 'GET', '/object_info')).json();
    assert.ok('SaveImage' in info);
    assert.ok(!('TestSleep' in info));
  } finally {
    await server.close();
  }
});

test('--whitelist-custom-nodes keeps the named folders under --disable-all-custom-nodes', async () => {
  const server = await startTestServer(['--disable-all-custom-nodes', '--whitelist-custom-nodes', 'test_nodes']);
  try {
    assert.ok('TestSleep' in (await http(server, 'GET', '/object_info')).json());
  } finally {
    await server.close();
  }
});

test('folder flags reach the folder paths', async () => {
  const extra = mkdtempSync(join(tmpdir(), 'comfy-ts-extra-'));
  const output = join(extra, 'my-output');
  writeFileSync(join(extra, 'extra.yaml'), `mine:\n  base_path: ${extra}\n  checkpoints: ckpts\n`);
  const server = await startTestServer(['--extra-model-paths-config', join(extra, 'extra.yaml'), '--output-directory', output], { testNodes: false });
  try {
    const folders = (await http(server, 'GET', '/internal/folder_paths')).json();
    assert.ok(folders.checkpoints.includes(join(extra, 'ckpts')), JSON.stringify(folders.checkpoints));
    assert.equal(server.paths.outputDir, output);
  } finally {
    await server.close();
    rmSync(extra, { recursive: true, force: true });
  }
});

test('the temp folder starts empty and is removed at exit, as ComfyUI does', async () => {
  const outside = mkdtempSync(join(tmpdir(), 'comfy-ts-temp-'));
  mkdirSync(join(outside, 'temp', 'sub'), { recursive: true });
  writeFileSync(join(outside, 'temp', 'stale.png'), 'x');
  writeFileSync(join(outside, 'temp', 'sub', 'x.png'), 'x');
  const server = await startTestServer(['--temp-directory', outside], { testNodes: false });
  try {
    assert.deepEqual(readdirSync(join(outside, 'temp')), []);
    writeFileSync(join(outside, 'temp', 'preview.png'), 'x');
  } finally {
    await server.close();
  }
  assert.equal(existsSync(join(outside, 'temp')), false);
  rmSync(outside, { recursive: true, force: true });
});

test('names that resolve only to loopback count as loopback', async () => {
  assert.equal(await resolvesToLoopbackOnly('localhost'), true);
  assert.equal(await resolvesToLoopbackOnly('127.0.0.2'), true);
  assert.equal(await resolvesToLoopbackOnly('10.1.2.3'), false);
  assert.equal(await resolvesToLoopbackOnly('no-such-host.invalid'), false);
});
