// Link type compatibility (`comfy_execution/validation.py`, execution.md §2.4 as changed by changes-0.8.0.md §3).
import { pyEquals } from '../python/values.ts';

const ANY = '*';
const MATCH_TYPE = 'COMFY_MATCHTYPE_V3';

function typeSet(t: string): Set<string> {
  return new Set(t.split(',').map((s) => s.trim()));
}

/** Whether an output of type `received` may feed an input declared as `expected`. */
export function typesCompatible(received: unknown, expected: unknown): boolean {
  if (pyEquals(received, expected)) return true;
  if (received === ANY || expected === ANY) return true;
  if (received === MATCH_TYPE || expected === MATCH_TYPE) return true;
  if (Array.isArray(received) && expected === 'COMBO') return true;
  if (typeof received !== 'string' || typeof expected !== 'string') return false;
  const a = typeSet(received);
  const b = typeSet(expected);
  if (a.has(ANY) || b.has(ANY)) return true;
  for (const t of a) if (b.has(t)) return true;
  return false;
}
