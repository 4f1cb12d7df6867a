// Small node definitions and an engine harness for the engine tests: every node here is declared for a test's
// needs (an adder, a lazy switch, list producers, an expander, failing and slow nodes), not taken from the catalogue.
import { ExecutionBlocker, type NodeDefinition } from '../../src/nodes/node-definition.ts';
import { NodeRegistry } from '../../src/nodes/registry.ts';
import { createEngine, type EngineOptions } from '../../src/engine/engine.ts';
import type { Engine, EngineBinaryFrame, EngineMessage, HistoryEntry } from '../../src/engine/engine-api.ts';
import { makeServices } from '../helpers/node-context.ts';

export function node(def: Partial<NodeDefinition> & Pick<NodeDefinition, 'name' | 'execute'>): NodeDefinition {
  return { schemaFormat: 'v1', pythonModule: 'tests', category: 'tests', inputs: {}, outputs: [], ...def };
}

export const calls: Record<string, number> = {};
function count(name: string): void {
  calls[name] = (calls[name] ?? 0) + 1;
}

export const Const = node({
  name: 'Const',
  inputs: { required: { value: ['INT', { default: 0, min: -1000, max: 1000 }] } },
  outputs: [{ type: 'INT' }],
  execute: ({ value }) => {
    count('Const');
    return [value];
  },
});

export const Adder = node({
  name: 'Adder',
  inputs: { required: { a: ['INT', {}], b: ['INT', { default: 0 }] } },
  outputs: [{ type: 'INT' }],
  execute: ({ a, b }) => {
    count('Adder');
    return [a + b];
  },
});

/** An output node showing its value as text. */
export const Show = node({
  name: 'Show',
  outputNode: true,
  inputs: { required: { value: ['*', {}] } },
  outputs: [],
  execute: ({ value }) => {
    count('Show');
    return { ui: { text: [String(value)] } };
  },
});

/** Events of the async test nodes, in order; `asyncGate` is the gate AsyncGated waits for and OpenGate opens. */
export const asyncLog: string[] = [];
export const asyncGate = { open: () => {}, reset() { asyncGate.opened = new Promise<void>((resolve) => (asyncGate.open = resolve)); }, opened: Promise.resolve() };

/** An async node (ComfyUI's `async def`) that waits until OpenGate runs, or fails after it with `fail`. */
export const AsyncGated = node({
  name: 'AsyncGated',
  isAsync: true,
  inputs: { required: { value: ['INT', {}] }, optional: { fail: ['BOOLEAN', {}] } },
  outputs: [{ type: 'INT' }],
  execute: async ({ value, fail }) => {
    asyncLog.push(`wait ${value}`);
    await asyncGate.opened;
    asyncLog.push(`done ${value}`);
    if (fail) throw new Error('async call failed');
    return [value];
  },
});

/** An async node whose work is done at once: it finishes without being parked. */
export const AsyncAtOnce = node({
  name: 'AsyncAtOnce',
  isAsync: true,
  inputs: { required: { value: ['INT', {}] } },
  outputs: [{ type: 'INT' }],
  execute: async ({ value }) => [value],
});

/** An ordinary node that opens the gate AsyncGated waits for. */
export const OpenGate = node({
  name: 'OpenGate',
  inputs: { required: { value: ['INT', {}] } },
  outputs: [{ type: 'INT' }],
  execute: ({ value }) => {
    asyncLog.push('open');
    asyncGate.open();
    return [value];
  },
});

/** An output node whose UI key depends on its value (`odd` or `even`). */
export const ShowParity = node({
  name: 'ShowParity',
  outputNode: true,
  inputs: { required: { value: ['INT', {}] } },
  outputs: [],
  execute: ({ value }) => ({ ui: { [(value as number) % 2 ? 'odd' : 'even']: [value] } }),
});

export const Text = node({
  name: 'Text',
  inputs: { required: { text: ['STRING', {}] } },
  outputs: [{ type: 'STRING' }],
  execute: ({ text }) => [text],
});

/** Accepts a union type and shows it. */
export const Num = node({
  name: 'Num',
  outputNode: true,
  inputs: { required: { n: ['FLOAT,INT', {}] } },
  outputs: [],
  execute: ({ n }) => ({ ui: { n: [n] } }),
});

export const FloatIn = node({
  name: 'FloatIn',
  outputNode: true,
  inputs: {
    required: { x: ['FLOAT', { default: 1, min: 0.5, max: 10 }] },
    optional: { s: ['STRING', {}], flag: ['BOOLEAN', {}], seed: ['INT', { min: 0, max: 0xffffffffffffffffn }] },
  },
  outputs: [],
  execute: () => ({ ui: {} }),
});

export const Pick = node({
  name: 'Pick',
  outputNode: true,
  inputs: {
    required: { choice: [['a', 'b', 'c'], {}] },
    optional: { v3: ['COMBO', { options: ['x', 'y'] }], many: [Array.from({ length: 25 }, (_, i) => `f${i}`), {}] },
  },
  outputs: [],
  execute: () => ({ ui: {} }),
});

export const LazySwitch = node({
  name: 'LazySwitch',
  inputs: {
    required: { cond: ['BOOLEAN', {}], on_true: ['*', { lazy: true }], on_false: ['*', { lazy: true }] },
  },
  outputs: [{ type: '*' }],
  checkLazyStatus: ({ cond, on_true, on_false }) => {
    if (cond && on_true === null) return ['on_true'];
    if (!cond && on_false === null) return ['on_false'];
    return [];
  },
  execute: ({ cond, on_true, on_false }) => {
    count('LazySwitch');
    return [cond ? on_true : on_false];
  },
});

export const ListOf = node({
  name: 'ListOf',
  inputs: { required: { count: ['INT', {}] } },
  outputs: [{ type: 'INT', isList: true }],
  execute: ({ count: n }) => [Array.from({ length: n }, (_, i) => i + 1)],
});

export const SumList = node({
  name: 'SumList',
  inputIsList: true,
  inputs: { required: { values: ['INT', {}] } },
  outputs: [{ type: 'INT' }],
  execute: ({ values }) => [(values as number[]).reduce((a, b) => a + b, 0)],
});

/** Expands into `Adder(value, 1)` displayed as itself, and returns that adder's output. */
export const AddOneExpander = node({
  name: 'AddOneExpander',
  enableExpand: true,
  inputs: { required: { value: ['INT', {}] }, hidden: { unique_id: 'UNIQUE_ID' } },
  outputs: [{ type: 'INT' }],
  execute: ({ value, unique_id }) => {
    count('AddOneExpander');
    const id = `${unique_id}.0.0.1`;
    return { result: [[id, 0]], expand: { [id]: { class_type: 'Adder', inputs: { a: value, b: 1 } } } };
  },
});

export const Fail = node({
  name: 'Fail',
  inputs: { required: { value: ['*', {}] } },
  outputs: [{ type: 'INT' }],
  execute: () => {
    throw new Error('boom');
  },
});

/** Reports `steps` progress steps, yielding between them; optionally with a preview image. */
export const Slow = node({
  name: 'Slow',
  inputs: { required: { steps: ['INT', {}] }, optional: { preview: ['BOOLEAN', {}], value: ['*', {}] } },
  outputs: [{ type: 'INT' }],
  execute: async ({ steps, preview, value }, ctx) => {
    for (let i = 1; i <= steps; i++) {
      await new Promise((r) => setTimeout(r, 2));
      ctx.progress(i, steps, preview ? { format: 'JPEG', data: Buffer.from([0xff, 0xd8, i]) } : undefined);
    }
    return [value ?? steps];
  },
});

export const Block = node({
  name: 'Block',
  inputs: { required: { value: ['*', {}], block: ['BOOLEAN', {}] }, optional: { message: ['STRING', {}] } },
  outputs: [{ type: '*' }],
  execute: ({ value, block, message }) => (block ? new ExecutionBlocker(message || null) : [value]),
});

export let changeToken: unknown = 1;
export function setChangeToken(v: unknown): void {
  changeToken = v;
}
export const Changing = node({
  name: 'Changing',
  inputs: { required: { value: ['INT', {}] } },
  outputs: [{ type: 'INT' }],
  isChanged: () => changeToken,
  execute: ({ value }) => {
    count('Changing');
    return [value];
  },
});

/** Custom validation taking `value` only: its min/max checks are skipped. */
export const Checked = node({
  name: 'Checked',
  outputNode: true,
  inputs: { required: { value: ['INT', { min: 0, max: 10 }], other: ['INT', { min: 0, max: 10 }] } },
  outputs: [],
  validateInputs: ({ value }) => (value === 13 ? 'unlucky' : value === 66 ? (false as unknown as string) : true),
  validateInputsTakes: ['value'],
  execute: () => ({ ui: {} }),
});

export const TypeAware = node({
  name: 'TypeAware',
  outputNode: true,
  inputs: { required: { value: ['STRING', {}] } },
  outputs: [],
  validateInputs: ({ input_types }) => (input_types?.value === 'INT' ? true : `got ${input_types?.value}`),
  validateInputsTakes: ['input_types'],
  execute: () => ({ ui: {} }),
});

export const Hidden = node({
  name: 'Hidden',
  outputNode: true,
  inputs: {
    required: {},
    hidden: { prompt: 'PROMPT', info: 'EXTRA_PNGINFO', id: 'UNIQUE_ID', token: 'AUTH_TOKEN_COMFY_ORG' },
  },
  outputs: [],
  execute: ({ prompt, info, id, token }) => ({ ui: { seen: [{ keys: Object.keys(prompt), info, id, token }] } }),
});

/** Sends a progress text (binary frame type 3). */
export const Talk = node({
  name: 'Talk',
  outputNode: true,
  inputs: { required: { text: ['STRING', {}] } },
  outputs: [],
  execute: ({ text }, ctx) => {
    ctx.sendText(text);
    return { ui: {} };
  },
});

/** Expands into a Show displayed under another id. */
export const ShowElsewhere = node({
  name: 'ShowElsewhere',
  enableExpand: true,
  outputNode: true,
  inputs: { required: { value: ['*', {}], display: ['STRING', {}] }, hidden: { unique_id: 'UNIQUE_ID' } },
  outputs: [],
  execute: ({ value, display, unique_id }) => ({
    expand: { [`${unique_id}.0.0.0`]: { class_type: 'Show', inputs: { value }, override_display_id: display } },
  }),
});

export const testNodes = [Talk, ShowElsewhere, Const, Adder, Show, ShowParity, AsyncGated, AsyncAtOnce, OpenGate, Text, Num, FloatIn, Pick, LazySwitch, ListOf, SumList, AddOneExpander, Fail, Slow, Block, Changing, Checked, TypeAware, Hidden];

export interface Harness {
  engine: Engine;
  messages: EngineMessage[];
  frames: EngineBinaryFrame[];
  /** Submits and waits for the history entry. */
  run(prompt: Record<string, unknown>, extra?: Record<string, unknown>): Promise<HistoryEntry>;
  /** Message types (with `node` for executing/executed) since index `from`. */
  sequence(from?: number): string[];
}

export function harness(options: Partial<EngineOptions> & { nodes?: NodeDefinition[] } = {}): Harness {
  const registry = new NodeRegistry();
  registry.registerAll(testNodes);
  registry.registerAll(options.nodes ?? []);
  const engine = createEngine({ registry, services: makeServices(), cache: { mode: 'classic' }, log: () => {}, ...options });
  const messages: EngineMessage[] = [];
  const frames: EngineBinaryFrame[] = [];
  engine.subscribe({ message: (m) => messages.push(m), binary: (f) => frames.push(f) });
  return {
    engine,
    messages,
    frames,
    async run(prompt, extra = {}) {
      const outcome = await engine.submit({ prompt, ...extra });
      if (!outcome.ok) throw new Error(`rejected: ${JSON.stringify(outcome)}`);
      return engine.waitFor(outcome.prompt_id);
    },
    sequence(from = 0) {
      return messages.slice(from).map((m) => {
        if (m.type === 'executing' || m.type === 'executed') return `${m.type}:${m.data.node}`;
        if (m.type === 'progress_state') {
          const nodes = m.data.nodes as Record<string, { state: string }>;
          return `progress_state:${Object.entries(nodes).map(([id, n]) => `${id}=${n.state}`).join(',')}`;
        }
        return m.type;
      });
    },
  };
}

/** Waits (polling) until `cond` holds; fails after `timeoutMs`. */
export async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A chain Const → Adder → … → Show. */
export function chain(length: number): Record<string, unknown> {
  const prompt: Record<string, unknown> = { '0': { class_type: 'Const', inputs: { value: 1 } } };
  for (let i = 1; i < length; i++) prompt[String(i)] = { class_type: 'Adder', inputs: { a: [String(i - 1), 0], b: 1 } };
  prompt.out = { class_type: 'Show', inputs: { value: [String(length - 1), 0] } };
  return prompt;
}
