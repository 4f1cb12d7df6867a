// Workflows saved in the server's user data (`/userdata/workflows%2F<name>.json`, api.md §3.18): save the current
// graph under a name, list, open and delete them.
import { api, HttpError } from '../api/client.ts';
import type { UserDataFile, Workflow } from '../api/types.ts';
import { h, fill } from './dom.ts';

export interface WorkflowsPanelActions {
  currentWorkflow(): Workflow;
  openWorkflow(workflow: Workflow, name: string): void;
  reportError(message: string): void;
}

/** `my flow` → `my flow.json`; names stay inside workflows/. */
export function workflowFileName(name: string): string {
  const clean = name.trim().replace(/[\\:*?"<>|]/g, '_').replace(/^\/+/, '');
  return clean.toLowerCase().endsWith('.json') ? clean : `${clean}.json`;
}

export class WorkflowsPanel {
  readonly element = h('section', { class: 'panel', id: 'workflows-panel' });
  private readonly list = h('ul', { class: 'workflow-list', id: 'workflow-list' });
  /** The name the current graph was opened or saved under. */
  currentName = '';

  constructor(private readonly actions: WorkflowsPanelActions) {
    this.element.append(
      h('header', {}, h('h2', {}, 'Workflows'), h('button', { id: 'refresh-workflows', onclick: () => void this.refresh() }, 'Refresh')),
      this.list,
    );
  }

  async refresh(): Promise<void> {
    let files: UserDataFile[];
    try {
      files = await api.listWorkflows();
    } catch (err) {
      // No workflows/ folder yet: nothing saved.
      if (err instanceof HttpError && err.status === 404) files = [];
      else return this.actions.reportError(`Could not list workflows: ${(err as Error).message}`);
    }
    files.sort((a, b) => a.path.localeCompare(b.path));
    fill(this.list, ...files.map((file) => this.row(file)), files.length === 0 && h('li', { class: 'empty' }, 'No saved workflows'));
  }

  /** Asks for a name (the current one by default) and saves the graph there. */
  async save(name = prompt('Save workflow as:', this.currentName.replace(/\.json$/, '') || 'workflow')): Promise<void> {
    if (!name?.trim()) return;
    const path = workflowFileName(name);
    try {
      await api.saveWorkflow(path, this.actions.currentWorkflow());
      this.currentName = path;
      await this.refresh();
    } catch (err) {
      this.actions.reportError(`Could not save ${path}: ${(err as Error).message}`);
    }
  }

  private row(file: UserDataFile): HTMLElement {
    const open = async () => {
      try {
        this.actions.openWorkflow(await api.loadWorkflow(file.path), file.path);
        this.currentName = file.path;
      } catch (err) {
        this.actions.reportError(`Could not open ${file.path}: ${(err as Error).message}`);
      }
    };
    const remove = async () => {
      if (!confirm(`Delete ${file.path}?`)) return;
      await api.deleteWorkflow(file.path).catch((err: Error) => this.actions.reportError(err.message));
      await this.refresh();
    };
    return h('li', { dataset: { path: file.path } },
      h('a', { href: '#', class: 'workflow-open', onclick: (e: Event) => (e.preventDefault(), void open()) }, file.path.replace(/\.json$/, '')),
      h('button', { class: 'workflow-delete', title: 'Delete', onclick: () => void remove() }, '✕'),
    );
  }
}
