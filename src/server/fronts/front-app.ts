// The HTTP app of a front process: POST /prompt gated, parsed and validated here as the main server would (the
// costly part of the busiest route), with only the enqueue left to the engine in the main process; every other
// request (WebSocket upgrades included) passed through to the main server over its local socket.
import { Agent, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import type { CheckedElsewhere, SubmitOutcome } from '../../engine/engine-api.ts';
import { recordedKeyOrder } from '../../python/dict-order.ts';
import { submitPrompt } from '../../engine/submit.ts';
import type { NodeServices } from '../../nodes/node-definition.ts';
import type { NodeRegistry } from '../../nodes/registry.ts';
import { useLenientJsonBodies } from '../body.ts';
import { uploadLimitBytes, type ServerOptions } from '../context.ts';
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
  const maxUploadBytes = uploadLimitBytes(options);
  const app = Fastify({ logger: false, bodyLimit: maxUploadBytes, forceCloseConnections: true }) as unknown as FastifyInstance;
  app.setReplySerializer((payload) => stringifyJson(payload));
  replyToErrors(app, logger);

  const submit = async (body: Record<string, unknown>): Promise<SubmitOutcome> => {
    const log: string[] = [];
    // The number is drawn by the engine when the prompt reaches it; until then the item carries a placeholder.
    const submitted = await submitPrompt({ registry: deps.registry, services: deps.services, nextNumber: () => 0, log: (line) => log.push(line) }, body);
    const { outcome, accepted, counter } = submitted;
    const keyOrder = accepted ? recordedKeyOrder(accepted.item[2]) : undefined;
    const number = await deps.enqueue({ counter, accepted }, keyOrder, log);
    return outcome.ok ? { ...outcome, number: number! } : outcome;
  };
  // The gate runs here for the route served here; the main server gates what is passed through.
  const promptRoute = async (scope: FastifyInstance) => {
    await scope.register(security, { corsOrigin: options.corsOrigin, maxUploadBytes, listenAddresses: options.listenAddresses, logger });
    useLenientJsonBodies(scope);
    await scope.register(responseHeaderHooks, { compress: options.compressResponses, contentSecurityPolicy: options.disableApiNodes });
    scope.post('/prompt', postPromptHandler(submit));
  };
  await app.register(promptRoute, { prefix: '/api' });
  await app.register(promptRoute);

  // Everything else is the main server's, passed through as it came (method, URL and headers as sent, the body
  // unread) and answered as the main server answered.
  const toMain = new Agent({ keepAlive: true });
  app.addHook('onClose', async () => toMain.destroy());
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.all('/*', (request, reply) => {
      reply.hijack();
      passThrough(deps.mainSocketPath, toMain, request.raw, reply.raw);
    });
  });
  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => pipeUpgrade(deps.mainSocketPath, request, socket, head));
  return app;
}

/**
 * One request to the main server and its answer back, byte for byte but for the connection headers: the answer
 * closes the client's connection, so that its next one is routed by its own first request instead of every
 * request after this one taking the detour.
 */
function passThrough(mainSocketPath: string, agent: Agent, request: IncomingMessage, response: ServerResponse): void {
  const upstream = httpRequest({ socketPath: mainSocketPath, agent, method: request.method, path: request.url, headers: withoutConnectionHeaders(request.rawHeaders) }, (answer) => {
    response.writeHead(answer.statusCode ?? 502, answer.statusMessage, [...withoutConnectionHeaders(answer.rawHeaders), 'Connection', 'close']);
    answer.pipe(response);
    answer.on('error', () => response.destroy());
  });
  upstream.on('error', () => {
    if (response.headersSent) return void response.destroy();
    response.writeHead(502, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('502: Bad Gateway');
  });
  request.pipe(upstream);
}

/** Raw header pairs less the hop-by-hop ones about the connection itself. */
function withoutConnectionHeaders(raw: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name !== 'connection' && name !== 'keep-alive') kept.push(raw[i]!, raw[i + 1]!);
  }
  return kept;
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
