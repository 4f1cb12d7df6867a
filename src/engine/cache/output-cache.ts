// The output cache behind a small interface (execution.md §10, changes-0.8.0.md §5): one entry per node holds its
// output slot lists and its UI record, keyed by the node's input signature. Policies differ in what survives
// between prompts: classic (only what the new prompt uses), LRU (N entries over generations), RAM pressure (all,
// until available RAM runs low), none (nothing).
import type { UiOutput } from '../../nodes/node-definition.ts';
import type { DynamicPrompt } from '../dynamic-prompt.ts';
import type { InputSignatures } from './signature.ts';

export interface UiMeta {
  node_id: string;
  display_node: string;
  parent_node: string | null;
  real_node_id: string;
}

/** What a node's run leaves behind: the UI record (or null) and, per output slot, the list of values. */
export interface CacheEntry {
  ui: { meta: UiMeta; output: UiOutput } | null;
  outputs: unknown[][];
}

export interface OutputCache {
  /** Starts a prompt: computes the keys of `nodeIds`. */
  setPrompt(dynprompt: DynamicPrompt, nodeIds: readonly string[], signatures: InputSignatures): Promise<void>;
  /** Drops what the policy does not keep for this prompt. */
  cleanUnused(): void;
  /** The entry of a node, counting as a use. */
  get(nodeId: string): CacheEntry | undefined;
  /** The entry of a node without counting as a use. */
  peek(nodeId: string): CacheEntry | undefined;
  set(nodeId: string, entry: CacheEntry): void;
  /** Makes room for the nodes a node expanded into (and keys them). */
  ensureSubcacheFor(nodeId: string, childIds: readonly string[]): Promise<void>;
  /** Ids of the nodes the cache has keys for (`current_outputs` of an execution error). */
  allNodeIds(): string[];
  /** Called after each node that did not fail (the RAM-pressure policy evicts here). */
  afterNode?(): void;
}
