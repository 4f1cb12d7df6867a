// Request bodies as aiohttp's `await request.json()` reads them: JSON whatever the Content-Type says
// (SDKs send JSON as text/plain or form-urlencoded), big integers kept exact. A body that is not JSON does not
// fail here: the handler gets an InvalidJsonBody and decides (POST /interrupt treats it as `{}`, POST /prompt
// answers 400). The sent order of a prompt's numeric node ids is kept beside it (see python/dict-order.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { mayReorder, onlyIntegerKeys, recordKeyOrder } from '../python/dict-order.ts';
import { isPlainObject } from '../python/values.ts';
import { digitKeysIncrease, MAX_JSON_DEPTH, memberKeys, nestsDeeperThan, topLevelKeys } from './json-scan.ts';
import { parseJson } from './json.ts';

export class InvalidJsonBody {
  constructor(readonly message: string) {}
}

/**
 * Replaces the scope's parsers: every content type is read as bytes and decoded as JSON. The usual type is named
 * as well, since fastify remembers the parser of a named type but looks the catch-all up afresh every request.
 */
export function useLenientJsonBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const parse = (_request: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void) => done(null, decodeJsonBody(body));
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, parse);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, parse);
}

export function decodeJsonBody(body: Buffer): unknown {
  if (body.length === 0) return new InvalidJsonBody('Expecting value: line 1 column 1 (char 0)');
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (nestsDeeperThan(text)) return new InvalidJsonBody(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (err) {
    return new InvalidJsonBody((err as Error).message);
  }
  keepPromptOrder(text, value);
  return value;
}

/**
 * Records the sent order of node ids, which JSON.parse loses for numeric ids: for a `{"prompt": {...}}` body, and
 * for a body that is itself a prompt (the blocking API accepts both).
 */
function keepPromptOrder(text: string, value: unknown): void {
  if (!isPlainObject(value)) return;
  if (mayReorder(value)) recordKeyOrder(value, topLevelKeys(text));
  const prompt = value.prompt;
  if (!isPlainObject(prompt) || !mayReorder(prompt)) return;
  // The usual prompt: node ids only, sent in increasing order, as JavaScript lists them.
  if (onlyIntegerKeys(prompt) && digitKeysIncrease(text)) return;
  recordKeyOrder(prompt, memberKeys(text, 'prompt') ?? Object.keys(prompt));
}

/** The body as a plain object, `{}` when absent/invalid/not an object (for routes that are lenient that way). */
export function bodyObjectOrEmpty(body: unknown): Record<string, unknown> {
  return isPlainObject(body) ? body : {};
}

export { isPlainObject };

/** Python truthiness of a JSON value. */
export function pyTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  if (typeof value === 'bigint') return value !== 0n;
  return Boolean(value);
}
