// "control after generate" (nodes.md §1.2): a combo beside a seed (or a combo input) that changes its value after
// each queued prompt: fixed, increment, decrement or randomize. Purely a UI feature: the prompt carries only the seed.
import type { LGraph, LGraphNode } from '@comfyorg/litegraph';
import type { IBaseWidget } from '@comfyorg/litegraph/dist/types/widgets';

export const CONTROL_WIDGET_NAME = 'control_after_generate';
const MODES = ['fixed', 'increment', 'decrement', 'randomize'];
/** Random seeds stay within ±2^50, as in ComfyUI's frontend, so they remain exact JavaScript numbers. */
const RANDOM_LIMIT = 1125899906842624;

interface ControlWidget extends IBaseWidget {
  /** The widget this one drives. */
  target: IBaseWidget;
}

export function addSeedControl(node: LGraphNode, target: IBaseWidget): IBaseWidget {
  const widget = node.addWidget('combo', CONTROL_WIDGET_NAME, 'randomize', () => {}, { values: MODES }) as unknown as ControlWidget;
  widget.target = target;
  widget.tooltip = `What happens to ${target.name} after each queued prompt`;
  return widget;
}

function nextNumber(target: IBaseWidget, mode: string, random: () => number): number {
  const { min = 0, max = RANDOM_LIMIT, step2 = 1 } = target.options as { min?: number; max?: number; step2?: number };
  const value = Number(target.value);
  if (mode === 'increment') return Math.min(value + step2, max);
  if (mode === 'decrement') return Math.max(value - step2, min);
  const low = Math.max(min, -RANDOM_LIMIT);
  const high = Math.min(max, RANDOM_LIMIT);
  return low + Math.floor((random() * (high - low)) / step2) * step2;
}

function nextChoice(target: IBaseWidget, mode: string, random: () => number): unknown {
  const values = (target.options as { values?: unknown[] }).values ?? [];
  if (values.length === 0) return target.value;
  const index = values.indexOf(target.value);
  if (mode === 'increment') return values[Math.min(index + 1, values.length - 1)];
  if (mode === 'decrement') return values[Math.max(index - 1, 0)];
  return values[Math.floor(random() * values.length)];
}

/** Applies every control widget of the graph (called after a prompt was queued). */
export function applySeedControls(graph: LGraph, random: () => number = Math.random): void {
  for (const node of graph.nodes) {
    for (const widget of node.widgets ?? []) {
      if (widget.name !== CONTROL_WIDGET_NAME || !('target' in widget)) continue;
      const { target } = widget as ControlWidget;
      const mode = String(widget.value);
      // A linked seed comes from elsewhere; a fixed one stays.
      if (mode === 'fixed' || node.getSlotFromWidget(target)?.link != null) continue;
      target.value = target.type === 'combo' ? (nextChoice(target, mode, random) as string) : nextNumber(target, mode, random);
      target.callback?.(target.value);
    }
  }
  graph.setDirtyCanvas(true, false);
}
