// IS_CHANGED / fingerprint_inputs (execution.md §10.2): evaluated once per node per run, on constants only (links
// arrive as null), mapped over lists. Its canonical text joins the node's signature; a result that cannot be
// compared (NaN, an exception) makes the node re-run every time. As in ComfyUI, the result is written into the
// prompt's node as `is_changed`, and a prompt that already carries one is taken at its word.
import { ExecutionBlocker, type NodeContext } from '../../nodes/node-definition.ts';
import type { NodeRegistry } from '../../nodes/registry.ts';
import type { DynamicPrompt, PromptNode } from '../dynamic-prompt.ts';
import { pyFloat } from '../raw-json.ts';
import { nodeShape } from '../dynamic-inputs.ts';
import { constantInputs } from '../input-data.ts';
import { mapOverLists } from '../list-mapping.ts';
import { canonicalValue } from './signature.ts';

export class IsChangedCache {
  /** Canonical IS_CHANGED text per node; null = never equal. */
  private readonly values = new Map<string, string | null>();

  constructor(
    private readonly registry: NodeRegistry,
    private readonly dynprompt: DynamicPrompt,
    private readonly context: (nodeId: string) => NodeContext,
    private readonly warn: (line: string) => void,
    /** Runs node code outside the engine's held stretch (EngineEvents.released). */
    private readonly runNodeCode: <T>(work: () => Promise<T>) => Promise<T>,
  ) {}

  async get(nodeId: string): Promise<string | null> {
    if (this.values.has(nodeId)) return this.values.get(nodeId)!;
    const node = this.dynprompt.getNode(nodeId) as PromptNode & { is_changed?: unknown };
    const def = this.registry.get(node.class_type);
    let value: string | null = 'false';
    if (def?.isChanged && Object.hasOwn(node, 'is_changed')) {
      // A value the prompt already carries is used as it is (ComfyUI's `if "is_changed" in node`).
      value = canonicalValue(node.is_changed);
    } else if (def?.isChanged) {
      try {
        const ctx = this.context(nodeId);
        const promptInputs = this.dynprompt.inputsOf(nodeId);
        const shape = nodeShape(def, promptInputs);
        const inputs = constantInputs(def, shape, nodeId, promptInputs);
        const results = await this.runNodeCode(() => mapOverLists(def.inputIsList === true, inputs, (args) => def.isChanged!(shape.nest(args), ctx)));
        const values = results.map((r) => (r instanceof ExecutionBlocker ? null : r));
        value = canonicalValue(values);
        // ComfyUI writes the result into the prompt's node, so history shows it.
        if (values.every(isScalar)) node.is_changed = values.map((v) => (typeof v === 'number' && !Number.isFinite(v) ? pyFloat(v) : v));
      } catch (err) {
        this.warn(`WARNING: ${err instanceof Error ? err.message : String(err)}`);
        value = null;
        node.is_changed = pyFloat(Number.NaN);
      }
    }
    this.values.set(nodeId, value);
    return value;
  }
}

/** A value that goes into history JSON as it is (anything larger stays out of the prompt). */
function isScalar(v: unknown): boolean {
  return v === null || ['string', 'number', 'boolean', 'bigint'].includes(typeof v);
}
