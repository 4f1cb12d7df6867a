// Wire shapes of the ComfyUI HTTP/WebSocket API as the UI reads them (api.md, nodes.md §1), and the workflow JSON
// the UI saves (litegraph's serialised graph).

/** `[type, options?]`; `type` is a type string, `"COMBO"`, or (V1 combo) the list of choices. */
export type InputSpec = [type: string | (string | number)[], options?: InputOptions];

export interface InputOptions {
  default?: unknown;
  min?: number;
  max?: number;
  step?: number;
  round?: number | false;
  display?: string;
  multiline?: boolean;
  placeholder?: string;
  dynamicPrompts?: boolean;
  tooltip?: string;
  forceInput?: boolean;
  defaultInput?: boolean;
  label_on?: string;
  label_off?: string;
  image_upload?: boolean;
  image_folder?: 'input' | 'output' | 'temp';
  control_after_generate?: boolean;
  options?: (string | number)[];
  display_name?: string;
  [key: string]: unknown;
}

export interface NodeDef {
  input: { required?: Record<string, InputSpec>; optional?: Record<string, InputSpec>; hidden?: Record<string, unknown> };
  input_order?: { required?: string[]; optional?: string[]; hidden?: string[] };
  output: (string | (string | number)[])[];
  output_is_list: boolean[];
  output_name: string[];
  name: string;
  display_name: string | null;
  description: string;
  category: string;
  output_node: boolean;
  deprecated?: boolean;
  experimental?: boolean;
}

export type ObjectInfo = Record<string, NodeDef>;

/** A link in an API prompt: `[source node id, output slot]`. */
export type PromptLink = [string, number];

export interface PromptNode {
  inputs: Record<string, unknown>;
  class_type: string;
  _meta: { title: string };
}

export type ApiPrompt = Record<string, PromptNode>;

export interface PromptError {
  type: string;
  message: string;
  details: string;
  extra_info: Record<string, unknown>;
}

export interface NodeErrors {
  [nodeId: string]: { errors: PromptError[]; dependent_outputs: string[]; class_type: string };
}

export interface PromptResponse {
  prompt_id: string;
  number: number;
  node_errors: NodeErrors;
}

/** `[number, prompt_id, prompt, extra_data, outputs_to_execute]` */
export type QueueItem = [number, string, ApiPrompt, Record<string, unknown>, string[]];

export interface QueueState {
  queue_running: QueueItem[];
  queue_pending: QueueItem[];
}

export interface ImageRef {
  filename: string;
  subfolder: string;
  type: 'output' | 'temp' | 'input';
}

export type NodeOutput = { images?: ImageRef[]; [key: string]: unknown };

export interface HistoryEntry {
  prompt: QueueItem;
  outputs: Record<string, NodeOutput>;
  status: { status_str: 'success' | 'error'; completed: boolean; messages: [string, Record<string, unknown>][] };
}

export interface UserDataFile {
  path: string;
  size: number;
  modified: number;
}

/** Version 0.4 link array: `[id, origin_id, origin_slot, target_id, target_slot, type]`. */
export type WorkflowLinkArray = [number, number | string, number, number | string, number, string | number];

export interface WorkflowLinkObject {
  id: number;
  origin_id: number | string;
  origin_slot: number;
  target_id: number | string;
  target_slot: number;
  type: string | number;
}

export interface WorkflowNode {
  id: number | string;
  type: string;
  title?: string;
  pos?: [number, number];
  mode?: number;
  order?: number;
  inputs?: { name: string; type: string | number; link: number | null; widget?: { name: string } }[];
  outputs?: { name: string; type: string | number; links?: number[] | null }[];
  widgets_values?: unknown[] | Record<string, unknown>;
  properties?: Record<string, unknown>;
}

export interface Workflow {
  nodes: WorkflowNode[];
  links: (WorkflowLinkArray | WorkflowLinkObject)[];
  [key: string]: unknown;
}
