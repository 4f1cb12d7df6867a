// The request gate (api.md §1.2, changes-0.8.0 §1.1), applied to every request including WebSocket upgrades:
// body size by Content-Length (413), then either CORS (--enable-cors-header) or the anti-CSRF origin check,
// plus two checks ComfyUI lacks: cross-site browser requests (Sec-Fetch-Site, `Origin: null`) and, when the server
// is bound to loopback only, a Host that is not a loopback name (DNS rebinding).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hostAndOriginDiffer, isLoopbackIp, isLoopbackName, parseHostHeader, parseOrigin, resolvesToLoopbackOnly } from './host-origin.ts';
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

export function isLoopbackBinding(addresses: readonly string[]): boolean {
  return addresses.length > 0 && addresses.every((a) => isLoopbackName(a.toLowerCase()) || isLoopbackIp(a));
}

async function securityHooks(app: FastifyInstance, options: SecurityOptions): Promise<void> {
  const guardHost = isLoopbackBinding(options.listenAddresses);
  const ownHosts = new Set(options.listenAddresses.map((a) => a.toLowerCase().replace(/^\[|\]$/g, '')));
  const { logger, corsOrigin } = options;

  const forbid = (reply: FastifyReply, why: string, request: FastifyRequest): FastifyReply => {
    logger.warn(`WARNING: ${why} (${request.method} ${request.url}), returning 403`);
    return reply.code(403).header('content-type', 'text/plain; charset=utf-8').send('');
  };

  app.addHook('onRequest', async (request, reply) => {
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
    if (guardHost && hostHeader !== undefined) {
      const host = parseHostHeader(hostHeader);
      if (host.hostname !== null && !isLoopbackName(host.hostname) && !ownHosts.has(host.hostname)) {
        return forbid(reply, `request for foreign host ${host.hostname} on a loopback-only server (DNS rebinding?)`, request);
      }
    }

    if (corsOrigin !== null) {
      reply.header('Access-Control-Allow-Origin', corsOrigin).headers(CORS_HEADERS);
      if (request.method === 'OPTIONS') return reply.code(200).send();
      return;
    }

    const originHeader = headers.origin;
    if (headers['sec-fetch-site'] === 'cross-site') return forbid(reply, 'cross-site request', request);
    if (originHeader !== undefined && hostHeader !== undefined) {
      const origin = parseOrigin(originHeader);
      if (origin.hostname === null) return forbid(reply, `request with opaque origin ${JSON.stringify(originHeader)}`, request);
      const host = parseHostHeader(hostHeader);
      if (host.hostname !== null && hostAndOriginDiffer(host, origin) && (await resolvesToLoopbackOnly(host.hostname))) {
        return forbid(reply, `request with non matching host and origin ${host.netloc} != ${origin.netloc}`, request);
      }
    }
    if (request.method === 'OPTIONS') return reply.code(200).send();
  });
}

export const security = fp(securityHooks, { name: 'comfy-security' });
