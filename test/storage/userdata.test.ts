import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildFileApp, type FileApp } from './helpers.ts';

describe('user data files', () => {
  let f: FileApp;
  let root: string;
  before(async () => {
    f = await buildFileApp();
    root = path.join(f.paths.userDir, 'default');
    mkdirSync(path.join(root, 'workflows/sub'), { recursive: true });
    writeFileSync(path.join(root, 'workflows/a.json'), '{"a":1}');
    writeFileSync(path.join(root, 'workflows/sub/b.json'), '{"b":2}');
    writeFileSync(path.join(root, 'workflows/.hidden.json'), '{}');
    mkdirSync(path.join(root, 'workflows/.dotdir'));
    writeFileSync(path.join(root, 'workflows/.dotdir/c.json'), '{}');
  });
  after(() => f.close());

  const get = (url: string) => f.app.inject({ url });

  it('GET /userdata lists files (not directories, not dot-names), optionally recursive', async () => {
    assert.deepEqual((await get('/userdata?dir=workflows')).json(), ['a.json']);
    assert.deepEqual((await get('/userdata?dir=workflows&recurse=true')).json(), ['a.json', 'sub/b.json']);
    assert.deepEqual((await get('/userdata?dir=workflows&recurse=TRUE&split=true')).json(), [
      ['a.json', 'a.json'],
      ['sub/b.json', 'sub', 'b.json'],
    ]);
    const full = (await get('/userdata?dir=workflows&recurse=true&full_info=true&split=true')).json() as Record<string, unknown>[];
    assert.deepEqual(full.map((e) => [e.path, e.size]), [['a.json', 7], ['sub/b.json', 7]]);
    assert.equal(typeof full[0].modified, 'number');
    assert.equal(typeof full[0].created, 'number');
  });

  it('GET /userdata errors: 400 without dir, 404 for a missing one', async () => {
    const none = await get('/userdata');
    assert.equal(none.statusCode, 400);
    assert.equal(none.body, 'Directory not provided');
    assert.equal((await get('/userdata?dir=')).statusCode, 400);
    const missing = await get('/userdata?dir=nope');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.body, 'Directory not found');
    assert.equal((await get('/userdata?dir=..%2F..')).body, 'Invalid directory');
  });

  it('GET /userdata/{file} returns the bytes; %2F separates folders; 404 when missing, 403 for a folder', async () => {
    const res = await get('/userdata/workflows%2Fsub%2Fb.json');
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, '{"b":2}');
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal((await get('/api/userdata/workflows%252Fa.json')).body, '{"a":1}');
    assert.equal((await get('/userdata/workflows%2Fnope.json')).statusCode, 404);
    assert.equal((await get('/userdata/workflows')).statusCode, 403, 'a folder is not a file (aiohttp FileResponse: 403)');
  });

  it('POST /userdata/{file} stores the raw body, creating folders, and answers the relative path', async () => {
    const body = '{"nodes": [], "seed": 18446744073709551615}';
    const res = await f.app.inject({ method: 'POST', url: '/userdata/workflows%2Fnew%2Fflow.json', payload: body, headers: { 'content-type': 'application/json' } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json(), 'workflows/new/flow.json');
    assert.equal(readFileSync(path.join(root, 'workflows/new/flow.json'), 'utf8'), body);
    const binary = Buffer.from([0, 1, 2, 255]);
    const bin = await f.app.inject({ method: 'POST', url: '/userdata/blob.bin', payload: binary, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(bin.statusCode, 200);
    assert.deepEqual(readFileSync(path.join(root, 'blob.bin')), binary);
    const noType = await f.app.inject({ method: 'POST', url: '/userdata/plain.txt', payload: 'hello' });
    assert.equal(noType.statusCode, 200);
    assert.deepEqual(readdirSync(path.join(root, 'workflows/new')), ['flow.json']);
  });

  it('POST /userdata/{file}: overwrite=false → 409, full_info → file info', async () => {
    const url = '/userdata/workflows%2Fa.json';
    const conflict = await f.app.inject({ method: 'POST', url: `${url}?overwrite=false`, payload: 'x' });
    assert.equal(conflict.statusCode, 409);
    assert.equal(conflict.body, 'File already exists');
    const ok = await f.app.inject({ method: 'POST', url: `${url}?overwrite=False&full_info=true`, payload: '{"a":2}' });
    assert.equal(ok.statusCode, 200);
    const info = ok.json() as Record<string, unknown>;
    assert.deepEqual(Object.keys(info), ['path', 'size', 'modified', 'created']);
    assert.equal(info.path, 'workflows/a.json');
    assert.equal(info.size, 7);
  });

  it('POST /userdata/{file} onto a directory → 400 with the ComfyUI reason', async () => {
    const res = await f.app.inject({ method: 'POST', url: '/userdata/workflows%2Fsub', payload: 'x' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Invalid filename/);
  });

  it('POST /userdata/{file}/move/{dest} moves, honours overwrite, answers the destination', async () => {
    await f.app.inject({ method: 'POST', url: '/userdata/workflows%2Fm1.json', payload: '1' });
    await f.app.inject({ method: 'POST', url: '/userdata/workflows%2Fm2.json', payload: '2' });
    const conflict = await f.app.inject({ method: 'POST', url: '/userdata/workflows%2Fm1.json/move/workflows%2Fm2.json?overwrite=false' });
    assert.equal(conflict.statusCode, 409);
    const moved = await f.app.inject({ method: 'POST', url: '/userdata/workflows%2Fm1.json/move/archive%2Fm1.json' });
    assert.equal(moved.statusCode, 200);
    assert.equal(moved.json(), 'archive/m1.json');
    assert.equal(existsSync(path.join(root, 'workflows/m1.json')), false);
    assert.equal(readFileSync(path.join(root, 'archive/m1.json'), 'utf8'), '1');
    const over = await f.app.inject({ method: 'POST', url: '/userdata/archive%2Fm1.json/move/workflows%2Fm2.json?full_info=true' });
    assert.equal((over.json() as { path: string }).path, 'workflows/m2.json');
    assert.equal(readFileSync(path.join(root, 'workflows/m2.json'), 'utf8'), '1');
    assert.equal((await f.app.inject({ method: 'POST', url: '/userdata/nope.json/move/x.json' })).statusCode, 404);
  });

  it('DELETE /userdata/{file} → 204, then 404', async () => {
    await f.app.inject({ method: 'POST', url: '/userdata/gone.json', payload: '{}' });
    assert.equal((await f.app.inject({ method: 'DELETE', url: '/userdata/gone.json' })).statusCode, 204);
    assert.equal(existsSync(path.join(root, 'gone.json')), false);
    assert.equal((await f.app.inject({ method: 'DELETE', url: '/userdata/gone.json' })).statusCode, 404);
    assert.equal((await f.app.inject({ method: 'DELETE', url: '/userdata/workflows' })).statusCode, 400);
  });

  it('GET /v2/userdata lists the tree, directories first, then by lower-cased name', async () => {
    const res = await get('/v2/userdata?path=workflows');
    assert.equal(res.statusCode, 200);
    const entries = res.json() as { name: string; path: string; type: string; size?: number }[];
    const dirs = entries.filter((e) => e.type === 'directory').map((e) => e.path);
    assert.ok(dirs.includes('workflows/sub') && dirs.includes('workflows/.dotdir'));
    assert.equal(entries.findIndex((e) => e.type === 'file') , dirs.length);
    const files = entries.filter((e) => e.type === 'file');
    assert.deepEqual(files.map((e) => e.name), [...files.map((e) => e.name)].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
    assert.ok(files.some((e) => e.path === 'workflows/sub/b.json' && e.size === 7));
    assert.equal((await get('/v2/userdata?path=workflows%2Fa.json')).statusCode, 400);
    assert.equal((await get('/v2/userdata?path=nope')).statusCode, 404);
    assert.ok(((await get('/v2/userdata')).json() as unknown[]).length > entries.length);
  });

  it('GET /v2/userdata for a user without a folder is []', async () => {
    const fresh = await buildFileApp();
    try {
      assert.deepEqual((await fresh.app.inject({ url: '/v2/userdata' })).json(), []);
    } finally {
      await fresh.close();
    }
  });
});

describe('users', () => {
  it('single-user: GET /users says server storage and whether user/default exists', async () => {
    const f = await buildFileApp();
    try {
      assert.deepEqual((await f.app.inject({ url: '/users' })).json(), { storage: 'server', migrated: false });
      await f.app.inject({ url: '/settings' }); // as in ComfyUI, any settings access creates user/default
      assert.deepEqual((await f.app.inject({ url: '/api/users' })).json(), { storage: 'server', migrated: true });
    } finally {
      await f.close();
    }
  });

  it('multi-user: POST /users creates sanitised ids, shared by / and /api, persisted in users.json', async () => {
    const f = await buildFileApp({ multiUser: true });
    try {
      assert.deepEqual((await f.app.inject({ url: '/users' })).json(), { storage: 'server', users: {} });
      const res = await f.app.inject({ method: 'POST', url: '/users', payload: { username: ' Ann Lee!' } });
      assert.equal(res.statusCode, 200);
      const id = res.json() as string;
      assert.match(id, /^Ann-Lee-_[0-9a-f-]{36}$/);
      assert.deepEqual((await f.app.inject({ url: '/api/users' })).json(), { storage: 'server', users: { [id]: 'Ann Lee!' } });
      assert.deepEqual(JSON.parse(readFileSync(path.join(f.paths.userDir, 'users.json'), 'utf8')), { [id]: 'Ann Lee!' });

      const dup = await f.app.inject({ method: 'POST', url: '/api/users', payload: { username: 'Ann Lee!' } });
      assert.equal(dup.statusCode, 400);
      assert.deepEqual(dup.json(), { error: 'Duplicate username.' });
      for (const [username, error] of [['', 'username not provided'], ['   ', 'username not provided'], ['__root', 'System User prefix not allowed']]) {
        const bad = await f.app.inject({ method: 'POST', url: '/users', payload: { username } });
        assert.equal(bad.statusCode, 400, username);
        assert.deepEqual(bad.json(), { error }, username);
      }
      assert.equal((await f.app.inject({ method: 'POST', url: '/users', payload: 'nope' })).statusCode, 400);

      // the user's data is selected by the comfy-user header
      const headers = { 'comfy-user': id };
      assert.equal((await f.app.inject({ method: 'POST', url: '/userdata/x.json', payload: '1', headers })).statusCode, 200);
      assert.ok(existsSync(path.join(f.paths.userDir, id, 'x.json')));
      assert.equal((await f.app.inject({ url: '/userdata/x.json', headers: { 'comfy-user': 'stranger' } })).statusCode, 403);
      assert.equal((await f.app.inject({ url: '/userdata/x.json' })).statusCode, 403); // "default" is not a user here
      assert.equal((await f.app.inject({ url: '/settings', headers: { 'comfy-user': 'stranger' } })).statusCode, 401);
      assert.equal((await f.app.inject({ url: '/v2/userdata', headers: { 'comfy-user': 'stranger' } })).statusCode, 403);
    } finally {
      await f.close();
    }
  });
});

describe('settings', () => {
  let f: FileApp;
  before(async () => {
    f = await buildFileApp();
  });
  after(() => f.close());
  const file = () => path.join(f.paths.userDir, 'default', 'comfy.settings.json');

  it('starts empty; GET /settings/{id} of an unknown id is null', async () => {
    assert.deepEqual((await f.app.inject({ url: '/settings' })).json(), {});
    const one = await f.app.inject({ url: '/settings/Comfy.Missing' });
    assert.equal(one.statusCode, 200);
    assert.equal(one.body, 'null');
  });

  it('POST /settings merges; POST /settings/{id} sets one value; the file is 4-space indented ASCII JSON', async () => {
    assert.equal((await f.app.inject({ method: 'POST', url: '/settings', payload: { 'Comfy.A': 1, 'Comfy.B': 'é' } })).statusCode, 200);
    assert.equal((await f.app.inject({ method: 'POST', url: '/api/settings', payload: { 'Comfy.C': [true] } })).statusCode, 200);
    assert.equal((await f.app.inject({ method: 'POST', url: '/settings/Comfy.A', payload: '{"x": null}', headers: { 'content-type': 'text/plain' } })).statusCode, 200);
    assert.deepEqual((await f.app.inject({ url: '/settings' })).json(), { 'Comfy.A': { x: null }, 'Comfy.B': 'é', 'Comfy.C': [true] });
    assert.deepEqual((await f.app.inject({ url: '/settings/Comfy.C' })).json(), [true]);
    assert.equal(
      readFileSync(file(), 'utf8'),
      '{\n    "Comfy.A": {\n        "x": null\n    },\n    "Comfy.B": "\\u00e9",\n    "Comfy.C": [\n        true\n    ]\n}',
    );
  });

  it('keeps every key under concurrent POST /settings/{id}', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => f.app.inject({ method: 'POST', url: `/settings/k${i}`, payload: String(i) })));
    const settings = (await f.app.inject({ url: '/settings' })).json() as Record<string, unknown>;
    for (let i = 0; i < 20; i++) assert.equal(settings[`k${i}`], i);
  });

  it('answers 400 for bodies that are not JSON (or not an object for POST /settings)', async () => {
    assert.equal((await f.app.inject({ method: 'POST', url: '/settings', payload: '[1]', headers: { 'content-type': 'application/json' } })).statusCode, 400);
    assert.equal((await f.app.inject({ method: 'POST', url: '/settings', payload: 'nope' })).statusCode, 400);
    assert.equal((await f.app.inject({ method: 'POST', url: '/settings/x', payload: '{' })).statusCode, 400);
    assert.equal((await f.app.inject({ method: 'POST', url: '/settings/x' })).statusCode, 400);
    // Nesting too deep to write back as JSON is refused, and nothing is saved.
    const deepObject = '{"a":'.repeat(1900) + '{}' + '}'.repeat(1900);
    const deepList = '['.repeat(2500) + '0' + ']'.repeat(2500);
    assert.equal((await f.app.inject({ method: 'POST', url: '/settings', payload: deepObject, headers: { 'content-type': 'application/json' } })).statusCode, 400);
    assert.equal((await f.app.inject({ method: 'POST', url: '/settings/x', payload: deepList, headers: { 'content-type': 'application/json' } })).statusCode, 400);
    assert.equal((await f.app.inject({ url: '/settings/x' })).body, 'null');
  });

  it('treats a corrupted settings file as empty', async () => {
    writeFileSync(file(), '{broken');
    assert.deepEqual((await f.app.inject({ url: '/settings' })).json(), {});
  });
});
