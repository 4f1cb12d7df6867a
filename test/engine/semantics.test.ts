// Execution semantics (execution.md §4–§8): order, list mapping, lazy inputs, expansion, cycles, hidden inputs,
// and a 1,000-node chain.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { asyncGate, asyncLog, calls, chain, harness, node } from './fixtures.ts';

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

/** Shows the preview method its context carries. */
const PreviewMethod = node({
  name: 'PreviewMethod',
  outputNode: true,
  inputs: { required: { n: ['INT', {}] } },
  outputs: [],
  execute: (_inputs, ctx) => ({ ui: { method: [ctx.services.options.previewMethod] } }),
});

/** V3 autogrow: `values.v0`, `values.v1`, … arrive as `values: {v0, v1}`. */
const Gather = node({
  name: 'Gather',
  schemaFormat: 'v3',
  outputNode: true,
  inputs: {
    required: {
      values: ['COMFY_AUTOGROW_V3', { template: { input: { required: { value: ['INT', {}] } }, prefix: 'v', min: 1, max: 3 } }],
    },
  },
  outputs: [],
  execute: ({ values }) => ({ ui: { got: [values ?? null] } }),
});

/** V3 dynamic combo: the chosen option's inputs arrive nested with the choice. */
const Mode = node({
  name: 'Mode',
  schemaFormat: 'v3',
  outputNode: true,
  inputs: {
    required: {
      mode: [
        'COMFY_DYNAMICCOMBO_V3',
        { options: [{ key: 'scale', inputs: { required: { factor: ['FLOAT', { min: 0 }] } } }, { key: 'none', inputs: {} }] },
      ],
    },
  },
  outputs: [],
  execute: ({ mode }) => ({ ui: { got: [mode] } }),
});

const h = harness({ nodes: [CycleExpander, PreviewMethod, Gather, Mode] });
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

  test('as in ComfyUI: an empty list beside another input, and UI dicts whose keys differ, fail the node', async () => {
    const empty = await h.run({
      l: { class_type: 'ListOf', inputs: { count: 0 } },
      a: { class_type: 'Adder', inputs: { a: ['l', 0], b: 10 } },
      o: { class_type: 'Show', inputs: { value: ['a', 0] } },
    });
    const failure = (entry: typeof empty) => entry.status.messages.find(([event]) => event === 'execution_error')![1];
    assert.equal(failure(empty).exception_type, 'IndexError');
    assert.equal(failure(empty).exception_message, 'list index out of range\n');
    const mixed = await h.run({
      l: { class_type: 'ListOf', inputs: { count: 2 } },
      p: { class_type: 'ShowParity', inputs: { value: ['l', 0] } },
    });
    assert.equal(failure(mixed).exception_type, 'KeyError');
    assert.equal(failure(mixed).exception_message, "'odd'\n");
  });
});

describe('async nodes (ComfyUI 0.8.0 runs async functions while other nodes run)', () => {
  // OpenGate's value differs per test, so it is never cached (AsyncGated would wait for it forever).
  const prompt = (fail = false) => ({
    w: { class_type: 'AsyncGated', inputs: { value: 1, fail } },
    o1: { class_type: 'Show', inputs: { value: ['w', 0] } },
    g: { class_type: 'OpenGate', inputs: { value: fail ? 4 : 2 } },
    o2: { class_type: 'Show', inputs: { value: ['g', 0] } },
  });

  test('an async node still waiting is parked; the others run, and it finishes when its call does', async () => {
    asyncGate.reset();
    asyncLog.length = 0;
    // Run one after the other, AsyncGated (picked first, being async) would wait forever for OpenGate.
    const entry = await h.run(prompt(), { client_id: C });
    assert.equal(entry.status.status_str, 'success');
    assert.deepEqual(asyncLog, ['wait 1', 'open', 'done 1']);
    assert.deepEqual(entry.outputs.o1, { text: ['1'] });
    assert.deepEqual(entry.outputs.o2, { text: ['2'] });
  });

  test('a failed async call fails its node when it is taken up again', async () => {
    asyncGate.reset();
    const entry = await h.run(prompt(true), { client_id: C });
    const error = entry.status.messages.find(([event]) => event === 'execution_error')![1];
    assert.equal(error.node_id, 'w');
    assert.match(String(error.exception_message), /async call failed/);
  });

  test('an async node that finishes at once runs like any other', async () => {
    const from = h.messages.length;
    const entry = await h.run({ a: { class_type: 'AsyncAtOnce', inputs: { value: 3 } }, o: { class_type: 'Show', inputs: { value: ['a', 0] } } }, { client_id: C });
    assert.deepEqual(entry.outputs.o, { text: ['3'] });
    assert.deepEqual(executingOrder(from), ['a', 'o'], 'entered once');
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

describe('dynamic inputs (V3)', () => {
  test('autogrow slots are validated under their dotted names and passed nested', async () => {
    const entry = await h.run({
      c: { class_type: 'Const', inputs: { value: 4 } },
      g: { class_type: 'Gather', inputs: { 'values.v0': ['c', 0], 'values.v1': '5' } },
    });
    assert.deepEqual(entry.outputs.g, { got: [{ v0: 4, v1: 5 }] });
    const bad = await h.engine.submit({ prompt: { g: { class_type: 'Gather', inputs: { 'values.v0': 'abc' } } } });
    assert.ok(!bad.ok && bad.node_errors.g!.errors[0]!.extra_info.input_name === 'values.v0');
    const none = await h.run({ g: { class_type: 'Gather', inputs: {} } });
    assert.deepEqual(none.outputs.g, { got: [null] });
  });

  test("a dynamic combo's chosen option declares its inputs; the selector is not checked", async () => {
    const missing = await h.engine.submit({ prompt: { m: { class_type: 'Mode', inputs: { mode: 'scale' } } } });
    assert.ok(!missing.ok);
    if (!missing.ok) {
      assert.deepEqual(missing.node_errors.m!.errors, [
        { type: 'required_input_missing', message: 'Required input is missing', details: 'factor', extra_info: { input_name: 'mode.factor' } },
      ]);
    }
    const entry = await h.run({ m: { class_type: 'Mode', inputs: { mode: 'scale', 'mode.factor': 2 } } });
    assert.deepEqual(entry.outputs.m, { got: [{ mode: 'scale', factor: 2 }] });
    const other = await h.run({ m: { class_type: 'Mode', inputs: { mode: 'bogus' } } });
    assert.deepEqual(other.outputs.m, { got: [{ mode: 'bogus' }] });
  });
});

describe('inputs', () => {
  test('hidden inputs receive the prompt, extra_pnginfo, the node id and auth keys', async () => {
    const prompt = { h: { class_type: 'Hidden', inputs: {} } };
    const entry = await h.run(prompt, { extra_data: { extra_pnginfo: { workflow: { id: 'w' } }, api_key_comfy_org: 'k' } });
    assert.deepEqual(entry.outputs.h!.seen, [{ keys: ['h'], info: { workflow: { id: 'w' } }, id: 'h', token: null }]);
    assert.ok(!('api_key_comfy_org' in entry.prompt[3]));
  });

  test('extra_data.preview_method overrides the server preview method for one prompt', async () => {
    const run = (n: number, extra: Record<string, unknown>) => h.run({ p: { class_type: 'PreviewMethod', inputs: { n } } }, { extra_data: extra });
    assert.deepEqual((await run(1, { preview_method: 'taesd' })).outputs.p, { method: ['taesd'] });
    assert.deepEqual((await run(2, { preview_method: 'default' })).outputs.p, { method: ['none'] });
    assert.deepEqual((await run(3, {})).outputs.p, { method: ['none'] });
  });

  test('a 1,000-node chain runs', async () => {
    const entry = await h.run(chain(1000));
    assert.equal(entry.status.status_str, 'success');
    assert.deepEqual(entry.outputs, { out: { text: ['1000'] } });
  });
});
