// The engine (execution.md §1): POST /prompt validates and enqueues; one worker takes the lowest item, runs it,
// writes history and applies pending /free flags. Everything the server needs goes through the `Engine` interface;
// replies go out only as events to subscribers.
import type { NodeServices } from '../nodes/node-definition.ts';
import type { NodeRegistry } from '../nodes/registry.ts';
import type { Accepted, CheckedElsewhere, Engine, EngineListeners, HistoryEntry, PromptRequest, QueueItem, SubmitOptions, SubmitOutcome } from './engine-api.ts';
import type { CacheOptions } from './cache/index.ts';
import { EngineEvents } from './events.ts';
import { clientIdOf, PromptExecutor } from './executor.ts';
import { MAX_HISTORY_SIZE, PromptHistory } from './history.ts';
import { InterruptFlag } from './interrupt.ts';
import { PromptQueue, type QueueEntry } from './queue.ts';
import { counterPriority, submitPrompt, type SubmitContext } from './submit.ts';

export interface EngineOptions {
  registry: NodeRegistry;
  services: NodeServices;
  cache: CacheOptions;
  /** History entries kept (ComfyUI: 10,000). */
  maxHistory?: number;
  /** Unloads every model (POST /free, out-of-memory errors). */
  unloadModels?: () => void;
  /** Where log lines go; default: the console. */
  log?: (line: string, err?: unknown) => void;
}

function consoleLog(line: string, err?: unknown): void {
  if (err === undefined) console.log(line);
  else console.error(line, err);
}

interface Waiter {
  resolve(entry: HistoryEntry): void;
  reject(err: Error): void;
}

class WorkerEngine implements Engine {
  readonly registry: NodeRegistry;
  private readonly queueStore = new PromptQueue();
  private readonly historyStore: PromptHistory;
  private readonly events: EngineEvents;
  private readonly interruptFlag = new InterruptFlag();
  private readonly executor: PromptExecutor;
  private readonly log: (line: string, err?: unknown) => void;
  private running: QueueEntry | null = null;
  private counter = 0;
  private freeFlags = { unloadModels: false, freeMemory: false };
  private wake: (() => void) | null = null;
  private readonly waiters = new Map<string, Waiter[]>();
  private closed = false;
  private readonly loop: Promise<void>;
  private readonly submitContext: SubmitContext;

  constructor(private readonly options: EngineOptions) {
    this.registry = options.registry;
    this.submitContext = { registry: options.registry, services: options.services, nextNumber: () => this.counter++, log: (line) => this.log(line) };
    this.log = options.log ?? consoleLog;
    this.events = new EngineEvents(this.log);
    this.historyStore = new PromptHistory(options.maxHistory ?? MAX_HISTORY_SIZE);
    this.executor = new PromptExecutor({
      registry: options.registry,
      services: options.services,
      events: this.events,
      interrupt: this.interruptFlag,
      cache: options.cache,
      log: this.log,
      unloadModels: () => options.unloadModels?.(),
    });
    this.loop = this.work();
  }

  async submit(request: PromptRequest, options: SubmitOptions = {}): Promise<SubmitOutcome> {
    const { outcome, accepted } = await submitPrompt(this.submitContext, request);
    if (accepted) this.enqueue(accepted, options);
    return outcome;
  }

  enqueueChecked({ counter, accepted }: CheckedElsewhere): number | undefined {
    const number = counter ? counterPriority(this.counter++, counter) : accepted?.item[0];
    if (accepted) {
      accepted.item[0] = number!;
      this.enqueue(accepted, {});
    }
    return number;
  }

  private enqueue(accepted: Accepted, options: SubmitOptions): void {
    this.queueStore.push(accepted.item, accepted.sensitive, options);
    this.emitStatus();
    this.wake?.();
  }

  queue(): { queue_running: QueueItem[]; queue_pending: QueueItem[] } {
    return { queue_running: this.running ? [this.running.item] : [], queue_pending: this.queueStore.items() };
  }

  queueRemaining(): number {
    return this.queueStore.size + (this.running ? 1 : 0);
  }

  deleteQueued(promptIds: readonly string[]): void {
    const removed = this.queueStore.delete(promptIds);
    removed.forEach((e, i) => {
      this.emitStatus();
      // ComfyUI wipes the queue when its only item goes, which announces the queue once more.
      if (i === removed.length - 1 && this.queueStore.size === 0) this.emitStatus();
      this.dropWaiters(e.item[1], 'was removed from the queue');
    });
  }

  clearQueue(): void {
    const removed = this.queueStore.clear();
    this.emitStatus();
    for (const e of removed) this.dropWaiters(e.item[1], 'was removed from the queue');
  }

  interrupt(promptId?: string): void {
    if (promptId === undefined || this.running?.item[1] === promptId) this.interruptFlag.request();
  }

  history(options: { maxItems?: number; offset?: number } = {}): Record<string, HistoryEntry> {
    return this.historyStore.page(options.maxItems, options.offset);
  }

  historyEntry(promptId: string): HistoryEntry | undefined {
    return this.historyStore.get(promptId);
  }

  deleteHistory(promptIds: readonly string[]): void {
    this.historyStore.delete(promptIds);
  }

  clearHistory(): void {
    this.historyStore.clear();
  }

  requestFree(flags: { unloadModels: boolean; freeMemory: boolean }): void {
    this.freeFlags.unloadModels ||= flags.unloadModels;
    this.freeFlags.freeMemory ||= flags.freeMemory;
    this.wake?.();
  }

  currentlyExecuting(): { clientId: string | null; displayNodeId: string | null; promptId: string } | null {
    if (!this.running) return null;
    const run = this.executor.current;
    return {
      clientId: run?.clientId ?? clientIdOf(this.running.item[3]),
      displayNodeId: run?.lastDisplayNode ?? null,
      promptId: this.running.item[1],
    };
  }

  waitFor(promptId: string): Promise<HistoryEntry> {
    const queued = this.running?.item[1] === promptId || this.queueStore.has(promptId);
    const done = this.historyStore.get(promptId);
    if (!queued && done) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      const list = this.waiters.get(promptId) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(promptId, list);
    });
  }

  subscribe(listeners: EngineListeners): () => void {
    return this.events.subscribe(listeners);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.running) this.interruptFlag.request();
    this.wake?.();
    await this.loop;
    for (const id of [...this.waiters.keys()]) this.dropWaiters(id, 'was not run: the engine closed');
  }

  private emitStatus(): void {
    this.events.send('status', { status: { exec_info: { queue_remaining: this.queueRemaining() } } }, null);
  }

  /** Rejects the waiters of a prompt that will not run (unless another item with that id still will). */
  private dropWaiters(promptId: string, why: string): void {
    const list = this.waiters.get(promptId);
    if (!list || this.running?.item[1] === promptId || this.queueStore.has(promptId)) return;
    this.waiters.delete(promptId);
    for (const w of list) w.reject(new Error(`Prompt ${promptId} ${why}`));
  }

  /** The worker: one prompt at a time, yielding to the event loop between prompts and between nodes. */
  private async work(): Promise<void> {
    while (!this.closed) {
      const entry = this.queueStore.pop();
      if (entry) await this.run(entry);
      this.applyFreeFlags();
      if (this.closed) break;
      if (this.queueStore.size === 0) await new Promise<void>((resolve) => (this.wake = resolve));
      else await new Promise<void>((resolve) => setImmediate(resolve));
      this.wake = null;
    }
  }

  private async run(entry: QueueEntry): Promise<void> {
    this.events.hold(); // the executor releases whenever node code runs; the rest of a run's messages go out in batches
    try {
      await this.runHeld(entry);
    } finally {
      this.events.release();
    }
  }

  private async runHeld(entry: QueueEntry): Promise<void> {
    const started = performance.now();
    this.running = entry;
    this.emitStatus();
    const [, promptId, prompt, extraData, outputs] = entry.item;
    let history: HistoryEntry;
    try {
      const outcome = await this.executor.execute(promptId, prompt, { ...extraData, ...entry.sensitive }, outputs, entry.options);
      history = {
        prompt: entry.item,
        outputs: outcome.outputs as HistoryEntry['outputs'],
        status: { status_str: outcome.success ? 'success' : 'error', completed: outcome.success, messages: outcome.messages },
        meta: outcome.meta,
      };
    } catch (err) {
      this.log(`Prompt ${promptId} failed outside any node`, err);
      history = { prompt: entry.item, outputs: {}, status: { status_str: 'error', completed: false, messages: [] }, meta: {} };
    }
    this.historyStore.add(promptId, history);
    this.running = null;
    this.emitStatus();
    const clientId = clientIdOf(extraData);
    if (clientId !== null) this.events.send('executing', { node: null, prompt_id: promptId }, clientId);
    const list = this.waiters.get(promptId);
    this.waiters.delete(promptId);
    for (const w of list ?? []) w.resolve(history);
    this.events.finished({ promptId, entry: history, durationMs: performance.now() - started });
  }

  private applyFreeFlags(): void {
    const { unloadModels, freeMemory } = this.freeFlags;
    if (!unloadModels && !freeMemory) return;
    this.freeFlags = { unloadModels: false, freeMemory: false };
    this.options.unloadModels?.();
    if (freeMemory) this.executor.resetCaches();
  }
}

export function createEngine(options: EngineOptions): Engine {
  return new WorkerEngine(options);
}
