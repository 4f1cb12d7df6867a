// Headers decided after the handler ran: ComfyUI's cache-control rules (api.md §1.2 item 1), the CSP header of
// --disable-api-nodes (changes-0.8.0 §1.1) and deflate/gzip for JSON/text with --enable-compress-response-body.
import { deflateSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface ResponseHeaderOptions {
  compress: boolean;
  contentSecurityPolicy: boolean;
}

const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif', '.tiff', '.webp'];
const LONG_CACHE_STATUSES = new Set([200, 201, 202, 203, 204, 205, 206, 301, 308]);
const NO_CACHE_STATUSES = new Set([302, 303, 307]);
const CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; frame-src 'self'; object-src 'self';";

/** The Cache-Control value ComfyUI's cache middleware adds for this path and status, or null. */
export function cacheControlFor(path: string, status: number): string | null {
  const lastSegment = path.slice(path.lastIndexOf('/') + 1);
  if (!lastSegment.includes('.')) return null; // every rule is about a file extension (API routes have none)
  if (path.endsWith('.js') || path.endsWith('.css') || (lastSegment.startsWith('index') && lastSegment.endsWith('.json'))) {
    return 'no-cache';
  }
  const lower = path.toLowerCase();
  if (!IMAGE_EXTENSIONS.some((ext) => lower.endsWith(ext))) return null;
  if (status === 404) return 'public, max-age=3600';
  if (LONG_CACHE_STATUSES.has(status)) return 'public, max-age=86400';
  if (NO_CACHE_STATUSES.has(status)) return 'no-cache';
  return null;
}

async function responseHeaders(app: FastifyInstance, options: ResponseHeaderOptions): Promise<void> {
  app.addHook('onSend', (request, reply, payload, done) => {
    const url = request.raw.url ?? '/';
    const query = url.indexOf('?');
    const path = query >= 0 ? url.slice(0, query) : url;
    if (!reply.hasHeader('cache-control')) {
      const value = cacheControlFor(path, reply.statusCode);
      if (value !== null) reply.header('cache-control', value);
    }
    if (options.contentSecurityPolicy && reply.statusCode < 400) reply.header('content-security-policy', CSP);
    done(null, options.compress ? compress(request.headers['accept-encoding'], reply, payload) : payload);
  });
}

function compress(acceptEncoding: string | undefined, reply: import('fastify').FastifyReply, payload: unknown): unknown {
  // aiohttp tries its codings in order (deflate, then gzip) against the Accept-Encoding text.
  const coding = acceptEncoding?.includes('deflate') ? 'deflate' : acceptEncoding?.includes('gzip') ? 'gzip' : null;
  if (coding === null || reply.hasHeader('content-encoding')) return payload;
  const type = String(reply.getHeader('content-type') ?? '');
  if (!type.startsWith('application/json') && !type.startsWith('text/plain')) return payload;
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
  if (payload.length === 0) return payload;
  reply.header('content-encoding', coding);
  reply.removeHeader('content-length');
  return coding === 'deflate' ? deflateSync(payload) : gzipSync(payload);
}

export const responseHeaderHooks = fp(responseHeaders, { name: 'comfy-response-headers' });
