// The node registry: class name → definition, and the `/object_info` view of each definition
// (nodes.md §1.1 and changes-0.8.0.md §7: V1 and V3 producers differ in keys and defaults).
import type { InputOptions, InputSpec, InputType, NodeDefinition, NodeServices } from './node-definition.ts';

export type NodeInfo = Record<string, unknown>;

/** Evaluates an input spec's lazy parts (file lists and the like). */
export function resolveInputSpec(spec: InputSpec, services?: NodeServices): [InputType, InputOptions | undefined] {
  const [type, options] = spec;
  return [typeof type === 'function' ? type(services) : type, typeof options === 'function' ? options(services) : options];
}

export class NodeRegistry {
  private readonly nodes = new Map<string, NodeDefinition>();

  /** `services` feed the inputs whose choices come from the disk (model and input file lists). */
  constructor(readonly services?: NodeServices) {}

  /** Registers a node; a later registration of the same name wins, as in ComfyUI's load order. */
  register(definition: NodeDefinition): void {
    this.nodes.set(definition.name, definition);
  }

  registerAll(definitions: Iterable<NodeDefinition>): void {
    for (const d of definitions) this.register(d);
  }

  get(name: string): NodeDefinition | undefined {
    return this.nodes.get(name);
  }

  has(name: string): boolean {
    return this.nodes.has(name);
  }

  names(): string[] {
    return [...this.nodes.keys()];
  }

  /** `GET /object_info`: every node; a node whose info fails to build is skipped and logged. */
  objectInfo(): Record<string, NodeInfo> {
    const out: Record<string, NodeInfo> = {};
    for (const [name, def] of this.nodes) {
      try {
        out[name] = nodeInfo(def, this.services);
      } catch (err) {
        console.error(`[ERROR] An error occurred while retrieving information for the '${name}' node.`, err);
      }
    }
    return out;
  }
}

/** One node's `/object_info` entry, with keys in the order the producer (V1 or V3) emits them. */
export function nodeInfo(def: NodeDefinition, services?: NodeServices): NodeInfo {
  const v3 = def.schemaFormat === 'v3';
  const input: Record<string, Record<string, unknown>> = {};
  const inputOrder: Record<string, string[]> = {};
  for (const section of ['required', 'optional'] as const) {
    const specs = def.inputs[section];
    if (!specs) continue;
    input[section] = {};
    inputOrder[section] = Object.keys(specs);
    for (const [name, spec] of Object.entries(specs)) {
      const [type, options] = resolveInputSpec(spec, services);
      input[section]![name] = options !== undefined || v3 ? [type, options ?? {}] : [type];
    }
  }
  if (def.inputs.hidden) {
    input.hidden = {};
    inputOrder.hidden = Object.keys(def.inputs.hidden);
    for (const [name, type] of Object.entries(def.inputs.hidden)) input.hidden[name] = v3 ? [type] : type;
  }
  const output = def.outputs.map((o) => (v3 && typeof o.type !== 'string' ? 'COMBO' : o.type));
  const outputIsList = def.outputs.map((o) => (o.isList === undefined ? false : o.isList));
  const outputName = def.outputs.map((o) => o.name ?? (typeof o.type === 'string' ? o.type : 'COMBO'));
  const head = { input, input_order: inputOrder, output, output_is_list: outputIsList, output_name: outputName };
  if (v3) {
    return {
      ...head,
      output_tooltips: def.outputs.map((o) => o.tooltip ?? null),
      output_matchtypes: def.outputs.some((o) => o.matchType !== undefined) ? def.outputs.map((o) => o.matchType ?? null) : null,
      name: def.name,
      display_name: def.displayName ?? null,
      description: def.description ?? '',
      python_module: def.pythonModule,
      category: def.category,
      output_node: def.outputNode ?? false,
      deprecated: def.deprecated ?? false,
      experimental: def.experimental ?? false,
      api_node: false,
    };
  }
  const info: NodeInfo = {
    ...head,
    name: def.name,
    display_name: def.displayName ?? def.name,
    description: def.description ?? '',
    python_module: def.pythonModule,
    category: def.category,
    output_node: def.outputNode ?? false,
  };
  if (def.outputs.some((o) => o.tooltip !== undefined)) info.output_tooltips = def.outputs.map((o) => o.tooltip ?? '');
  if (def.deprecated) info.deprecated = true;
  if (def.experimental) info.experimental = true;
  return info;
}
