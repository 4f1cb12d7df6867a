// Values whose JSON text is fixed in advance: numbers where ComfyUI's wire text shows a Python float (`5.0`, `0.0`)
// that a JavaScript number cannot tell from an int, and objects written in a recorded key order. They serialise as
// tagged strings that the server's JSON writer (server/json.ts) turns back into the text itself; a per-process
// nonce makes the tag unforgeable by client data.
import { randomBytes } from 'node:crypto';
import { pyFloatRepr } from '../python/values.ts';

export const RAW_JSON_NONCE = randomBytes(9).toString('base64url');
/** Prefix of a tagged string; U+0001 makes JSON.stringify escape it, so the tag is easy to find in output. */
export const RAW_JSON_TAG = `\u0001${RAW_JSON_NONCE}:`;

/** A value whose JSON text is fixed in advance (e.g. Python's `5.0`). */
export class RawJson {
  constructor(readonly text: string) {}
  toJSON(): string {
    return RAW_JSON_TAG + this.text;
  }
}

/** `float(x)` as Python's json.dumps writes it: `5.0`, `0.1`, `1e+16`, `1.5e-05`, `NaN`, `Infinity`. */
export function pyFloat(value: number): RawJson {
  if (Number.isNaN(value)) return new RawJson('NaN');
  if (!Number.isFinite(value)) return new RawJson(value > 0 ? 'Infinity' : '-Infinity');
  return new RawJson(pyFloatRepr(value));
}
