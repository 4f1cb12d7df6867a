// Small reply and request helpers shared by the file routes.
import type { FastifyReply } from 'fastify';

/** A plain-text reply (`text/plain; charset=utf-8`), as aiohttp's `web.Response(text=…)`. */
export function sendText(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.code(status).type('text/plain; charset=utf-8').send(text);
}

/** A reply without a body (aiohttp's bare `web.Response(status=…)`). */
export function sendEmpty(reply: FastifyReply, status: number): FastifyReply {
  return reply.code(status).send();
}

/** The first value of a query parameter (aiohttp's `query[key]` on a repeated key), or undefined. */
export function queryValue(query: unknown, key: string): string | undefined {
  if (!query || typeof query !== 'object') return undefined;
  const value = (query as Record<string, unknown>)[key];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

/** `true` when the parameter is the string "true" (any case), as ComfyUI's `.lower() == "true"`. */
export function queryFlag(query: unknown, key: string, fallback = false): boolean {
  const value = queryValue(query, key);
  return value === undefined ? fallback : value.toLowerCase() === 'true';
}

/**
 * `Content-Disposition: filename="<name>"` with the name's UTF-8 bytes on the wire, as aiohttp sends it.
 * Control characters and quotes cannot travel in a quoted header value and are replaced by `_`.
 */
export function contentDisposition(name: string): string {
  const safe = name.replace(/[\u0000-\u001f\u007f"\\]/g, '_');
  return `filename="${Buffer.from(safe, 'utf8').toString('latin1')}"`;
}

/** Python's `urllib.parse.unquote`: `%XX` runs decoded as UTF-8 (bad bytes → U+FFFD), other `%` kept. */
export function unquote(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = Buffer.from(run.replace(/%/g, ''), 'hex');
    return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  });
}

/** POSIX seconds as a float, as Python's `os.path.getmtime`. */
export function posixSeconds(ms: number): number {
  return ms / 1000;
}

/** Any JSON value (a bare string or null included, which `reply.send` would not send as JSON). */
export function sendJson(reply: FastifyReply, value: unknown, status = 200): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(value ?? null));
}
