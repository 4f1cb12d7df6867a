// The request gate: anti-CSRF origin check, cross-site and opaque origins, DNS rebinding, CORS, 413,
// cache-control, compression, CSP — for HTTP requests and WebSocket upgrades.
import assert from 'node:assert/strict';
import { gunzipSync, inflateSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { cacheControlFor } from '../../src/server/hooks/response-headers.ts';
import { hostAndOriginDiffer, parseHostHeader, parseOrigin } from '../../src/server/hooks/host-origin.ts';
import { http, startTestServer, wsUpgradeStatus, type TestServer } from './helpers.ts';

describe('default mode (origin check)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer([], { testNodes: false });
  });
  after(async () => server.close());

  test('same-origin and origin-less requests pass', async () => {
    assert.equal((await http(server, 'GET', '/prompt')).status, 200);
    assert.equal((await http(server, 'GET', '/prompt', { headers: { origin: server.url } })).status, 200);
    assert.equal((await http(server, 'GET', '/prompt', { headers: { origin: `http://localhost:${server.port}`, host: `localhost:${server.port}` } })).status, 200);
    // An origin without a port is compared by host name only (ComfyUI's rule for odd browsers).
    assert.equal((await http(server, 'GET', '/prompt', { headers: { origin: 'http://127.0.0.1' } })).status, 200);
  });

  test('a foreign origin on a loopback host is 403 with an empty body', async () => {
    const res = await http(server, 'POST', '/prompt', { headers: { origin: 'http://evil.example.com' }, body: '{}' });
    assert.equal(res.status, 403);
    assert.equal(res.body.length, 0);
    assert.equal((await http(server, 'GET', '/prompt', { headers: { origin: `http://127.0.0.1:${server.port + 1}` } })).status, 403);
    assert.equal((await http(server, 'GET', '/api/queue', { headers: { origin: `http://localhost:${server.port}` } })).status, 403);
  });

  test("'Origin: null' and Sec-Fetch-Site: cross-site are refused", async () => {
    assert.equal((await http(server, 'POST', '/prompt', { headers: { origin: 'null' }, body: '{}' })).status, 403);
    assert.equal((await http(server, 'POST', '/prompt', { headers: { 'sec-fetch-site': 'cross-site' }, body: '{}' })).status, 403);
    assert.equal((await http(server, 'GET', '/prompt', { headers: { 'sec-fetch-site': 'same-origin', origin: server.url } })).status, 200);
  });

  test('a Host that is not loopback is refused on a loopback-only server (DNS rebinding)', async () => {
    const res = await http(server, 'GET', '/prompt', { headers: { host: `attacker.example:${server.port}` } });
    assert.equal(res.status, 403);
    const rebinding = await http(server, 'GET', '/queue', { headers: { host: `rebind.example:${server.port}`, origin: `http://rebind.example:${server.port}` } });
    assert.equal(rebinding.status, 403);
    assert.equal((await http(server, 'GET', '/prompt', { headers: { host: `localhost:${server.port}` } })).status, 200);
    assert.equal((await http(server, 'GET', '/prompt', { headers: { host: `[::1]:${server.port}` } })).status, 200);
  });

  test('WebSocket upgrades go through the same gate', async () => {
    assert.equal(await wsUpgradeStatus(server.wsUrl(), { origin: server.url }), 101);
    assert.equal(await wsUpgradeStatus(server.wsUrl(), { origin: 'http://evil.example.com' }), 403);
    assert.equal(await wsUpgradeStatus(server.wsUrl('/api/ws'), { origin: 'null' }), 403);
    assert.equal(await wsUpgradeStatus(server.wsUrl(), { host: `rebind.example:${server.port}` }), 403);
  });

  test('OPTIONS is answered with an empty 200', async () => {
    const res = await http(server, 'OPTIONS', '/prompt');
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 0);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });

  test('bodies over --max-upload-size are 413', async () => {
    const res = await http(server, 'POST', '/prompt', { headers: { 'content-length': String(100 * 1024 * 1024 + 1) }, body: '{}', keepOpen: true });
    assert.equal(res.status, 413);
    assert.equal((await http(server, 'POST', '/upload/image', { headers: { 'content-length': String(200 * 1024 * 1024) }, body: 'x', keepOpen: true })).status, 413);
  });

  test('cache-control follows the path', async () => {
    const missingPng = await http(server, 'GET', '/nothing/here.png');
    assert.equal(missingPng.status, 404);
    assert.equal(missingPng.headers['cache-control'], 'public, max-age=3600');
    const missingJs = await http(server, 'GET', '/nothing/here.js');
    assert.equal(missingJs.headers['cache-control'], 'no-cache');
    const root = await http(server, 'GET', '/');
    assert.equal(root.headers['cache-control'], 'no-cache');
    assert.equal(root.headers.pragma, 'no-cache');
    assert.equal(root.headers.expires, '0');
    assert.equal((await http(server, 'GET', '/prompt')).headers['cache-control'], undefined);
  });
});

test('cacheControlFor rules', () => {
  assert.equal(cacheControlFor('/a/b.js', 200), 'no-cache');
  assert.equal(cacheControlFor('/a/b.css', 404), 'no-cache');
  assert.equal(cacheControlFor('/templates/index.json', 200), 'no-cache');
  assert.equal(cacheControlFor('/templates/index.fr.json', 200), 'no-cache');
  assert.equal(cacheControlFor('/templates/other.json', 200), null);
  assert.equal(cacheControlFor('/x/IMG.PNG', 200), 'public, max-age=86400');
  assert.equal(cacheControlFor('/x/a.webp', 301), 'public, max-age=86400');
  assert.equal(cacheControlFor('/x/a.jpg', 404), 'public, max-age=3600');
  assert.equal(cacheControlFor('/x/a.jpg', 302), 'no-cache');
  assert.equal(cacheControlFor('/x/a.jpg', 304), null);
  assert.equal(cacheControlFor('/view', 200), null);
});

test('Host and Origin parsing as urllib does', () => {
  assert.deepEqual(parseHostHeader('LocalHost:8188'), { netloc: 'localhost:8188', hostname: 'localhost', port: 8188 });
  assert.deepEqual(parseHostHeader('[::1]:8188'), { netloc: '[::1]:8188', hostname: '::1', port: 8188 });
  assert.deepEqual(parseOrigin('http://127.0.0.1:8188'), { netloc: '127.0.0.1:8188', hostname: '127.0.0.1', port: 8188 });
  assert.equal(parseOrigin('null').hostname, null);
  assert.equal(hostAndOriginDiffer(parseHostHeader('127.0.0.1:8188'), parseOrigin('http://127.0.0.1:8188')), false);
  assert.equal(hostAndOriginDiffer(parseHostHeader('127.0.0.1:8188'), parseOrigin('http://127.0.0.1')), false);
  assert.equal(hostAndOriginDiffer(parseHostHeader('127.0.0.1'), parseOrigin('http://127.0.0.1:9999')), false);
  assert.equal(hostAndOriginDiffer(parseHostHeader('127.0.0.1:8188'), parseOrigin('http://127.0.0.1:9999')), true);
  assert.equal(hostAndOriginDiffer(parseHostHeader('[::1]:8188'), parseOrigin('http://[::1]:8188')), false);
});

describe('--enable-cors-header', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer(['--enable-cors-header', 'http://app.example', '--max-upload-size', '1', '--enable-compress-response-body', '--disable-api-nodes'], {
      testNodes: false,
    });
  });
  after(async () => server.close());

  test('CORS headers on every response, preflight answered directly, foreign origins allowed', async () => {
    const preflight = await http(server, 'OPTIONS', '/prompt', { headers: { origin: 'http://app.example', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers['access-control-allow-origin'], 'http://app.example');
    assert.equal(preflight.headers['access-control-allow-methods'], 'POST, GET, DELETE, PUT, OPTIONS, PATCH');
    assert.equal(preflight.headers['access-control-allow-headers'], 'Content-Type, Authorization');
    assert.equal(preflight.headers['access-control-allow-credentials'], 'true');
    const get = await http(server, 'GET', '/prompt', { headers: { origin: 'http://app.example' } });
    assert.equal(get.status, 200);
    assert.equal(get.headers['access-control-allow-origin'], 'http://app.example');
    const notFound = await http(server, 'GET', '/no-such-route');
    assert.equal(notFound.status, 404);
    assert.equal(notFound.headers['access-control-allow-origin'], 'http://app.example');
    assert.equal(await wsUpgradeStatus(server.wsUrl(), { origin: 'http://app.example' }), 101);
  });

  test('--max-upload-size 1 means 1 MiB, and /features reports it as a float', async () => {
    assert.equal((await http(server, 'POST', '/prompt', { body: Buffer.alloc(1024 * 1024 + 1, 32) })).status, 413);
    assert.equal((await http(server, 'POST', '/prompt', { body: Buffer.alloc(1024 * 1024 + 1, 32), chunked: true })).status, 413);
    assert.equal((await http(server, 'POST', '/prompt', { body: '{}' })).status, 400);
    const features = await http(server, 'GET', '/features');
    assert.match(features.text, /"max_upload_size":1048576\.0/);
  });

  test('JSON is compressed for clients that accept it (deflate first, as aiohttp); CSP is added with --disable-api-nodes', async () => {
    const res = await http(server, 'GET', '/object_info', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.ok(Object.keys(JSON.parse(gunzipSync(res.body).toString())).length > 10);
    const browser = await http(server, 'GET', '/object_info', { headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } });
    assert.equal(browser.headers['content-encoding'], 'deflate');
    assert.deepEqual(JSON.parse(inflateSync(browser.body).toString()), JSON.parse(gunzipSync(res.body).toString()));
    assert.match(String(res.headers['content-security-policy']), /^default-src 'self';/);
    assert.equal((await http(server, 'GET', '/prompt')).headers['content-encoding'], undefined);
  });
});
