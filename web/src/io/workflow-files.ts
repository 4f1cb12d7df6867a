// Workflows in and out of files: a dropped or opened `.json` workflow, or a PNG whose `workflow` text chunk
// SaveImage wrote; downloads of the workflow or its API-format prompt.
import type { Workflow } from '../api/types.ts';
import { readPngText } from './png-metadata.ts';

export class NoWorkflowError extends Error {}

function asWorkflow(value: unknown, source: string): Workflow {
  const candidate = value as Workflow | null;
  if (candidate && Array.isArray(candidate.nodes)) return candidate;
  const isApiPrompt = candidate && typeof candidate === 'object' && Object.values(candidate).some((n) => (n as { class_type?: unknown })?.class_type);
  throw new NoWorkflowError(
    isApiPrompt ? `${source} holds an API-format prompt, not a workflow: open a saved workflow instead` : `${source} has no workflow`,
  );
}

export async function readWorkflowFile(file: File): Promise<Workflow> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (file.type === 'image/png' || file.name.toLowerCase().endsWith('.png')) {
    const texts = readPngText(bytes);
    if (!texts.workflow) throw new NoWorkflowError(`${file.name} has no embedded workflow`);
    return asWorkflow(JSON.parse(texts.workflow), file.name);
  }
  return asWorkflow(JSON.parse(new TextDecoder().decode(bytes)), file.name);
}

export function downloadJson(filename: string, data: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Opens the file picker for a workflow file. */
export function pickWorkflowFile(): Promise<File | null> {
  return new Promise((resolve) => {
    const input = Object.assign(document.createElement('input'), { type: 'file', accept: '.json,application/json,image/png' });
    input.addEventListener('change', () => resolve(input.files?.[0] ?? null));
    input.click();
  });
}
