import assert from 'node:assert/strict';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildFileApp, type FileApp } from './helpers.ts';

function put(file: string, data: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
}

describe('custom node helper routes', () => {
  let f: FileApp;
  before(async () => {
    f = await buildFileApp();
    const cn = (...p: string[]) => path.join(f.base, 'custom_nodes', ...p);
    put(cn('pack-a/example_workflows/one.json'), {});
    put(cn('pack-a/examples/two.json'), {});
    put(cn('pack-a/examples/readme.md'), 'x');
    put(cn('pack-b/workflows/three.json'), {});
    put(cn('pack-c/nothing.py'), '');
    put(cn('pack-a/locales/en/main.json'), { nodeDefs: { A: { display_name: 'A' } }, list: [1] });
    put(cn('pack-a/locales/en/commands.json'), { cmd: 'Run' });
    put(cn('pack-b/locales/en/main.json'), { nodeDefs: { B: { display_name: 'B' } }, list: [2] });
    put(cn('pack-b/locales/en/nodeDefs.json'), { B: { description: 'b' } });
    put(cn('pack-b/locales/fr/main.json'), { hello: 'bonjour' });
    put(cn('pack-b/locales/de/main.json'), '{broken');
  });
  after(() => f.close());

  it('GET /workflow_templates maps package folders to their example workflow names', async () => {
    const res = await f.app.inject({ url: '/workflow_templates' });
    assert.equal(res.statusCode, 200);
    const body = res.json() as Record<string, string[]>;
    assert.deepEqual(Object.keys(body).sort(), ['pack-a', 'pack-b']);
    assert.deepEqual(body['pack-a'].sort(), ['one', 'two']);
    assert.deepEqual(body['pack-b'], ['three']);
  });

  it('GET /i18n merges locales per language (objects deep, lists concatenated)', async () => {
    const res = await f.app.inject({ url: '/api/i18n' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {
      de: {},
      en: {
        nodeDefs: { A: { display_name: 'A' }, B: { description: 'b' } },
        list: [1, 2],
        commands: { cmd: 'Run' },
      },
      fr: { hello: 'bonjour' },
    });
    // Built once, as ComfyUI caches build_translations: a locale added later shows after a restart.
    put(path.join(f.base, 'custom_nodes', 'pack-b/locales/it/main.json'), { ciao: 'ciao' });
    assert.deepEqual((await f.app.inject({ url: '/i18n' })).json(), res.json());
  });

  it('serves example workflow files under /api/workflow_templates/<package>/ only', async () => {
    const res = await f.app.inject({ url: '/api/workflow_templates/pack-a/two.json' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, '{}');
    assert.equal((await f.app.inject({ url: '/api/workflow_templates/pack-a/one.json' })).statusCode, 200);
    assert.equal((await f.app.inject({ url: '/api/workflow_templates/pack-a/..%2F..%2F..%2Fsecret' })).statusCode, 404);
    assert.equal((await f.app.inject({ url: '/api/workflow_templates/pack-z/one.json' })).statusCode, 404);
    assert.equal((await f.app.inject({ url: '/workflow_templates/pack-a/two.json' })).statusCode, 404);
  });

  it('empty shapes when there are no custom nodes', async () => {
    const bare = await buildFileApp();
    try {
      assert.deepEqual((await bare.app.inject({ url: '/workflow_templates' })).json(), {});
      assert.deepEqual((await bare.app.inject({ url: '/i18n' })).json(), {});
    } finally {
      await bare.close();
    }
  });
});

describe('GET /internal/files/{type}', () => {
  let f: FileApp;
  before(async () => {
    f = await buildFileApp();
    const now = Date.now() / 1000;
    ['old.png', 'mid.png', 'new.png'].forEach((name, i) => {
      const file = path.join(f.paths.outputDir, name);
      writeFileSync(file, name);
      utimesSync(file, now, now - 100 + i * 10);
    });
    writeFileSync(path.join(f.paths.outputDir, '.DS_Store'), '');
    mkdirSync(path.join(f.paths.outputDir, 'folder'));
  });
  after(() => f.close());

  it('lists top-level regular files, newest first, dot-files omitted', async () => {
    const res = await f.app.inject({ url: '/internal/files/output' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), ['new.png', 'mid.png', 'old.png']);
    assert.deepEqual((await f.app.inject({ url: '/internal/files/input' })).json(), []);
    assert.deepEqual((await f.app.inject({ url: '/internal/files/temp' })).json(), []);
  });

  it('answers 400 for another type and does not exist under /api', async () => {
    const res = await f.app.inject({ url: '/internal/files/models' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { error: 'Invalid directory type' });
    assert.equal((await f.app.inject({ url: '/api/internal/files/output' })).statusCode, 404);
  });
});
