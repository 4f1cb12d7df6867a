import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveInside } from '../../src/storage/safe-path.ts';
import { buildFileApp, multipartBody, tempBase, type FileApp } from './helpers.ts';

describe('resolveInside', () => {
  const root = tempBase();
  const outside = tempBase();
  writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  mkdirSync(path.join(root, 'sub/inner'), { recursive: true });
  writeFileSync(path.join(root, 'sub/file.txt'), 'ok');
  symlinkSync(outside, path.join(root, 'out-dir'));
  symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'out-file'));
  symlinkSync(path.join(root, 'sub'), path.join(root, 'in-dir'));
  symlinkSync(path.join(outside, 'nothing-yet'), path.join(root, 'dangling'));

  it('keeps plain relative paths, existing or not', () => {
    assert.equal(resolveInside(root, 'sub/file.txt'), path.join(root, 'sub/file.txt'));
    assert.equal(resolveInside(root, 'sub/new/deeper.png'), path.join(root, 'sub/new/deeper.png'));
    assert.equal(resolveInside(root, 'sub/../sub/file.txt'), path.join(root, 'sub/file.txt'));
    assert.equal(resolveInside(root, ''), root);
  });

  it('refuses .., absolute paths and NUL bytes', () => {
    assert.equal(resolveInside(root, '..'), null);
    assert.equal(resolveInside(root, '../x'), null);
    assert.equal(resolveInside(root, 'sub/../../x'), null);
    assert.equal(resolveInside(root, '/etc/passwd'), null);
    assert.equal(resolveInside(root, root + '/sub/file.txt'), null);
    assert.equal(resolveInside(root, 'sub/file.txt\0.png'), null);
    assert.equal(resolveInside(root, `..${path.sep}${path.basename(root)}2`), null); // a sibling sharing the prefix
  });

  it('refuses symlinks that lead out (directory, file, dangling), allows those that stay in', () => {
    assert.equal(resolveInside(root, 'out-dir/secret.txt'), null);
    assert.equal(resolveInside(root, 'out-dir'), null);
    assert.equal(resolveInside(root, 'out-dir/new-file.png'), null);
    assert.equal(resolveInside(root, 'out-file'), null);
    assert.equal(resolveInside(root, 'dangling'), null);
    assert.equal(resolveInside(root, 'in-dir/file.txt'), path.join(root, 'in-dir/file.txt'));
  });

  it('accepts a root that is itself a symlink', () => {
    const linkRoot = path.join(tempBase(), 'link-root');
    symlinkSync(root, linkRoot);
    assert.equal(resolveInside(linkRoot, 'sub/file.txt'), path.join(linkRoot, 'sub/file.txt'));
    assert.equal(resolveInside(linkRoot, 'out-dir/secret.txt'), null);
  });
});

describe('routes refuse paths that leave their folder', () => {
  let f: FileApp;
  let outside: string;
  before(async () => {
    f = await buildFileApp();
    outside = tempBase();
    writeFileSync(path.join(outside, 'secret.png'), 'secret');
    writeFileSync(path.join(f.base, 'secret.png'), 'secret');
    symlinkSync(outside, path.join(f.paths.inputDir, 'evil'));
    symlinkSync(path.join(outside, 'secret.png'), path.join(f.paths.inputDir, 'evil.png'));
    mkdirSync(path.join(f.paths.userDir, 'default'), { recursive: true });
    symlinkSync(outside, path.join(f.paths.userDir, 'default', 'evil'));
    mkdirSync(path.join(f.paths.userDir, '__system'), { recursive: true });
    writeFileSync(path.join(f.paths.userDir, '__system', 'private.json'), '{}');
  });
  after(() => f.close());

  it('/view: .. and absolute filenames → 400, escaping subfolder → 403, symlinks out → 403', async () => {
    const get = (q: string) => f.app.inject({ url: `/view?${q}` });
    assert.equal((await get('filename=../secret.png&type=input')).statusCode, 400);
    assert.equal((await get('filename=%2Fetc%2Fpasswd&type=input')).statusCode, 400);
    assert.equal((await get('filename=secret.png&type=input&subfolder=..')).statusCode, 403);
    assert.equal((await get('filename=secret.png&type=input&subfolder=%2E%2E%2F')).statusCode, 403);
    assert.equal((await get('filename=passwd&type=input&subfolder=/etc')).statusCode, 403);
    assert.equal((await get('filename=secret.png&type=input&subfolder=evil')).statusCode, 403);
    assert.equal((await get('filename=evil.png&type=input')).statusCode, 403);
    assert.equal((await get('filename=x.png%00.txt&type=input')).statusCode, 400);
  });

  it('/upload/image: escaping subfolder or filename → 400 and nothing written outside', async () => {
    const png = Buffer.from('not-really-png');
    for (const [subfolder, filename] of [['..', 'a.png'], ['../..', 'a.png'], ['evil', 'a.png'], ['', '../a.png'], ['/tmp', 'a.png'], ['', 'evil.png']]) {
      const body = multipartBody([{ name: 'image', filename, data: png }, { name: 'subfolder', value: subfolder }, { name: 'overwrite', value: 'true' }]);
      const res = await f.app.inject({ method: 'POST', url: '/upload/image', ...body });
      assert.equal(res.statusCode, 400, `${subfolder} ${filename}: ${res.body}`);
    }
  });

  it('/userdata: %2F-encoded traversal, double encoding, symlinks and system users are refused', async () => {
    const codes = async (url: string, method: 'GET' | 'POST' | 'DELETE' = 'GET') => (await f.app.inject({ method, url, payload: method === 'POST' ? 'x' : undefined })).statusCode;
    assert.equal(await codes('/userdata/..%2F..%2Fsecret.png'), 403);
    assert.equal(await codes('/userdata/..%252F..%252Fsecret.png'), 403);
    assert.equal(await codes('/userdata/%2Fetc%2Fpasswd'), 403);
    assert.equal(await codes('/userdata/evil%2Fsecret.png'), 403);
    assert.equal(await codes('/userdata/evil%2Fnew.json', 'POST'), 403);
    assert.equal(await codes('/userdata/..%2F__system%2Fprivate.json'), 403);
    assert.equal(await codes('/userdata/..%2F__system%2Fprivate.json', 'DELETE'), 403);
    assert.equal(await codes('/userdata?dir=..%2F__system'), 403);
    assert.equal(await codes('/userdata?dir=..'), 403);
    assert.equal(await codes('/userdata/a.json%00'), 403);
    const move = await f.app.inject({ method: 'POST', url: '/userdata/x.json', payload: '{}' });
    assert.equal(move.statusCode, 200);
    assert.equal(await codes('/userdata/x.json/move/..%2F..%2Fx.json', 'POST'), 403);
    assert.equal((await f.app.inject({ url: '/v2/userdata?path=..' })).statusCode, 400);
    assert.equal((await f.app.inject({ url: '/v2/userdata?path=evil' })).statusCode, 400);
  });

  it('/userdata listings never show what a symlink leads to outside the user root', async () => {
    const res = await f.app.inject({ url: '/userdata?dir=.&recurse=true' });
    assert.equal(res.statusCode, 200);
    assert.ok(!res.body.includes('secret'), res.body);
    const v2 = await f.app.inject({ url: '/v2/userdata' });
    assert.ok(!v2.body.includes('secret') && !v2.body.includes('evil'), v2.body);
  });

  it('multi-user: a comfy-user header naming a system user is an unknown user', async () => {
    const m = await buildFileApp({ multiUser: true });
    try {
      mkdirSync(path.join(m.paths.userDir, '__system'), { recursive: true });
      writeFileSync(path.join(m.paths.userDir, 'users.json'), '{"__system": "sys"}');
      const fresh = await buildFileApp({ multiUser: true, folder: { baseDir: m.base } });
      const res = await fresh.app.inject({ url: '/userdata?dir=.', headers: { 'comfy-user': '__system' } });
      assert.equal(res.statusCode, 403);
      assert.equal((await fresh.app.inject({ url: '/settings', headers: { 'comfy-user': '__system' } })).statusCode, 401);
      assert.equal((await fresh.app.inject({ url: '/v2/userdata', headers: { 'comfy-user': '__system' } })).statusCode, 403);
      await fresh.app.close();
    } finally {
      await m.close();
    }
  });

  it('/experiment/models/preview reads only inside the model folder', async () => {
    const ck = f.paths.modelFolderPaths('checkpoints')[0];
    writeFileSync(path.join(outside, 'm.png'), 'x');
    symlinkSync(outside, path.join(ck, 'linked'));
    for (const name of ['..%2F..%2Fsecret.png', '../../secret', 'linked/m.safetensors', '%2Fetc%2Fpasswd']) {
      const res = await f.app.inject({ url: `/experiment/models/preview/checkpoints/0/${name}` });
      assert.equal(res.statusCode, 404, name);
    }
    assert.equal((await f.app.inject({ url: '/experiment/models/preview/checkpoints/9/x.safetensors' })).statusCode, 404);
    assert.equal((await f.app.inject({ url: '/experiment/models/preview/checkpoints/-1/x.safetensors' })).statusCode, 404);
    assert.equal((await f.app.inject({ url: '/experiment/models/preview/checkpoints/abc/x.safetensors' })).statusCode, 404);
  });

  it('/view_metadata cannot reach files outside the folder', async () => {
    const res = await f.app.inject({ url: '/view_metadata/checkpoints?filename=../../../secret.safetensors' });
    assert.equal(res.statusCode, 404);
  });
});
