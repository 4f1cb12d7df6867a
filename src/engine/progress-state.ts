// Per-prompt node progress (`comfy_execution/progress.py`): every node that started has a state; each change sends
// a `progress_state` snapshot of all of them (api.md §2.3). Entries are immutable so a subscriber holding an
// earlier snapshot (the WebSocket send queue) never sees it change.
import type { DynamicPrompt } from './dynamic-prompt.ts';
import { pyFloat, type RawJson } from './raw-json.ts';

/** A value as ComfyUI sends it: the floats it sets itself (0.0, 1.0), else the step counts a node reports. */
type ProgressValue = number | RawJson;

interface NodeProgress {
  value: ProgressValue;
  max: ProgressValue;
  state: 'running' | 'finished';
  node_id: string;
  prompt_id: string;
  display_node_id: string;
  parent_node_id: string | null;
  real_node_id: string;
}

const START_VALUE = pyFloat(0);
const START_MAX = pyFloat(1);

export class ProgressState {
  private readonly nodes = new Map<string, NodeProgress>();
  /** Every state change in order: snapshot k is the first k changes replayed. */
  private readonly changes: NodeProgress[] = [];

  constructor(
    private readonly promptId: string,
    private readonly dynprompt: DynamicPrompt,
    private readonly send: (data: Record<string, unknown>) => void,
  ) {}

  private put(nodeId: string, state: NodeProgress['state'], value: ProgressValue, max: ProgressValue): void {
    const entry: NodeProgress = {
      value,
      max,
      state,
      node_id: nodeId,
      prompt_id: this.promptId,
      display_node_id: this.dynprompt.displayId(nodeId),
      parent_node_id: this.dynprompt.parentOf(nodeId),
      real_node_id: this.dynprompt.realId(nodeId),
    };
    this.nodes.set(nodeId, entry);
    this.changes.push(entry);
    // The snapshot is built when a subscriber reads it: with nobody listening, a long chain costs no O(n²) objects.
    const changes = this.changes;
    const upTo = changes.length;
    let snapshot: Record<string, NodeProgress> | undefined;
    this.send({
      prompt_id: this.promptId,
      get nodes() {
        if (!snapshot) {
          snapshot = {};
          for (let i = 0; i < upTo; i++) snapshot[changes[i]!.node_id] = changes[i]!;
        }
        return snapshot;
      },
    });
  }

  /** `start_progress`: value 0.0 of max 1.0, floats on the wire. */
  start(nodeId: string): void {
    this.put(nodeId, 'running', START_VALUE, START_MAX);
  }

  update(nodeId: string, value: number, max: number): void {
    this.put(nodeId, 'running', value, max);
  }

  /** Finished at its max (a node that never started, a cached one, counts the int 1 of 1, as ComfyUI's registry). */
  finish(nodeId: string): void {
    const max = this.nodes.get(nodeId)?.max ?? 1;
    this.put(nodeId, 'finished', max, max);
  }
}
