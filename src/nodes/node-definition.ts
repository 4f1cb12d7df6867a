// The contract between the engine and every node (built-in or custom): a node is a plain object
// declaring its schema (which *is* its `/object_info` entry) and an `execute` function.
// Nodes import only this file, `inference/` and `storage/`; never the engine or the server.
import type { FolderPaths } from '../storage/folder-paths.ts';

/** ComfyUI's input type: a type string ("INT", "IMAGE", "FLOAT,INT", "*", "COMBO") or a V1 combo's choice list. */
export type InputType = string | readonly (string | number)[];

/** Options of an input as `/object_info` reports them (nodes.md §1.2); `default`, `min`, `max`, `step`, `lazy`, … */
export type InputOptions = Record<string, unknown>;

/**
 * One input: `[type, options?]` exactly as on the wire. `type` and `options` may be functions of the services
 * for values that change at run time (the file list of a model folder), evaluated on every `/object_info` and
 * validation; without services (a registry built for inspection) they get `undefined`.
 */
export type InputSpec = readonly [
  InputType | ((services?: NodeServices) => InputType),
  (InputOptions | ((services?: NodeServices) => InputOptions))?,
];

export interface NodeInputs {
  required?: Record<string, InputSpec>;
  optional?: Record<string, InputSpec>;
  /** name → hidden type: PROMPT, DYNPROMPT, EXTRA_PNGINFO, UNIQUE_ID, AUTH_TOKEN_COMFY_ORG, API_KEY_COMFY_ORG */
  hidden?: Record<string, string>;
}

export interface NodeOutputSpec {
  /** A type string, or a combo's choice list (a combo-typed output reports the options array). */
  type: string | readonly (string | number)[];
  /** The output's name (RETURN_NAMES); defaults to the type string. */
  name?: string;
  /** OUTPUT_IS_LIST; null is reported as null and behaves as false (a V3 output left at `is_output_list=None`). */
  isList?: boolean | null;
  tooltip?: string;
  /** V3 match-type output (type COMFY_MATCHTYPE_V3): its template id, reported in `output_matchtypes`. */
  matchType?: string;
}

/** UI output of a node: `{images: [{filename, subfolder, type}], text: [...], ...}` (execution.md §8). */
export type UiOutput = Record<string, unknown[]>;

/** A prompt-shaped subgraph a node expands into (execution.md §7.1). */
export type GraphExpansion = Record<string, { class_type: string; inputs: Record<string, unknown>; override_display_id?: string }>;

/** Stands in for the outputs of a node that must not run (execution.md §7.2). */
export class ExecutionBlocker {
  constructor(readonly message: string | null) {}
}

/** What `execute` returns: the outputs in slot order, or the V3-style object with UI and expansion. */
export type NodeResult =
  | readonly unknown[]
  | ExecutionBlocker
  | { result?: readonly unknown[] | ExecutionBlocker; ui?: UiOutput; expand?: GraphExpansion };

/** Raised (by `checkInterrupted`) to stop the running prompt; the engine reports `execution_interrupted`. */
export class InterruptedError extends Error {
  constructor() {
    super('Processing interrupted');
    this.name = 'InterruptProcessingException';
  }
}

/** Options the server was started with that nodes honour. */
export interface NodeRuntimeOptions {
  disableMetadata: boolean;
  /** `--preview-method`: none | auto | latent2rgb | taesd */
  previewMethod: string;
  previewSize: number;
  /** `--cpu`: never use an accelerator. */
  cpu: boolean;
}

/** Services a node may use. The server builds one set at start-up; inference services are added by their modules. */
export interface NodeServices {
  paths: FolderPaths;
  options: NodeRuntimeOptions;
  /** Long-lived per-process objects (model caches, ONNX sessions), keyed by the module that owns them. */
  shared: Map<string, unknown>;
}

/** A preview image a node shows while it runs (e.g. a latent preview): already encoded. */
export interface PreviewImage {
  format: 'JPEG' | 'PNG';
  data: Buffer;
}

export interface NodeContext {
  /** The (possibly ephemeral) id of the node being run, and the id shown to the user. */
  nodeId: string;
  displayNodeId: string;
  promptId: string;
  services: NodeServices;
  /** Hidden inputs are also passed by name in `inputs`; this is the raw material. */
  prompt: Record<string, unknown>;
  extraData: Record<string, unknown>;
  /** Reports progress (a `progress` event and the terminal bar); also checks for an interrupt. */
  progress(value: number, max: number, preview?: PreviewImage): void;
  /** Throws InterruptedError if the user interrupted this prompt. Call it between expensive steps. */
  checkInterrupted(): void;
  /** Aborted when the prompt is interrupted, for APIs that accept a signal. */
  signal: AbortSignal;
  /** Sends a progress text (binary frame type 3) for this node. */
  sendText(text: string): void;
}

export interface NodeDefinition {
  /** The class name (`class_type`), the registry key. */
  name: string;
  /** Which `/object_info` producer this node follows (nodes.md §1.1). */
  schemaFormat: 'v1' | 'v3';
  displayName?: string;
  description?: string;
  /** "nodes", "comfy_extras.nodes_mask", "custom_nodes.<pkg>"… */
  pythonModule: string;
  category: string;
  inputs: NodeInputs;
  outputs: readonly NodeOutputSpec[];
  outputNode?: boolean;
  inputIsList?: boolean;
  deprecated?: boolean;
  experimental?: boolean;
  /** The node may return `expand` (subgraph expansion). */
  enableExpand?: boolean;
  /**
   * ComfyUI's `async def` functions: work that waits on something else (a remote service, a timer). While it has
   * not finished, the engine runs other ready nodes; such nodes are also picked first. Other nodes run one at a time.
   */
  isAsync?: boolean;
  execute(inputs: Record<string, any>, ctx: NodeContext): NodeResult | Promise<NodeResult>;
  /** IS_CHANGED: a value that changes when the node must re-run despite equal inputs (NaN-like: always re-run). */
  isChanged?(inputs: Record<string, any>, ctx: NodeContext): unknown | Promise<unknown>;
  /** VALIDATE_INPUTS: true, or an error message. When declared, combo membership is not checked for the inputs it takes. */
  validateInputs?(inputs: Record<string, any>, services?: NodeServices): true | string | Promise<true | string>;
  /** Names of the inputs VALIDATE_INPUTS handles itself (skipping the built-in checks), e.g. ["image"] or ["input_types"]. */
  validateInputsTakes?: readonly string[];
  /** check_lazy_status: names of lazy inputs still needed. */
  checkLazyStatus?(inputs: Record<string, any>, ctx: NodeContext): string[] | Promise<string[]>;
}
