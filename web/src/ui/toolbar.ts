// The toolbar: queue the graph, stop the run, open/save/export workflows, reset the graph; plus the status line.
import { h } from './dom.ts';

export interface ToolbarActions {
  queue(): void;
  interrupt(): void;
  open(): void;
  save(): void;
  exportWorkflow(): void;
  exportApi(): void;
  loadDefault(): void;
  clear(): void;
}

export function toolbar(actions: ToolbarActions, ...status: HTMLElement[]): HTMLElement {
  const button = (id: string, label: string, title: string, onclick: () => void, extraClass = '') =>
    h('button', { id, title, class: extraClass, onclick }, label);
  return h('header', { id: 'toolbar' },
    h('span', { class: 'brand' }, 'comfy-ts'),
    button('queue-button', 'Queue', 'Queue the graph (Ctrl+Enter)', actions.queue, 'primary'),
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
