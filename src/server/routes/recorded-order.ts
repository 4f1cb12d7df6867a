// Queue items and history entries as ComfyUI writes them: a prompt's node ids in the order the client sent them,
// and history outputs in the order the nodes ran (see python/dict-order.ts); copies only where an order was recorded.
import type { HistoryEntry, QueueItem } from '../../engine/engine-api.ts';
import { inRecordedOrder } from '../json.ts';

export function queueItemInRecordedOrder(item: QueueItem): QueueItem {
  const prompt = inRecordedOrder(item[2]);
  return prompt === item[2] ? item : (item.map((part, i) => (i === 2 ? prompt : part)) as QueueItem);
}

export function historyEntryInRecordedOrder(entry: HistoryEntry): HistoryEntry {
  const prompt = queueItemInRecordedOrder(entry.prompt);
  const outputs = inRecordedOrder(entry.outputs);
  const meta = inRecordedOrder(entry.meta);
  if (prompt === entry.prompt && outputs === entry.outputs && meta === entry.meta) return entry;
  return { ...entry, prompt, outputs, meta } as HistoryEntry;
}
