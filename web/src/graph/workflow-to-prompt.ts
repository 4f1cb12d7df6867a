// Workflow (litegraph's serialised graph) → API-format prompt, with the rules of ComfyUI's frontend: widget values
// by input name in widget order, links as `[source id string, slot]`, `_meta.title`; muted nodes (mode 2) dropped,
// bypassed nodes (mode 4) passed through by type, UI-only nodes resolved (Reroute followed, PrimitiveNode's value
// inlined) or skipped (Note, MarkdownNote); inputs linked to a node that is not sent are left out. Subgraphs are
// flattened first (subgraph-flatten.ts), their nodes sent with ids like "5:3".
// Pure: no DOM, no litegraph, so the same code exports, queues, and runs in Node tests.
import type { ApiPrompt, ObjectInfo, PromptLink, Workflow, WorkflowLinkObject, WorkflowNode } from '../api/types.ts';
import { expandDynamicPrompt } from './dynamic-prompts.ts';
import { displayName, inputOptions, slotType, widgetSlots } from './node-defs.ts';
import { flattenSubgraphs } from './subgraph-flatten.ts';

const MODE_MUTED = 2;
const MODE_BYPASS = 4;
/** Frontend-only node types: never sent to the server. */
export const UI_ONLY_TYPES = new Set(['Note', 'MarkdownNote', 'Reroute', 'PrimitiveNode']);

type Source = { link: PromptLink } | { value: unknown } | null;

export interface ConversionOptions {
  /** Picks among `{a|b}` choices of dynamic-prompt strings (default Math.random). */
  random?: () => number;
}

function normaliseLinks(workflow: Workflow): Map<number, WorkflowLinkObject> {
  const links = new Map<number, WorkflowLinkObject>();
  for (const link of workflow.links ?? []) {
    const l = Array.isArray(link)
      ? { id: link[0], origin_id: link[1], origin_slot: link[2], target_id: link[3], target_slot: link[4], type: link[5] }
      : link;
    links.set(Number(l.id), l);
  }
  return links;
}

/** Widget values by input name (the control and upload values in between are skipped). */
function widgetValues(node: WorkflowNode, objectInfo: ObjectInfo, random: () => number): Record<string, unknown> {
  const def = objectInfo[node.type];
  const stored = node.widgets_values;
  if (!def || !stored) return {};
  const result: Record<string, unknown> = {};
  const slots = widgetSlots(def);
  slots.forEach((slot, index) => {
    if (slot.kind !== 'value') return;
    let value = Array.isArray(stored) ? stored[index] : stored[slot.name];
    if (value === undefined) return;
    if (typeof value === 'string' && slotType(slot.spec) === 'STRING' && inputOptions(slot.spec).dynamicPrompts) {
      value = expandDynamicPrompt(value, random);
    }
    // A list value must not be mistaken for a link.
    result[slot.name] = Array.isArray(value) ? { __value__: value } : value;
  });
  return result;
}

export function workflowToPrompt(source: Workflow, objectInfo: ObjectInfo, options: ConversionOptions = {}): ApiPrompt {
  const random = options.random ?? Math.random;
  const workflow = flattenSubgraphs(source, objectInfo);
  const nodes = new Map(workflow.nodes.map((n) => [String(n.id), n]));
  const links = normaliseLinks(workflow);

  const resolve = (linkId: number | null | undefined, seen = new Set<number>()): Source => {
    if (linkId == null || seen.has(linkId)) return null;
    seen.add(linkId);
    const link = links.get(Number(linkId));
    const origin = link && nodes.get(String(link.origin_id));
    if (!link || !origin || origin.mode === MODE_MUTED) return null;
    if (origin.type === 'PrimitiveNode') {
      const values = origin.widgets_values;
      return Array.isArray(values) && values.length > 0 ? { value: values[0] } : null;
    }
    if (origin.type === 'Reroute') return resolve(origin.inputs?.[0]?.link, seen);
    if (origin.mode === MODE_BYPASS) {
      // Pass through the input at the same index if its type matches, else the first input of that type.
      const outType = origin.outputs?.[link.origin_slot]?.type ?? link.type;
      const inputs = origin.inputs ?? [];
      const same = inputs[link.origin_slot];
      const through = same && same.type === outType && same.link != null ? same : inputs.find((i) => i.type === outType && i.link != null);
      return through ? resolve(through.link, seen) : null;
    }
    if (UI_ONLY_TYPES.has(origin.type)) return null;
    return { link: [String(origin.id), Number(link.origin_slot)] };
  };

  const sendable = workflow.nodes
    .filter((n) => !UI_ONLY_TYPES.has(n.type) && n.mode !== MODE_MUTED && n.mode !== MODE_BYPASS)
    .map((n, index) => ({ n, index }))
    .sort((a, b) => (a.n.order ?? a.index) - (b.n.order ?? b.index) || a.index - b.index);

  const prompt: ApiPrompt = {};
  for (const { n: node } of sendable) {
    const inputs = widgetValues(node, objectInfo, random);
    for (const input of node.inputs ?? []) {
      const source = resolve(input.link);
      if (!source) continue;
      inputs[input.name] = 'link' in source ? source.link : source.value;
    }
    const def = objectInfo[node.type];
    prompt[String(node.id)] = { inputs, class_type: node.type, _meta: { title: node.title ?? (def ? displayName(def) : node.type) } };
  }
  // Links to nodes that are not sent (muted, unknown) would fail validation: leave those inputs out.
  for (const node of Object.values(prompt)) {
    for (const [name, value] of Object.entries(node.inputs)) {
      if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && !prompt[value[0]]) delete node.inputs[name];
    }
  }
  return prompt;
}
