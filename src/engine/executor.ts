// The prompt executor (ComfyUI's `PromptExecutor.execute_async`, execution.md §4): keys the caches for the prompt,
// reports what is cached, dissolves the execution list node by node, and turns the first failure, interrupt or
// dependency cycle into the final status message. Its cache survives between prompts.
import type { NodeServices, UiOutput } from '../nodes/node-definition.ts';
import type { NodeRegistry } from '../nodes/registry.ts';
import type { Prompt, SubmitOptions } from './engine-api.ts';
import { orderedKeys, recordKeyOrder } from '../python/dict-order.ts';
import { createOutputCache, InputSignatures, IsChangedCache, type CacheOptions, type OutputCache, type UiMeta } from './cache/index.ts';
import { DynamicPrompt } from './dynamic-prompt.ts';
import { describeException } from './error-report.ts';
import type { EngineEvents } from './events.ts';
import { executeNode, nextTurn, type FailureDetails } from './execute-node.ts';
import { ExecutionList } from './execution-list.ts';
import type { InterruptFlag } from './interrupt.ts';
import { pyStr } from '../python/values.ts';
import { RunState } from './run-state.ts';

export interface ExecutorOptions {
  registry: NodeRegistry;
  services: NodeServices;
  events: EngineEvents;
  interrupt: InterruptFlag;
  cache: CacheOptions;
  log: (line: string, err?: unknown) => void;
  unloadModels: () => void;
}

export interface RunOutcome {
  success: boolean;
  messages: [string, Record<string, unknown>][];
  outputs: Record<string, UiOutput>;
  meta: Record<string, UiMeta>;
}

/**
 * Lets the HTTP server answer between nodes, so an interrupt sent while a node held the thread lands before the
 * next node starts (ComfyUI's HTTP thread would have set the flag). Three turns of the event loop: the first may
 * only reach the check phase of the current iteration (a prompt starts from a request, in the poll phase); a
 * request on a new connection is then accepted in one poll phase and read in the next.
 */
async function yieldToEventLoop(): Promise<void> {
  for (let turn = 0; turn < 3; turn++) await nextTurn();
}

/** The WebSocket target of a prompt: `extra_data.client_id` (null or absent: no client). */
export function clientIdOf(extraData: Record<string, unknown>): string | null {
  const v = extraData.client_id;
  return v === undefined || v === null ? null : pyStr(v);
}

export class PromptExecutor {
  private cache: OutputCache;
  /** The run in progress, for the reconnect `executing` message. */
  current: RunState | null = null;

  constructor(private readonly o: ExecutorOptions) {
    this.cache = createOutputCache(o.cache);
  }

  /** POST /free with free_memory: every cached output and UI is dropped. */
  resetCaches(): void {
    this.cache = createOutputCache(this.o.cache);
  }

  async execute(
    promptId: string, prompt: Prompt, extraData: Record<string, unknown>, outputs: readonly string[], options: SubmitOptions = {},
  ): Promise<RunOutcome> {
    const { registry, services, events, interrupt, log, unloadModels } = this.o;
    interrupt.reset();
    const dynprompt = new DynamicPrompt(prompt);
    const shared = { registry, services, events, interrupt, cache: this.cache, log, unloadModels };
    const run = new RunState(shared, promptId, prompt, dynprompt, extraData, clientIdOf(extraData), options.recordCachedOutputs === true);
    this.current = run;
    let success = true;
    let staged: string | null = null;
    try {
      run.addMessage('execution_start', { prompt_id: promptId }, false);
      const isChanged = new IsChangedCache(registry, dynprompt, (id) => run.context(id), (line) => log(line), (work) => events.released(work));
      const ids = orderedKeys(prompt); // `for node_id in prompt`: execution_cached lists them in the sent order
      await this.cache.setPrompt(dynprompt, ids, new InputSignatures(dynprompt, registry, isChanged));
      this.cache.cleanUnused();
      const cached = ids.filter((id) => this.cache.get(id) !== undefined);
      run.addMessage('execution_cached', { nodes: cached, prompt_id: promptId }, false);
      run.list = new ExecutionList(dynprompt, registry, this.cache);
      const currentOutputs = this.cache.allNodeIds();
      for (const id of outputs) run.list.addNode(id);
      let failed = false;
      while (!run.list.isEmpty()) {
        const next = run.list.stage();
        if ('wait' in next) {
          // Only async nodes are running: go on when one finishes, delivering their messages meanwhile.
          await events.released(() => next.wait);
          continue;
        }
        if ('cycle' in next) {
          this.reportError(run, cycleFailure(dynprompt, next.cycle), currentOutputs);
          failed = true;
          break;
        }
        staged = next.nodeId;
        const outcome = await executeNode(run, next.nodeId);
        if (outcome.kind === 'failure') {
          this.reportError(run, outcome.details, currentOutputs);
          failed = true;
          break;
        }
        if (outcome.kind === 'interrupted') {
          this.reportInterrupt(run, outcome.realNodeId);
          failed = true;
          break;
        }
        if (outcome.kind === 'pending') run.list.unstage();
        else run.list.complete();
        this.cache.afterNode?.();
        await yieldToEventLoop();
      }
      success = !failed;
      if (success) run.addMessage('execution_success', { prompt_id: promptId }, false);
    } catch (err) {
      // Only engine faults land here (node failures come back as outcomes); report them like a node failure.
      success = false;
      this.o.log('!!! Exception during execution !!!', err);
      const info = describeException(err, 'PromptExecutor.execute');
      const nodeId = staged !== null ? dynprompt.realId(staged) : (outputs[0] ?? '');
      this.reportError(
        run,
        { node_id: nodeId, exception_message: info.message, exception_type: info.type, traceback: info.traceback, current_inputs: {} },
        [],
      );
    } finally {
      run.lastDisplayNode = null;
      this.current = null;
    }
    const ui: Record<string, UiOutput> = {};
    const meta: Record<string, UiMeta> = {};
    for (const [id, record] of run.uiOutputs) {
      ui[id] = record.output;
      meta[id] = record.meta;
    }
    // ComfyUI's history lists outputs in the order the nodes ran.
    const ran = [...run.uiOutputs.keys()];
    recordKeyOrder(ui, ran);
    recordKeyOrder(meta, ran);
    return { success, messages: run.messages, outputs: ui, meta };
  }

  private nodeType(run: RunState, nodeId: string): unknown {
    const node = Object.hasOwn(run.prompt, nodeId) ? run.prompt[nodeId] : undefined;
    return node?.class_type ?? null;
  }

  private reportError(run: RunState, d: FailureDetails, currentOutputs: readonly string[]): void {
    run.addMessage(
      'execution_error',
      {
        prompt_id: run.promptId,
        node_id: d.node_id,
        node_type: this.nodeType(run, d.node_id),
        executed: [...run.executed],
        exception_message: d.exception_message,
        exception_type: d.exception_type,
        traceback: d.traceback,
        current_inputs: d.current_inputs,
        current_outputs: [...currentOutputs],
      },
      false,
    );
  }

  private reportInterrupt(run: RunState, nodeId: string): void {
    const data = { prompt_id: run.promptId, node_id: nodeId, node_type: this.nodeType(run, nodeId), executed: [...run.executed] };
    run.addMessage('execution_interrupted', data, true);
  }
}

/** A dependency cycle created by expansion, blamed on the first node of it that is displayed as another. */
function cycleFailure(dynprompt: DynamicPrompt, cycle: string[]): FailureDetails {
  let blamed = cycle[0] ?? '';
  for (const id of cycle) {
    const display = dynprompt.displayId(id);
    if (display !== id) {
      blamed = display;
      break;
    }
  }
  if (!Object.hasOwn(dynprompt.original, blamed)) blamed = dynprompt.realId(blamed);
  return {
    node_id: blamed,
    exception_message: 'Dependency cycle detected',
    exception_type: 'graph.DependencyCycleError',
    traceback: [],
    current_inputs: [],
  };
}
