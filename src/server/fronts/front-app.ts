// The HTTP app of a front process: the same request gate as the main server, POST /prompt parsed and validated
// here (the costly part of the busiest route) with only the enqueue left to the engine in the main process, and
// every other request (WebSocket upgrades included) passed through to the main server over its local socket.
import { connect } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { escape as escapeQuery } from 'node:querystring';
import replyFrom from '@fastify/reply-from';
import Fastify, { type FastifyInstance } from 'fastify';
import type { CheckedElsewhere, SubmitOutcome } from '../../engine/engine-api.ts';
import { recordedKeyOrder } from '../../engine/prompt-order.ts';
import { submitPrompt } from '../../engine/submit.ts';
import type { NodeServices } from '../../nodes/node-definition.ts';
import type { NodeRegistry } from '../../nodes/registry.ts';
import { useLenientJsonBodies } from '../body.ts';
import type { ServerOptions } from '../context.ts';
import { replyToErrors } from '../errors.ts';
import { responseHeaderHooks } from '../hooks/response-headers.ts';
import { security } from '../hooks/security.ts';
import { stringifyJson } from '../json.ts';
import type { Logger } from '../logger.ts';
import { postPromptHandler } from '../routes/prompt.ts';

export interface FrontAppDeps {
  registry: NodeRegistry;
  services: NodeServices;
  options: ServerOptions;
  logger: Logger;
  /** The main server's local socket. */
  mainSocketPath: string;
  /**
   * Hands a checked POST /prompt to the engine: resolves with its queue number once it is queued (or, rejected,
   * once its lines are logged), so the client's answer never comes before the queue shows the prompt.
   */
  enqueue(checked: CheckedElsewhere, keyOrder: readonly string[] | undefined, log: string[]): Promise<number | undefined>;
}

export async function buildFrontApp(deps: FrontAppDeps): Promise<FastifyInstance> {
  const { options, logger } = deps;
  const maxUploadBytes = Math.round(options.maxUploadSizeMb * 1024 * 1024);
  const app = Fastify({ logger: false, bodyLimit: maxUploadBytes, forceCloseConnections: true }) as unknown as FastifyInstance;
  app.setReplySerializer((payload) => stringifyJson(payload));
  replyToErrors(app, logger);
  await app.register(security, { corsOrigin: options.corsOrigin, maxUploadBytes, listenAddresses: options.listenAddresses, logger });

  const submit = async (body: Record<string, unknown>): Promise<SubmitOutcome> => {
    const log: string[] = [];
    // The number is drawn by the engine when the prompt reaches it; until then the item carries a placeholder.
    const submitted = await submitPrompt({ registry: deps.registry, services: deps.services, nextNumber: () => 0, log: (line) => log.push(line) }, body);
    const { outcome, accepted, counter } = submitted;
    const keyOrder = accepted ? recordedKeyOrder(accepted.item[2]) : undefined;
    const number = await deps.enqueue({ counter, accepted }, keyOrder, log);
    return outcome.ok ? { ...outcome, number: number! } : outcome;
  };
  const promptRoute = async (scope: FastifyInstance) => {
    useLenientJsonBodies(scope);
    await scope.register(responseHeaderHooks, { compress: options.compressResponses, contentSecurityPolicy: options.disableApiNodes });
    scope.post('/prompt', postPromptHandler(submit));
  };
  await app.register(promptRoute, { prefix: '/api' });
  await app.register(promptRoute);

  // Everything else is the main server's: bodies stream through unread, answers come back as the main server wrote
  // them (the Host header kept, for its own gate).
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    await scope.register(replyFrom, {
      base: `unix+http://${escapeQuery(deps.mainSocketPath)}/`,
      // The blocking API answers when its prompt is done, which may take as long as a generation takes.
      undici: { headersTimeout: 0, bodyTimeout: 0 },
    });
    scope.all('/*', (request, reply) =>
      reply.from(request.url, {
        rewriteRequestHeaders: (original, headers) => {
          const { host, ...rest } = headers;
          return original.headers.host === undefined ? rest : { ...rest, host: original.headers.host };
        },
      }),
    );
  });
  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => pipeUpgrade(deps.mainSocketPath, request, socket, head));
  return app;
}

/** A WebSocket upgrade goes to the main server as it came, and the two sockets are joined from then on. */
function pipeUpgrade(mainSocketPath: string, request: IncomingMessage, socket: Duplex, head: Buffer): void {
  const upstream = connect(mainSocketPath);
  const lines = [`${request.method} ${request.url} HTTP/${request.httpVersion}`];
  for (let i = 0; i < request.rawHeaders.length; i += 2) lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
  upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
  if (head.length > 0) upstream.write(head);
  const close = () => {
    socket.destroy();
    upstream.destroy();
  };
  upstream.on('error', close).on('close', close);
  socket.on('error', close).on('close', close);
  upstream.pipe(socket);
  socket.pipe(upstream);
}
