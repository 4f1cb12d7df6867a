// Prompt history (api.md §3.9): entries in completion order, bounded (when an entry is added while more than
// `max` exist, the oldest goes first, so max + 1 can exist), paged exactly like `PromptQueue.get_history`.
import type { HistoryEntry } from './engine-api.ts';

export const MAX_HISTORY_SIZE = 10000;

export class PromptHistory {
  private readonly entries = new Map<string, HistoryEntry>();

  constructor(private readonly max = MAX_HISTORY_SIZE) {}

  get size(): number {
    return this.entries.size;
  }

  add(promptId: string, entry: HistoryEntry): void {
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(promptId, entry);
  }

  get(promptId: string): HistoryEntry | undefined {
    return this.entries.get(promptId);
  }

  /**
   * `offset` defaults to -1; a negative offset with `maxItems` means the newest `maxItems`. Entries from position
   * `offset` on are taken until `maxItems` are collected (the check follows each insertion, as in ComfyUI).
   */
  page(maxItems?: number, offset = -1): Record<string, HistoryEntry> {
    const out: Record<string, HistoryEntry> = {};
    if (maxItems === undefined && offset <= 0) {
      for (const [id, entry] of this.entries) out[id] = entry;
      return out;
    }
    let start = offset;
    if (start < 0 && maxItems !== undefined) start = this.entries.size - maxItems;
    let i = 0;
    let taken = 0;
    for (const [id, entry] of this.entries) {
      if (i >= start) {
        out[id] = entry;
        taken++;
        if (maxItems !== undefined && taken >= maxItems) break;
      }
      i++;
    }
    return out;
  }

  delete(promptIds: readonly string[]): void {
    for (const id of promptIds) this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }
}
