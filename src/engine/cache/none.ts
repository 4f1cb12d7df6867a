// `--cache-none` (0.8.0): nothing is kept, between or within prompts.
import type { CacheEntry, OutputCache } from './output-cache.ts';

export class NoCache implements OutputCache {
  async setPrompt(): Promise<void> {}
  cleanUnused(): void {}
  get(): CacheEntry | undefined {
    return undefined;
  }
  peek(): CacheEntry | undefined {
    return undefined;
  }
  set(): void {}
  async ensureSubcacheFor(): Promise<void> {}
  allNodeIds(): string[] {
    return [];
  }
}
