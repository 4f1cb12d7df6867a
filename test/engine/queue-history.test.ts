// The queue (execution.md §3, api.md §3.6) and history (api.md §3.9): ordering by (number, prompt_id), front,
// explicit numbers, delete/clear, history paging, the size bound, and their cost at 10,000 items.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HistoryEntry, QueueItem } from '../../src/engine/engine-api.ts';
import { PromptHistory } from '../../src/engine/history.ts';
import { PromptQueue } from '../../src/engine/queue.ts';
import { harness, until } from './fixtures.ts';

const show = (value: unknown) => ({ o: { class_type: 'Show', inputs: { value } } });
const blocker = { s: { class_type: 'Slow', inputs: { steps: 100000 } }, o: { class_type: 'Show', inputs: { value: ['s', 0] } } };

function item(number: number, id: string): QueueItem {
  return [number, id, {}, {}, []];
}

describe('PromptQueue', () => {
  test('pops by number, then prompt id', () => {
    const q = new PromptQueue();
    for (const [n, id] of [[3, 'a'], [-5, 'b'], [0, 'c'], [3, 'A'], [-3, 'd'], [0.5, 'e']] as const) q.push(item(n, id), {});
    const order: string[] = [];
    for (let e = q.pop(); e; e = q.pop()) order.push(e.item[1]);
    assert.deepEqual(order, ['b', 'd', 'c', 'e', 'A', 'a']);
  });

  test('lists items in heap order, as heapq does', () => {
    const q = new PromptQueue();
    for (const n of [5, 3, 8, 1, 9, 2]) q.push(item(n, `p${n}`), {});
    assert.deepEqual(q.items().map((i) => i[0]), [1, 3, 2, 5, 9, 8]);
  });

  test('delete removes one pending item per id and keeps the heap valid', () => {
    const q = new PromptQueue();
    for (let i = 0; i < 20; i++) q.push(item(i, `p${i}`), {});
    assert.equal(q.delete(['p3', 'p7', 'nope']).length, 2);
    const order: number[] = [];
    for (let e = q.pop(); e; e = q.pop()) order.push(e.item[0]);
    assert.deepEqual(order, [...Array(20).keys()].filter((i) => i !== 3 && i !== 7));
  });

  test('10,000 items with random numbers come out in number order', () => {
    const q = new PromptQueue();
    for (let i = 0; i < 10000; i++) q.push(item(Math.random(), `p${i}`), {});
    assert.equal(q.items().length, 10000);
    const numbers: number[] = [];
    for (let e = q.pop(); e; e = q.pop()) numbers.push(e.item[0]);
    assert.equal(numbers.length, 10000);
    assert.ok(numbers.every((n, i) => i === 0 || numbers[i - 1]! <= n));
  });
});

describe('PromptHistory', () => {
  const entry = (id: string) => ({ prompt: item(0, id) }) as unknown as HistoryEntry;

  test('pages like get_history: newest max_items, offset, and the max_items=0 quirk', () => {
    const hist = new PromptHistory();
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) hist.add(id, entry(id));
    const keys = (r: Record<string, unknown>) => Object.keys(r);
    assert.deepEqual(keys(hist.page()), ['a', 'b', 'c', 'd', 'e', 'f']);
    assert.deepEqual(keys(hist.page(2)), ['e', 'f']);
    assert.deepEqual(keys(hist.page(2, 1)), ['b', 'c']);
    assert.deepEqual(keys(hist.page(undefined, 4)), ['e', 'f']);
    assert.deepEqual(keys(hist.page(10)), ['a', 'b', 'c', 'd', 'e', 'f']);
    assert.deepEqual(keys(hist.page(0)), []);
    assert.deepEqual(keys(hist.page(0, 0)), ['a']);
    assert.deepEqual(keys(hist.page(undefined, 10)), []);
  });

  test('is bounded: the oldest entry goes once more than max exist', () => {
    const hist = new PromptHistory(3);
    for (let i = 0; i < 6; i++) hist.add(`p${i}`, entry(`p${i}`));
    assert.deepEqual(Object.keys(hist.page()), ['p2', 'p3', 'p4', 'p5']);
  });

  test('10,000 entries: a page is the newest 100', () => {
    const hist = new PromptHistory();
    for (let i = 0; i < 10000; i++) hist.add(`p${i}`, entry(`p${i}`));
    const page = hist.page(100);
    assert.equal(Object.keys(page).length, 100);
    assert.equal(Object.keys(page)[0], 'p9900');
  });
});

describe('engine queue', () => {
  const h = harness({ maxHistory: 5 });
  after(() => h.engine.close());

  test('deleting the last pending item announces the queue twice (wipe_queue, then queue_updated)', async () => {
    const busy = await h.engine.submit({ prompt: blocker });
    assert.ok(busy.ok);
    await until(() => h.engine.queue().queue_running.length === 1);
    const ids: string[] = [];
    for (const name of ['a', 'b']) {
      const o = await h.engine.submit({ prompt: show(name) });
      if (o.ok) ids.push(o.prompt_id);
    }
    const remaining = (from: number) => h.messages.slice(from).map((m) => [m.type, (m.data as any).status.exec_info.queue_remaining]);
    let from = h.messages.length;
    h.engine.deleteQueued([ids[0]!]);
    assert.deepEqual(remaining(from), [['status', 2]]);
    from = h.messages.length;
    h.engine.deleteQueued([ids[1]!]);
    assert.deepEqual(remaining(from), [['status', 1], ['status', 1]]);
    h.engine.interrupt();
    if (busy.ok) await h.engine.waitFor(busy.prompt_id);
  });

  test('a busy worker: pending order, front, explicit numbers, delete, clear', async () => {
    const busy = await h.engine.submit({ prompt: blocker });
    assert.ok(busy.ok);
    if (!busy.ok) return;
    await until(() => h.engine.queue().queue_running.length === 1);
    const ids: Record<string, string> = {};
    for (const [name, extra] of [
      ['first', {}],
      ['second', {}],
      ['front', { front: true }],
      ['explicit', { number: -100 }],
      ['doomed', {}],
    ] as const) {
      const o = await h.engine.submit({ prompt: show(name), ...extra });
      assert.ok(o.ok);
      if (o.ok) ids[name] = o.prompt_id;
    }
    const q = h.engine.queue();
    assert.deepEqual(q.queue_running.map((i) => i[1]), [busy.prompt_id]);
    assert.equal(q.queue_pending.length, 5);
    assert.equal(h.engine.queueRemaining(), 6);

    const statusFrom = h.messages.length;
    const doomed = h.engine.waitFor(ids.doomed!);
    h.engine.deleteQueued([ids.doomed!, busy.prompt_id]);
    await assert.rejects(doomed);
    assert.equal(h.engine.queue().queue_pending.length, 4);
    assert.deepEqual(h.messages.slice(statusFrom).map((m) => m.type), ['status']);
    assert.deepEqual(h.engine.queue().queue_running.map((i) => i[1]), [busy.prompt_id]);

    h.engine.interrupt();
    for (const id of Object.values(ids).filter((id) => id !== ids.doomed)) await h.engine.waitFor(id);
    const order = Object.keys(h.engine.history()).slice(-4);
    assert.deepEqual(order, [ids.explicit, ids.front, ids.first, ids.second]);

    const again = await h.engine.submit({ prompt: blocker });
    const pending = await h.engine.submit({ prompt: show('never') });
    await until(() => h.engine.queue().queue_running.length === 1);
    h.engine.clearQueue();
    assert.deepEqual(h.engine.queue().queue_pending, []);
    h.engine.interrupt();
    if (again.ok) await h.engine.waitFor(again.prompt_id);
    if (pending.ok) assert.equal(h.engine.historyEntry(pending.prompt_id), undefined);
  });

  test('history keeps at most max + 1 entries; delete and clear', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await h.run(show(i))).prompt[1]);
    assert.equal(Object.keys(h.engine.history()).length, 6);
    assert.deepEqual(Object.keys(h.engine.history({ maxItems: 2 })), ids.slice(-2));
    assert.equal(h.engine.historyEntry(ids[7]!)?.prompt[1], ids[7]);
    h.engine.deleteHistory([ids[7]!, 'unknown']);
    assert.equal(h.engine.historyEntry(ids[7]!), undefined);
    h.engine.clearHistory();
    assert.deepEqual(h.engine.history(), {});
  });
});

describe('submission cost', () => {
  test('10,000 prompts queue behind a busy worker and are all listed', async () => {
    const h = harness();
    try {
      const busy = await h.engine.submit({ prompt: blocker });
      for (let i = 0; i < 10000; i++) {
        const o = await h.engine.submit({ prompt: { c: { class_type: 'Const', inputs: { value: i % 100 } }, ...show(['c', 0]) } });
        assert.ok(o.ok);
      }
      const q = h.engine.queue();
      assert.equal(q.queue_pending.length, 10000);
      h.engine.clearQueue();
      h.engine.interrupt();
      if (busy.ok) await h.engine.waitFor(busy.prompt_id);
    } finally {
      await h.engine.close();
    }
  });
});
