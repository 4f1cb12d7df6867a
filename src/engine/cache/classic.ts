// The classic (hierarchical) cache: only entries whose keys the current prompt uses survive its start. Nodes
// created by expansion live in a sub-cache of the node that expanded, so they are cached per parent.
import type { DynamicPrompt } from '../dynamic-prompt.ts';
import type { CacheEntry, OutputCache } from './output-cache.ts';
import type { InputSignatures } from './signature.ts';

class Level {
  readonly entries = new Map<string, CacheEntry>();
  readonly subcaches = new Map<string, Level>();
  keys = new Map<string, string>();
  subKeys = new Map<string, string>();

  async setPrompt(dynprompt: DynamicPrompt, nodeIds: readonly string[], signatures: InputSignatures): Promise<void> {
    const keys = new Map<string, string>();
    const subKeys = new Map<string, string>();
    for (const id of nodeIds) {
      if (!dynprompt.hasNode(id)) continue;
      keys.set(id, await signatures.key(id));
      subKeys.set(id, `${id}\u0000${dynprompt.getNode(id).class_type}`);
    }
    this.keys = keys;
    this.subKeys = subKeys;
  }

  clean(): void {
    const used = new Set(this.keys.values());
    for (const key of this.entries.keys()) if (!used.has(key)) this.entries.delete(key);
    const usedSub = new Set(this.subKeys.values());
    for (const key of this.subcaches.keys()) if (!usedSub.has(key)) this.subcaches.delete(key);
  }

  collectIds(out: Set<string>): void {
    for (const id of this.keys.keys()) out.add(id);
    for (const sub of this.subcaches.values()) sub.collectIds(out);
  }
}

export class ClassicCache implements OutputCache {
  private root = new Level();
  private dynprompt: DynamicPrompt | null = null;
  private signatures: InputSignatures | null = null;

  async setPrompt(dynprompt: DynamicPrompt, nodeIds: readonly string[], signatures: InputSignatures): Promise<void> {
    this.dynprompt = dynprompt;
    this.signatures = signatures;
    await this.root.setPrompt(dynprompt, nodeIds, signatures);
  }

  cleanUnused(): void {
    this.root.clean();
  }

  /** The level holding a node: the root, or the sub-cache of each expanding ancestor in turn. */
  private levelFor(nodeId: string): Level | undefined {
    let level: Level | undefined = this.root;
    for (const parent of this.dynprompt?.ancestry(nodeId) ?? []) {
      const subKey: string | undefined = level.subKeys.get(parent);
      level = subKey === undefined ? undefined : level.subcaches.get(subKey);
      if (!level) return undefined;
    }
    return level;
  }

  get(nodeId: string): CacheEntry | undefined {
    return this.peek(nodeId);
  }

  peek(nodeId: string): CacheEntry | undefined {
    const level = this.levelFor(nodeId);
    const key = level?.keys.get(nodeId);
    return key === undefined ? undefined : level!.entries.get(key);
  }

  set(nodeId: string, entry: CacheEntry): void {
    const level = this.levelFor(nodeId);
    const key = level?.keys.get(nodeId);
    if (key !== undefined) level!.entries.set(key, entry);
  }

  async ensureSubcacheFor(nodeId: string, childIds: readonly string[]): Promise<void> {
    const level = this.levelFor(nodeId);
    const subKey = level?.subKeys.get(nodeId);
    if (!level || subKey === undefined || !this.dynprompt || !this.signatures) return;
    let sub = level.subcaches.get(subKey);
    if (!sub) {
      sub = new Level();
      level.subcaches.set(subKey, sub);
    }
    await sub.setPrompt(this.dynprompt, childIds, this.signatures);
    sub.clean();
  }

  allNodeIds(): string[] {
    const ids = new Set<string>();
    this.root.collectIds(ids);
    return [...ids];
  }
}
