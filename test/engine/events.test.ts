// WebSocket event sequences (api.md §2.3–§2.5, changes-0.8.0.md §1.5) for each kind of run, their data fields and
// targets, progress with preview frames, interrupts, and the history entries the runs leave.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, node, until } from './fixtures.ts';
import { stringifyJson } from '../../src/server/json.ts';

const h = harness();
after(() => h.engine.close());

const C = 'client-1';
const simple = {
  '1': { class_type: 'Const', inputs: { value: 2 } },
  '2': { class_type: 'Adder', inputs: { a: ['1', 0], b: 3 } },
  '3': { class_type: 'Show', inputs: { value: ['2', 0] } },
};

function messagesOf(from: number, type: string) {
  return h.messages.slice(from).filter((m) => m.type === type);
}

describe('event sequences', () => {
  test('a normal run: order, fields and targets', async () => {
    const from = h.messages.length;
    const entry = await h.run(simple, { client_id: C });
    const pid = entry.prompt[1];
    assert.deepEqual(h.sequence(from), [
      'status',
      'status',
      'execution_start',
      'execution_cached',
      'progress_state:1=running',
      'executing:1',
      'progress_state:1=finished',
      'progress_state:1=finished,2=running',
      'executing:2',
      'progress_state:1=finished,2=finished',
      'progress_state:1=finished,2=finished,3=running',
      'executing:3',
      'executed:3',
      'progress_state:1=finished,2=finished,3=finished',
      'execution_success',
      'status',
      'executing:null',
    ]);
    const msgs = h.messages.slice(from);
    for (const m of msgs) assert.equal(m.clientId, m.type === 'status' ? null : C, m.type);
    assert.deepEqual(msgs[0]!.data, { status: { exec_info: { queue_remaining: 1 } } });
    assert.deepEqual(msgs.at(-2)!.data, { status: { exec_info: { queue_remaining: 0 } } });
    const start = messagesOf(from, 'execution_start')[0]!.data;
    assert.deepEqual(Object.keys(start), ['prompt_id', 'timestamp']);
    assert.equal(typeof start.timestamp, 'number');
    assert.deepEqual(messagesOf(from, 'execution_cached')[0]!.data.nodes, []);
    assert.deepEqual(messagesOf(from, 'executing')[0]!.data, { node: '1', display_node: '1', prompt_id: pid });
    assert.deepEqual(messagesOf(from, 'executed')[0]!.data, { node: '3', display_node: '3', output: { text: ['5'] }, prompt_id: pid });
    assert.deepEqual(msgs.at(-1)!.data, { node: null, prompt_id: pid });
    const state = messagesOf(from, 'progress_state')[0]!.data;
    // On the wire as the server writes it: a started node is at 0.0 of 1.0, Python floats (changes-0.8.0 §1.5).
    const wire = stringifyJson(state);
    assert.match(wire, /"value":0\.0,"max":1\.0,/);
    assert.deepEqual(JSON.parse(wire), {
      prompt_id: pid,
      nodes: {
        '1': { value: 0, max: 1, state: 'running', node_id: '1', prompt_id: pid, display_node_id: '1', parent_node_id: null, real_node_id: '1' },
      },
    });
    assert.deepEqual(entry.outputs, { '3': { text: ['5'] } });
    assert.deepEqual(entry.meta, { '3': { node_id: '3', display_node: '3', parent_node: null, real_node_id: '3' } });
    assert.deepEqual(entry.status.messages.map((m) => m[0]), ['execution_start', 'execution_cached', 'execution_success']);
    assert.deepEqual({ ...entry.status, messages: [] }, { status_str: 'success', completed: true, messages: [] });
  });

  test('a fully cached re-run replays output nodes only', async () => {
    await h.run(simple, { client_id: C });
    const from = h.messages.length;
    const entry = await h.run(simple, { client_id: C });
    assert.deepEqual(h.sequence(from), [
      'status',
      'status',
      'execution_start',
      'execution_cached',
      'executed:3',
      'progress_state:3=finished',
      'execution_success',
      'status',
      'executing:null',
    ]);
    assert.deepEqual(messagesOf(from, 'execution_cached')[0]!.data.nodes, ['1', '2', '3']);
    const state = messagesOf(from, 'progress_state')[0]!.data.nodes as Record<string, { value: number; max: number }>;
    assert.deepEqual([state['3']!.value, state['3']!.max], [1, 1]);
    assert.deepEqual(entry.outputs, { '3': { text: ['5'] } });
  });

  test('a cached re-run without a client records no outputs (0.8.0)', async () => {
    await h.run(simple, { client_id: C });
    const from = h.messages.length;
    const entry = await h.run(simple);
    assert.deepEqual(entry.outputs, {});
    assert.deepEqual(entry.meta, {});
    assert.deepEqual(h.sequence(from), ['status', 'status', 'progress_state:3=finished', 'status']);
    assert.ok(h.messages.slice(from).every((m) => m.clientId === null));
  });

  test('partially cached: only nodes downstream of the change run', async () => {
    await h.run(simple, { client_id: C });
    const changed = structuredClone(simple);
    changed['2'].inputs.b = 10;
    const from = h.messages.length;
    const entry = await h.run(changed, { client_id: C });
    const seq = h.sequence(from).filter((s) => s.startsWith('executing') || s.startsWith('executed') || s === 'execution_cached');
    assert.deepEqual(seq, ['execution_cached', 'executing:2', 'executing:3', 'executed:3', 'executing:null']);
    assert.deepEqual(messagesOf(from, 'execution_cached')[0]!.data.nodes, ['1']);
    assert.deepEqual(entry.outputs, { '3': { text: ['12'] } });
  });

  test('a failing node: execution_error, nothing after it, and the queue goes on', async () => {
    const failing = {
      c: { class_type: 'Const', inputs: { value: 4 } },
      f: { class_type: 'Fail', inputs: { value: ['c', 0] } },
      o: { class_type: 'Show', inputs: { value: ['f', 0] } },
    };
    const from = h.messages.length;
    const entry = await h.run(failing, { client_id: C });
    assert.deepEqual(h.sequence(from), [
      'status',
      'status',
      'execution_start',
      'execution_cached',
      'progress_state:c=running',
      'executing:c',
      'progress_state:c=finished',
      'progress_state:c=finished,f=running',
      'executing:f',
      'execution_error',
      'status',
      'executing:null',
    ]);
    const err = messagesOf(from, 'execution_error')[0]!.data;
    assert.deepEqual(Object.keys(err), [
      'prompt_id',
      'node_id',
      'node_type',
      'executed',
      'exception_message',
      'exception_type',
      'traceback',
      'current_inputs',
      'current_outputs',
      'timestamp',
    ]);
    assert.equal(err.node_id, 'f');
    assert.equal(err.node_type, 'Fail');
    assert.deepEqual(err.executed, ['c']);
    assert.equal(err.exception_message, 'boom\n');
    assert.equal(err.exception_type, 'Exception');
    const tb = err.traceback as string[];
    assert.ok(tb.every((l) => /^ {2}File ".*", line \d+, in /.test(l)));
    // Outermost first, from executeNode (where it is caught) down to the node's own function, where it was thrown.
    assert.match(tb[0]!, /, in executeNode\n/);
    assert.match(tb.at(-1)!, /fixtures\.ts", line \d+, in (Object\.)?execute\n {4}throw new Error\('boom'\);\n$/);
    assert.deepEqual(err.current_inputs, { value: [4] });
    assert.deepEqual(err.current_outputs, ['c', 'f', 'o']);
    assert.deepEqual({ ...entry.status, messages: [] }, { status_str: 'error', completed: false, messages: [] });
    assert.deepEqual(entry.status.messages.map((m) => m[0]), ['execution_start', 'execution_cached', 'execution_error']);
    const next = await h.run(simple, { client_id: C });
    assert.equal(next.status.status_str, 'success');
  });

  test('progress: progress_state, the type-4 preview, progress, then the type-1 preview (ComfyUI 0.8.0 order)', async () => {
    const from = h.messages.length;
    const framesFrom = h.frames.length;
    const events: string[] = [];
    const unsubscribe = h.engine.subscribe({ message: (m) => events.push(m.type), binary: (f) => events.push(`binary ${f.previewFor}`) });
    const entry = await h.run({ s: { class_type: 'Slow', inputs: { steps: 2, preview: true } }, o: { class_type: 'Show', inputs: { value: ['s', 0] } } }, { client_id: C });
    unsubscribe();
    const step = events.indexOf('progress');
    assert.deepEqual(events.slice(step - 2, step + 2), ['progress_state', 'binary metadata', 'progress', 'binary plain']);
    const progress = messagesOf(from, 'progress').map((m) => m.data);
    assert.deepEqual(progress, [
      { value: 1, max: 2, prompt_id: entry.prompt[1], node: 's' },
      { value: 2, max: 2, prompt_id: entry.prompt[1], node: 's' },
    ]);
    const frame = h.frames[framesFrom]!;
    assert.equal(frame.clientId, C);
    assert.equal(frame.frame.readUInt32BE(0), 4);
    const metaLength = frame.frame.readUInt32BE(4);
    assert.deepEqual(JSON.parse(frame.frame.subarray(8, 8 + metaLength).toString()), {
      node_id: 's',
      prompt_id: entry.prompt[1],
      display_node_id: 's',
      parent_node_id: null,
      real_node_id: 's',
      image_type: 'image/jpeg',
    });
    assert.deepEqual([...frame.frame.subarray(8 + metaLength)], [0xff, 0xd8, 1]);
    const plain = h.frames[framesFrom + 1]!;
    assert.deepEqual([plain.clientId, plain.previewFor], [C, 'plain']);
    assert.deepEqual([...plain.frame], [0, 0, 0, 1, 0, 0, 0, 1, 0xff, 0xd8, 1]);
  });

  test('progress is broadcast when the prompt has no client', async () => {
    const from = h.messages.length;
    await h.run({ s: { class_type: 'Slow', inputs: { steps: 1 } }, o: { class_type: 'Show', inputs: { value: ['s', 0] } } });
    const progress = messagesOf(from, 'progress');
    assert.equal(progress.length, 1);
    assert.equal(progress[0]!.clientId, null);
    assert.equal(messagesOf(from, 'executing').length, 0);
  });
});

describe('interrupts', () => {
  const slow = { s: { class_type: 'Slow', inputs: { steps: 200 } }, o: { class_type: 'Show', inputs: { value: ['s', 0] } } };

  test('an interrupt during a node ends the prompt with execution_interrupted', async () => {
    const from = h.messages.length;
    const outcome = await h.engine.submit({ prompt: slow, client_id: C });
    assert.ok(outcome.ok);
    if (!outcome.ok) return;
    const unsubscribe = h.engine.subscribe({
      message: (m) => {
        if (m.type === 'progress' && m.data.value === 3) {
          assert.deepEqual(h.engine.currentlyExecuting(), { clientId: C, displayNodeId: 's', promptId: outcome.prompt_id });
          h.engine.interrupt(outcome.prompt_id);
        }
      },
      binary: () => {},
    });
    const entry = await h.engine.waitFor(outcome.prompt_id);
    unsubscribe();
    const seq = h.sequence(from);
    assert.deepEqual(seq.slice(seq.indexOf('execution_interrupted')), ['execution_interrupted', 'status', 'executing:null']);
    const data = messagesOf(from, 'execution_interrupted')[0]!.data;
    assert.deepEqual(Object.keys(data), ['prompt_id', 'node_id', 'node_type', 'executed', 'timestamp']);
    assert.deepEqual([data.node_id, data.node_type, data.executed], ['s', 'Slow', []]);
    assert.equal(messagesOf(from, 'progress').length, 3);
    assert.deepEqual({ ...entry.status, messages: [] }, { status_str: 'error', completed: false, messages: [] });
    assert.equal(entry.status.messages.at(-1)![0], 'execution_interrupted');
    assert.equal(h.engine.currentlyExecuting(), null);
  });

  test('an interrupt for another prompt id, or while idle, has no effect', async () => {
    h.engine.interrupt();
    const entry = await h.run({ s: { class_type: 'Slow', inputs: { steps: 3 } }, o: { class_type: 'Show', inputs: { value: ['s', 0] } } });
    assert.equal(entry.status.status_str, 'success');
    const outcome = await h.engine.submit({ prompt: { s: { class_type: 'Slow', inputs: { steps: 5, value: 1 } }, o: { class_type: 'Show', inputs: { value: ['s', 0] } } } });
    assert.ok(outcome.ok);
    h.engine.interrupt('someone-else');
    if (outcome.ok) assert.equal((await h.engine.waitFor(outcome.prompt_id)).status.status_str, 'success');
  });

  test('the interrupted node is not cached; finished upstream nodes are', async () => {
    const prompt = {
      c: { class_type: 'Const', inputs: { value: 7 } },
      s: { class_type: 'Slow', inputs: { steps: 100, value: ['c', 0] } },
      o: { class_type: 'Show', inputs: { value: ['s', 0] } },
    };
    const outcome = await h.engine.submit({ prompt, client_id: C });
    assert.ok(outcome.ok);
    const off = h.engine.subscribe({ message: (m) => m.type === 'progress' && h.engine.interrupt(), binary: () => {} });
    if (outcome.ok) await h.engine.waitFor(outcome.prompt_id);
    off();
    const from = h.messages.length;
    const entry = await h.run(structuredClone({ ...prompt, s: { class_type: 'Slow', inputs: { steps: 2, value: ['c', 0] } } }), { client_id: C });
    assert.deepEqual(messagesOf(from, 'execution_cached')[0]!.data.nodes, ['c']);
    assert.deepEqual(entry.outputs, { o: { text: ['7'] } });
  });
});

describe('blockers and progress text', () => {
  test('progress text goes out as a broadcast type-3 frame', async () => {
    const from = h.frames.length;
    await h.run({ t: { class_type: 'Talk', inputs: { text: 'héllo' } } }, { client_id: C });
    const frame = h.frames[from]!;
    assert.equal(frame.clientId, null);
    assert.equal(frame.frame.readUInt32BE(0), 3);
    assert.equal(frame.frame.readUInt32BE(4), 1);
    assert.equal(frame.frame.subarray(8, 9).toString(), 't');
    assert.equal(frame.frame.subarray(9).toString(), 'héllo');
  });

  test('an expanded output node with override_display_id reports under that id', async () => {
    const from = h.messages.length;
    const entry = await h.run(
      { c: { class_type: 'Const', inputs: { value: 3 } }, s: { class_type: 'ShowElsewhere', inputs: { value: ['c', 0], display: 'c' } } },
      { client_id: C },
    );
    const executed = h.messages.slice(from).filter((m) => m.type === 'executed');
    assert.deepEqual(executed.map((m) => m.data), [{ node: 's.0.0.0', display_node: 'c', output: { text: ['3'] }, prompt_id: entry.prompt[1] }]);
    assert.deepEqual(entry.outputs, { 's.0.0.0': { text: ['3'] } });
    assert.deepEqual(entry.meta['s.0.0.0'], { node_id: 's.0.0.0', display_node: 'c', parent_node: 's', real_node_id: 's' });
  });

  test('a blocker with a message reports once, blocks silently, and the prompt succeeds', async () => {
    const prompt = {
      c: { class_type: 'Const', inputs: { value: 1 } },
      b: { class_type: 'Block', inputs: { value: ['c', 0], block: true, message: 'not today' } },
      a: { class_type: 'Adder', inputs: { a: ['b', 0], b: 1 } },
      o: { class_type: 'Show', inputs: { value: ['a', 0] } },
    };
    const from = h.messages.length;
    const entry = await h.run(prompt, { client_id: C });
    const errors = messagesOf(from, 'execution_error');
    assert.equal(errors.length, 1);
    assert.deepEqual(errors[0]!.data, {
      prompt_id: entry.prompt[1],
      node_id: 'a',
      node_type: 'Adder',
      executed: ['c', 'b'],
      exception_message: 'Execution Blocked: not today',
      exception_type: 'ExecutionBlocked',
      traceback: [],
      current_inputs: [],
      current_outputs: [],
    });
    assert.equal(entry.status.status_str, 'success');
    assert.deepEqual(entry.outputs, {});
    assert.ok(!entry.status.messages.some((m) => m[0] === 'execution_error'));
  });

  test('a silent blocker (no message) sends nothing', async () => {
    const from = h.messages.length;
    const entry = await h.run({
      b: { class_type: 'Block', inputs: { value: 1, block: true } },
      o: { class_type: 'Show', inputs: { value: ['b', 0] } },
    });
    assert.equal(messagesOf(from, 'execution_error').length, 0);
    assert.equal(entry.status.status_str, 'success');
  });
});

describe('held stretches (messages the server may batch)', () => {
  test('node code never runs while the engine holds, and every hold is released', async () => {
    const log: string[] = [];
    let held = false;
    const ran = (name: string) => log.push(`${name} ran ${held ? 'held' : 'released'}`);
    const probe = (name: string) => () => {
      ran(name);
      return [1];
    };
    const nodes = [
      node({
        name: 'ProbeSource', outputs: [{ type: 'INT' }], execute: probe('ProbeSource'),
        isChanged: () => {
          log.push(`isChanged ran ${held ? 'held' : 'released'}`);
          return 1;
        },
      }),
      node({
        name: 'ProbeLazy', inputs: { required: { a: ['INT', { lazy: true }] } }, outputs: [{ type: 'INT' }], outputNode: true,
        // Asks for its input (so the source runs), then is checked once more with it.
        checkLazyStatus: ({ a }) => {
          ran('ProbeLazy');
          return a === null ? ['a'] : [];
        },
        execute: probe('ProbeSink'),
      }),
    ];
    const local = harness({ nodes });
    local.engine.subscribe({
      message: (m) => log.push(`message ${m.type}`),
      binary: () => {},
      hold: () => {
        held = true;
        log.push('hold');
      },
      release: () => {
        held = false;
        log.push('release');
      },
    });
    try {
      await local.run({ '1': { class_type: 'ProbeSource', inputs: {} }, '2': { class_type: 'ProbeLazy', inputs: { a: ['1', 0] } } }, { client_id: C });
      await until(() => log.at(-1) === 'release');
    } finally {
      await local.engine.close();
    }
    assert.deepEqual(log.filter((l) => l.includes(' ran ')), [
      'isChanged ran released', 'ProbeLazy ran released', 'ProbeSource ran released', 'ProbeLazy ran released', 'ProbeSink ran released',
    ]);
    // Messages are sent inside held stretches (the run's bookkeeping), and the run ends released.
    assert.ok(log.indexOf('hold') < log.indexOf('message execution_start'));
    assert.equal(log.filter((l) => l === 'hold').length, log.filter((l) => l === 'release').length);
    assert.ok(log.lastIndexOf('message executing') < log.lastIndexOf('release'));
  });
});
