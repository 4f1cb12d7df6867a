// The open workflow survives a reload: it is written to localStorage whenever it changed (checked every second)
// and when the page goes away, and read back on start.
import type { Workflow } from '../api/types.ts';

const STORAGE_KEY = 'comfy-ts.workflow';
const CHECK_MS = 1000;

export function storedWorkflow(): Workflow | null {
  try {
    const text = localStorage.getItem(STORAGE_KEY);
    const workflow = text ? (JSON.parse(text) as Workflow) : null;
    return Array.isArray(workflow?.nodes) ? workflow : null;
  } catch {
    return null;
  }
}

export function keepWorkflowStored(current: () => Workflow): void {
  let last = '';
  const save = () => {
    try {
      const text = JSON.stringify(current());
      if (text === last) return;
      localStorage.setItem(STORAGE_KEY, text);
      last = text;
    } catch (err) {
      console.warn('Could not keep the workflow in localStorage', err);
    }
  };
  setInterval(save, CHECK_MS);
  addEventListener('pagehide', save);
  addEventListener('beforeunload', save);
}
