// Running one staged node (execution.md §4.3, §6, §7, §8; ComfyUI's `execute()`): a cached node only replays its
// UI; otherwise gather inputs, send `executing`, settle lazy inputs, call the function over the lists, record UI,
// expand subgraphs, and store the outputs. Failures come back as data, never as exceptions.
import { ExecutionBlocker, type NodeDefinition, type UiOutput } from '../nodes/node-definition.ts';
import type { CacheEntry } from './cache/index.ts';
import { describeException, formatValue, isInterrupt, isOutOfMemory, OOM_TIPS } from './error-report.ts';
import { nodeShape, type NodeShape } from './dynamic-inputs.ts';
import { gatherInputs, isLink } from './input-data.ts';
import { mapOverLists, mergeResults, outputsFromReturns, PendingCall, settledResults, type InputLists, type SubgraphResult } from './list-mapping.ts';
import { isOutputNode } from './node-schema.ts';
import { PyException, pyRepr } from '../python/values.ts';
import type { RunState } from './run-state.ts';

/** What `execution_error` reports about a failed node. */
export interface FailureDetails {
  node_id: string;
  exception_message: string;
  exception_type: string;
  traceback: string[];
  current_inputs: Record<string, unknown[]> | [];
}

export type NodeOutcome =
  | { kind: 'success' }
  | { kind: 'pending' }
  | { kind: 'interrupted'; realNodeId: string }
  | { kind: 'failure'; details: FailureDetails };

/** One turn of the event loop (a macrotask, so I/O callbacks and timers due get to run). */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const SUCCESS: NodeOutcome = { kind: 'success' };
const PENDING: NodeOutcome = { kind: 'pending' };

function definitionOf(run: RunState, classType: string): NodeDefinition {
  const def = run.s.registry.get(classType);
  if (!def) throw new PyException('KeyError', pyRepr(classType));
  return def;
}

/** A cached node: its UI is replayed (and recorded) only when the prompt has a client, or when asked to record it. */
function replayCached(run: RunState, nodeId: string, entry: CacheEntry): void {
  if (run.clientId === null) {
    if (run.recordCachedOutputs && entry.ui) run.uiOutputs.set(nodeId, entry.ui);
    return;
  }
  const display = run.dynprompt.displayId(nodeId);
  run.toClient('executed', { node: nodeId, display_node: display, output: entry.ui?.output ?? null, prompt_id: run.promptId });
  if (entry.ui) run.uiOutputs.set(nodeId, entry.ui);
}

/** A blocker with a message reports once (a non-fatal `execution_error`) and then blocks silently. */
function blockedCall(run: RunState, nodeId: string, classType: string, blocker: ExecutionBlocker): ExecutionBlocker {
  if (blocker.message === null) return blocker;
  run.toClientOrBroadcast('execution_error', {
    prompt_id: run.promptId,
    node_id: nodeId,
    node_type: classType,
    executed: [...run.executed],
    exception_message: `Execution Blocked: ${blocker.message}`,
    exception_type: 'ExecutionBlocked',
    traceback: [],
    current_inputs: [],
    current_outputs: [],
  });
  return new ExecutionBlocker(null);
}

/** The lazy inputs `check_lazy_status` still wants that are links not yet evaluated. */
async function lazyInputsNeeded(run: RunState, def: NodeDefinition, shape: NodeShape, nodeId: string, inputs: InputLists, missing: Set<string>) {
  const ctx = run.context(nodeId);
  const returns = await mapOverLists(def.inputIsList === true, inputs, (args) => def.checkLazyStatus!(shape.nest(args, true), ctx), {
    beforeCall: () => run.s.interrupt.throwIfRequested(),
  });
  const names = new Set<string>();
  for (const r of returns) if (Array.isArray(r)) for (const n of r) if (typeof n === 'string') names.add(n);
  return [...names].filter((n) => !Object.hasOwn(inputs, n) || missing.has(n));
}

/** A node that expanded, run again: its result links now resolve to the subgraph's outputs. */
function resolveSubgraphResults(run: RunState, def: NodeDefinition, nodeId: string, calls: SubgraphResult[]): unknown[][] {
  const resolved: unknown[][] = [];
  for (const [graph, result] of calls) {
    if (!graph) {
      resolved.push([...(result ?? [])]);
      continue;
    }
    const tuple: unknown[] = [];
    for (const r of result ?? []) {
      if (!isLink(r)) {
        tuple.push(r);
        continue;
      }
      const entry = run.list.outputsFor(r[0], nodeId);
      if (!entry) throw new Error(`Node ${r[0]} of the expansion of node ${nodeId} produced no output`);
      for (const o of entry.outputs[r[1]] ?? []) tuple.push(o);
    }
    resolved.push(tuple);
  }
  return mergeResults(def, resolved);
}

/** Adds the expansion's nodes to the run; the expanding node waits for the nodes its results link to. */
async function expand(run: RunState, nodeId: string, calls: SubgraphResult[]): Promise<void> {
  const newIds = new Set<string>();
  const newOutputs: string[] = [];
  const links: [string, number][] = [];
  for (const [graph, result] of calls) {
    if (!graph) continue;
    for (const [id, info] of Object.entries(graph)) {
      newIds.add(id);
      run.dynprompt.addEphemeral(id, info, nodeId, info.override_display_id ?? nodeId);
      if (isOutputNode(definitionOf(run, info.class_type))) newOutputs.push(id);
    }
    for (const r of result ?? []) if (isLink(r)) links.push([r[0], r[1]]);
  }
  await run.s.cache.ensureSubcacheFor(nodeId, [...newIds]);
  for (const id of newOutputs) {
    run.list.addNode(id);
    run.list.linkOutputs(id, nodeId);
  }
  for (const [from, socket] of links) run.list.addStrongLink(from, socket, nodeId);
  run.pendingSubgraphs.set(nodeId, calls);
}

function failure(run: RunState, nodeId: string, err: unknown, inputs: InputLists | null): NodeOutcome {
  const realId = run.dynprompt.realId(nodeId);
  if (isInterrupt(err) || (run.s.interrupt.signal.aborted && err instanceof Error && err.name === 'AbortError')) {
    run.s.log('Processing interrupted');
    return { kind: 'interrupted', realNodeId: realId };
  }
  const info = describeException(err, 'executeNode');
  run.s.log(`!!! Exception during processing !!! ${info.message}`, err);
  let tips = '';
  if (isOutOfMemory(err)) {
    tips = OOM_TIPS;
    run.s.log('Got an OOM, unloading all loaded models.');
    run.s.unloadModels();
  }
  const current: Record<string, unknown[]> = {};
  for (const [name, list] of Object.entries(inputs ?? {})) current[name] = list.map(formatValue);
  return {
    kind: 'failure',
    details: {
      node_id: realId,
      exception_message: `${info.message}\n${tips}`,
      exception_type: info.type,
      traceback: info.traceback,
      current_inputs: current,
    },
  };
}

export async function executeNode(run: RunState, nodeId: string): Promise<NodeOutcome> {
  let inputs: InputLists | null = null;
  try {
    const node = run.dynprompt.getNode(nodeId);
    const def = definitionOf(run, node.class_type);
    const cached = run.s.cache.get(nodeId);
    if (cached) {
      replayCached(run, nodeId, cached);
      run.progress.finish(nodeId);
      run.list.publish(nodeId, cached);
      return SUCCESS;
    }

    let outputs: unknown[][];
    let ui: UiOutput = {};
    let expansion: SubgraphResult[] | null = null;
    const waiting = run.pendingSubgraphs.get(nodeId);
    const parked = run.pendingAsync.get(nodeId);
    if (parked) {
      // Its async calls have finished: take their results (a failed call fails the node here).
      run.pendingAsync.delete(nodeId);
      const r = outputsFromReturns(def, settledResults(parked));
      outputs = r.outputs;
      ui = r.ui;
      expansion = r.subgraphs;
    } else if (waiting) {
      outputs = resolveSubgraphResults(run, def, nodeId, waiting);
      run.pendingSubgraphs.delete(nodeId);
    } else {
      run.progress.start(nodeId);
      const promptInputs = run.dynprompt.inputsOf(nodeId);
      const shape = nodeShape(def, promptInputs);
      const gathered = gatherInputs(def, shape, nodeId, promptInputs, (src) => run.list.outputsFor(src, nodeId), run.hidden);
      inputs = gathered.inputs;
      if (run.clientId !== null) {
        run.lastDisplayNode = run.dynprompt.displayId(nodeId);
        run.toClient('executing', { node: nodeId, display_node: run.lastDisplayNode, prompt_id: run.promptId });
      }
      // Node code runs outside the engine's held stretches: what the engine has sent goes out first.
      const { events } = run.s;
      if (def.checkLazyStatus) {
        const needed = await events.released(() => lazyInputsNeeded(run, def, shape, nodeId, gathered.inputs, gathered.missing));
        if (needed.length > 0) {
          for (const name of needed) run.list.makeInputStrongLink(nodeId, name);
          return PENDING;
        }
      }
      const ctx = run.context(nodeId);
      const returns = await events.released(async () => {
        const calls = await mapOverLists(def.inputIsList === true, gathered.inputs, (args) => def.execute(shape.nest(args), ctx), {
          beforeCall: () => run.s.interrupt.throwIfRequested(),
          onBlocked: (b) => blockedCall(run, nodeId, node.class_type, b),
          overlap: def.isAsync === true,
        });
        // Calls that finish at once are taken now (ComfyUI's asyncio.sleep(0) after each task).
        if (def.isAsync === true) await nextTurn();
        return calls;
      });
      if (def.isAsync === true) {
        const running = returns.filter((x): x is PendingCall => x instanceof PendingCall && !x.settled);
        if (running.length > 0) {
          // Park the node; other ready nodes run meanwhile, and it is staged again when its calls are done.
          run.pendingAsync.set(nodeId, returns);
          const unblock = run.list.addExternalBlock(nodeId);
          void Promise.all(running.map((call) => call.done)).then(unblock);
          return PENDING;
        }
      }
      const r = outputsFromReturns(def, settledResults(returns));
      outputs = r.outputs;
      ui = r.ui;
      expansion = r.subgraphs;
    }

    let uiRecord = run.uiOutputs.get(nodeId) ?? null;
    if (Object.keys(ui).length > 0) {
      uiRecord = { meta: run.uiMeta(nodeId), output: ui };
      run.uiOutputs.set(nodeId, uiRecord);
      run.toClient('executed', { node: nodeId, display_node: uiRecord.meta.display_node, output: ui, prompt_id: run.promptId });
    }
    if (expansion) {
      await expand(run, nodeId, expansion);
      return PENDING;
    }
    const entry: CacheEntry = { ui: uiRecord, outputs };
    run.list.publish(nodeId, entry);
    run.s.cache.set(nodeId, entry);
  } catch (err) {
    return failure(run, nodeId, err, inputs);
  }
  run.progress.finish(nodeId);
  run.executed.add(nodeId);
  return SUCCESS;
}
