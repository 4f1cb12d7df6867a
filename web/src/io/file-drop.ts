// Files dropped on the page: an image dropped on a node with an upload button (LoadImage) is uploaded into it;
// any other file is read as a workflow (JSON, or a PNG with an embedded workflow).
import type { LGraphCanvas, LGraphNode } from '@comfyorg/litegraph';
import type { IBaseWidget } from '@comfyorg/litegraph/dist/types/widgets';
import type { Workflow } from '../api/types.ts';
import { uploadInto } from '../graph/image-upload.ts';
import { readWorkflowFile } from './workflow-files.ts';

export interface DropTarget {
  canvas: LGraphCanvas;
  openWorkflow(workflow: Workflow, name: string): void;
  reportError(message: string): void;
}

function uploadComboUnder(target: DropTarget, event: DragEvent): { node: LGraphNode; combo: IBaseWidget } | null {
  const graph = target.canvas.graph;
  if (!graph) return null;
  const [x, y] = target.canvas.convertEventToCanvasOffset(event);
  const node = graph.getNodeOnPos(x, y);
  const widgets = node?.widgets ?? [];
  const combo = widgets.find((w, i) => w.type === 'combo' && widgets[i + 1]?.type === 'button');
  return node && combo ? { node, combo } : null;
}

export async function openDroppedFile(target: DropTarget, file: File, event?: DragEvent): Promise<void> {
  try {
    const uploadTarget = event && file.type.startsWith('image/') ? uploadComboUnder(target, event) : null;
    if (uploadTarget) {
      await uploadInto(uploadTarget.node, uploadTarget.combo, file);
      return;
    }
    target.openWorkflow(await readWorkflowFile(file), file.name.replace(/\.(json|png)$/i, ''));
  } catch (err) {
    target.reportError(`Could not open ${file.name}: ${(err as Error).message}`);
  }
}

export function acceptFileDrops(target: DropTarget): void {
  document.addEventListener('dragover', (event) => {
    if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
  });
  document.addEventListener('drop', (event) => {
    const file = event.dataTransfer?.files[0];
    if (!file) return;
    event.preventDefault();
    void openDroppedFile(target, file, event);
  });
}
