import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseExtraModelPaths } from '../../src/storage/extra-model-paths.ts';
import { cleanupTemp, createFolderPaths, splitAnnotation } from '../../src/storage/folder-paths.ts';
import { tempBase } from './helpers.ts';

const quiet = { warn: () => {} };

function touch(file: string, content = 'x'): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

describe('createFolderPaths: layout', () => {
  it('registers the model folders in ComfyUI 0.8.0 order', () => {
    const paths = createFolderPaths({ baseDir: tempBase(), ...quiet });
    assert.deepEqual(paths.modelFolderNames(), [
      'checkpoints', 'configs', 'loras', 'vae', 'text_encoders', 'diffusion_models', 'clip_vision', 'style_models',
      'embeddings', 'diffusers', 'vae_approx', 'controlnet', 'gligen', 'upscale_models', 'latent_upscale_models',
      'custom_nodes', 'hypernetworks', 'photomaker', 'classifiers', 'model_patches', 'audio_encoders',
    ]);
  });

  it('uses the default search paths, output folders appended, legacy aliases mapped', () => {
    const base = tempBase();
    const paths = createFolderPaths({ baseDir: base, ...quiet });
    const m = (...p: string[]) => path.join(base, 'models', ...p);
    const o = (...p: string[]) => path.join(base, 'output', ...p);
    assert.deepEqual(paths.modelFolderPaths('checkpoints'), [m('checkpoints'), o('checkpoints')]);
    assert.deepEqual(paths.modelFolderPaths('text_encoders'), [m('text_encoders'), m('clip'), o('clip')]);
    assert.deepEqual(paths.modelFolderPaths('clip'), paths.modelFolderPaths('text_encoders'));
    assert.deepEqual(paths.modelFolderPaths('diffusion_models'), [m('unet'), m('diffusion_models'), o('diffusion_models')]);
    assert.deepEqual(paths.modelFolderPaths('unet'), paths.modelFolderPaths('diffusion_models'));
    assert.deepEqual(paths.modelFolderPaths('controlnet'), [m('controlnet'), m('t2i_adapter')]);
    assert.deepEqual(paths.modelFolderPaths('custom_nodes'), [path.join(base, 'custom_nodes')]);
    assert.deepEqual(paths.modelFolderPaths('nope'), []);
  });

  it('honours the directory overrides; --temp-directory X means X/temp', () => {
    const base = tempBase();
    const other = tempBase();
    const paths = createFolderPaths({
      baseDir: base,
      outputDir: path.join(other, 'out'),
      inputDir: path.join(other, 'in'),
      tempDir: path.join(other, 'tmp'),
      userDir: path.join(other, 'users'),
      ...quiet,
    });
    assert.equal(paths.outputDir, path.join(other, 'out'));
    assert.equal(paths.inputDir, path.join(other, 'in'));
    assert.equal(paths.tempDir, path.join(other, 'tmp', 'temp'));
    assert.equal(paths.userDir, path.join(other, 'users'));
    assert.equal(paths.dirForType('output'), paths.outputDir);
    assert.equal(paths.dirForType('input'), paths.inputDir);
    assert.equal(paths.dirForType('temp'), paths.tempDir);
    assert.equal(paths.dirForType('models'), null);
    assert.ok(paths.modelFolderPaths('checkpoints').includes(path.join(other, 'out', 'checkpoints')));
  });

  it('creates input, output, temp, user and the model folders at start-up', () => {
    const base = tempBase();
    createFolderPaths({ baseDir: base, ...quiet });
    for (const dir of ['input', 'output', 'temp', 'user', 'custom_nodes', 'models/checkpoints', 'models/unet', 'models/clip', 'models/latent_upscale_models']) {
      assert.ok(existsSync(path.join(base, dir)), dir);
    }
    const bare = tempBase();
    createFolderPaths({ baseDir: bare, createDirectories: false, ...quiet });
    assert.equal(existsSync(path.join(bare, 'input')), false);
  });

  it('cleanupTemp empties the temp folder and recreates it', () => {
    const base = tempBase();
    const paths = createFolderPaths({ baseDir: base, ...quiet });
    touch(path.join(paths.tempDir, 'a', 'b.png'));
    cleanupTemp(paths);
    assert.ok(existsSync(paths.tempDir));
    assert.equal(existsSync(path.join(paths.tempDir, 'a')), false);
    cleanupTemp(paths, { recreate: false });
    assert.equal(existsSync(paths.tempDir), false);
  });
});

describe('extra_model_paths.yaml', () => {
  it('joins paths to base_path, splits multi-line values, maps legacy names, creates unknown folders', () => {
    const base = tempBase();
    const yaml = path.join(base, 'extra.yaml');
    writeFileSync(
      yaml,
      [
        'a111:',
        '    base_path: /srv/a1111/',
        '    checkpoints: models/Stable-diffusion',
        '    loras: |',
        '        models/Lora',
        '        models/LyCORIS',
        '    unet: models/unet-extra',
        '    clip: models/clip-extra',
        '    my_folder: stuff',
        'empty_section:',
        '',
      ].join('\n'),
    );
    const paths = createFolderPaths({ baseDir: base, extraModelPathsConfig: [yaml], ...quiet });
    assert.deepEqual(paths.modelFolderPaths('checkpoints'), [
      path.join(base, 'models/checkpoints'),
      '/srv/a1111/models/Stable-diffusion',
      path.join(base, 'output/checkpoints'),
    ]);
    assert.deepEqual(paths.modelFolderPaths('loras').slice(1, 3), ['/srv/a1111/models/Lora', '/srv/a1111/models/LyCORIS']);
    assert.ok(paths.modelFolderPaths('diffusion_models').includes('/srv/a1111/models/unet-extra'));
    assert.ok(paths.modelFolderPaths('text_encoders').includes('/srv/a1111/models/clip-extra'));
    assert.equal(paths.modelFolderNames().at(-1), 'my_folder');
    assert.deepEqual(paths.modelFolderPaths('my_folder'), ['/srv/a1111/stuff']);
    assert.equal(paths.modelFolderNames().includes('unet'), false);
  });

  it('puts is_default paths first, moving one already present', () => {
    const base = tempBase();
    const yaml = path.join(base, 'extra.yaml');
    const existing = path.join(base, 'models/checkpoints');
    writeFileSync(yaml, `x:\n  is_default: true\n  checkpoints: |\n    /fast/ckpt\n  vae: ${existing.replace('checkpoints', 'vae')}\n`);
    const paths = createFolderPaths({ baseDir: base, extraModelPathsConfig: [yaml], ...quiet });
    assert.equal(paths.modelFolderPaths('checkpoints')[0], '/fast/ckpt');
    assert.deepEqual(paths.modelFolderPaths('vae'), [path.join(base, 'models/vae'), path.join(base, 'output/vae')]);
  });

  it('resolves relative paths against the YAML file folder, with and without a relative base_path', () => {
    const entries = parseExtraModelPaths('a:\n  checkpoints: ckpt\nb:\n  base_path: ../shared\n  vae: v/\n', '/etc/comfy/extra.yaml');
    assert.deepEqual(entries, [
      { folder: 'checkpoints', path: '/etc/comfy/ckpt', isDefault: false },
      { folder: 'vae', path: '/etc/shared/v', isDefault: false },
    ]);
  });

  it('expands ~ and environment variables in base_path', () => {
    process.env.COMFY_TS_TEST_ROOT = '/data/models';
    const entries = parseExtraModelPaths('a:\n  base_path: $COMFY_TS_TEST_ROOT\n  loras: l\nb:\n  base_path: ~/m\n  vae: v\n', '/x/e.yaml');
    assert.equal(entries[0].path, '/data/models/l');
    assert.equal(entries[1].path, path.join(homedir(), 'm', 'v'));
  });

  it("loads the install folder's extra_model_paths.yaml first (not the base directory's), then the --extra-model-paths-config files", () => {
    const base = tempBase();
    const install = tempBase();
    writeFileSync(path.join(install, 'extra_model_paths.yaml'), 'a:\n  loras: /first\n');
    writeFileSync(path.join(base, 'extra_model_paths.yaml'), 'c:\n  loras: /ignored\n');
    const second = path.join(base, 'second.yaml');
    writeFileSync(second, 'b:\n  loras: /second\n');
    const installExtraModelPaths = path.join(install, 'extra_model_paths.yaml');
    const paths = createFolderPaths({ baseDir: base, installExtraModelPaths, extraModelPathsConfig: [second], ...quiet });
    assert.ok(!paths.modelFolderPaths('loras').includes('/ignored'));
    const loras = paths.modelFolderPaths('loras');
    assert.deepEqual(loras.slice(1, 3), ['/first', '/second']);
  });

  it('reports a missing or broken file clearly', () => {
    const base = tempBase();
    assert.throws(() => createFolderPaths({ baseDir: base, extraModelPathsConfig: [path.join(base, 'nope.yaml')], ...quiet }), /nope\.yaml/);
    writeFileSync(path.join(base, 'bad.yaml'), 'a: [unclosed\n');
    assert.throws(() => createFolderPaths({ baseDir: base, extraModelPathsConfig: [path.join(base, 'bad.yaml')], ...quiet }), /bad\.yaml/);
  });

  it('accepts an empty file', () => {
    assert.deepEqual(parseExtraModelPaths('', '/x/e.yaml'), []);
    assert.deepEqual(parseExtraModelPaths('# only comments\n', '/x/e.yaml'), []);
  });
});

describe('model listing', () => {
  it('lists recursively, sorted, extension-filtered (case-insensitive), skipping .git, over all search paths', () => {
    const base = tempBase();
    const paths = createFolderPaths({ baseDir: base, ...quiet });
    const ck = path.join(base, 'models/checkpoints');
    touch(path.join(ck, 'b.safetensors'));
    touch(path.join(ck, 'A.CKPT'));
    touch(path.join(ck, 'sub/deeper/c.sft'));
    touch(path.join(ck, 'notes.txt'));
    touch(path.join(ck, '.git/objects/x.ckpt'));
    touch(path.join(base, 'output/checkpoints/saved.safetensors'));
    touch(path.join(base, 'output/checkpoints/b.safetensors')); // same name in two paths: listed once
    assert.deepEqual(paths.listModels('checkpoints'), ['A.CKPT', 'b.safetensors', 'saved.safetensors', 'sub/deeper/c.sft']);
  });

  it('applies the special extension sets: configs .yaml, classifiers no extension, diffusers none, custom_nodes all', () => {
    const base = tempBase();
    const paths = createFolderPaths({ baseDir: base, ...quiet });
    touch(path.join(base, 'models/configs/v1-inference.yaml'));
    touch(path.join(base, 'models/configs/x.ckpt'));
    touch(path.join(base, 'models/classifiers/noext'));
    touch(path.join(base, 'models/classifiers/with.pt'));
    touch(path.join(base, 'models/diffusers/model/unet.bin'));
    touch(path.join(base, 'custom_nodes/pack/__init__.py'));
    assert.deepEqual(paths.listModels('configs'), ['v1-inference.yaml']);
    assert.deepEqual(paths.listModels('classifiers'), ['noext']);
    assert.deepEqual(paths.listModels('diffusers'), []);
    assert.deepEqual(paths.listModels('custom_nodes'), ['pack/__init__.py']);
    assert.deepEqual(paths.listModels('unknown'), []);
  });

  it('follows symlinked folders and survives symlink loops', () => {
    const base = tempBase();
    const elsewhere = tempBase();
    touch(path.join(elsewhere, 'linked.safetensors'));
    const paths = createFolderPaths({ baseDir: base, ...quiet });
    const loras = path.join(base, 'models/loras');
    symlinkSync(elsewhere, path.join(loras, 'ext'));
    symlinkSync(loras, path.join(loras, 'loop'));
    touch(path.join(loras, 'own.pt'));
    assert.deepEqual(paths.listModels('loras'), ['ext/linked.safetensors', 'own.pt']);
    assert.equal(paths.resolveModel('loras', 'ext/linked.safetensors'), path.join(loras, 'ext/linked.safetensors'));
  });

  it('sees new files (cache invalidated by directory mtimes)', () => {
    const base = tempBase();
    const paths = createFolderPaths({ baseDir: base, ...quiet });
    const vae = path.join(base, 'models/vae');
    assert.deepEqual(paths.listModels('vae'), []);
    touch(path.join(vae, 'one.pt'));
    assert.deepEqual(paths.listModels('vae'), ['one.pt']);
    touch(path.join(vae, 'sub/two.pt'));
    utimesSync(path.join(vae, 'sub'), new Date(), new Date(Date.now() + 5000));
    assert.deepEqual(paths.listModels('vae'), ['one.pt', 'sub/two.pt']);
    rmSync(path.join(vae, 'one.pt'));
    assert.deepEqual(paths.listModels('vae'), ['sub/two.pt']);
    touch(path.join(base, 'output/vae/late.pt')); // a search path that did not exist before
    assert.deepEqual(paths.listModels('vae'), ['late.pt', 'sub/two.pt']);
  });

  it('sorts by code point as Python does', () => {
    const base = tempBase();
    const paths = createFolderPaths({ baseDir: base, ...quiet });
    for (const n of ['b.pt', 'B.pt', '_.pt', 'a.pt', '\u{1F600}.pt', '\uFF21.pt']) touch(path.join(base, 'models/vae', n));
    assert.deepEqual(paths.listModels('vae'), ['B.pt', '_.pt', 'a.pt', 'b.pt', '\uFF21.pt', '\u{1F600}.pt']);
  });

  it('resolves a model by name through the search paths in order, never outside them', () => {
    const base = tempBase();
    const paths = createFolderPaths({ baseDir: base, ...quiet });
    touch(path.join(base, 'models/unet/u.safetensors'));
    touch(path.join(base, 'models/diffusion_models/u.safetensors'));
    touch(path.join(base, 'secret.safetensors'));
    assert.equal(paths.resolveModel('unet', 'u.safetensors'), path.join(base, 'models/unet/u.safetensors'));
    assert.equal(paths.resolveModel('diffusion_models', 'u.safetensors'), path.join(base, 'models/unet/u.safetensors'));
    assert.equal(paths.resolveModel('checkpoints', '../../secret.safetensors'), null);
    assert.equal(paths.resolveModel('checkpoints', path.join(base, 'secret.safetensors')), null);
    assert.equal(paths.resolveModel('checkpoints', 'missing.ckpt'), null);
    assert.equal(paths.resolveModel('nope', 'u.safetensors'), null);
    assert.equal(paths.resolveModel('unet', 'u.safetensors\0'), null);
    mkdirSync(path.join(base, 'models/vae/dir.pt'));
    assert.equal(paths.resolveModel('vae', 'dir.pt'), null);
  });
});

describe('input files and annotations', () => {
  it('lists top-level input files sorted, optionally images only', () => {
    const base = tempBase();
    const paths = createFolderPaths({ baseDir: base, ...quiet });
    for (const n of ['b.png', 'a.JPG', 'c.webp', 'notes.txt', 'clip.mp4']) touch(path.join(paths.inputDir, n));
    touch(path.join(paths.inputDir, 'sub/d.png'));
    assert.deepEqual(paths.listInputFiles(), ['a.JPG', 'b.png', 'c.webp', 'clip.mp4', 'notes.txt']);
    assert.deepEqual(paths.listInputFiles({ imagesOnly: true }), ['a.JPG', 'b.png', 'c.webp']);
  });

  it('splits annotation suffixes and resolves them inside the annotated folder', () => {
    assert.deepEqual(splitAnnotation('a.png [output]'), { name: 'a.png', type: 'output' });
    assert.deepEqual(splitAnnotation('a.png [temp]'), { name: 'a.png', type: 'temp' });
    assert.deepEqual(splitAnnotation('a.png [input]'), { name: 'a.png', type: 'input' });
    assert.deepEqual(splitAnnotation('a.png'), { name: 'a.png', type: null });
    const paths = createFolderPaths({ baseDir: tempBase(), ...quiet });
    assert.equal(paths.resolveAnnotated('sub/a.png [output]'), path.join(paths.outputDir, 'sub/a.png'));
    assert.equal(paths.resolveAnnotated('a.png'), path.join(paths.inputDir, 'a.png'));
    assert.equal(paths.resolveAnnotated('a.png', 'temp'), path.join(paths.tempDir, 'a.png'));
    assert.equal(paths.resolveAnnotated('../../etc/passwd [output]'), null);
  });
});
