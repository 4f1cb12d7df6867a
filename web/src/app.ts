// The editor: one litegraph graph and canvas over the node types of `/object_info`, and the actions the toolbar,
// panels and file drops call (open, queue, export, show errors).
import { LGraph, LGraphCanvas, LiteGraph } from '@comfyorg/litegraph';
import { api, PromptRejected } from './api/client.ts';
import type { ApiPrompt, NodeErrors, ObjectInfo, Workflow } from './api/types.ts';
import { registerNodeTypes } from './graph/comfy-node.ts';
import { registerSubgraphTypes } from './graph/subgraph-nodes.ts';
import { executionState, setNodeErrors } from './graph/execution-state.ts';
import { fitView, loadWorkflow } from './graph/load-workflow.ts';
import { nodeImageUrls } from './graph/node-images.ts';
import { applySeedControls } from './graph/seed-control.ts';
import { registerVirtualNodes } from './graph/virtual-nodes.ts';
import { workflowToPrompt } from './graph/workflow-to-prompt.ts';
import { downloadJson } from './io/workflow-files.ts';
import type { ErrorPanel } from './ui/error-panel.ts';

export class App {
  readonly graph = new LGraph();
  readonly canvas: LGraphCanvas;
  errors!: ErrorPanel;
  /** Called after each queued prompt (the queue panel refreshes). */
  onQueued: () => void = () => {};

  constructor(
    canvasElement: HTMLCanvasElement,
    readonly objectInfo: ObjectInfo,
    readonly clientId: string,
  ) {
    LiteGraph.release_link_on_empty_shows_menu = true;
    registerVirtualNodes();
    registerNodeTypes(Object.values(objectInfo));
    registerSubgraphTypes(this.graph);
    this.canvas = new LGraphCanvas(canvasElement, this.graph);
    this.canvas.allow_searchbox = true;
    this.canvas.show_info = false;
  }

  currentWorkflow(): Workflow {
    return this.graph.serialize() as unknown as Workflow;
  }

  apiPrompt(): ApiPrompt {
    return workflowToPrompt(this.currentWorkflow(), this.objectInfo);
  }

  /** Shows a workflow; node types the server lacks are reported. */
  openWorkflow(workflow: Workflow): void {
    this.errors.clear();
    const missing = loadWorkflow(this.graph, workflow);
    fitView(this.canvas);
    if (missing.length > 0) this.errors.showMessage(`This server has no node type ${missing.join(', ')}; those nodes are kept but cannot run.`);
  }

  /**
   * Queues the graph `count` times, as ComfyUI's batch count does: "control after generate" moves the seeds after
   * each one, so every prompt differs. A refused prompt stops the batch and is shown on its nodes. `front` puts
   * them ahead of the pending prompts.
   */
  async queuePrompt(count = 1, front = false): Promise<void> {
    this.errors.clear();
    for (let i = 0; i < count; i++) {
      const workflow = this.currentWorkflow();
      const prompt = workflowToPrompt(workflow, this.objectInfo);
      try {
        const response = await api.queuePrompt(prompt, workflow, this.clientId, front);
        this.showNodeErrors(response.node_errors);
        applySeedControls(this.graph);
        this.onQueued();
      } catch (err) {
        if (!(err instanceof PromptRejected)) {
          this.errors.showMessage(`Could not queue the prompt: ${(err as Error).message}`);
          return;
        }
        this.showNodeErrors(err.nodeErrors);
        this.errors.showPromptError(err.error, err.nodeErrors);
        return;
      }
    }
  }

  /** Marks the nodes and inputs `node_errors` names (red outline, red sockets, messages under the node). */
  showNodeErrors(nodeErrors: NodeErrors): void {
    setNodeErrors(nodeErrors);
    for (const node of this.graph.nodes) {
      const info = executionState.errors.get(String(node.id));
      for (const input of node.inputs) input.hasErrors = info?.inputs.has(input.name) ?? false;
    }
    this.canvas.setDirty(true, true);
  }

  /** The images a node shows (output images, previews, the picked input image). */
  nodeImageUrls(nodeId: string): string[] {
    const node = this.graph.getNodeById(nodeId);
    return node ? nodeImageUrls(node) : [];
  }

  focusNode(nodeId: string): void {
    const node = this.graph.getNodeById(nodeId);
    if (!node) return;
    this.canvas.centerOnNode(node);
    this.canvas.selectNode(node);
  }

  exportWorkflow(name = 'workflow'): void {
    downloadJson(`${name.replace(/\.json$/, '')}.json`, this.currentWorkflow());
  }

  exportApiPrompt(name = 'workflow'): void {
    downloadJson(`${name.replace(/\.json$/, '')}_api.json`, this.apiPrompt());
  }
}
