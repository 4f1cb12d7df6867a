import assert from 'node:assert/strict';
import { existsSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { GraphCache } from '../../src/inference/onnx/cache.ts';
import { openNetworkGraph } from '../../src/inference/onnx/network-graph.ts';
import * as op from '../../src/inference/onnx/ops.ts';
import type { GraphBuilder } from '../../src/inference/onnx/graph-builder.ts';
import type { WeightView } from '../../src/inference/onnx/weights.ts';
import { floatTensor, tempDir, weightFile } from '../networks/helpers.ts';

const spec = (arch: unknown) => ({
  network: 'scale', arch, prefix: '',
  build(g: GraphBuilder, w: WeightView) {
    const x = g.input('x', 'float32', ['n']);
    g.output(op.mul(g, x, w.get('s')), 'y', 'float32', ['n']);
  },
});

test('the weight file is hardlinked (not copied) into the cache folder, next to the graph', async () => {
  const dir = tempDir();
  const file = await weightFile(dir, { s: { shape: [1], data: [3] } });
  const cache = new GraphCache(join(dir, 'cache'));
  const folder = await cache.folderFor(file.path);
  assert.equal(folder.linked.how, 'link');
  const linked = statSync(join(folder.dir, folder.linked.name));
  assert.equal(linked.ino, statSync(file.path).ino);
  assert.equal(statSync(file.path).nlink, 2);
  assert.equal(folder.locate(file.path), 'weights.safetensors');
  assert.throws(() => folder.locate(join(dir, 'other.safetensors')), /cannot be bound/);
});

test('the second load reuses the cached .onnx; another architecture or a changed file builds anew', async () => {
  const dir = tempDir();
  const file = await weightFile(dir, { s: { shape: [1], data: [3] } });
  const runtime = { cache: new GraphCache(join(dir, 'cache')), cpu: true, log: () => {} };
  const first = await openNetworkGraph(file, spec('a'), runtime);
  assert.equal(first.reused, false);
  const out = await first.session.run({ x: floatTensor(Float32Array.from([1, 2]), [2]) });
  assert.deepEqual(Array.from(out.y!.data as Float32Array), [3, 6]);
  const mtime = statSync(first.path).mtimeMs;
  const second = await openNetworkGraph(file, spec('a'), runtime);
  assert.equal(second.reused, true);
  assert.equal(second.path, first.path);
  assert.equal(statSync(second.path).mtimeMs, mtime);
  const other = await openNetworkGraph(file, spec('b'), runtime);
  assert.equal(other.reused, false);
  assert.equal(existsSync(first.path), false, 'the graph a new build replaces is deleted');
  // A touched checkpoint (new mtime) gets a new folder; the next cache instance deletes the stale one.
  utimesSync(file.path, new Date(), new Date(Date.now() + 5000));
  const third = await openNetworkGraph(file, spec('a'), { ...runtime, cache: new GraphCache(join(dir, 'cache')) });
  assert.equal(third.reused, false);
  assert.notEqual(dirname(third.path), dirname(first.path));
  assert.equal(existsSync(dirname(first.path)), false);
  assert.equal(statSync(file.path).nlink, 2, 'no stale hardlink keeps old bytes alive');
});

test('when hardlinking fails the file is copied, with a warning', async () => {
  const dir = tempDir();
  const file = await weightFile(dir, { s: { shape: [1], data: [2] } });
  const warnings: string[] = [];
  const cache = new GraphCache(join(dir, 'cache'), {
    warn: (m) => warnings.push(m),
    link: async () => { throw Object.assign(new Error('cross-device link'), { code: 'EXDEV' }); },
  });
  const runtime = { cache, cpu: true, log: () => {} };
  const { session, path } = await openNetworkGraph(file, spec('copy'), runtime);
  const folder = await cache.folderFor(file.path);
  assert.equal(folder.linked.how, 'copy');
  assert.match(warnings[0]!, /cannot hardlink .* \(EXDEV\); copying it instead/);
  assert.notEqual(statSync(join(folder.dir, folder.linked.name)).ino, statSync(file.path).ino);
  assert.ok(path.startsWith(folder.dir));
  const out = await session.run({ x: floatTensor(Float32Array.from([5]), [1]) });
  assert.deepEqual(Array.from(out.y!.data as Float32Array), [10]);
});
