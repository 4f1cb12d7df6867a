// An API-format prompt (what POST /prompt takes, a PNG's `prompt` chunk, a history entry) rebuilt as a workflow,
// as ComfyUI's frontend does when no workflow comes with it: one node per entry (its id kept when numeric, its
// `_meta.title` as title), widget values set by input name, `[node id, output slot]` inputs linked, and the nodes
// laid out in columns by depth. It is built in a scratch graph with the real node classes and serialised, so the
// result is exactly what the editor itself would save.
import { LGraph, LiteGraph, type LGraphNode } from '@comfyorg/litegraph';
import type { ApiPrompt, Workflow, WorkflowNode } from '../api/types.ts';

const COLUMN_MARGIN = 60;

/** A value shaped like an API prompt: an object of nodes that each name a `class_type`. */
export function isApiPrompt(value: unknown): value is ApiPrompt {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const nodes = Object.values(value);
  return nodes.length > 0 && nodes.every((n) => typeof n === 'object' && n !== null && typeof (n as { class_type?: unknown }).class_type === 'string');
}

function isLink(value: unknown): value is [string | number, number] {
  return Array.isArray(value) && value.length === 2 && (typeof value[0] === 'string' || typeof value[0] === 'number') && Number.isInteger(value[1]);
}

/** A node of a type this server lacks: kept by type and title so the editor shows it as missing. */
function missingNode(id: number, type: string, title: string | undefined, pos: [number, number]): WorkflowNode {
  return { id, type, ...(title ? { title } : {}), pos, mode: 0, inputs: [], outputs: [], properties: {} };
}

export function apiPromptToWorkflow(prompt: ApiPrompt): Workflow {
  const graph = new LGraph();
  const nodes = new Map<string, LGraphNode>();
  const missing: { id: string; type: string; title?: string }[] = [];
  for (const [id, entry] of Object.entries(prompt)) {
    const node = LiteGraph.createNode(entry.class_type);
    if (!node) {
      missing.push({ id, type: entry.class_type, title: entry._meta?.title });
      continue;
    }
    if (/^\d+$/.test(id)) node.id = Number(id);
    if (entry._meta?.title) node.title = entry._meta.title;
    graph.add(node);
    nodes.set(id, node);
  }
  for (const [id, entry] of Object.entries(prompt)) {
    const node = nodes.get(id);
    if (!node) continue;
    for (const [name, value] of Object.entries(entry.inputs ?? {})) {
      if (isLink(value)) {
        const source = nodes.get(String(value[0]));
        const slot = node.inputs.findIndex((input) => input.name === name);
        if (source && slot >= 0) source.connect(value[1], node, slot);
        continue;
      }
      const widget = node.widgets?.find((w) => w.name === name);
      if (widget) widget.value = value as typeof widget.value;
    }
  }
  graph.arrange(COLUMN_MARGIN);
  const workflow = graph.serialize() as unknown as Workflow;
  // Missing nodes go in a column of their own on the right, keeping their ids where those are free.
  const numericIds = Object.keys(prompt).filter((id) => /^\d+$/.test(id)).map(Number);
  let nextId = Math.max(0, ...numericIds, ...graph.nodes.map((n) => Number(n.id)).filter(Number.isFinite));
  const right = Math.max(0, ...graph.nodes.map((n) => n.pos[0] + n.size[0])) + COLUMN_MARGIN;
  missing.forEach((m, i) => {
    const id = /^\d+$/.test(m.id) && !graph.getNodeById(Number(m.id)) ? Number(m.id) : ++nextId;
    workflow.nodes.push(missingNode(id, m.type, m.title, [right, COLUMN_MARGIN + i * 2 * COLUMN_MARGIN]));
  });
  return workflow;
}
