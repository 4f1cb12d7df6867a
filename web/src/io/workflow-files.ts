// Workflows in and out of files: a dropped or opened `.json` workflow or API-format prompt, or a PNG whose
// `workflow` (or `prompt`) text chunk SaveImage wrote; downloads of the workflow or its API-format prompt.
import type { Workflow } from '../api/types.ts';
import { apiPromptToWorkflow, isApiPrompt } from '../graph/api-prompt-to-workflow.ts';
import { readPngText } from './png-metadata.ts';

export class NoWorkflowError extends Error {}

/** A workflow, or an API-format prompt rebuilt as one (as ComfyUI's frontend opens those). */
function asWorkflow(value: unknown, source: string): Workflow {
  const candidate = value as Workflow | null;
  if (candidate && Array.isArray(candidate.nodes)) return candidate;
  if (isApiPrompt(value)) return apiPromptToWorkflow(value);
  throw new NoWorkflowError(`${source} has no workflow`);
}

/** A `.json` workflow or API prompt, or a PNG's `workflow` chunk (its `prompt` chunk when it has no workflow). */
export async function readWorkflowFile(file: File): Promise<Workflow> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (file.type === 'image/png' || file.name.toLowerCase().endsWith('.png')) {
    const texts = readPngText(bytes);
    const embedded = texts.workflow ?? texts.prompt;
    if (!embedded) throw new NoWorkflowError(`${file.name} has no embedded workflow`);
    return asWorkflow(JSON.parse(embedded), file.name);
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
