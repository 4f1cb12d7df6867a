// WebSocket events → what the page shows: the executing node outlined, step progress on the bar and the node,
// latent previews on the sampling node and in the corner, output images on their nodes and in the gallery,
// run errors on the failing node, and the queue panel refreshed whenever the queue changes.
import type { LGraph, LGraphCanvas } from '@comfyorg/litegraph';
import { viewUrl } from './api/client.ts';
import type { PreviewFrame } from './api/binary-frames.ts';
import type { SocketHandlers } from './api/socket.ts';
import type { ImageRef } from './api/types.ts';
import { executionState, recordNodeErrors } from './graph/execution-state.ts';
import { setNodeImages } from './graph/node-images.ts';
import type { ErrorPanel } from './ui/error-panel.ts';
import type { Gallery } from './ui/gallery.ts';
import type { ProgressView } from './ui/progress.ts';
import type { QueuePanel } from './ui/queue-panel.ts';

export interface LiveTarget {
  graph: LGraph;
  canvas: LGraphCanvas;
  progress: ProgressView;
  queuePanel: QueuePanel;
  gallery: Gallery;
  errors: ErrorPanel;
  livePreview: HTMLImageElement;
}

export function liveUpdates(target: LiveTarget): SocketHandlers {
  const { graph, canvas, progress } = target;
  let previewUrl: string | null = null;
  // A node inside a subgraph runs as "instance:inner"; the canvas shows the root graph, so its instance stands in.
  const node = (id: string | null | undefined) => (id == null ? null : (graph.getNodeById(id) ?? graph.getNodeById(id.split(':')[0]!)));
  const redraw = () => canvas.setDirty(true, true);

  const clearProgress = () => {
    for (const n of graph.nodes) n.progress = undefined;
    progress.reset();
  };

  const showPreview = (frame: PreviewFrame) => {
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = URL.createObjectURL(frame.image);
    target.livePreview.src = previewUrl;
    target.livePreview.hidden = false;
    const shownOn = node(frame.nodeId ?? executionState.runningNodeId);
    if (shownOn) setNodeImages(shownOn, [previewUrl]);
    redraw();
  };

  const handlers: Record<string, (data: any) => void> = {
    status(data) {
      progress.setQueueRemaining(data?.status?.exec_info?.queue_remaining ?? 0);
      void target.queuePanel.refresh();
    },
    execution_start(data) {
      progress.setStatus(`Running ${String(data.prompt_id).slice(0, 8)}`);
      executionState.errors.clear();
      executionState.texts.clear();
      clearProgress();
    },
    executing(data) {
      const id = data.display_node ?? data.node;
      executionState.runningNodeId = id == null ? null : String(id).split(':')[0]!;
      if (id != null) return;
      clearProgress();
      target.livePreview.hidden = true;
      progress.setStatus('Idle');
    },
    progress(data) {
      progress.set(data.value, data.max);
      const running = node(data.node);
      if (running) running.progress = data.max > 0 ? data.value / data.max : 0;
    },
    executed(data) {
      const images = (data.output?.images ?? []) as ImageRef[];
      const id = String(data.display_node ?? data.node);
      const text = data.output?.text;
      if (Array.isArray(text)) executionState.texts.set(id, text.join('\n'));
      if (images.length === 0) return;
      const outputNode = node(id);
      if (outputNode) setNodeImages(outputNode, images.map((image) => viewUrl(image)));
      target.gallery.add(images, id);
    },
    execution_success() {
      progress.setStatus('Done');
    },
    execution_interrupted() {
      progress.setStatus('Interrupted');
    },
    execution_error(data) {
      recordNodeErrors(String(data.node_id), { messages: [`${data.exception_type}: ${data.exception_message}`], inputs: new Set() });
      target.errors.showExecutionError(data);
      progress.setStatus('Error');
    },
  };

  return {
    message(type, data) {
      handlers[type]?.(data);
      redraw();
    },
    preview: showPreview,
    text(nodeId, text) {
      executionState.texts.set(nodeId, text);
      redraw();
    },
    connected() {
      progress.setStatus('Connected');
      void target.queuePanel.refresh();
    },
    disconnected() {
      progress.setStatus('Reconnecting…');
    },
  };
}
