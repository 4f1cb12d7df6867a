// Frontend-only nodes, never sent to the server (see workflow-to-prompt.ts): Note and MarkdownNote (text),
// Reroute (one pass-through socket) and PrimitiveNode (a widget value wired into other nodes' widget inputs).
import { LGraphNode, LiteGraph } from '@comfyorg/litegraph';
import type { ISerialisedNode } from '@comfyorg/litegraph/dist/types/serialisation';
import type { IBaseWidget } from '@comfyorg/litegraph/dist/types/widgets';
import { addSeedControl } from './seed-control.ts';

function noteClass(type: string, title: string): typeof LGraphNode {
  return class NoteNode extends LGraphNode {
    static override title = title;
    constructor(name?: string) {
      super(name ?? title, type);
      this.isVirtualNode = true;
      this.serialize_widgets = true;
      this.color = '#432';
      this.bgcolor = '#653';
      this.addWidget('text', 'text', '', () => {}, { multiline: true });
      this.setSize([400, 120]);
    }
  };
}

class RerouteNode extends LGraphNode {
  static override title = 'Reroute';
  constructor(name?: string) {
    super(name ?? 'Reroute', 'Reroute');
    this.isVirtualNode = true;
    this.addInput('', '*');
    this.addOutput('', '*');
    this.setSize([75, 26]);
  }
}

/** Holds one value for the widget inputs it is linked to; its widget copies the first target's widget. */
class PrimitiveNode extends LGraphNode {
  static override title = 'Primitive';
  private storedValues: unknown[] = [];

  constructor(name?: string) {
    super(name ?? 'Primitive', 'PrimitiveNode');
    this.isVirtualNode = true;
    this.serialize_widgets = true;
    this.addOutput('connect to widget input', '*');
  }

  override onConfigure(info: ISerialisedNode): void {
    this.storedValues = Array.isArray(info.widgets_values) ? [...info.widgets_values] : [];
  }

  override onSerialize(o: ISerialisedNode): void {
    if (!this.widgets?.length && this.storedValues.length > 0) o.widgets_values = this.storedValues as ISerialisedNode['widgets_values'];
  }

  override onConnectionsChange(): void {
    queueMicrotask(() => this.adoptTargetWidget());
  }

  /** Builds the widget from the first linked target (after a load, or when first connected). */
  adoptTargetWidget(): void {
    if (this.widgets?.length || !this.graph) return;
    for (const linkId of this.outputs[0]?.links ?? []) {
      const link = this.graph.links.get(linkId);
      const target = link && this.graph.getNodeById(link.target_id);
      const input = link && target?.inputs[link.target_slot];
      const source = input?.widget && target?.widgets?.find((w) => w.name === input.widget!.name);
      if (!source) continue;
      this.copyWidget(source);
      return;
    }
  }

  private copyWidget(source: IBaseWidget): void {
    const value = this.storedValues[0] ?? source.value;
    const widget = this.addWidget(source.type as 'number', 'value', value as number, () => {}, { ...(source.options as Record<string, unknown>) });
    this.outputs[0]!.type = String(this.graph?.links.get(this.outputs[0]!.links![0]!)?.type ?? '*');
    if (source.type === 'number' && (source.name === 'seed' || source.name === 'noise_seed' || this.storedValues.length > 1)) {
      const control = addSeedControl(this, widget);
      if (this.storedValues[1] !== undefined) control.value = this.storedValues[1] as string;
    }
    this.title = source.name;
    this.setSize([Math.max(this.size[0], 220), this.computeSize()[1]]);
  }
}

export function registerVirtualNodes(): void {
  const types: [string, typeof LGraphNode, string][] = [
    ['Note', noteClass('Note', 'Note'), 'utils'],
    ['MarkdownNote', noteClass('MarkdownNote', 'Markdown Note'), 'utils'],
    ['Reroute', RerouteNode, 'utils'],
    ['PrimitiveNode', PrimitiveNode, 'utils'],
  ];
  for (const [type, nodeClass, category] of types) {
    LiteGraph.registerNodeType(type, nodeClass);
    nodeClass.category = category;
  }
}

/** PrimitiveNodes build their widgets once the whole graph (their targets included) is loaded. */
export function finishVirtualNodes(nodes: LGraphNode[]): void {
  for (const node of nodes) if (node instanceof PrimitiveNode) node.adoptTargetWidget();
}
