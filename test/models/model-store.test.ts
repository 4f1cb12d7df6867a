// The loaded-network store: load once and share, least-recently-used release past the budget, a failed load is
// retried, and unloadAll releases everything.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ModelStore } from '../../src/inference/models/model-store.ts';

function network(name: string, released: string[]) {
  return { name, release: async () => void released.push(name) };
}

describe('ModelStore', () => {
  it('loads a network once and shares it between users', async () => {
    let loads = 0;
    const store = new ModelStore({ budgetBytes: 100, log: () => {} });
    const load = async () => (loads++, network('a', []));
    const [x, y] = await Promise.all([store.use('a', 10, load), store.use('a', 10, load)]);
    assert.equal(loads, 1);
    assert.equal(x, y);
  });

  it('releases the least recently used networks when the budget would be exceeded', async () => {
    const released: string[] = [];
    const store = new ModelStore({ budgetBytes: 100, log: () => {} });
    await store.use('a', 40, async () => network('a', released));
    await store.use('b', 40, async () => network('b', released));
    await store.use('a', 40, async () => network('a', released)); // a is now the most recent
    await store.use('c', 40, async () => network('c', released));
    assert.deepEqual(released, ['b']);
    assert.deepEqual(store.loadedKeys().sort(), ['a', 'c']);
    assert.equal(store.residentBytes(), 80);
  });

  it('forgets a failed load so the next use tries again', async () => {
    const store = new ModelStore({ log: () => {} });
    await assert.rejects(store.use('a', 1, async () => { throw new Error('corrupt file'); }), /corrupt file/);
    assert.deepEqual(store.loadedKeys(), []);
    const ok = await store.use('a', 1, async () => network('a', []));
    assert.equal(ok.name, 'a');
  });

  it('unloadAll releases everything', async () => {
    const released: string[] = [];
    const store = new ModelStore({ log: () => {} });
    await store.use('a', 1, async () => network('a', released));
    await store.use('b', 1, async () => network('b', released));
    await store.unloadAll();
    assert.deepEqual(released.sort(), ['a', 'b']);
    assert.equal(store.residentBytes(), 0);
  });
});
