// Input signatures (execution.md §10.2): a node's cache key is its class, its IS_CHANGED value, its id when it
// asks for UNIQUE_ID, its constants, and the same of every ancestor. ComfyUI lists the ancestors' signatures;
// hashing each node over its sources' hashes (a Merkle key) gives the same equalities in linear time, so a
// 1,000-node chain costs 1,000 small hashes. Values that cannot be compared (tensors, NaN) get a key that never
// matches anything, as Python's unhashable placeholder does.
import { createHash } from 'node:crypto';
import type { NodeRegistry } from '../../nodes/registry.ts';
import type { DynamicPrompt } from '../dynamic-prompt.ts';
import { isLink } from '../input-data.ts';
import { hasUniqueIdInput } from '../node-schema.ts';
import { isPlainObject } from '../../python/values.ts';
import type { IsChangedCache } from './is-changed.ts';

let nonceCounter = 0;

/** A key equal to nothing else, ever. */
export function uniqueKey(): string {
  return `!${++nonceCounter}`;
}

/** A canonical text for a JSON-ish value (dict keys sorted), or null when the value is not comparable. */
export function canonicalValue(v: unknown): string | null {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return Number.isNaN(v) ? null : String(v);
    case 'bigint':
      return v.toString();
    case 'string':
      return JSON.stringify(v);
  }
  if (Array.isArray(v)) {
    const parts: string[] = [];
    for (const x of v) {
      const c = canonicalValue(x);
      if (c === null) return null;
      parts.push(c);
    }
    return `[${parts.join(',')}]`;
  }
  if (Buffer.isBuffer(v)) return `b${v.toString('base64')}`;
  if (isPlainObject(v)) {
    const parts: string[] = [];
    for (const k of Object.keys(v).sort()) {
      const c = canonicalValue(v[k]);
      if (c === null) return null;
      parts.push(`${JSON.stringify(k)}:${c}`);
    }
    return `{${parts.join(',')}}`;
  }
  return null;
}

export class InputSignatures {
  private readonly keys = new Map<string, string>();

  constructor(
    private readonly dynprompt: DynamicPrompt,
    private readonly registry: NodeRegistry,
    private readonly isChanged: IsChangedCache,
  ) {}

  /** The key of one node, computing its ancestors' first (iteratively: chains may be long). */
  async key(nodeId: string): Promise<string> {
    const known = this.keys.get(nodeId);
    if (known !== undefined) return known;
    const stack: [string, boolean][] = [[nodeId, false]];
    const open = new Set<string>();
    while (stack.length > 0) {
      const [id, expanded] = stack.pop()!;
      if (this.keys.has(id)) continue;
      if (!this.dynprompt.hasNode(id)) {
        this.keys.set(id, uniqueKey());
      } else if (expanded) {
        open.delete(id);
        this.keys.set(id, await this.immediate(id));
      } else if (open.has(id)) {
        this.keys.set(id, uniqueKey()); // a cycle: this node can never be reused
      } else {
        open.add(id);
        stack.push([id, true]);
        for (const v of Object.values(this.dynprompt.inputsOf(id))) {
          if (isLink(v) && !this.keys.has(v[0])) stack.push([v[0], false]);
        }
      }
    }
    return this.keys.get(nodeId)!;
  }

  private async immediate(id: string): Promise<string> {
    const node = this.dynprompt.getNode(id);
    const def = this.registry.get(node.class_type);
    if (!def) return uniqueKey();
    const changed = await this.isChanged.get(id);
    if (changed === null) return uniqueKey();
    const parts = [JSON.stringify(node.class_type), changed];
    if (hasUniqueIdInput(def)) parts.push(`#${JSON.stringify(id)}`);
    const inputs = this.dynprompt.inputsOf(id);
    for (const name of Object.keys(inputs).sort()) {
      const v = inputs[name];
      if (isLink(v)) {
        parts.push(`${JSON.stringify(name)}<${this.keys.get(v[0]) ?? uniqueKey()}@${v[1]}`);
      } else {
        const c = canonicalValue(v);
        if (c === null) return uniqueKey();
        parts.push(`${JSON.stringify(name)}=${c}`);
      }
    }
    return createHash('sha1').update(parts.join('\n')).digest('base64');
  }
}
