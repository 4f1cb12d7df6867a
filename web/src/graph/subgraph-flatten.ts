// Workflows with subgraphs (`definitions.subgraphs`, as ComfyUI's frontend saves them) flattened into a plain
// workflow before conversion to an API prompt, with the ids ComfyUI's frontend sends: an inner node's id is its
// instance path joined by ":" ("5:3", "5:7:2"). Links through a subgraph's input node (id −10) continue at what feeds
// the instance's input (a link outside, or the value of the widget promoted onto the instance); links into its output
// node (id −20) are where the instance's outputs come from. A muted or bypassed instance sends none of its nodes; a
// bypassed one passes an input of the output's type through, as bypassed nodes do.
// Pure: no DOM, no litegraph.
import type { ObjectInfo, Workflow, WorkflowLinkArray, WorkflowLinkObject, WorkflowNode } from '../api/types.ts';
import { widgetSlots } from './node-defs.ts';

const SUBGRAPH_INPUT_ID = -10;
const SUBGRAPH_OUTPUT_ID = -20;
const MODE_MUTED = 2;
const MODE_BYPASS = 4;

interface SubgraphDefinition {
  id: string;
  nodes: WorkflowNode[];
  links: (WorkflowLinkArray | WorkflowLinkObject)[];
}

/** One graph level: the root, or a subgraph as seen through one instance node. */
interface Level {
  prefix: string;
  nodes: Map<string, WorkflowNode>;
  links: Map<number, WorkflowLinkObject>;
  /** The instance node in the parent level (null at the root). */
  instance: { node: WorkflowNode; level: Level } | null;
}

type Source = { node: string; slot: number } | { value: unknown } | null;

const toObject = (l: WorkflowLinkArray | WorkflowLinkObject): WorkflowLinkObject =>
  Array.isArray(l) ? { id: l[0], origin_id: l[1], origin_slot: l[2], target_id: l[3], target_slot: l[4], type: l[5] } : l;

function subgraphDefinitions(workflow: Workflow): Map<string, SubgraphDefinition> {
  const list = (workflow.definitions as { subgraphs?: SubgraphDefinition[] } | undefined)?.subgraphs ?? [];
  return new Map(list.map((d) => [d.id, d]));
}

/** The workflow with every subgraph instance replaced by its nodes (recursively). */
export function flattenSubgraphs(workflow: Workflow, objectInfo: ObjectInfo): Workflow {
  const definitions = subgraphDefinitions(workflow);
  if (definitions.size === 0) return workflow;
  const level = (prefix: string, nodes: WorkflowNode[], links: (WorkflowLinkArray | WorkflowLinkObject)[], instance: Level['instance']): Level => ({
    prefix,
    nodes: new Map(nodes.map((n) => [String(n.id), n])),
    links: new Map(links.map((l) => toObject(l)).map((l) => [Number(l.id), l])),
    instance,
  });

  /** Where output `slot` of `nodeId` really comes from. */
  const resolveOutput = (at: Level, nodeId: string, slot: number, seen: Set<string>): Source => {
    const key = `${at.prefix}${nodeId}[O]${slot}`;
    if (seen.has(key)) return null;
    seen.add(key);
    const node = at.nodes.get(nodeId);
    if (!node) return null;
    const definition = definitions.get(node.type);
    if (!definition) return { node: `${at.prefix}${nodeId}`, slot };
    if (node.mode === MODE_MUTED) return null;
    if (node.mode === MODE_BYPASS) {
      const type = node.outputs?.[slot]?.type;
      const inputs = node.inputs ?? [];
      const index = [slot, ...inputs.keys()].find((i) => inputs[i]?.type === type && inputs[i]?.link != null);
      return index === undefined ? null : resolveLink(at, inputs[index]!.link, seen);
    }
    const inner = level(`${at.prefix}${nodeId}:`, definition.nodes, definition.links, { node, level: at });
    const feeding = [...inner.links.values()].find((l) => Number(l.target_id) === SUBGRAPH_OUTPUT_ID && l.target_slot === slot);
    return feeding ? resolveLink(inner, feeding.id, seen) : null;
  };

  /** What a link delivers: through subgraph input nodes to the instance's input, or to a real node's output. */
  const resolveLink = (at: Level, linkId: number | null | undefined, seen: Set<string>): Source => {
    if (linkId == null) return null;
    const link = at.links.get(Number(linkId));
    if (!link) return null;
    if (Number(link.origin_id) !== SUBGRAPH_INPUT_ID) return resolveOutput(at, String(link.origin_id), link.origin_slot, seen);
    if (!at.instance) return null;
    const { node: instance, level: parent } = at.instance;
    const input = instance.inputs?.[link.origin_slot];
    if (!input) return null;
    if (input.link != null) return resolveLink(parent, input.link, seen);
    if (!input.widget) return null;
    // Promoted widgets are the instance's widgets, in the order of the inputs that carry one.
    const index = (instance.inputs ?? []).slice(0, link.origin_slot).filter((i) => i.widget).length;
    const values = instance.widgets_values;
    return Array.isArray(values) && index < values.length ? { value: values[index] } : null;
  };

  const flatNodes: WorkflowNode[] = [];
  const flatLinks: WorkflowLinkObject[] = [];
  const visit = (at: Level, depth: number): void => {
    if (depth > 32) throw new Error('subgraphs nested more than 32 deep (a subgraph that contains itself?)');
    for (const [id, node] of at.nodes) {
      const definition = definitions.get(node.type);
      if (definition) {
        if (node.mode !== MODE_MUTED && node.mode !== MODE_BYPASS) visit(level(`${at.prefix}${id}:`, definition.nodes, definition.links, { node, level: at }), depth + 1);
        continue;
      }
      const copy: WorkflowNode = { ...node, id: `${at.prefix}${id}`, inputs: (node.inputs ?? []).map((i) => ({ ...i })) };
      if (Array.isArray(node.widgets_values)) copy.widgets_values = [...node.widgets_values];
      copy.inputs!.forEach((input, slot) => {
        const source = resolveLink(at, input.link, new Set());
        input.link = null;
        if (source && 'node' in source) {
          input.link = flatLinks.length + 1;
          flatLinks.push({ id: input.link, origin_id: source.node, origin_slot: source.slot, target_id: copy.id, target_slot: slot, type: input.type });
        } else if (source && input.widget && Array.isArray(copy.widgets_values)) {
          const def = objectInfo[node.type];
          const index = def ? widgetSlots(def).findIndex((s) => s.kind === 'value' && s.name === input.widget!.name) : -1;
          if (index >= 0) copy.widgets_values[index] = source.value;
        }
      });
      flatNodes.push(copy);
    }
  };
  visit(level('', workflow.nodes, workflow.links, null), 0);
  return { ...workflow, nodes: flatNodes, links: flatLinks, definitions: undefined };
}
