// Python's dict order on JavaScript objects: Python dicts keep insertion order, so ComfyUI iterates a prompt's node
// ids as the client sent them (the first invalid node reported, `execution_cached`'s list) and writes them back so
// (/history, /queue, PNG metadata), and history outputs in the order the nodes ran. A JavaScript object lists
// integer-like keys ("10", "2") in numeric order first, so the order is recorded beside the object.

const KEY_ORDER = Symbol('promptKeyOrder');

type Ordered = Record<string, unknown> & { [KEY_ORDER]?: readonly string[] };

/** Records `keys` (the order in the JSON text) on `object`, without making it a visible property. */
export function recordKeyOrder(object: Record<string, unknown>, keys: readonly string[]): void {
  const own = Object.keys(object);
  if (own.length === keys.length && own.every((key, i) => key === keys[i])) return; // sent in JavaScript's order
  Object.defineProperty(object, KEY_ORDER, { value: keys, enumerable: false, configurable: true });
}

/** The object's keys in the order they were sent, when recorded; else JavaScript's own order. */
export function orderedKeys(object: Record<string, unknown>): string[] {
  const recorded = (object as Ordered)[KEY_ORDER];
  if (!recorded) return Object.keys(object);
  const present = recorded.filter((key) => Object.hasOwn(object, key));
  // Keys added after parsing (none in practice) keep their place after the sent ones.
  return present.length === Object.keys(object).length ? present : [...new Set([...present, ...Object.keys(object)])];
}

/** True when JavaScript would list some of these keys out of insertion order (two or more integer-like keys). */
export function mayReorder(object: Record<string, unknown>): boolean {
  let integers = 0;
  for (const key in object) {
    if (!isArrayIndex(key)) return false; // integer-like keys come first: the first other key ends them
    if (++integers >= 2) return true;
  }
  return false;
}

/** True when every key is integer-like: JavaScript then lists them all in numeric order. */
export function onlyIntegerKeys(object: Record<string, unknown>): boolean {
  for (const key in object) if (!isArrayIndex(key)) return false;
  return true;
}

/** The keys JavaScript orders numerically: canonical array indices (0 … 2^32 − 2). */
function isArrayIndex(key: string): boolean {
  const n = key.length;
  if (n === 0 || n > 10 || (n > 1 && key.charCodeAt(0) === 0x30)) return false;
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return n < 10 || Number(key) < 4294967295;
}

/** The sent order recorded on `object`, if JavaScript's own order differs from it (to carry it across processes). */
export function recordedKeyOrder(object: Record<string, unknown>): readonly string[] | undefined {
  return (object as Ordered)[KEY_ORDER];
}
