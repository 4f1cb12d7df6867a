// Picks the output cache policy (`--cache-classic` / `--cache-lru N` / `--cache-ram GB` / `--cache-none`).
import { ClassicCache } from './classic.ts';
import { LruCache } from './lru.ts';
import { NoCache } from './none.ts';
import { RamPressureCache } from './ram-pressure.ts';
import type { OutputCache } from './output-cache.ts';

export type CacheMode = 'classic' | 'lru' | 'ram' | 'none';

export interface CacheOptions {
  mode: CacheMode;
  /** Entries kept by the LRU policy. */
  lruSize?: number;
  /** Available RAM (GB) the RAM-pressure policy keeps free. */
  ramHeadroomGb?: number;
}

export function createOutputCache(options: CacheOptions): OutputCache {
  if (options.mode === 'lru') return new LruCache(Math.max(0, options.lruSize ?? 0));
  if (options.mode === 'ram') return new RamPressureCache({ headroomGb: options.ramHeadroomGb ?? 4 });
  if (options.mode === 'none') return new NoCache();
  return new ClassicCache();
}

export type { CacheEntry, OutputCache, UiMeta } from './output-cache.ts';
export { InputSignatures } from './signature.ts';
export { IsChangedCache } from './is-changed.ts';
