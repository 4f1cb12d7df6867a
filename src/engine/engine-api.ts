// What the HTTP/WebSocket surface may ask of the engine, and the shapes it gets back.
// The server only calls these; the engine never imports the server.
import type { NodeRegistry } from '../nodes/registry.ts';

/** An API-format prompt: `{node_id: {class_type, inputs, _meta?}}`. */
export type Prompt = Record<string, { class_type?: unknown; inputs?: Record<string, unknown>; [key: string]: unknown }>;

/** The body of POST /prompt (api.md §3.4), already parsed (large integers may be bigint). */
export interface PromptRequest {
  prompt?: unknown;
  client_id?: unknown;
  prompt_id?: unknown;
  number?: unknown;
  front?: unknown;
  extra_data?: unknown;
  partial_execution_targets?: unknown;
  [key: string]: unknown;
}

/** `[number, prompt_id, prompt, extra_data, outputs_to_execute]` as enqueued. */
export type QueueItem = [number, string, Prompt, Record<string, unknown>, string[]];

export interface ErrorBody {
  type: string;
  message: string;
  details: string;
  extra_info: Record<string, unknown>;
}

export type NodeErrors = Record<string, { errors: ErrorBody[]; dependent_outputs: string[]; class_type: string }>;

export type SubmitOutcome =
  | {
      ok: true;
      prompt_id: string;
      number: number;
      node_errors: NodeErrors;
      /** The client sent `number` (ComfyUI echoes it as a Python float, e.g. `5.0`). */
      numberIsFloat?: boolean;
    }
  | { ok: false; error: ErrorBody; node_errors: NodeErrors };

/** A prompt that passed validation: its queue item, and the extra_data keys held out of queue and history. */
export interface Accepted {
  item: QueueItem;
  sensitive: Record<string, unknown>;
}

/** A request without its own `number` draws the server-wide counter; `front` negates what it draws. */
export interface CounterDraw {
  front: boolean;
}

/**
 * A POST /prompt that an HTTP front process (server/fronts) parsed and validated: the counter is drawn only when
 * it reaches the engine, so numbers follow the order requests reach the engine.
 */
export interface CheckedElsewhere {
  counter?: CounterDraw;
  /** Absent when the request was rejected (it may still have drawn the counter). */
  accepted?: Accepted;
}

export interface HistoryEntry {
  prompt: QueueItem;
  outputs: Record<string, Record<string, unknown[]>>;
  status: { status_str: 'success' | 'error'; completed: boolean; messages: [string, Record<string, unknown>][] };
  meta: Record<string, { node_id: string; display_node: string; parent_node: string | null; real_node_id: string }>;
}

/** A WebSocket message produced by the engine; `clientId` null = broadcast. */
export interface EngineMessage {
  type: string;
  data: Record<string, unknown>;
  clientId: string | null;
}

/** A binary WebSocket frame (its 4-byte type header included); sent to `clientId`, or broadcast when null. */
export interface EngineBinaryFrame {
  frame: Buffer;
  clientId: string | null;
  /**
   * A preview comes as two frames, each for the clients of one kind: type 4 (`metadata`) for those that declared
   * `supports_preview_metadata`, type 1 (`plain`) for the others and for broadcasts.
   */
  previewFor?: 'metadata' | 'plain';
}

/** A prompt that left the worker (any outcome), e.g. for the terminal's "Prompt executed in …" line. */
export interface PromptFinished {
  promptId: string;
  entry: HistoryEntry;
  /** From the worker taking the item to the history entry being written. */
  durationMs: number;
}

export interface EngineListeners {
  message(msg: EngineMessage): void;
  binary(frame: EngineBinaryFrame): void;
  finished?(info: PromptFinished): void;
  /**
   * Between hold() and release() no node code runs (only the engine's own bookkeeping), so the messages of that
   * stretch may be gathered and delivered together at release().
   */
  hold?(): void;
  release?(): void;
}

/** How the server runs a prompt beyond what its request says (not part of ComfyUI's API). */
export interface SubmitOptions {
  /**
   * Record the UI of cached output nodes in the history entry even without a client. ComfyUI records it only for
   * prompts with a client_id; the blocking API needs the image of a run that was entirely cached.
   */
  recordCachedOutputs?: boolean;
}

export interface Engine {
  readonly registry: NodeRegistry;
  /** Validates and enqueues (api.md §3.4); synchronous except for IS_CHANGED/VALIDATE_INPUTS hooks. */
  submit(request: PromptRequest, options?: SubmitOptions): Promise<SubmitOutcome>;
  /** Draws the counter for a request checked elsewhere and enqueues it if accepted; returns its queue number. */
  enqueueChecked(checked: CheckedElsewhere): number | undefined;
  queue(): { queue_running: QueueItem[]; queue_pending: QueueItem[] };
  /** pending + running */
  queueRemaining(): number;
  deleteQueued(promptIds: readonly string[]): void;
  clearQueue(): void;
  /** Global interrupt, or only when `promptId` is the running prompt. */
  interrupt(promptId?: string): void;
  history(options?: { maxItems?: number; offset?: number }): Record<string, HistoryEntry>;
  historyEntry(promptId: string): HistoryEntry | undefined;
  deleteHistory(promptIds: readonly string[]): void;
  clearHistory(): void;
  /** POST /free flags, applied by the worker after the running prompt. */
  requestFree(flags: { unloadModels: boolean; freeMemory: boolean }): void;
  /** The running prompt's client and executing display node, for the WebSocket reconnect message. */
  currentlyExecuting(): { clientId: string | null; displayNodeId: string | null; promptId: string } | null;
  /** Resolves with the history entry when the prompt finishes (any outcome). */
  waitFor(promptId: string): Promise<HistoryEntry>;
  subscribe(listeners: EngineListeners): () => void;
  close(): Promise<void>;
}
