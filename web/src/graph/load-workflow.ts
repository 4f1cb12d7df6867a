// Putting a workflow on the canvas: litegraph's configure, then the fix-ups ComfyUI's frontend does after a load:
// nodes whose type the server lacks are shown by name (and kept verbatim in saves), PrimitiveNodes take their
// widget from their targets, and the view is fitted to the graph.
import { LiteGraph, type ISerialisedGraph, type LGraph, type LGraphCanvas, type LGraphNode } from '@comfyorg/litegraph';
import type { Workflow } from '../api/types.ts';
import { executionState } from './execution-state.ts';
import { finishVirtualNodes } from './virtual-nodes.ts';

function showMissingNode(node: LGraphNode): void {
  const info = node.last_serialization!;
  node.title = `${info.type} (missing)`;
  node.color = '#a33';
  node.size = [info.size?.[0] ?? LiteGraph.NODE_WIDTH, info.size?.[1] ?? 60];
}

/** Replaces the graph with this workflow; returns the node types the server does not know. */
export function loadWorkflow(graph: LGraph, workflow: Workflow): string[] {
  if (!Array.isArray(workflow?.nodes)) throw new Error('Not a workflow: it has no "nodes" list');
  executionState.errors.clear();
  executionState.texts.clear();
  executionState.runningNodeId = null;
  graph.clear();
  const data = structuredClone(workflow);
  // litegraph reads links as arrays only under version 0.4; hand-written workflows often leave the version out.
  if (Array.isArray(data.links?.[0])) data.version = 0.4;
  graph.configure(data as unknown as ISerialisedGraph);
  const missing = new Set<string>();
  for (const node of graph.nodes) {
    if (!node.has_errors || !node.last_serialization) continue;
    missing.add(node.last_serialization.type);
    showMissingNode(node);
  }
  finishVirtualNodes(graph.nodes);
  graph.setDirtyCanvas(true, true);
  return [...missing];
}

/** Shows the whole graph, zooming out when it does not fit (never in beyond 100%). */
export function fitView(canvas: LGraphCanvas): void {
  const nodes = canvas.graph?.nodes ?? [];
  if (nodes.length === 0) return;
  const title = LiteGraph.NODE_TITLE_HEIGHT;
  const left = Math.min(...nodes.map((n) => n.pos[0]));
  const top = Math.min(...nodes.map((n) => n.pos[1] - title));
  const right = Math.max(...nodes.map((n) => n.pos[0] + n.size[0]));
  const bottom = Math.max(...nodes.map((n) => n.pos[1] + n.size[1]));
  const [width, height] = [canvas.canvas.clientWidth, canvas.canvas.clientHeight];
  const scale = Math.min(1, (0.95 * width) / (right - left), (0.95 * height) / (bottom - top));
  canvas.ds.scale = scale;
  canvas.ds.offset = [width / scale / 2 - (left + right) / 2, height / scale / 2 - (top + bottom) / 2];
  canvas.setDirty(true, true);
}
