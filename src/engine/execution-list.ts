// The execution list (execution.md §4.1–§4.2, ComfyUI's `comfy_execution/graph.py`): a topological dissolve of
// the graph. Pending nodes carry a count of the unfinished nodes they wait for; a node is staged, then either
// completed or put back (lazy inputs and expansion add dependencies at run time). It also keeps, per pending
// consumer, the outputs of the producers it reads, so a value stays available while someone still needs it.
import type { NodeRegistry } from '../nodes/registry.ts';
import type { CacheEntry, OutputCache } from './cache/index.ts';
import type { DynamicPrompt } from './dynamic-prompt.ts';
import { isLink } from './input-data.ts';
import { isLazyInput, isOutputNode } from './node-schema.ts';
import { PyException } from '../python/values.ts';

/** The next node; or, when only async nodes are still running, a promise of the next one to finish; or a cycle. */
export type StageResult = { nodeId: string } | { wait: Promise<void> } | { cycle: string[] };

export class ExecutionList {
  /** Pending nodes with the order they were added in (ready nodes are considered in that order). */
  private readonly pending = new Map<string, number>();
  private readonly blockCount = new Map<string, number>();
  /** Pending nodes with nothing left to wait for. */
  private readonly ready = new Set<string>();
  private added = 0;
  /** producer → consumer → the producer's sockets the consumer waits on. */
  private readonly blocking = new Map<string, Map<string, Set<number>>>();
  /** consumer → producer → the producer's entry as this run knows it (null until it runs). */
  private readonly inputTables = new Map<string, Map<string, CacheEntry | null>>();
  private readonly listeners = new Map<string, Set<string>>();
  private staged: string | null = null;
  /** Nodes waiting on their own async calls (ComfyUI's external blocks), with the wakers of whoever waits. */
  private readonly externalBlocks = new Map<string, number>();
  private wakers: (() => void)[] = [];

  constructor(
    private readonly dynprompt: DynamicPrompt,
    private readonly registry: NodeRegistry,
    private readonly cache: OutputCache,
  ) {}

  isEmpty(): boolean {
    return this.pending.size === 0;
  }

  private isCached(nodeId: string): boolean {
    return this.cache.peek(nodeId) !== undefined;
  }

  /** Adds a node and, depth-first, every uncached non-lazy source it needs. A cached node reads no inputs. */
  addNode(rootId: string, includeLazy = false): void {
    const stack = [rootId];
    const links: [string, number, string][] = [];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (this.pending.has(id)) continue;
      this.pending.set(id, this.added++);
      this.blockCount.set(id, 0);
      this.ready.add(id);
      this.blocking.set(id, new Map());
      if (this.isCached(id)) continue;
      const def = this.registry.get(this.dynprompt.getNode(id).class_type);
      for (const [name, value] of Object.entries(this.dynprompt.inputsOf(id))) {
        if (!isLink(value)) continue;
        if (!includeLazy && def && isLazyInput(def, name)) continue;
        if (!this.isCached(value[0])) stack.push(value[0]);
        links.push([value[0], value[1], id]);
      }
    }
    for (const [from, socket, to] of links) this.addStrongLink(from, socket, to);
  }

  /** `to` now depends on `from` (scheduled unless cached) and will read its outputs. */
  addStrongLink(from: string, socket: number, to: string): void {
    if (!this.isCached(from)) {
      this.addNode(from);
      const blocked = this.blocking.get(from)!;
      let sockets = blocked.get(to);
      if (!sockets) {
        sockets = new Set();
        blocked.set(to, sockets);
        this.blockCount.set(to, (this.blockCount.get(to) ?? 0) + 1);
        this.ready.delete(to);
      }
      sockets.add(socket);
    }
    this.linkOutputs(from, to);
  }

  /** A lazy input the node asked for becomes a real dependency. */
  makeInputStrongLink(to: string, inputName: string): void {
    const inputs = this.dynprompt.inputsOf(to);
    if (!Object.hasOwn(inputs, inputName)) {
      throw new PyException(
        'comfy_execution.graph.NodeInputError',
        `Node ${to} says it needs input ${inputName}, but there is no input to that node at all`,
      );
    }
    const value = inputs[inputName];
    if (!isLink(value)) {
      throw new PyException('comfy_execution.graph.NodeInputError', `Node ${to} says it needs input ${inputName}, but that value is a constant`);
    }
    this.addStrongLink(value[0], value[1], to);
  }

  /** Records that `to` reads `from`'s outputs (pinning a cached producer's entry for this run). */
  linkOutputs(from: string, to: string): void {
    let table = this.inputTables.get(to);
    if (!table) {
      table = new Map();
      this.inputTables.set(to, table);
    }
    table.set(from, this.cache.peek(from) ?? null);
    let consumers = this.listeners.get(from);
    if (!consumers) {
      consumers = new Set();
      this.listeners.set(from, consumers);
    }
    consumers.add(to);
  }

  /** The producer's entry as `to` sees it; reading it writes it back to the cache (a use, for LRU). */
  outputsFor(from: string, to: string): CacheEntry | undefined {
    const value = this.inputTables.get(to)?.get(from);
    if (!value) return undefined;
    this.cache.set(from, value);
    return value;
  }

  /** A producer finished (or was found cached): its consumers' tables get the entry. */
  publish(nodeId: string, entry: CacheEntry): void {
    for (const to of this.listeners.get(nodeId) ?? []) this.inputTables.get(to)?.set(nodeId, entry);
  }

  /** Holds `nodeId` back until the returned function is called (its async calls are running). */
  addExternalBlock(nodeId: string): () => void {
    this.externalBlocks.set(nodeId, (this.externalBlocks.get(nodeId) ?? 0) + 1);
    this.ready.delete(nodeId);
    return () => {
      const left = this.externalBlocks.get(nodeId)! - 1;
      if (left > 0) this.externalBlocks.set(nodeId, left);
      else {
        this.externalBlocks.delete(nodeId);
        if (this.pending.has(nodeId) && this.blockCount.get(nodeId) === 0) this.ready.add(nodeId);
      }
      const wakers = this.wakers;
      this.wakers = [];
      for (const wake of wakers) wake();
    };
  }

  /** Picks the next node to run, or reports the nodes of a dependency cycle when none is ready. */
  stage(): StageResult {
    const ready = [...this.ready].sort((a, b) => this.pending.get(a)! - this.pending.get(b)!);
    if (ready.length === 0 && this.externalBlocks.size > 0) return { wait: new Promise<void>((wake) => this.wakers.push(wake)) };
    if (ready.length === 0) return { cycle: this.nodesInCycle() };
    this.staged = this.pickFriendly(ready);
    return { nodeId: this.staged };
  }

  private isOutput(nodeId: string): boolean {
    return isOutputNode(this.registry.get(this.dynprompt.getNode(nodeId).class_type));
  }

  private isAsync(nodeId: string): boolean {
    return this.registry.get(this.dynprompt.getNode(nodeId).class_type)?.isAsync === true;
  }

  /**
   * Output and async nodes first (an async node then runs while others do), then what feeds an output node
   * directly, then two edges away, then the first ready.
   */
  private pickFriendly(ready: string[]): string {
    const feedsOutput = (id: string, depth: number): boolean => {
      for (const to of this.blocking.get(id)?.keys() ?? []) {
        if (depth === 1 ? this.isOutput(to) : feedsOutput(to, depth - 1)) return true;
      }
      return false;
    };
    return (
      ready.find((id) => this.isOutput(id) || this.isAsync(id)) ??
      ready.find((id) => feedsOutput(id, 1)) ??
      ready.find((id) => feedsOutput(id, 2)) ??
      ready[0]!
    );
  }

  unstage(): void {
    this.staged = null;
  }

  complete(): void {
    const id = this.staged!;
    this.pending.delete(id);
    this.ready.delete(id);
    for (const to of this.blocking.get(id)?.keys() ?? []) {
      const left = this.blockCount.get(to)! - 1;
      this.blockCount.set(to, left);
      if (left === 0 && this.pending.has(to)) this.ready.add(to);
    }
    this.blocking.delete(id);
    this.inputTables.delete(id);
    this.listeners.delete(id);
    this.staged = null;
  }

  /** Dissolves the pending graph from its leaves; what cannot be dissolved is the cycle. */
  private nodesInCycle(): string[] {
    const blockedBy = new Map<string, Set<string>>();
    for (const id of this.pending.keys()) blockedBy.set(id, new Set());
    for (const [from, consumers] of this.blocking) {
      for (const [to, sockets] of consumers) if (sockets.size > 0) blockedBy.get(to)?.add(from);
    }
    const dependents = new Map<string, string[]>();
    for (const [to, froms] of blockedBy) {
      for (const from of froms) {
        const list = dependents.get(from);
        if (list) list.push(to);
        else dependents.set(from, [to]);
      }
    }
    let free = [...blockedBy.keys()].filter((id) => blockedBy.get(id)!.size === 0);
    while (free.length > 0) {
      const next: string[] = [];
      for (const id of free) {
        blockedBy.delete(id);
        for (const to of dependents.get(id) ?? []) {
          const froms = blockedBy.get(to);
          if (froms?.delete(id) && froms.size === 0) next.push(to);
        }
      }
      free = next;
    }
    return [...blockedBy.keys()];
  }
}
