// Caching (execution.md §10, changes-0.8.0.md §5): input signatures, IS_CHANGED, the classic/LRU/RAM/none policies
// and POST /free.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { calls, harness, setChangeToken, until } from './fixtures.ts';
import { Tensor } from '../../src/inference/tensor.ts';
import { DynamicPrompt } from '../../src/engine/dynamic-prompt.ts';
import { RamPressureCache } from '../../src/engine/cache/ram-pressure.ts';
import type { InputSignatures } from '../../src/engine/cache/signature.ts';

const C = 'cache-client';

function simple(prefix: string, value = 2): Record<string, unknown> {
  return {
    [`${prefix}1`]: { class_type: 'Const', inputs: { value } },
    [`${prefix}2`]: { class_type: 'Adder', inputs: { a: [`${prefix}1`, 0], b: 3 } },
    [`${prefix}3`]: { class_type: 'Show', inputs: { value: [`${prefix}2`, 0] } },
  };
}

function cachedNodes(h: ReturnType<typeof harness>, from: number): unknown {
  return h.messages.slice(from).find((m) => m.type === 'execution_cached')?.data.nodes;
}

describe('classic cache', () => {
  const h = harness();
  after(() => h.engine.close());

  test('a re-run hits the cache: nothing executes again', async () => {
    await h.run(simple('x'), { client_id: C });
    const before = calls.Adder ?? 0;
    const from = h.messages.length;
    await h.run(simple('x'), { client_id: C });
    assert.equal(calls.Adder ?? 0, before);
    assert.deepEqual(cachedNodes(h, from), ['x1', 'x2', 'x3']);
  });

  test('signatures ignore node ids: the same graph under other ids is cached', async () => {
    await h.run(simple('x'), { client_id: C });
    const before = calls.Const ?? 0;
    const from = h.messages.length;
    const entry = await h.run(simple('y'), { client_id: C });
    assert.equal(calls.Const ?? 0, before);
    assert.deepEqual(cachedNodes(h, from), ['y1', 'y2', 'y3']);
    assert.deepEqual(entry.outputs, { y3: { text: ['5'] } });
  });

  test('only what the latest prompt uses is kept', async () => {
    await h.run(simple('x', 1), { client_id: C });
    await h.run(simple('x', 2), { client_id: C });
    const from = h.messages.length;
    await h.run(simple('x', 1), { client_id: C });
    assert.deepEqual(cachedNodes(h, from), []);
  });

  test('IS_CHANGED: equal values reuse, a new value re-runs, NaN always re-runs; a sent is_changed is trusted', async () => {
    // Each run gets a fresh copy, as each HTTP submission is: a run writes `is_changed` into its prompt's nodes.
    const original = {
      c: { class_type: 'Changing', inputs: { value: 1 } },
      o: { class_type: 'Show', inputs: { value: ['c', 0] } },
    };
    const prompt = () => structuredClone(original) as Record<string, any>;
    setChangeToken('v1');
    const first = await h.run(prompt());
    assert.deepEqual((first.prompt[2] as Record<string, any>).c.is_changed, ['v1'], 'written into the prompt, as ComfyUI does');
    const runs = () => calls.Changing ?? 0;
    const n = runs();
    await h.run(prompt());
    assert.equal(runs(), n);
    setChangeToken('v2');
    await h.run(prompt());
    assert.equal(runs(), n + 1);
    setChangeToken(NaN);
    await h.run(prompt());
    await h.run(prompt());
    assert.equal(runs(), n + 3);
    // A prompt that carries is_changed is taken at its word (IS_CHANGED itself still says NaN here).
    const carried = prompt();
    carried.c.is_changed = ['v3'];
    await h.run(carried);
    assert.equal(runs(), n + 4, 'a new carried value re-runs');
    const again = prompt();
    again.c.is_changed = ['v3'];
    await h.run(again);
    assert.equal(runs(), n + 4, 'the same carried value is reused though IS_CHANGED now says NaN');
    setChangeToken(1);
  });

  test('UNIQUE_ID nodes are keyed by their id', async () => {
    const entry = await h.run({ h1: { class_type: 'Hidden', inputs: {} }, h2: { class_type: 'Hidden', inputs: {} } });
    const ids = Object.values(entry.outputs).map((ui) => (ui.seen as { id: string }[])[0]!.id);
    assert.deepEqual(ids.sort(), ['h1', 'h2']);
  });

  test('free_memory drops the caches and unloads models; unload_models alone keeps them', async () => {
    let unloads = 0;
    const f = harness({ unloadModels: () => unloads++ });
    try {
      await f.run(simple('x'), { client_id: C });
      f.engine.requestFree({ unloadModels: true, freeMemory: false });
      await until(() => unloads === 1);
      let from = f.messages.length;
      await f.run(simple('x'), { client_id: C });
      assert.deepEqual(cachedNodes(f, from), ['x1', 'x2', 'x3']);
      f.engine.requestFree({ unloadModels: false, freeMemory: true });
      await until(() => unloads === 2);
      from = f.messages.length;
      await f.run(simple('x'), { client_id: C });
      assert.deepEqual(cachedNodes(f, from), []);
    } finally {
      await f.engine.close();
    }
  });
});

describe('LRU cache', () => {
  test('keeps results of earlier prompts up to its size', async () => {
    const h = harness({ cache: { mode: 'lru', lruSize: 10 } });
    try {
      await h.run(simple('a', 1), { client_id: C });
      await h.run(simple('a', 2), { client_id: C });
      const from = h.messages.length;
      await h.run(simple('a', 1), { client_id: C });
      assert.deepEqual(cachedNodes(h, from), ['a1', 'a2', 'a3']);
    } finally {
      await h.engine.close();
    }
  });

  test('evicts the oldest generations beyond its size', async () => {
    const h = harness({ cache: { mode: 'lru', lruSize: 3 } });
    try {
      await h.run(simple('a', 1), { client_id: C });
      await h.run(simple('a', 2), { client_id: C });
      await h.run(simple('a', 3), { client_id: C });
      const from = h.messages.length;
      await h.run(simple('a', 1), { client_id: C });
      assert.deepEqual(cachedNodes(h, from), []);
    } finally {
      await h.engine.close();
    }
  });
});

describe('RAM-pressure cache', () => {
  test('keeps every earlier result while RAM is plentiful', async () => {
    const h = harness({ cache: { mode: 'ram', ramHeadroomGb: 0.001 } });
    try {
      for (const value of [1, 2, 3, 4, 5]) await h.run(simple('r', value), { client_id: C });
      const from = h.messages.length;
      await h.run(simple('r', 1), { client_id: C });
      assert.deepEqual(cachedNodes(h, from), ['r1', 'r2', 'r3']);
    } finally {
      await h.engine.close();
    }
  });

  test('under pressure evicts the largest, oldest entries first, until 1.1 × the headroom is free', async () => {
    const GB = 1024 ** 3;
    let available = 10 * GB;
    let collections = 0;
    class Inspectable extends RamPressureCache {
      keysLeft(): string[] {
        return [...this.entries.keys()];
      }
    }
    const evicted: string[] = [];
    // Each collection finds what was evicted since the last one and gives back 0.2 GB per entry.
    const cache: Inspectable = new Inspectable({
      headroomGb: 4,
      availableBytes: () => available,
      collectGarbage: () => {
        collections++;
        for (const key of ['key-old-big', 'key-old-small', 'key-new-big', 'key-latent']) {
          if (!evicted.includes(key) && !cache.keysLeft().includes(key)) {
            evicted.push(key);
            available += 0.2 * GB;
          }
        }
      },
    });
    const prompt = async (ids: string[]) => {
      const dynprompt = new DynamicPrompt(Object.fromEntries(ids.map((id) => [id, { class_type: 'Const', inputs: { value: 1 } }])));
      await cache.setPrompt(dynprompt, ids, { key: async (id: string) => `key-${id}` } as unknown as InputSignatures);
    };
    const tensor = (values: number) => new Tensor([values]);
    await prompt(['old-big', 'old-small']);
    cache.set('old-big', { ui: null, outputs: [[tensor(1000)]] });
    cache.set('old-small', { ui: null, outputs: [[tensor(10)]] });
    await prompt(['new-big', 'latent']);
    cache.set('new-big', { ui: null, outputs: [[tensor(1000)]] });
    cache.set('latent', { ui: null, outputs: [[{ samples: tensor(100000) }]] }); // dicts are not scanned
    cache.afterNode();
    assert.equal(collections, 0, 'nothing happens above the headroom');

    available = 3.9 * GB;
    cache.afterNode();
    // Scores: old-big 1.3 × 2000.1, new-big 2000.1, old-small 1.3 × 20.1, latent 0.1. Three evictions bring
    // 3.9 GB to 4.5 GB ≥ 4.4 GB, so the latent stays; one collection first, then one per eviction.
    assert.deepEqual(evicted, ['key-old-big', 'key-new-big', 'key-old-small']);
    assert.deepEqual(cache.keysLeft(), ['key-latent']);
    assert.equal(collections, 4);
  });
});

describe('no cache', () => {
  test('nothing is reused and nothing is reported cached', async () => {
    const h = harness({ cache: { mode: 'none' } });
    try {
      await h.run(simple('n'), { client_id: C });
      const before = calls.Const ?? 0;
      const from = h.messages.length;
      const entry = await h.run(simple('n'), { client_id: C });
      assert.equal(calls.Const, before + 1);
      assert.deepEqual(cachedNodes(h, from), []);
      assert.deepEqual(entry.outputs, { n3: { text: ['5'] } });
      const failed = await h.run({ c: { class_type: 'Const', inputs: { value: 1 } }, f: { class_type: 'Fail', inputs: { value: ['c', 0] } }, o: { class_type: 'Show', inputs: { value: ['f', 0] } } }, { client_id: C });
      const error = failed.status.messages.find((m) => m[0] === 'execution_error')![1];
      assert.deepEqual(error.current_outputs, []);
    } finally {
      await h.engine.close();
    }
  });
});
