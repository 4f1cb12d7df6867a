// `--cache-ram [GB]` (changes-0.8.0.md §5): outputs are kept across prompts with no count limit (an LRU that never
// trims itself); after each node, when the system's available RAM is below the headroom, garbage is collected and
// then entries are evicted, largest score first, until available RAM is back above 1.1 × headroom. An entry's
// score is its RAM estimate (0.1 + half the bytes of the tensors in its output lists) × 1.3^(prompts since it was
// last used); equal scores go most recently touched first, as ComfyUI's sorted eviction list has it.
import { freemem } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Tensor } from '../../inference/tensor.ts';
import { LruCache } from './lru.ts';
import type { CacheEntry } from './output-cache.ts';

const DEFAULT_RAM_USAGE = 0.1;
const OLD_WORKFLOW_MULTIPLIER = 1.3;
const HYSTERESIS = 1.1;
const GB = 1024 ** 3;

export interface RamPressureOptions {
  /** Available RAM to keep, in GB. */
  headroomGb: number;
  /** The system's available RAM in bytes (MemAvailable on Linux). */
  availableBytes?: () => number;
  /** Frees unreachable memory before RAM is measured again. */
  collectGarbage?: () => void;
}

/**
 * ComfyUI's estimate: it walks the output lists (not dicts: a LATENT's tensor is not counted) and counts each
 * tensor at half its bytes, and whatever reports its own RAM use.
 */
function ramEstimate(outputs: unknown): number {
  let bytes = DEFAULT_RAM_USAGE;
  const scan = (values: unknown): void => {
    if (!Array.isArray(values)) return;
    for (const v of values) {
      if (Array.isArray(v)) scan(v);
      else if (v instanceof Tensor) bytes += v.size * 4 * 0.5; // as floats, as ComfyUI's would be
      else if (typeof (v as { ramUsage?: unknown } | null)?.ramUsage === 'function') bytes += (v as { ramUsage(): number }).ramUsage();
    }
  };
  scan(outputs);
  return bytes;
}

/** V8's full collection (ComfyUI calls Python's gc.collect()): node has no API for it, so it is exposed here once. */
let fullGc: (() => void) | null = null;
function collectAllGarbage(): void {
  if (!fullGc) {
    setFlagsFromString('--expose-gc');
    fullGc = runInNewContext('gc') as () => void;
  }
  fullGc();
}

export class RamPressureCache extends LruCache {
  private readonly touched = new Map<string, number>();
  private clock = 0;
  private readonly availableBytes: () => number;
  private readonly collectGarbage: () => void;

  constructor(private readonly options: RamPressureOptions) {
    super(0);
    this.availableBytes = options.availableBytes ?? freemem;
    this.collectGarbage = options.collectGarbage ?? collectAllGarbage;
  }

  private touch(nodeId: string): void {
    const key = this.keys.get(nodeId);
    if (key !== undefined) this.touched.set(key, ++this.clock);
  }

  /** Nothing is dropped by count. */
  override cleanUnused(): void {}

  override get(nodeId: string): CacheEntry | undefined {
    this.touch(nodeId);
    return super.get(nodeId);
  }

  override set(nodeId: string, entry: CacheEntry): void {
    this.touch(nodeId);
    super.set(nodeId, entry);
  }

  /** After each node: evicts while available RAM is under the headroom. */
  afterNode(): void {
    const headroom = this.options.headroomGb * GB;
    if (this.availableBytes() > headroom) return;
    this.collectGarbage();
    if (this.availableBytes() > headroom) return;
    const byScore = [...this.entries].map(([key, entry]) => ({
      key,
      score: OLD_WORKFLOW_MULTIPLIER ** (this.generation - (this.usedGeneration.get(key) ?? 0)) * ramEstimate(entry.outputs),
      touched: this.touched.get(key) ?? 0,
    }));
    byScore.sort((a, b) => a.score - b.score || a.touched - b.touched);
    while (this.availableBytes() < headroom * HYSTERESIS && byScore.length > 0) {
      const { key } = byScore.pop()!;
      this.entries.delete(key);
      this.touched.delete(key);
      this.collectGarbage();
    }
  }
}
