// The queue panel, from `/queue` and `/history`: the running prompt (interrupt), pending prompts in run order
// (cancel), finished prompts newest first (status, thumbnails, reopen their workflow), and clear buttons.
import { api, viewUrl } from '../api/client.ts';
import type { HistoryEntry, ImageRef, QueueItem, Workflow } from '../api/types.ts';
import { apiPromptToWorkflow } from '../graph/api-prompt-to-workflow.ts';
import { h, fill } from './dom.ts';

const HISTORY_SHOWN = 20;

export interface QueuePanelActions {
  openWorkflow(workflow: Workflow): void;
  reportError(message: string): void;
}

const shortId = (id: string) => id.slice(0, 8);
/** The workflow a prompt was queued with, else its API prompt rebuilt as one (prompts sent by scripts have none). */
const workflowOf = (item: QueueItem): Workflow =>
  (item[3]?.extra_pnginfo as { workflow?: Workflow } | undefined)?.workflow ?? apiPromptToWorkflow(item[2]);

function outputImages(entry: HistoryEntry): ImageRef[] {
  return Object.values(entry.outputs ?? {}).flatMap((output) => output.images ?? []);
}

export class QueuePanel {
  readonly element = h('section', { class: 'panel', id: 'queue-panel' });
  private readonly body = h('div', { class: 'panel-body' });
  private refreshing: Promise<void> | null = null;
  private again = false;

  constructor(private readonly actions: QueuePanelActions) {
    const act = (fn: () => Promise<unknown>) => this.act(fn);
    this.element.append(
      h('header', {},
        h('h2', {}, 'Queue'),
        h('button', { id: 'clear-queue', title: 'Remove every pending prompt', onclick: act(api.clearQueue) }, 'Clear queue'),
        h('button', { id: 'clear-history', title: 'Forget finished prompts', onclick: act(api.clearHistory) }, 'Clear history'),
      ),
      this.body,
    );
  }

  /** A click handler: run the request, then show the new state (or the error). */
  private act(fn: () => Promise<unknown>): () => void {
    return () => void fn().then(() => this.refresh(), (err: Error) => this.actions.reportError(err.message));
  }

  /** Reloads both lists; calls made while one is under way are merged into one more. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.again = false;
          const [queue, history] = await Promise.all([api.queue(), api.history(HISTORY_SHOWN)]);
          this.render(queue.queue_running, [...queue.queue_pending].sort((a, b) => a[0] - b[0]), history);
        } while (this.again);
      } catch (err) {
        this.actions.reportError(`Could not read the queue: ${(err as Error).message}`);
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  private render(running: QueueItem[], pending: QueueItem[], history: Record<string, HistoryEntry>): void {
    const finished = Object.entries(history).reverse();
    fill(
      this.body,
      h('h3', {}, `Running (${running.length})`),
      h('ul', { class: 'queue-list', id: 'queue-running' }, ...running.map((item) => this.queueRow(item, 'Interrupt', () => api.interrupt(item[1])))),
      h('h3', {}, `Pending (${pending.length})`),
      h('ul', { class: 'queue-list', id: 'queue-pending' }, ...pending.map((item) => this.queueRow(item, 'Cancel', () => api.deleteQueued([item[1]])))),
      h('h3', {}, `History (${finished.length})`),
      h('ul', { class: 'queue-list', id: 'queue-history' }, ...finished.map(([id, entry]) => this.historyRow(id, entry))),
    );
  }

  private queueRow(item: QueueItem, label: string, action: () => Promise<unknown>): HTMLElement {
    return h('li', { dataset: { promptId: item[1] } },
      h('span', { class: 'queue-number' }, `#${item[0]}`),
      h('span', { class: 'queue-id', title: item[1] }, shortId(item[1])),
      h('button', { class: `queue-${label.toLowerCase()}`, onclick: this.act(action) }, label),
    );
  }

  private historyRow(id: string, entry: HistoryEntry): HTMLElement {
    const status = entry.status?.status_str ?? 'unknown';
    return h('li', { class: `history-${status}`, dataset: { promptId: id } },
      h('span', { class: 'queue-status' }, status),
      h('span', { class: 'queue-id', title: id }, shortId(id)),
      h('span', { class: 'queue-thumbs' },
        ...outputImages(entry).slice(0, 4).map((image) => h('img', { src: viewUrl(image, 'webp;50'), alt: image.filename, title: image.filename }))),
      h('button', { class: 'queue-load', title: 'Open the workflow of this prompt', onclick: () => this.actions.openWorkflow(workflowOf(entry.prompt)) }, 'Load'),
      h('button', { class: 'queue-delete', title: 'Remove from history', onclick: this.act(() => api.deleteHistory([id])) }, '✕'),
    );
  }
}
