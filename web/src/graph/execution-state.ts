// What the canvas shows about runs: the node executing now, the validation errors per node (from `node_errors`
// or an `execution_error`), and text a node reported (progress text frames, `text` outputs such as TestShow's or
// PreviewAny's). Nodes read it while drawing; the live controller and the queue button write it.
import type { NodeErrors } from '../api/types.ts';

export interface NodeErrorInfo {
  messages: string[];
  /** Inputs the errors name (`extra_info.input_name`). */
  inputs: Set<string>;
}

export const executionState = {
  runningNodeId: null as string | null,
  errors: new Map<string, NodeErrorInfo>(),
  texts: new Map<string, string>(),
};

/** A node's `strokeStyles.running`: a green outline while it (or, for a subgraph instance, a node inside) runs. */
export function runningOutline(this: { id: unknown }): { color: string; lineWidth: number } | undefined {
  return executionState.runningNodeId === String(this.id) ? { color: '#0f0', lineWidth: 3 } : undefined;
}

/** A node's `strokeStyles.validation`: a red outline while it (or, for a subgraph instance, a node inside) has errors. */
export function errorOutline(this: { id: unknown }): { color: string; lineWidth: number } | undefined {
  return executionState.errors.has(String(this.id)) ? { color: '#f44', lineWidth: 3 } : undefined;
}

/**
 * Records a node's errors. A node inside a subgraph ("5:3") is not on the canvas, so its messages are also shown on
 * the instance that holds it ("5"), each prefixed with the inner id.
 */
export function recordNodeErrors(nodeId: string, info: NodeErrorInfo): void {
  executionState.errors.set(nodeId, info);
  const separator = nodeId.indexOf(':');
  if (separator < 0) return;
  const root = nodeId.slice(0, separator);
  const held = executionState.errors.get(root) ?? { messages: [], inputs: new Set<string>() };
  held.messages.push(...info.messages.map((line) => `${nodeId}: ${line}`));
  executionState.errors.set(root, held);
}

/** One line per error, as ComfyUI phrases them: `message: details`. */
export function errorLine(error: { message: string; details?: string }): string {
  return error.details ? `${error.message}: ${error.details}` : error.message;
}

export function setNodeErrors(nodeErrors: NodeErrors): void {
  executionState.errors.clear();
  for (const [nodeId, { errors }] of Object.entries(nodeErrors)) {
    const inputs = new Set<string>();
    for (const error of errors) {
      const name = error.extra_info?.input_name;
      if (typeof name === 'string') inputs.add(name);
    }
    recordNodeErrors(nodeId, { messages: errors.map(errorLine), inputs });
  }
}
