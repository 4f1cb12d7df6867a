// The litegraph node class of one `/object_info` entry: sockets for linked inputs, widgets (with their sockets)
// for widget inputs, outputs, and the run state drawn on it (running outline, errors, images).
import { LGraphNode, LiteGraph, RenderShape } from '@comfyorg/litegraph';
import type { IBaseWidget } from '@comfyorg/litegraph/dist/types/widgets';
import type { InputSpec, NodeDef } from '../api/types.ts';
import { errorOutline, executionState, runningOutline } from './execution-state.ts';
import { addImageUpload, showSelectedImage } from './image-upload.ts';
import { drawNodeImages } from './node-images.ts';
import { displayName, inputOptions, isWidgetInput, orderedInputs, slotType, widgetSlots } from './node-defs.ts';
import { addSeedControl } from './seed-control.ts';
import { addValueWidget, restoreWidgetSockets } from './widgets.ts';

const ERROR_COLOR = '#f44';
const TEXT_COLOR = '#aaa';

function buildSlots(node: LGraphNode, def: NodeDef): void {
  for (const { name, spec, optional } of orderedInputs(def)) {
    if (isWidgetInput(spec)) continue;
    const label = inputOptions(spec).display_name;
    node.addInput(name, slotType(spec), { ...(optional ? { shape: RenderShape.HollowCircle } : {}), ...(label ? { label } : {}) });
  }
  let last: IBaseWidget | null = null;
  for (const slot of widgetSlots(def)) {
    if (slot.kind === 'value') last = addValueWidget(node, slot.name, slot.spec);
    else if (slot.kind === 'control') addSeedControl(node, last!);
    else addImageUpload(node, last!);
  }
  def.output.forEach((type, i) => {
    const shape = def.output_is_list[i] ? RenderShape.GRID : undefined;
    node.addOutput(def.output_name[i] ?? String(type), Array.isArray(type) ? 'COMBO' : type, shape ? { shape } : {});
  });
}

/** Reported text (grey) and errors (red), one line each, under the node. */
export function drawNotes(node: LGraphNode, ctx: CanvasRenderingContext2D): void {
  const text = executionState.texts.get(String(node.id));
  const lines: [string, string][] = [
    ...(text ? text.split('\n').map((line): [string, string] => [line, TEXT_COLOR]) : []),
    ...(executionState.errors.get(String(node.id))?.messages ?? []).map((line): [string, string] => [line, ERROR_COLOR]),
  ];
  if (lines.length === 0) return;
  ctx.save();
  ctx.font = '12px sans-serif';
  lines.forEach(([line, color], i) => {
    ctx.fillStyle = color;
    ctx.fillText(line, 0, node.size[1] + 16 + i * 15, Math.max(node.size[0], 300));
  });
  ctx.restore();
}

export function comfyNodeClass(def: NodeDef): typeof LGraphNode {
  const specs = new Map<string, InputSpec>(orderedInputs(def).map(({ name, spec }) => [name, spec]));
  const uploadCombo = (node: LGraphNode) => node.widgets?.find((w, i) => node.widgets![i + 1]?.type === 'button' && w.type === 'combo');

  return class ComfyNode extends LGraphNode {
    static override title = displayName(def);
    static comfyDef = def;

    constructor(title?: string) {
      super(title ?? displayName(def), def.name);
      this.comfyClass = def.name;
      this.serialize_widgets = true;
      this.properties['Node name for S&R'] = def.name;
      buildSlots(this, def);
      this.strokeStyles.running = runningOutline;
      this.strokeStyles.validation = errorOutline;
      const size = this.computeSize();
      this.setSize([Math.max(size[0], 240), size[1]]);
      const combo = uploadCombo(this);
      if (combo) queueMicrotask(() => showSelectedImage(this, combo));
    }

    override onConfigure(): void {
      restoreWidgetSockets(this, specs);
      const combo = uploadCombo(this);
      if (combo) showSelectedImage(this, combo);
    }

    override onDrawBackground(ctx: CanvasRenderingContext2D): void {
      drawNodeImages(this, ctx);
    }

    override onDrawForeground(ctx: CanvasRenderingContext2D): void {
      drawNotes(this, ctx);
    }
  };
}

export function registerNodeTypes(defs: NodeDef[]): void {
  for (const def of defs) {
    const nodeClass = comfyNodeClass(def);
    LiteGraph.registerNodeType(def.name, nodeClass);
    // registerNodeType derives the category from the type name; ComfyUI's comes from the definition.
    nodeClass.category = def.category;
    if (def.deprecated) nodeClass.skip_list = true;
  }
}
