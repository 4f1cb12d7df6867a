// Loaded networks (ONNX sessions) shared by every prompt: a network loads on first use, stays loaded across
// prompts, and the least recently used ones are released when the estimated resident size passes the RAM
// budget, or all at once on `/free`.
import { totalmem } from 'node:os';

interface Resident {
  value: Promise<{ release(): Promise<void> }>;
  bytes: number;
  lastUsed: number;
}

export interface ModelStoreOptions {
  /** Estimated bytes of loaded networks allowed before the least recently used are released. */
  budgetBytes?: number;
  log?: (message: string) => void;
}

/** Half the machine's memory: weights are expanded to float32 on CPU, and a prompt needs working room. */
const DEFAULT_BUDGET = Math.floor(totalmem() / 2);

export class ModelStore {
  private readonly resident = new Map<string, Resident>();
  private readonly budget: number;
  private readonly log: (message: string) => void;
  private clock = 0;

  constructor(options: ModelStoreOptions = {}) {
    this.budget = options.budgetBytes ?? DEFAULT_BUDGET;
    this.log = options.log ?? ((m) => console.log(m));
  }

  /**
   * The network stored under `key`, loading it with `load` when absent. `bytes` estimates its resident size;
   * a failed load is forgotten so that the next use tries again.
   */
  async use<T extends { release(): Promise<void> }>(key: string, bytes: number, load: () => Promise<T>): Promise<T> {
    const hit = this.resident.get(key);
    if (hit) {
      hit.lastUsed = ++this.clock;
      return hit.value as Promise<T>;
    }
    // Registered before anything awaits, so that concurrent users of the same key share one load.
    const value = this.makeRoom(key, bytes).then(load);
    this.resident.set(key, { value, bytes, lastUsed: ++this.clock });
    try {
      return await value;
    } catch (err) {
      this.resident.delete(key);
      throw err;
    }
  }

  /** Estimated bytes of everything loaded. */
  residentBytes(): number {
    let sum = 0;
    for (const r of this.resident.values()) sum += r.bytes;
    return sum;
  }

  loadedKeys(): string[] {
    return [...this.resident.keys()];
  }

  /** Releases every loaded network (`/free` with unload_models). */
  async unloadAll(): Promise<void> {
    const all = [...this.resident.keys()];
    await Promise.all(all.map((key) => this.unload(key)));
    if (all.length) this.log(`Unloaded ${all.length} model(s)`);
  }

  private async unload(key: string): Promise<void> {
    const r = this.resident.get(key);
    if (!r) return;
    this.resident.delete(key);
    try {
      await (await r.value).release();
    } catch {
      // A network that failed to load has nothing to release.
    }
  }

  /** Releases the least recently used networks other than `key` until `incoming` more bytes fit the budget. */
  private async makeRoom(key: string, incoming: number): Promise<void> {
    const others = () => [...this.resident].filter(([k]) => k !== key);
    while (others().length > 0 && others().reduce((n, [, r]) => n + r.bytes, 0) + incoming > this.budget) {
      const [oldest] = others().sort((a, b) => a[1].lastUsed - b[1].lastUsed);
      this.log(`Unloading ${oldest![0]} to stay within the memory budget`);
      await this.unload(oldest![0]);
    }
  }
}
