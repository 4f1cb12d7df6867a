// The pending queue (execution.md §3, api.md §3.6): a binary min-heap on (number, prompt_id), with Python heapq's
// exact sift rules so `GET /queue` lists items in the same internal array order ComfyUI does. Push and pop are
// O(log n); only deletions re-heapify.
import type { QueueItem, SubmitOptions } from './engine-api.ts';

export interface QueueEntry {
  item: QueueItem;
  /** Auth keys held out of `extra_data` (changes-0.8.0.md §2.1): given to execution, never shown. */
  sensitive: Record<string, unknown>;
  /** Submission order, the last tie-break (Python would compare the prompts themselves). */
  seq: number;
  options: SubmitOptions;
}

function less(a: QueueEntry, b: QueueEntry): boolean {
  const na = a.item[0];
  const nb = b.item[0];
  if (na !== nb) return na < nb;
  const ia = a.item[1];
  const ib = b.item[1];
  if (ia !== ib) return ia < ib;
  return a.seq < b.seq;
}

export class PromptQueue {
  private heap: QueueEntry[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(item: QueueItem, sensitive: Record<string, unknown>, options: SubmitOptions = {}): void {
    this.heap.push({ item, sensitive, seq: this.seq++, options });
    this.siftDown(0, this.heap.length - 1);
  }

  pop(): QueueEntry | undefined {
    const last = this.heap.pop();
    if (last === undefined || this.heap.length === 0) return last;
    const top = this.heap[0]!;
    this.heap[0] = last;
    this.siftUp(0);
    return top;
  }

  /** Pending items in heap-array order (not sorted). */
  items(): QueueItem[] {
    return this.heap.map((e) => e.item);
  }

  has(promptId: string): boolean {
    return this.heap.some((e) => e.item[1] === promptId);
  }

  /** Removes the first pending item (in heap order) for each id; returns the removed entries. */
  delete(promptIds: readonly string[]): QueueEntry[] {
    const wanted = new Map<string, number>();
    for (const id of promptIds) wanted.set(id, (wanted.get(id) ?? 0) + 1);
    const removed: QueueEntry[] = [];
    const kept: QueueEntry[] = [];
    for (const e of this.heap) {
      const n = wanted.get(e.item[1]) ?? 0;
      if (n > 0) {
        wanted.set(e.item[1], n - 1);
        removed.push(e);
      } else {
        kept.push(e);
      }
    }
    if (removed.length > 0) {
      this.heap = kept;
      for (let i = (kept.length >> 1) - 1; i >= 0; i--) this.siftUp(i);
    }
    return removed;
  }

  clear(): QueueEntry[] {
    const removed = this.heap;
    this.heap = [];
    return removed;
  }

  /** heapq._siftdown: moves the item at `pos` up towards `start`. */
  private siftDown(start: number, pos: number): void {
    const heap = this.heap;
    const item = heap[pos]!;
    while (pos > start) {
      const parentPos = (pos - 1) >> 1;
      const parent = heap[parentPos]!;
      if (!less(item, parent)) break;
      heap[pos] = parent;
      pos = parentPos;
    }
    heap[pos] = item;
  }

  /** heapq._siftup: moves the smaller child up until a leaf, then sifts the item back down into place. */
  private siftUp(pos: number): void {
    const heap = this.heap;
    const end = heap.length;
    const start = pos;
    const item = heap[pos]!;
    let child = 2 * pos + 1;
    while (child < end) {
      const right = child + 1;
      if (right < end && !less(heap[child]!, heap[right]!)) child = right;
      heap[pos] = heap[child]!;
      pos = child;
      child = 2 * pos + 1;
    }
    heap[pos] = item;
    this.siftDown(start, pos);
  }
}
