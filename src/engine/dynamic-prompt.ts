// The prompt as it grows during a run: the submitted nodes plus the ephemeral ones node expansion adds
// (execution.md §7.1). Ephemeral nodes remember their parent (for the real node id and the sub-caches) and the id
// they are displayed as.
import type { Prompt } from './engine-api.ts';
import { PyException } from '../python/values.ts';

export interface PromptNode {
  class_type: string;
  inputs: Record<string, unknown>;
  [key: string]: unknown;
}

const NO_INPUTS: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

export class DynamicPrompt {
  private readonly ephemeral = new Map<string, PromptNode>();
  private readonly parents = new Map<string, string>();
  private readonly displays = new Map<string, string>();

  constructor(readonly original: Prompt) {}

  hasNode(id: string): boolean {
    return this.ephemeral.has(id) || Object.hasOwn(this.original, id);
  }

  getNode(id: string): PromptNode {
    const node = this.ephemeral.get(id) ?? (Object.hasOwn(this.original, id) ? this.original[id] : undefined);
    if (!node) throw new PyException('graph.NodeNotFoundError', `Node ${id} not found`);
    return node as PromptNode;
  }

  /** A node's inputs; a node submitted without any (never validated, as it is not needed) has none. */
  inputsOf(id: string): Record<string, unknown> {
    const inputs = this.getNode(id).inputs;
    return inputs && typeof inputs === 'object' && !Array.isArray(inputs) ? inputs : NO_INPUTS;
  }

  addEphemeral(id: string, node: PromptNode, parentId: string, displayId: string): void {
    this.ephemeral.set(id, node);
    this.parents.set(id, parentId);
    this.displays.set(id, displayId);
  }

  isEphemeral(id: string): boolean {
    return this.parents.has(id);
  }

  parentOf(id: string): string | null {
    return this.parents.get(id) ?? null;
  }

  /** The top-level node an ephemeral node descends from. */
  realId(id: string): string {
    return follow(this.parents, id);
  }

  displayId(id: string): string {
    return follow(this.displays, id);
  }

  /** Parent ids from the top level down to the direct parent. */
  ancestry(id: string): string[] {
    const chain: string[] = [];
    const seen = new Set([id]);
    for (let p = this.parents.get(id); p !== undefined && !seen.has(p); p = this.parents.get(p)) {
      seen.add(p);
      chain.push(p);
    }
    return chain.reverse();
  }
}

/** Follows a chain of ids to its end; a chain that loops (an expansion reusing an ancestor's id) stops there. */
function follow(links: Map<string, string>, id: string): string {
  if (!links.has(id)) return id;
  let current = id;
  const seen = new Set([id]);
  for (let next = links.get(current); next !== undefined && !seen.has(next); next = links.get(current)) {
    seen.add(next);
    current = next;
  }
  return current;
}
