// Start-up: read the node types, build the page, open the stored (or the default) workflow, connect the socket.
import '@comfyorg/litegraph/style.css';
import './style.css';
import { api } from './api/client.ts';
import { ComfySocket, tabClientId } from './api/socket.ts';
import { App } from './app.ts';
import { defaultWorkflow } from './graph/default-workflow.ts';
import { acceptFileDrops, openDroppedFile } from './io/file-drop.ts';
import { keepWorkflowStored, storedWorkflow } from './io/local-persistence.ts';
import { pickWorkflowFile } from './io/workflow-files.ts';
import { liveUpdates } from './live-updates.ts';
import { h } from './ui/dom.ts';
import { ErrorPanel } from './ui/error-panel.ts';
import { Gallery } from './ui/gallery.ts';
import { ProgressView } from './ui/progress.ts';
import { QueuePanel } from './ui/queue-panel.ts';
import { batchCount, toolbar } from './ui/toolbar.ts';
import { WorkflowsPanel } from './ui/workflows-panel.ts';

async function start(): Promise<void> {
  const root = document.getElementById('app')!;
  const objectInfo = await api.objectInfo();
  const canvasElement = h('canvas', { id: 'graph-canvas', tabIndex: 1 });
  const app = new App(canvasElement, objectInfo, tabClientId());

  const progress = new ProgressView();
  const errors = new ErrorPanel((id) => app.focusNode(id), (id) => app.graph.getNodeById(id)?.title);
  app.errors = errors;
  const reportError = (message: string) => errors.showMessage(message);
  const openWorkflow = (workflow: Parameters<App['openWorkflow']>[0], name = '') => {
    app.openWorkflow(workflow);
    workflows.currentName = name;
  };
  const queuePanel = new QueuePanel({ openWorkflow, reportError });
  const gallery = new Gallery();
  const workflows = new WorkflowsPanel({ currentWorkflow: () => app.currentWorkflow(), openWorkflow, reportError });
  const livePreview = h('img', { id: 'live-preview', alt: 'latent preview', hidden: true });
  app.onQueued = () => void queuePanel.refresh();

  const bar = toolbar(
    {
      queue: (count, front) => void app.queuePrompt(count, front),
      interrupt: () => void api.interrupt().catch((err: Error) => reportError(err.message)),
      open: () => void pickWorkflowFile().then((file) => file && openDroppedFile({ canvas: app.canvas, openWorkflow, reportError }, file)),
      save: () => void workflows.save(),
      exportWorkflow: () => app.exportWorkflow(workflows.currentName || 'workflow'),
      exportApi: () => app.exportApiPrompt(workflows.currentName || 'workflow'),
      loadDefault: () => openWorkflow(defaultWorkflow()),
      clear: () => {
        if (!confirm('Remove every node?')) return;
        app.graph.clear();
        app.canvas.setDirty(true, true);
      },
    },
    progress.queueSize,
    progress.status,
  );
  const workspace = h('main', { id: 'workspace' },
    h('div', { id: 'canvas-holder' }, canvasElement, livePreview),
    h('aside', { id: 'sidebar' }, queuePanel.element, gallery.element, workflows.element));
  root.replaceChildren(bar, progress.element, workspace, errors.element);

  const holder = canvasElement.parentElement!;
  new ResizeObserver(() => app.canvas.resize(holder.clientWidth, holder.clientHeight)).observe(holder);
  app.canvas.resize(holder.clientWidth, holder.clientHeight);

  openWorkflow(storedWorkflow() ?? defaultWorkflow());
  keepWorkflowStored(() => app.currentWorkflow());
  acceptFileDrops({ canvas: app.canvas, openWorkflow, reportError });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void app.queuePrompt(batchCount(), event.shiftKey);
  });

  new ComfySocket(app.clientId, liveUpdates({ graph: app.graph, canvas: app.canvas, progress, queuePanel, gallery, errors, livePreview })).connect();
  void workflows.refresh();
  // For scripted checks and the browser console.
  Object.assign(window, { comfyApp: app });
  document.body.dataset.ready = 'true';
}

start().catch((err: Error) => {
  document.getElementById('app')!.textContent = `The UI could not start: ${err.message}`;
  console.error(err);
});
