// Builds the HTTP + WebSocket server (no listening here; see src/cli/start.ts): the request gate, the routes
// registered twice (`/api/<path>` and `<path>`, api.md §1.3), the unmirrored /internal and blocking-API routes,
// the static web root last, and the bridge from engine events to WebSocket clients and the terminal.
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Engine } from '../engine/engine-api.ts';
import type { FolderPaths } from '../storage/folder-paths.ts';
import { useLenientJsonBodies } from './body.ts';
import { defaultServerOptions, uploadLimitBytes, type RouteContext, type ServerOptions } from './context.ts';
import { replyToErrors } from './errors.ts';
import { responseHeaderHooks } from './hooks/response-headers.ts';
import { security } from './hooks/security.ts';
import { pyFloat } from '../engine/raw-json.ts';
import { stringifyJson } from './json.ts';
import { LogBuffer } from './log-buffer.ts';
import { silentLogger, type Logger } from './logger.ts';
import { blockingApiRoutes } from './routes/blocking-api.ts';
import { fileRoutes } from './routes/files/index.ts';
import { internalRoutes } from './routes/internal.ts';
import { jobRoutes } from './routes/jobs.ts';
import { objectInfoRoutes } from './routes/object-info.ts';
import { promptRoutes } from './routes/prompt.ts';
import { queueRoutes } from './routes/queue.ts';
import { subgraphRoutes } from './routes/subgraphs.ts';
import { cpuDevice, systemRoutes, type DeviceStats } from './routes/system.ts';
import { indexRoute, resolveWebRoot, staticRoutes } from './routes/web-root.ts';
import { Terminal } from './terminal.ts';
import { ClientHub } from './ws/hub.ts';

export interface AppDeps {
  engine: Engine;
  paths: FolderPaths;
  options?: Partial<ServerOptions>;
  logger?: Logger;
  /** The terminal log served by /internal/logs (main captures stdout/stderr into it). */
  logs?: LogBuffer;
  /** Progress bars and `Prompt executed in …` lines; none when absent. */
  terminal?: Terminal;
  /** The compute device for /system_stats (CPU by default). */
  device?: () => DeviceStats;
  https?: { key: Buffer; cert: Buffer };
  websocket?: { heartbeatMs?: number; maxBufferedBytes?: number };
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const options = defaultServerOptions(deps.options);
  const logger = deps.logger ?? silentLogger;
  const logs = deps.logs ?? new LogBuffer();
  const { engine } = deps;
  const maxUploadBytes = uploadLimitBytes(options);
  const webRoot = resolveWebRoot(options.frontEndRoot);

  const app = Fastify({
    logger: false,
    bodyLimit: maxUploadBytes,
    forceCloseConnections: true,
    ...(deps.https ? { https: deps.https } : {}),
  }) as unknown as FastifyInstance;

  app.setReplySerializer((payload) => stringifyJson(payload));
  app.setNotFoundHandler((_request, reply) => reply.code(404).type('text/plain; charset=utf-8').send('404: Not Found'));
  replyToErrors(app, logger);

  await app.register(security, { corsOrigin: options.corsOrigin, maxUploadBytes, listenAddresses: options.listenAddresses, logger });
  await app.register(responseHeaderHooks, { compress: options.compressResponses, contentSecurityPolicy: options.disableApiNodes });
  // aiohttp's `{name}` matches one character or more, so `/history/` is a 404 there; find-my-way matches it with an
  // empty parameter. (A `*` tail may be empty in both.)
  app.addHook('onRequest', (request, reply, done) => {
    const params = request.params as Record<string, string>;
    for (const key in params) {
      if (key !== '*' && params[key] === '') return void reply.code(404).type('text/plain; charset=utf-8').send('404: Not Found');
    }
    done();
  });

  const featureFlags = () => ({
    supports_preview_metadata: true,
    max_upload_size: options.maxUploadSizeGiven ? pyFloat(maxUploadBytes) : maxUploadBytes,
    extension: { manager: { supports_v4: true } },
  });
  const hub = new ClientHub({
    logger,
    queueRemaining: () => engine.queueRemaining(),
    serverFeatureFlags: featureFlags,
    onDisconnect: (sid) => logs.unsubscribe(sid),
    ...deps.websocket,
  });
  logs.send = (sid, data) => hub.send('logs', data, sid);
  const terminal = deps.terminal;
  const unsubscribe = engine.subscribe({
    message: (m) => {
      hub.send(m.type, m.data, m.clientId);
      terminal?.onMessage(m);
    },
    binary: (f) => hub.sendBinary(f),
    finished: (info) => terminal?.promptFinished(info),
    hold: () => hub.hold(),
    release: () => hub.release(),
  });

  const ctx: RouteContext = { engine, paths: deps.paths, options, hub, logs, logger, maxUploadBytes, featureFlags };
  const device = deps.device ?? cpuDevice;

  // The WebSocket plugin lives in a scope of its own: its hooks (two per request) then run for /ws only. Upgrade
  // requests that do not end in an upgrade get their socket closed by the security gate.
  await app.register(async (scope) => {
    await scope.register(fastifyWebsocket, { options: { maxPayload: 4 * 1024 * 1024 } });
    for (const path of ['/api/ws', '/ws']) {
      scope.get(path, { websocket: true }, (socket, request) => {
        const requested = (request.query as { clientId?: unknown }).clientId;
        hub.connect(socket, request.raw.socket, Array.isArray(requested) ? requested[0] : requested, engine.currentlyExecuting());
      });
    }
  });
  const mirrored = async (scope: FastifyInstance) => {
    useLenientJsonBodies(scope);
    await scope.register(indexRoute, { webRoot });
    await scope.register(promptRoutes, ctx);
    await scope.register(queueRoutes, ctx);
    await scope.register(objectInfoRoutes, ctx);
    await scope.register(systemRoutes, { ...ctx, webRoot, device });
    await scope.register(jobRoutes, ctx);
    await scope.register(subgraphRoutes, ctx);
  };
  const fileOptions = { paths: deps.paths, multiUser: options.multiUser, maxUploadBytes };
  await app.register(mirrored, { prefix: '/api' });
  await app.register(fileRoutes, { ...fileOptions, prefix: '/api' });
  await app.register(mirrored);
  await app.register(fileRoutes, fileOptions);

  await app.register(async (scope) => {
    useLenientJsonBodies(scope);
    await scope.register(internalRoutes, ctx);
    await scope.register(blockingApiRoutes, ctx);
  });
  await app.register(staticRoutes, { webRoot, extensionWebDirs: options.extensionWebDirs });

  app.addHook('onClose', async () => {
    unsubscribe();
    hub.close();
  });
  return app;
}
