// writeFileAtomic: the target holds either its old bytes or all of the new ones, and no temp file is left behind,
// on both paths (small payloads written synchronously, large ones through the threadpool).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/storage/atomic-write.ts';

function withDir(fn: (dir: string) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'comfy-ts-atomic-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('small and large payloads, bytes and strings, land whole and replace an existing file', withDir(async (dir) => {
  const small = Buffer.from([1, 2, 3, 4]);
  const large = Buffer.alloc(5 * 1024 * 1024 + 3, 0xab);
  await writeFileAtomic(join(dir, 'small.bin'), small);
  await writeFileAtomic(join(dir, 'large.bin'), large);
  await writeFileAtomic(join(dir, 'text.json'), '{"a": "é"}');
  assert.deepEqual(readFileSync(join(dir, 'small.bin')), small);
  assert.deepEqual(readFileSync(join(dir, 'large.bin')), large);
  assert.equal(readFileSync(join(dir, 'text.json'), 'utf8'), '{"a": "é"}');
  writeFileSync(join(dir, 'old.bin'), 'old contents');
  await writeFileAtomic(join(dir, 'old.bin'), small);
  await writeFileAtomic(join(dir, 'large.bin'), small);
  assert.deepEqual(readFileSync(join(dir, 'old.bin')), small);
  assert.deepEqual(readFileSync(join(dir, 'large.bin')), small);
  assert.deepEqual(readdirSync(dir).sort(), ['large.bin', 'old.bin', 'small.bin', 'text.json'], 'no temp files remain');
}));

test('a failed rename (the target is a folder) leaves no temp file and the folder untouched', withDir(async (dir) => {
  for (const payload of [Buffer.alloc(10), Buffer.alloc(5 * 1024 * 1024)]) {
    const target = join(dir, 'taken');
    rmSync(target, { recursive: true, force: true });
    mkdirSync(join(target, 'inside'), { recursive: true });
    await assert.rejects(writeFileAtomic(target, payload));
    assert.deepEqual(readdirSync(dir), ['taken']);
    assert.deepEqual(readdirSync(target), ['inside']);
  }
}));

test('a missing parent folder is an error, not a partial write', withDir(async (dir) => {
  await assert.rejects(writeFileAtomic(join(dir, 'missing', 'file.bin'), Buffer.alloc(10)), { code: 'ENOENT' });
  assert.deepEqual(readdirSync(dir), []);
}));

test('flush after rename: the whole file is in place when the promise settles, on both paths, with no temp file', withDir(async (dir) => {
  const small = Buffer.from('small payload');
  const large = Buffer.alloc(5 * 1024 * 1024 + 1, 0x5a);
  writeFileSync(join(dir, 'old.bin'), 'old contents');
  await writeFileAtomic(join(dir, 'old.bin'), small, { flush: 'after-rename' });
  await writeFileAtomic(join(dir, 'large.bin'), large, { flush: 'after-rename' });
  assert.deepEqual(readFileSync(join(dir, 'old.bin')), small);
  assert.deepEqual(readFileSync(join(dir, 'large.bin')), large);
  assert.deepEqual(readdirSync(dir).sort(), ['large.bin', 'old.bin']);
  for (const payload of [Buffer.alloc(10), Buffer.alloc(5 * 1024 * 1024)]) {
    mkdirSync(join(dir, 'taken', 'inside'), { recursive: true });
    await assert.rejects(writeFileAtomic(join(dir, 'taken'), payload, { flush: 'after-rename' }));
    assert.deepEqual(readdirSync(dir).sort(), ['large.bin', 'old.bin', 'taken'], 'a failed rename leaves no temp file');
  }
}));
