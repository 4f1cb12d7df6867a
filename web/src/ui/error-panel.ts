// Errors the server reported: a refused prompt (`error` + `node_errors`, one line per node and input) or a failed
// run (`execution_error`). Clicking a node's line centres the canvas on it.
import type { NodeErrors, PromptError } from '../api/types.ts';
import { errorLine } from '../graph/execution-state.ts';
import { h, fill } from './dom.ts';

export class ErrorPanel {
  readonly element = h('div', { id: 'error-panel', hidden: true });

  constructor(
    private readonly focusNode: (nodeId: string) => void,
    private readonly nodeTitle: (nodeId: string) => string | undefined,
  ) {}

  clear(): void {
    this.element.hidden = true;
    this.element.replaceChildren();
  }

  showPromptError(error: PromptError, nodeErrors: NodeErrors): void {
    const rows = Object.entries(nodeErrors).flatMap(([nodeId, { errors, class_type }]) =>
      errors.map((e) => {
        const input = e.extra_info?.input_name;
        return h('li', { class: 'node-error', dataset: { nodeId, input: typeof input === 'string' ? input : '' }, onclick: () => this.focusNode(nodeId) },
          h('b', {}, `${this.nodeTitle(nodeId) ?? class_type} #${nodeId}`), typeof input === 'string' ? ` · ${input}` : '', `: ${errorLine(e)}`);
      }),
    );
    this.show(errorLine(error), rows);
  }

  showExecutionError(data: { node_id: string; node_type: string; exception_type: string; exception_message: string }): void {
    const row = h('li', { class: 'node-error', dataset: { nodeId: data.node_id }, onclick: () => this.focusNode(data.node_id) },
      h('b', {}, `${data.node_type} #${data.node_id}`), `: ${data.exception_type}: ${data.exception_message}`);
    this.show('Error while running the prompt', [row]);
  }

  showMessage(message: string): void {
    this.show(message, []);
  }

  private show(title: string, rows: HTMLElement[]): void {
    fill(this.element,
      h('header', {}, h('strong', { class: 'error-title' }, title), h('button', { class: 'close', title: 'Dismiss', onclick: () => this.clear() }, '✕')),
      rows.length > 0 && h('ul', {}, ...rows));
    this.element.hidden = false;
  }
}
