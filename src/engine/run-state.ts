// Everything one prompt's run shares: who the client is, what ran, the UI collected, the status messages kept
// for history, and the context handed to node functions (progress, interrupt, progress text).
import type { NodeContext, NodeServices, PreviewImage } from '../nodes/node-definition.ts';
import type { NodeRegistry } from '../nodes/registry.ts';
import type { Prompt } from './engine-api.ts';
import type { CacheEntry, OutputCache, UiMeta } from './cache/index.ts';
import type { DynamicPrompt } from './dynamic-prompt.ts';
import { previewFrames, textFrame, type EngineEvents } from './events.ts';
import type { ExecutionList } from './execution-list.ts';
import type { HiddenSources } from './input-data.ts';
import type { InterruptFlag } from './interrupt.ts';
import type { SubgraphResult } from './list-mapping.ts';
import { ProgressState } from './progress-state.ts';

export interface RunServices {
  registry: NodeRegistry;
  services: NodeServices;
  events: EngineEvents;
  interrupt: InterruptFlag;
  cache: OutputCache;
  log: (line: string, err?: unknown) => void;
  unloadModels: () => void;
}

const PREVIEW_METHODS = new Set(['none', 'auto', 'latent2rgb', 'taesd']);

/** changes-0.8.0.md §2.1: a known `preview_method` overrides `--preview-method` for one prompt. */
function servicesFor(services: NodeServices, previewMethod: unknown): NodeServices {
  if (typeof previewMethod !== 'string' || !PREVIEW_METHODS.has(previewMethod)) return services;
  return { ...services, options: { ...services.options, previewMethod } };
}

export class RunState {
  readonly executed = new Set<string>();
  /** UI records of this run, in the order nodes produced or replayed them (history `outputs`/`meta`). */
  readonly uiOutputs = new Map<string, NonNullable<CacheEntry['ui']>>();
  /** Expanded nodes waiting for their subgraph: per call, whether it expanded and its result tuple. */
  readonly pendingSubgraphs = new Map<string, SubgraphResult[]>();
  /** Async nodes whose calls are still running: their results (PendingCall where unsettled). */
  readonly pendingAsync = new Map<string, unknown[]>();
  readonly messages: [string, Record<string, unknown>][] = [];
  readonly progress: ProgressState;
  readonly hidden: HiddenSources;
  /** The display id of the node now executing, for a client that reconnects. */
  lastDisplayNode: string | null = null;
  list!: ExecutionList;
  /** The node services for this prompt (its `extra_data.preview_method` may override the server's). */
  readonly services: NodeServices;

  constructor(
    readonly s: RunServices,
    readonly promptId: string,
    readonly prompt: Prompt,
    readonly dynprompt: DynamicPrompt,
    readonly extraData: Record<string, unknown>,
    readonly clientId: string | null,
    /** Cached output nodes' UI goes into history even without a client (SubmitOptions.recordCachedOutputs). */
    readonly recordCachedOutputs = false,
  ) {
    this.progress = new ProgressState(promptId, dynprompt, (data) => this.toClientOrBroadcast('progress_state', data));
    this.hidden = { prompt, dynprompt, extraData };
    this.services = servicesFor(s.services, extraData.preview_method);
  }

  /** Sent only when the prompt has a client. */
  toClient(type: string, data: Record<string, unknown>): void {
    if (this.clientId !== null) this.s.events.send(type, data, this.clientId);
  }

  toClientOrBroadcast(type: string, data: Record<string, unknown>): void {
    this.s.events.send(type, data, this.clientId);
  }

  /** A status message: timestamped, kept for history, sent to the client (or broadcast when `broadcast`). */
  addMessage(type: string, data: Record<string, unknown>, broadcast: boolean): void {
    const stamped = { ...data, timestamp: Date.now() };
    this.messages.push([type, stamped]);
    if (this.clientId !== null || broadcast) this.s.events.send(type, stamped, this.clientId);
  }

  uiMeta(nodeId: string): UiMeta {
    const d = this.dynprompt;
    return { node_id: nodeId, display_node: d.displayId(nodeId), parent_node: d.parentOf(nodeId), real_node_id: d.realId(nodeId) };
  }

  /** What a node function may use while it runs. */
  context(nodeId: string): NodeContext {
    const { interrupt, events } = this.s;
    const services = this.services;
    return {
      nodeId,
      displayNodeId: this.dynprompt.displayId(nodeId),
      promptId: this.promptId,
      services,
      prompt: this.prompt,
      extraData: this.extraData,
      progress: (value, max, preview) => this.reportProgress(nodeId, value, max, preview),
      checkInterrupted: () => interrupt.throwIfRequested(),
      signal: interrupt.signal,
      sendText: (text) => events.sendBinary(textFrame(nodeId, text, null)),
    };
  }

  /**
   * A progress-bar update, in ComfyUI 0.8.0's order: interrupt check, `progress_state`, the type-4 preview (to a
   * client that declared `supports_preview_metadata`), `progress`, then the type-1 preview (to any other client).
   */
  private reportProgress(nodeId: string, value: number, max: number, preview?: PreviewImage): void {
    this.s.interrupt.throwIfRequested();
    this.progress.update(nodeId, value, max);
    const d = this.dynprompt;
    const frames = preview && previewFrames(preview, {
      node_id: nodeId,
      prompt_id: this.promptId,
      display_node_id: d.displayId(nodeId),
      parent_node_id: d.parentOf(nodeId),
      real_node_id: d.realId(nodeId),
    }, this.clientId);
    if (frames) this.s.events.sendBinary(frames.metadata);
    this.toClientOrBroadcast('progress', { value, max, prompt_id: this.promptId, node: nodeId });
    if (frames) this.s.events.sendBinary(frames.plain);
  }
}
