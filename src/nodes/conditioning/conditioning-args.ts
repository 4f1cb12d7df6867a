// CONDITIONING values as the model-free nodes see them: a list of [cross-attention tensor, options] entries.
// Nodes never mutate an entry; like ComfyUI's `conditioning_set_values` they copy the options object.
import type { Conditioning, ConditioningEntry, ConditioningOptions } from '../../inference/sampling/index.ts';
import { isTensor } from '../utils/node-args.ts';

/** Checks a CONDITIONING input: a list of [tensor of rank 3, options object] pairs. */
export function requireConditioning(name: string, value: unknown): Conditioning {
  if (!Array.isArray(value)) throw new Error(`${name} must be a CONDITIONING list`);
  value.forEach((entry, i) => {
    const ok = Array.isArray(entry) && isTensor(entry[0]) && entry[0].rank === 3 && typeof entry[1] === 'object' && entry[1] !== null;
    if (!ok) throw new Error(`${name}[${i}] is not a conditioning entry [tensor [batch, tokens, dim], options]`);
  });
  return value as Conditioning;
}

/** The first entry of a list that must not be empty (ComfyUI indexes `[0]` and fails with an IndexError). */
export function firstEntry(node: string, name: string, conditioning: Conditioning): ConditioningEntry {
  const first = conditioning[0];
  if (!first) throw new Error(`${name} is empty: list index out of range`);
  if (conditioning.length > 1) {
    console.warn(`Warning: ${node} ${name} contains more than 1 cond, only the first one will actually be applied to conditioning_to.`);
  }
  return first;
}

/** `node_helpers.conditioning_set_values`: every entry with `values` merged into a copy of its options. */
export function setValues(conditioning: Conditioning, values: ConditioningOptions): Conditioning {
  return conditioning.map(([cond, options]) => [cond, { ...options, ...values }] as const);
}
