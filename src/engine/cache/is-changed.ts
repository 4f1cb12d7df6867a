// IS_CHANGED / fingerprint_inputs (execution.md §10.2): evaluated once per node per run, on constants only (links
// arrive as null), mapped over lists. Its canonical text joins the node's signature; a result that cannot be
// compared (NaN, an exception) makes the node re-run every time.
import { ExecutionBlocker, type NodeContext } from '../../nodes/node-definition.ts';
import type { NodeRegistry } from '../../nodes/registry.ts';
import type { DynamicPrompt } from '../dynamic-prompt.ts';
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
  ) {}

  async get(nodeId: string): Promise<string | null> {
    if (this.values.has(nodeId)) return this.values.get(nodeId)!;
    const node = this.dynprompt.getNode(nodeId);
    const def = this.registry.get(node.class_type);
    let value: string | null = 'false';
    if (def?.isChanged) {
      try {
        const ctx = this.context(nodeId);
        const promptInputs = this.dynprompt.inputsOf(nodeId);
        const shape = nodeShape(def, promptInputs);
        const inputs = constantInputs(def, shape, nodeId, promptInputs);
        const results = await mapOverLists(def.inputIsList === true, inputs, (args) => def.isChanged!(shape.nest(args), ctx));
        value = canonicalValue(results.map((r) => (r instanceof ExecutionBlocker ? null : r)));
      } catch (err) {
        this.warn(`WARNING: ${err instanceof Error ? err.message : String(err)}`);
        value = null;
      }
    }
    this.values.set(nodeId, value);
    return value;
  }
}
