// The toolbar: queue the graph, stop the run, open/save/export workflows, reset the graph; plus the status line.
import { h } from './dom.ts';

export interface ToolbarActions {
  /** Queues the graph `count` times (the batch count beside the Queue button), at the end or the front. */
  queue(count: number, front: boolean): void;
  interrupt(): void;
  open(): void;
  save(): void;
  exportWorkflow(): void;
  exportApi(): void;
  loadDefault(): void;
  clear(): void;
}

const MAX_BATCH_COUNT = 100;

/** The batch count field's value as a whole number in 1…MAX_BATCH_COUNT. */
export function batchCount(): number {
  const field = document.getElementById('batch-count') as HTMLInputElement | null;
  const value = Math.trunc(Number(field?.value));
  return Number.isFinite(value) ? Math.min(MAX_BATCH_COUNT, Math.max(1, value)) : 1;
}

export function toolbar(actions: ToolbarActions, ...status: HTMLElement[]): HTMLElement {
  const button = (id: string, label: string, title: string, onclick: () => void, extraClass = '') =>
    h('button', { id, title, class: extraClass, onclick }, label);
  return h('header', { id: 'toolbar' },
    h('span', { class: 'brand' }, 'comfy-ts'),
    button('queue-button', 'Queue', 'Queue the graph (Ctrl+Enter)', () => actions.queue(batchCount(), false), 'primary'),
    button('queue-front-button', 'Front', 'Queue the graph ahead of the pending prompts (Ctrl+Shift+Enter)', () => actions.queue(batchCount(), true)),
    h('input', { id: 'batch-count', type: 'number', min: '1', max: String(MAX_BATCH_COUNT), step: '1', value: '1', title: 'Batch count: how many times Queue queues the graph' }),
    button('interrupt-button', 'Interrupt', 'Stop the running prompt', actions.interrupt),
    h('span', { class: 'separator' }),
    button('open-button', 'Open', 'Open a workflow (.json, or a PNG made by SaveImage)', actions.open),
    button('save-button', 'Save', 'Save the workflow on the server', actions.save),
    button('export-button', 'Export', 'Download the workflow', actions.exportWorkflow),
    button('export-api-button', 'Export (API)', 'Download the API-format prompt', actions.exportApi),
    h('span', { class: 'separator' }),
    button('default-button', 'Load default', 'Open the default txt2img graph', actions.loadDefault),
    button('clear-button', 'Clear', 'Remove every node', actions.clear),
    h('span', { class: 'status' }, ...status),
  );
}
