// Mapping a node over its input lists and merging the per-call results (execution.md §5.2–§5.3, §7–§8).
// Every gathered input is a list; a node runs once per index (or once with the lists when INPUT_IS_LIST).
import { ExecutionBlocker, type GraphExpansion, type NodeDefinition, type UiOutput } from '../nodes/node-definition.ts';
import { PyException, isPlainObject, pyRepr } from '../python/values.ts';

export type InputLists = Record<string, unknown[]>;

export interface MapHooks {
  /** Runs before every call (the interrupt check). */
  beforeCall?: () => void;
  /** What stands in for a call that received a blocker (default: the blocker itself). */
  onBlocked?: (blocker: ExecutionBlocker) => unknown;
  /** Start every call without waiting: an unsettled result stays a PendingCall (async nodes). */
  overlap?: boolean;
}

/** The result of a call that was started but not waited for. */
export class PendingCall {
  private outcome: { value: unknown } | { error: unknown } | null = null;
  /** Resolves (never rejects) once the call has settled. */
  readonly done: Promise<void>;

  constructor(promise: PromiseLike<unknown>) {
    this.done = Promise.resolve(promise).then(
      (value) => void (this.outcome = { value }),
      (error: unknown) => void (this.outcome = { error }),
    );
  }

  get settled(): boolean {
    return this.outcome !== null;
  }

  /** The value, or the call's exception rethrown (only once settled). */
  result(): unknown {
    if (!this.outcome) throw new Error('the call has not finished');
    if ('error' in this.outcome) throw this.outcome.error;
    return this.outcome.value;
  }
}

/** The calls' results, waiting for none: a PendingCall's value, or its exception rethrown. */
export function settledResults(results: readonly unknown[]): unknown[] {
  return results.map((r) => (r instanceof PendingCall ? r.result() : r));
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as PromiseLike<unknown> | null)?.then === 'function';
}

function findBlocker(args: Record<string, unknown>, listMode: boolean): ExecutionBlocker | undefined {
  for (const v of Object.values(args)) {
    if (v instanceof ExecutionBlocker) return v;
    if (listMode && Array.isArray(v)) {
      const b = v.find((e) => e instanceof ExecutionBlocker);
      if (b) return b as ExecutionBlocker;
    }
  }
  return undefined;
}

/** Calls `call` once per list index (the last element repeats for shorter lists), in order, awaiting each. */
export async function mapOverLists(
  inputIsList: boolean,
  inputs: InputLists,
  call: (args: Record<string, unknown>) => unknown,
  hooks: MapHooks = {},
): Promise<unknown[]> {
  const results: unknown[] = [];
  const runOne = async (args: Record<string, unknown>, listMode: boolean) => {
    hooks.beforeCall?.();
    const blocker = findBlocker(args, listMode);
    if (blocker) {
      results.push(hooks.onBlocked ? hooks.onBlocked(blocker) : blocker);
      return;
    }
    const r = call(args);
    if (!isPromiseLike(r)) results.push(r);
    else results.push(hooks.overlap ? new PendingCall(r) : await r);
  };
  const names = Object.keys(inputs);
  let count = 0;
  for (const name of names) count = Math.max(count, inputs[name]!.length);
  if (inputIsList) await runOne(inputs, true);
  else if (count === 0) await runOne({}, false);
  else {
    for (let i = 0; i < count; i++) {
      const args: Record<string, unknown> = {};
      for (const name of names) {
        const list = inputs[name]!;
        // Python's `v[-1]` on an empty list: an empty list beside longer ones fails the node.
        if (list.length === 0) throw new PyException('IndexError', 'list index out of range');
        args[name] = list[i < list.length ? i : list.length - 1];
      }
      await runOne(args, false);
    }
  }
  return results;
}

/** One call's contribution when a node expands: the subgraph (or null) and the result tuple, links included. */
export type SubgraphResult = [GraphExpansion | null, readonly unknown[] | null];

export interface NodeReturns {
  /** Per output slot, the list of values (unless `subgraphs` is set). */
  outputs: unknown[][];
  ui: UiOutput;
  /** Set when any call expanded: per call, its graph and result. */
  subgraphs: SubgraphResult[] | null;
}

function blockerTuple(def: NodeDefinition, b: ExecutionBlocker): ExecutionBlocker[] {
  return def.outputs.map(() => b);
}

function asTuple(def: NodeDefinition, value: unknown): readonly unknown[] | null {
  if (value === undefined || value === null) return null;
  if (value instanceof ExecutionBlocker) return blockerTuple(def, value);
  if (Array.isArray(value)) return value;
  throw new TypeError(`${def.name} returned a result that is not a list of outputs: ${String(value)}`);
}

/** ComfyUI's `get_output_from_returns`: splits the calls' returns into outputs, UI and expansions. */
export function outputsFromReturns(def: NodeDefinition, returns: readonly unknown[]): NodeReturns {
  const results: (readonly unknown[])[] = [];
  const uis: UiOutput[] = [];
  const subgraphs: SubgraphResult[] = [];
  let expanded = false;
  for (const r of returns) {
    if (r instanceof ExecutionBlocker || Array.isArray(r)) {
      const tuple = asTuple(def, r)!;
      results.push(tuple);
      subgraphs.push([null, tuple]);
      continue;
    }
    if (r === undefined || r === null) continue;
    if (!isPlainObject(r) && typeof r !== 'object') {
      throw new TypeError(`${def.name} returned a result that is not a list of outputs: ${String(r)}`);
    }
    const { ui, expand, result } = r as { ui?: UiOutput | null; expand?: GraphExpansion | null; result?: unknown };
    if (ui) uis.push(ui);
    if (expand) {
      expanded = true;
      subgraphs.push([expand, asTuple(def, result)]);
    } else if (result !== undefined) {
      const tuple = asTuple(def, result) ?? [];
      results.push(tuple);
      subgraphs.push([null, tuple]);
    }
  }
  return {
    outputs: expanded || results.length === 0 ? [] : mergeResults(def, results),
    ui: mergeUi(uis),
    subgraphs: expanded ? subgraphs : null,
  };
}

/** Per slot: the calls' values in order, or their concatenation for OUTPUT_IS_LIST slots. */
export function mergeResults(def: NodeDefinition, results: readonly (readonly unknown[])[]): unknown[][] {
  const slots = results[0]?.length ?? 0;
  const out: unknown[][] = [];
  for (let k = 0; k < slots; k++) {
    if (def.outputs[k]?.isList) {
      const merged: unknown[] = [];
      for (const r of results) {
        const v = r[k];
        if (v instanceof ExecutionBlocker) merged.push(v);
        else if (Array.isArray(v)) for (const e of v) merged.push(e);
        else throw new TypeError(`${def.name} output ${k} is a list output but a call returned ${String(v)}`);
      }
      out.push(merged);
    } else {
      out.push(results.map((r) => r[k] ?? null));
    }
  }
  return out;
}

/** The calls' UI dicts merged: for each key of the first, every call's list concatenated (a call without it fails). */
export function mergeUi(uis: readonly UiOutput[]): UiOutput {
  if (uis.length === 0) return {};
  if (uis.length === 1) return uis[0]!;
  const out: UiOutput = {};
  for (const key of Object.keys(uis[0]!)) {
    const merged: unknown[] = [];
    for (const ui of uis) {
      if (!Object.hasOwn(ui, key)) throw new PyException('KeyError', pyRepr(key));
      const v = ui[key];
      if (Array.isArray(v)) for (const e of v) merged.push(e);
      else if (v !== undefined) merged.push(v);
    }
    out[key] = merged;
  }
  return out;
}
