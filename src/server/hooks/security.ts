// The request gate (api.md §1.2, changes-0.8.0 §1.1), applied to every request including WebSocket upgrades:
// body size by Content-Length (413), then either CORS (--enable-cors-header) or the anti-CSRF origin check,
// plus two checks ComfyUI lacks: cross-site browser requests (Sec-Fetch-Site, `Origin: null`) and, when the server
// is bound to loopback only, a Host that is not a loopback name (DNS rebinding).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isIP } from 'node:net';
import { hostAndOriginDiffer, isLoopbackIp, isLoopbackName, parseHostHeader, parseOrigin, resolvesToLoopbackOnly, type HostParts } from './host-origin.ts';
import type { Logger } from '../logger.ts';

export interface SecurityOptions {
  /** `--enable-cors-header` value ('*' for the bare flag); null = origin check mode. */
  corsOrigin: string | null;
  maxUploadBytes: number;
  /** The addresses the server listens on; when all are loopback, foreign Host names are refused. */
  listenAddresses: readonly string[];
  logger: Logger;
}

const CORS_HEADERS = {
  'Access-Control-Allow-Methods': 'POST, GET, DELETE, PUT, OPTIONS, PATCH',
  'Access-Control-Allow-Headers': 'Content-Type, Authorization',
  'Access-Control-Allow-Credentials': 'true',
};

/** Node hands such a request to the server's 'upgrade' listeners (the WebSocket plugin), not to 'request'. */
function isUpgradeRequest(request: FastifyRequest): boolean {
  const { connection, upgrade } = request.headers;
  return upgrade !== undefined && connection !== undefined && /(^|,)\s*upgrade\s*(,|$)/i.test(connection);
}

export function isLoopbackBinding(addresses: readonly string[]): boolean {
  return addresses.length > 0 && addresses.every((a) => isLoopbackName(a.toLowerCase()) || isLoopbackIp(a));
}

async function securityHooks(app: FastifyInstance, options: SecurityOptions): Promise<void> {
  const guardHost = isLoopbackBinding(options.listenAddresses);
  const ownHosts = new Set(options.listenAddresses.map((a) => a.toLowerCase().replace(/^\[|\]$/g, '')));
  const { logger, corsOrigin } = options;

  // Host headers repeat (one per client): remember each one's parts and whether it is foreign.
  const hosts = new Map<string, { parts: HostParts; foreign: boolean }>();
  const hostInfo = (value: string) => {
    let info = hosts.get(value);
    if (!info) {
      const parts = parseHostHeader(value);
      const foreign = guardHost && parts.hostname !== null && !isLoopbackName(parts.hostname) && !ownHosts.has(parts.hostname);
      if (hosts.size >= 256) hosts.clear();
      hosts.set(value, (info = { parts, foreign }));
    }
    return info;
  };

  const forbid = (reply: FastifyReply, why: string, request: FastifyRequest): FastifyReply => {
    logger.warn(`WARNING: ${why} (${request.method} ${request.url}), returning 403`);
    return reply.code(403).header('content-type', 'text/plain; charset=utf-8').send('');
  };

  /** Everything but the DNS lookup, synchronously: the common request never allocates a promise here. */
  const gate = (request: FastifyRequest, reply: FastifyReply): FastifyReply | HostParts | null => {
    const headers = request.headers;
    const length = headers['content-length'];
    if (length !== undefined && Number(length) > options.maxUploadBytes) {
      return reply
        .code(413)
        .header('content-type', 'text/plain; charset=utf-8')
        .header('connection', 'close')
        .send(`Maximum request body size ${options.maxUploadBytes} exceeded, actual body size ${length}`);
    }

    const hostHeader = headers.host;
    const checked = hostHeader !== undefined ? hostInfo(hostHeader) : null;
    const host = checked?.parts ?? null;
    if (checked?.foreign) {
      return forbid(reply, `request for foreign host ${host!.hostname} on a loopback-only server (DNS rebinding?)`, request);
    }

    if (corsOrigin !== null) {
      reply.header('Access-Control-Allow-Origin', corsOrigin).headers(CORS_HEADERS);
      return request.method === 'OPTIONS' ? reply.code(200).send() : null;
    }

    if (headers['sec-fetch-site'] === 'cross-site') return forbid(reply, 'cross-site request', request);
    const originHeader = headers.origin;
    if (originHeader !== undefined && host?.hostname) {
      const origin = parseOrigin(originHeader);
      if (origin.hostname === null) return forbid(reply, `request with opaque origin ${JSON.stringify(originHeader)}`, request);
      if (hostAndOriginDiffer(host, origin)) {
        // ComfyUI enforces the match only when the Host is loopback; a name may need a lookup to tell.
        if (isIP(host.hostname) || isLoopbackName(host.hostname)) {
          if (isLoopbackName(host.hostname)) return forbid(reply, `request with non matching host and origin ${host.netloc} != ${origin.netloc}`, request);
        } else {
          return host;
        }
      }
    }
    return request.method === 'OPTIONS' ? reply.code(200).send() : null;
  };

  app.addHook('onRequest', (request, reply, done) => {
    // An upgrade request answered with a plain response (refused here, or not a WebSocket route) has no HTTP
    // parser left on its socket: close the socket once the response is out. A real upgrade never finishes.
    if (isUpgradeRequest(request)) {
      const socket = request.raw.socket;
      reply.raw.once('finish', () => socket.destroy());
    }
    const outcome = gate(request, reply);
    if (outcome === null) return done();
    if (outcome === reply) return; // answered
    const host = outcome as HostParts;
    resolvesToLoopbackOnly(host.hostname!).then((loopback) => {
      if (loopback) forbid(reply, `request with non matching host and origin ${host.netloc} != ${request.headers.origin}`, request);
      else if (request.method === 'OPTIONS') reply.code(200).send();
      else done();
    }, done);
  });
}

export const security = fp(securityHooks, { name: 'comfy-security' });
