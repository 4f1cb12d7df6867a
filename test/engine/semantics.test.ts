// Execution semantics (execution.md §4–§8): order, list mapping, lazy inputs, expansion, cycles, hidden inputs,
// and a 1,000-node chain.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { calls, chain, harness, node } from './fixtures.ts';

/** Expands into two adders that feed each other: a cycle only the run can find. */
const CycleExpander = node({
  name: 'CycleExpander',
  enableExpand: true,
  inputs: { required: { value: ['INT', {}] } },
  outputs: [{ type: 'INT' }],
  execute: () => ({
    result: [['cy.a', 0]],
    expand: {
      'cy.a': { class_type: 'Adder', inputs: { a: ['cy.b', 0], b: 1 } },
      'cy.b': { class_type: 'Adder', inputs: { a: ['cy.a', 0], b: 1 } },
    },
  }),
});

const h = harness({ nodes: [CycleExpander] });
after(() => h.engine.close());
const C = 'sem-client';

function executingOrder(from: number): unknown[] {
  return h.messages.slice(from).filter((m) => m.type === 'executing' && m.data.node !== null).map((m) => m.data.node);
}

describe('execution order', () => {
  test('output nodes run as soon as they are ready, and what feeds them first', async () => {
    const from = h.messages.length;
    await h.run(
      {
        a: { class_type: 'Const', inputs: { value: 101 } },
        b: { class_type: 'Const', inputs: { value: 102 } },
        sa: { class_type: 'Show', inputs: { value: ['a', 0] } },
        sb: { class_type: 'Show', inputs: { value: ['b', 0] } },
      },
      { client_id: C },
    );
    assert.deepEqual(executingOrder(from), ['a', 'sa', 'b', 'sb']);
  });

  test('nodes not reachable from an output never run', async () => {
    const before = calls.Adder ?? 0;
    await h.run({ x: { class_type: 'Adder', inputs: { a: 1, b: 2 } }, o: { class_type: 'Show', inputs: { value: 3 } } });
    assert.equal(calls.Adder ?? 0, before);
  });
});

describe('lists', () => {
  test('a list output maps downstream nodes once per element and UI lists merge', async () => {
    const entry = await h.run({
      l: { class_type: 'ListOf', inputs: { count: 3 } },
      a: { class_type: 'Adder', inputs: { a: ['l', 0], b: 10 } },
      o: { class_type: 'Show', inputs: { value: ['a', 0] } },
    });
    assert.deepEqual(entry.outputs, { o: { text: ['11', '12', '13'] } });
  });

  test('INPUT_IS_LIST receives whole lists; shorter lists repeat their last element', async () => {
    const entry = await h.run({
      l: { class_type: 'ListOf', inputs: { count: 4 } },
      s: { class_type: 'SumList', inputs: { values: ['l', 0] } },
      o: { class_type: 'Show', inputs: { value: ['s', 0] } },
      l2: { class_type: 'ListOf', inputs: { count: 2 } },
      a: { class_type: 'Adder', inputs: { a: ['l', 0], b: ['l2', 0] } },
      o2: { class_type: 'Show', inputs: { value: ['a', 0] } },
    });
    assert.deepEqual(entry.outputs.o, { text: ['10'] });
    assert.deepEqual(entry.outputs.o2, { text: ['2', '4', '5', '6'] });
  });
});

describe('lazy inputs', () => {
  const prompt = (cond: boolean) => ({
    c: { class_type: 'Const', inputs: { value: 5 } },
    f: { class_type: 'Fail', inputs: { value: 1 } },
    s: { class_type: 'LazySwitch', inputs: { cond, on_true: ['c', 0], on_false: ['f', 0] } },
    o: { class_type: 'Show', inputs: { value: ['s', 0] } },
  });

  test('only the branch asked for is evaluated', async () => {
    const from = h.messages.length;
    const entry = await h.run(prompt(true), { client_id: C });
    assert.equal(entry.status.status_str, 'success');
    assert.deepEqual(entry.outputs, { o: { text: ['5'] } });
    // The switch is entered twice: once to ask for its input, once to run.
    assert.deepEqual(executingOrder(from), ['s', 'c', 's', 'o']);
  });

  test('the other branch runs when asked for (and here fails)', async () => {
    const entry = await h.run(prompt(false));
    assert.equal(entry.status.status_str, 'error');
    const err = entry.status.messages.find((m) => m[0] === 'execution_error')![1];
    assert.equal(err.node_id, 'f');
  });
});

describe('node expansion', () => {
  test('an expanded node runs under an ephemeral id, displayed as its parent', async () => {
    const from = h.messages.length;
    const entry = await h.run(
      {
        x: { class_type: 'AddOneExpander', inputs: { value: 5 } },
        o: { class_type: 'Show', inputs: { value: ['x', 0] } },
      },
      { client_id: C },
    );
    assert.deepEqual(entry.outputs, { o: { text: ['6'] } });
    const executing = h.messages.slice(from).filter((m) => m.type === 'executing' && m.data.node !== null);
    assert.deepEqual(
      executing.map((m) => [m.data.node, m.data.display_node]),
      [
        ['x', 'x'],
        ['x.0.0.1', 'x'],
        ['o', 'o'],
      ],
    );
    const states = h.messages.slice(from).filter((m) => m.type === 'progress_state');
    const last = states.at(-1)!.data.nodes as Record<string, Record<string, unknown>>;
    assert.deepEqual(
      { parent: last['x.0.0.1']!.parent_node_id, real: last['x.0.0.1']!.real_node_id, display: last['x.0.0.1']!.display_node_id },
      { parent: 'x', real: 'x', display: 'x' },
    );
  });

  test('a re-run of the same expansion is cached', async () => {
    const prompt = { x: { class_type: 'AddOneExpander', inputs: { value: 8 } }, o: { class_type: 'Show', inputs: { value: ['x', 0] } } };
    await h.run(prompt);
    const before = calls.AddOneExpander ?? 0;
    const entry = await h.run(prompt, { client_id: C });
    assert.equal(calls.AddOneExpander ?? 0, before);
    assert.deepEqual(entry.outputs, { o: { text: ['9'] } });
  });

  test('a cycle created by expansion is a DependencyCycleError', async () => {
    const entry = await h.run(
      { x: { class_type: 'CycleExpander', inputs: { value: 1 } }, o: { class_type: 'Show', inputs: { value: ['x', 0] } } },
      { client_id: C },
    );
    const err = entry.status.messages.find((m) => m[0] === 'execution_error')![1];
    assert.equal(err.exception_type, 'graph.DependencyCycleError');
    assert.equal(err.exception_message, 'Dependency cycle detected');
    assert.deepEqual(err.traceback, []);
    assert.deepEqual(err.current_inputs, []);
    assert.equal(err.node_id, 'x');
    assert.equal(entry.status.status_str, 'error');
  });
});

describe('inputs', () => {
  test('hidden inputs receive the prompt, extra_pnginfo, the node id and auth keys', async () => {
    const prompt = { h: { class_type: 'Hidden', inputs: {} } };
    const entry = await h.run(prompt, { extra_data: { extra_pnginfo: { workflow: { id: 'w' } }, api_key_comfy_org: 'k' } });
    assert.deepEqual(entry.outputs.h!.seen, [{ keys: ['h'], info: { workflow: { id: 'w' } }, id: 'h', token: null }]);
    assert.ok(!('api_key_comfy_org' in entry.prompt[3]));
  });

  test('a 1,000-node chain runs', async () => {
    const entry = await h.run(chain(1000));
    assert.equal(entry.status.status_str, 'success');
    assert.deepEqual(entry.outputs, { out: { text: ['1000'] } });
  });
});
