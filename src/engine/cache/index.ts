// Picks the output cache policy (`--cache-classic` / `--cache-lru N` / `--cache-none`).
import { ClassicCache } from './classic.ts';
import { LruCache } from './lru.ts';
import { NoCache } from './none.ts';
import type { OutputCache } from './output-cache.ts';

export type CacheMode = 'classic' | 'lru' | 'none';

export interface CacheOptions {
  mode: CacheMode;
  /** Entries kept by the LRU policy. */
  lruSize?: number;
}

export function createOutputCache(options: CacheOptions): OutputCache {
  if (options.mode === 'lru') return new LruCache(Math.max(0, options.lruSize ?? 0));
  if (options.mode === 'none') return new NoCache();
  return new ClassicCache();
}

export type { CacheEntry, OutputCache, UiMeta } from './output-cache.ts';
export { InputSignatures } from './signature.ts';
export { IsChangedCache } from './is-changed.ts';
