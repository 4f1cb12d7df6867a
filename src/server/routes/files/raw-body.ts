// The user-data routes take bodies as raw bytes (a workflow is stored byte for byte), and the JSON routes in the
// same scope parse them here, whatever the Content-Type, as aiohttp's `request.json()` does.
import type { FastifyInstance } from 'fastify';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../json-scan.ts';

export function useRawBodies(app: FastifyInstance, bodyLimit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; message: string };

export function parseJsonBody(body: unknown): JsonBody {
  if (body !== undefined && body !== null && !Buffer.isBuffer(body) && typeof body !== 'string') {
    return { ok: true, value: body }; // already parsed by an outer parser
  }
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : (body ?? '');
  if (nestsDeeperThan(text)) return { ok: false, message: `Invalid JSON body: nested deeper than ${MAX_JSON_DEPTH} levels` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, message: `Invalid JSON body: ${(err as Error).message}` };
  }
}
