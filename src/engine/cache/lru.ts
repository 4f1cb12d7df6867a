// `--cache-lru N`: one flat cache of {ui, outputs} entries kept across prompts. Each prompt is a generation;
// while more than N entries exist, the oldest generations' unused entries are evicted.
import type { DynamicPrompt } from '../dynamic-prompt.ts';
import type { CacheEntry, OutputCache } from './output-cache.ts';
import type { InputSignatures } from './signature.ts';

export class LruCache implements OutputCache {
  protected readonly entries = new Map<string, CacheEntry>();
  protected readonly usedGeneration = new Map<string, number>();
  protected keys = new Map<string, string>();
  protected generation = 0;
  private minGeneration = 0;
  private dynprompt: DynamicPrompt | null = null;
  private signatures: InputSignatures | null = null;

  constructor(private readonly maxSize: number) {}

  private async addKeys(nodeIds: readonly string[]): Promise<void> {
    for (const id of nodeIds) {
      if (this.dynprompt?.hasNode(id) && this.signatures) this.keys.set(id, await this.signatures.key(id));
    }
  }

  private markUsed(nodeId: string): void {
    const key = this.keys.get(nodeId);
    if (key !== undefined) this.usedGeneration.set(key, this.generation);
  }

  async setPrompt(dynprompt: DynamicPrompt, nodeIds: readonly string[], signatures: InputSignatures): Promise<void> {
    this.dynprompt = dynprompt;
    this.signatures = signatures;
    this.keys = new Map();
    await this.addKeys(nodeIds);
    this.generation++;
    for (const id of nodeIds) this.markUsed(id);
  }

  cleanUnused(): void {
    while (this.entries.size > this.maxSize && this.minGeneration < this.generation) {
      this.minGeneration++;
      for (const key of this.entries.keys()) {
        if ((this.usedGeneration.get(key) ?? 0) < this.minGeneration) this.entries.delete(key);
      }
    }
    // Generations are also recorded for keys that never got an entry; forget those once they pile up.
    if (this.usedGeneration.size > 2 * this.entries.size + 1024) {
      for (const key of this.usedGeneration.keys()) if (!this.entries.has(key)) this.usedGeneration.delete(key);
    }
  }

  get(nodeId: string): CacheEntry | undefined {
    this.markUsed(nodeId);
    return this.peek(nodeId);
  }

  peek(nodeId: string): CacheEntry | undefined {
    const key = this.keys.get(nodeId);
    return key === undefined ? undefined : this.entries.get(key);
  }

  set(nodeId: string, entry: CacheEntry): void {
    const key = this.keys.get(nodeId);
    if (key === undefined) return;
    this.usedGeneration.set(key, this.generation);
    this.entries.set(key, entry);
  }

  async ensureSubcacheFor(nodeId: string, childIds: readonly string[]): Promise<void> {
    await this.addKeys(childIds);
    this.markUsed(nodeId);
    for (const id of childIds) this.markUsed(id);
    this.cleanUnused();
  }

  allNodeIds(): string[] {
    return [...this.keys.keys()];
  }
}
