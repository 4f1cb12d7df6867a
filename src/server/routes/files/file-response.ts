// A file sent as aiohttp's FileResponse sends it: Content-Length, Last-Modified, ETag, conditional 304s and
// single byte ranges (206/416), HEAD included. Content types that a browser would run are sent as downloads.
import { createReadStream, type Stats } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { guessContentType } from '../../../storage/mime-types.ts';

/** Types ComfyUI refuses to serve inline (api.md §3.15): they would run in the server's origin. */
const FORCED_DOWNLOAD_TYPES = new Set(['text/html', 'text/html-sandboxed', 'application/xhtml+xml', 'text/javascript', 'text/css']);

export function safeContentType(fileName: string): string {
  const guessed = guessContentType(fileName) ?? 'application/octet-stream';
  return FORCED_DOWNLOAD_TYPES.has(guessed) ? 'application/octet-stream' : guessed;
}

export interface SendFileOptions {
  contentType: string;
  headers?: Record<string, string>;
}

export function sendFile(request: FastifyRequest, reply: FastifyReply, file: string, stat: Stats, options: SendFileOptions): FastifyReply {
  const etag = `"${BigInt(Math.round(stat.mtimeMs * 1e6)).toString(16)}-${stat.size.toString(16)}"`;
  const lastModified = new Date(Math.floor(stat.mtimeMs / 1000) * 1000);
  reply.header('Content-Type', options.contentType);
  for (const [k, v] of Object.entries(options.headers ?? {})) reply.header(k, v);
  reply.header('ETag', etag).header('Last-Modified', lastModified.toUTCString()).header('Accept-Ranges', 'bytes');
  reply.header('X-Content-Type-Options', 'nosniff');

  if (notModified(request, etag, lastModified)) return reply.code(304).send();

  const range = parseRange(request.headers.range, stat.size);
  if (range === 'unsatisfiable') {
    return reply.code(416).header('Content-Range', `bytes */${stat.size}`).send();
  }
  const [start, end] = range ?? [0, stat.size - 1];
  const length = stat.size === 0 ? 0 : end - start + 1;
  if (range) reply.code(206).header('Content-Range', `bytes ${start}-${end}/${stat.size}`);
  reply.header('Content-Length', String(length));
  if (length === 0) return reply.send(''); // fastify's HEAD routes drop a stream body themselves
  return reply.send(createReadStream(file, { start, end }));
}

function notModified(request: FastifyRequest, etag: string, lastModified: Date): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (typeof ifNoneMatch === 'string') {
    return ifNoneMatch.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === etag);
  }
  const ifModifiedSince = request.headers['if-modified-since'];
  if (typeof ifModifiedSince === 'string') {
    const since = Date.parse(ifModifiedSince);
    return !Number.isNaN(since) && lastModified.getTime() <= since;
  }
  return false;
}

/** One `bytes=a-b` / `bytes=a-` / `bytes=-n` range; null for none or for a form we serve whole (multi-range). */
function parseRange(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | null {
  if (typeof header !== 'string') return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return [start, end];
}
