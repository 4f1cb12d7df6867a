// One litegraph widget per widget input (INT/FLOAT with min/max/step, STRING incl. multiline, BOOLEAN, combos),
// each with its input socket so a link can drive it instead (the widget then greys out).
import type { LGraphNode } from '@comfyorg/litegraph';
import type { IBaseWidget } from '@comfyorg/litegraph/dist/types/widgets';
import type { InputSpec } from '../api/types.ts';
import { comboChoices, defaultValue, inputOptions, slotType } from './node-defs.ts';

/** Decimal places of a step such as 0.01 (→ 2). */
function decimals(step: number): number {
  const text = String(step);
  if (text.includes('e-')) return Number(text.split('e-')[1]);
  return text.includes('.') ? text.split('.')[1]!.length : 0;
}

function numberWidget(node: LGraphNode, name: string, spec: InputSpec): IBaseWidget {
  const options = inputOptions(spec);
  const isInt = slotType(spec) === 'INT';
  const step = options.step ?? (isInt ? 1 : 0.1);
  const precision = isInt ? 0 : decimals(typeof options.round === 'number' ? options.round : step);
  const roundTo = isInt ? 1 : typeof options.round === 'number' ? options.round : options.round === false ? 0 : 10 ** -precision;
  const type = options.display === 'slider' ? 'slider' : 'number';
  const widget = node.addWidget(type, name, defaultValue(spec) as number, () => {}, {
    min: options.min ?? -Infinity,
    max: options.max ?? Infinity,
    step2: step,
    precision,
  });
  // Typed-in values snap to the input's rounding (integers for INT), as the server validates them.
  widget.callback = (value: number) => {
    if (roundTo > 0 && Number.isFinite(value)) widget.value = Number((Math.round(value / roundTo) * roundTo).toFixed(precision));
  };
  return widget;
}

export function addValueWidget(node: LGraphNode, name: string, spec: InputSpec): IBaseWidget {
  const options = inputOptions(spec);
  const type = slotType(spec);
  let widget: IBaseWidget;
  if (type === 'INT' || type === 'FLOAT') {
    widget = numberWidget(node, name, spec);
  } else if (type === 'BOOLEAN') {
    widget = node.addWidget('toggle', name, defaultValue(spec) as boolean, () => {}, { on: options.label_on ?? 'true', off: options.label_off ?? 'false' });
  } else if (type === 'STRING') {
    widget = node.addWidget('text', name, String(defaultValue(spec)), () => {}, { multiline: options.multiline === true });
  } else {
    widget = node.addWidget('combo', name, defaultValue(spec) as string, () => {}, { values: comboChoices(spec) as string[] });
  }
  if (options.tooltip) widget.tooltip = options.tooltip;
  if (options.display_name) widget.label = options.display_name;
  node.addInput(name, type, { widget: { name }, label: options.display_name });
  return widget;
}

/** Gives any widget that lacks one (older workflows list only linked widgets) its socket back, at the end. */
export function restoreWidgetSockets(node: LGraphNode, specs: Map<string, InputSpec>): void {
  for (const widget of node.widgets ?? []) {
    const spec = specs.get(widget.name);
    if (!spec) continue;
    const socket = node.inputs.find((input) => input.widget?.name === widget.name || input.name === widget.name);
    // A socket saved without its widget marker still drives that widget.
    if (socket) socket.widget ??= { name: widget.name };
    else node.addInput(widget.name, slotType(spec), { widget: { name: widget.name } });
  }
}
