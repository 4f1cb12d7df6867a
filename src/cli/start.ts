// Start-up as ComfyUI's main.py does it: folders, node registry (+ custom nodes), engine, server, listening on
// every --listen address, and the start-up lines ending in "To see the GUI go to: …".
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../engine/engine-api.ts';
import { createEngine } from '../engine/engine.ts';
import { builtinNodes } from '../nodes/builtin.ts';
import { loadCustomNodes } from '../nodes/custom-nodes.ts';
import type { NodeServices } from '../nodes/node-definition.ts';
import { NodeRegistry } from '../nodes/registry.ts';
import { buildApp } from '../server/app.ts';
import { LogBuffer } from '../server/log-buffer.ts';
import { createLogger, type Logger } from '../server/logger.ts';
import { cpuDevice, onnxRuntimeVersion, type DeviceStats } from '../server/routes/system.ts';
import { activeProvider } from '../inference/onnx/session.ts';
import { resolveWebRoot } from '../server/routes/web-root.ts';
import { Terminal } from '../server/terminal.ts';
import { COMFYUI_VERSION, COMFY_TS_VERSION } from '../server/version.ts';
import { cleanupTemp, createFolderPaths, type FolderPaths } from '../storage/folder-paths.ts';
import type { CliArgs } from './args.ts';

export const DEFAULT_BASE_DIR = fileURLToPath(new URL('../../', import.meta.url));

export interface StartOptions {
  logger?: Logger;
  /** Mirror stdout/stderr into /internal/logs (main does; tests don't). */
  captureOutput?: boolean;
  /** Progress bars and per-prompt timing lines (default: on, to stderr or stdout with --log-stdout). */
  terminal?: Terminal | null;
  /** The command line /system_stats reports. */
  argv?: string[];
  /** WebSocket tuning (tests). */
  websocket?: { heartbeatMs?: number; maxBufferedBytes?: number };
}

export interface RunningServer {
  app: FastifyInstance;
  engine: Engine;
  paths: FolderPaths;
  /** The terminal log behind /internal/logs. */
  logs: LogBuffer;
  port: number;
  /** `http://127.0.0.1:8188`-style URLs, one per listen address. */
  urls: string[];
  close(): Promise<void>;
}

/** /system_stats' device: the execution provider ONNX Runtime settled on (CPU until a network has loaded). */
function computeDevice(): DeviceStats {
  const provider = activeProvider() ?? 'cpu';
  return provider === 'cpu' ? cpuDevice() : { ...cpuDevice(), name: `${provider}:0`, type: provider, index: 0 };
}

const isDirectory = (path: string) => existsSync(path) && statSync(path).isDirectory();

async function loadAllCustomNodes(args: CliArgs, paths: FolderPaths, registry: NodeRegistry, logger: Logger) {
  const customNodesDirs = paths.modelFolderPaths('custom_nodes');
  const extensionWebDirs: Record<string, string> = {};
  if (args.disableAllCustomNodes && args.whitelistCustomNodes.length === 0) {
    logger.info('Skipping loading of custom nodes');
    return { customNodesDirs, extensionWebDirs };
  }
  const onlyFolders = args.disableAllCustomNodes ? args.whitelistCustomNodes : undefined;
  const times: string[] = [];
  for (const dir of customNodesDirs.filter(isDirectory)) {
    const started = performance.now();
    const { loaded, failed } = await loadCustomNodes(dir, registry, undefined, onlyFolders);
    const seconds = ((performance.now() - started) / 1000 / Math.max(1, loaded.length + failed.length)).toFixed(1);
    for (const name of loaded) {
      times.push(`   ${seconds} seconds: ${join(dir, name)}`);
      const web = join(dir, name, 'web');
      if (isDirectory(web)) extensionWebDirs[name] = web;
    }
    for (const name of failed) times.push(`   ${seconds} seconds (IMPORT FAILED): ${join(dir, name)}`);
  }
  if (times.length > 0) logger.info(`\nImport times for custom nodes:\n${times.join('\n')}\n`);
  return { customNodesDirs, extensionWebDirs };
}

/** Extra servers for the 2nd… --listen addresses, feeding the same fastify instance. */
async function listenExtra(app: FastifyInstance, address: string, port: number, ipv6Only: boolean, tls: { key: Buffer; cert: Buffer } | null): Promise<Server> {
  const server = tls ? createHttpsServer(tls) : createHttpServer();
  server.on('request', (req, res) => app.server.emit('request', req, res));
  server.on('upgrade', (req, socket, head) => app.server.emit('upgrade', req, socket, head));
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen({ host: address, port, ipv6Only }, () => ok());
  });
  return server;
}

export async function startServer(args: CliArgs, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: args.verbose, logStdout: args.logStdout });
  const logs = new LogBuffer();
  if (options.captureOutput) logs.captureProcessOutput();
  for (const note of args.notes) logger.info(`Note: ${note}`);

  const baseDir = resolve(args.baseDirectory ?? DEFAULT_BASE_DIR);
  const paths = createFolderPaths({
    baseDir,
    outputDir: args.outputDirectory ?? undefined,
    inputDir: args.inputDirectory ?? undefined,
    tempDir: args.tempDirectory ?? undefined,
    userDir: args.userDirectory ?? undefined,
    installExtraModelPaths: join(DEFAULT_BASE_DIR, 'extra_model_paths.yaml'),
    extraModelPathsConfig: args.extraModelPathsConfig,
    warn: (m) => logger.warn(m),
  });
  cleanupTemp(paths); // as ComfyUI's main.py: the temp folder starts empty, and goes at exit
  // ComfyUI's Load3D builds its schema while the nodes load, which creates input/3d (folder lists then show it).
  mkdirSync(join(paths.inputDir, '3d'), { recursive: true });
  const services: NodeServices = {
    paths,
    options: { disableMetadata: args.disableMetadata, previewMethod: args.previewMethod, previewSize: args.previewSize, cpu: args.cpu },
    shared: new Map(),
  };
  // The registry sees the services so that /object_info lists the current model and input files.
  const registry = new NodeRegistry(services);
  registry.registerAll(builtinNodes());
  const { customNodesDirs, extensionWebDirs } = await loadAllCustomNodes(args, paths, registry, logger);
  // /free and out-of-memory errors: every long-lived object the inference modules keep that can unload
  // (the `inference` store) releases its networks; they load again on next use.
  const unloadModels = () => {
    for (const value of services.shared.values()) {
      const unload = (value as { unload?: () => unknown } | null)?.unload;
      if (typeof unload !== 'function') continue;
      Promise.resolve()
        .then(() => unload.call(value))
        .catch((err: unknown) => logger.warn(`Unloading models failed: ${(err as Error)?.message ?? String(err)}`));
    }
  };
  const engineLog = (line: string, err?: unknown) =>
    err === undefined ? logger.info(line) : logger.error(`${line}\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  const engine = createEngine({ registry, services, cache: args.cache, unloadModels, log: engineLog });

  const tls = args.tls ? { key: readFileSync(args.tls.keyfile), cert: readFileSync(args.tls.certfile) } : null;
  const terminalStream = args.logStdout ? process.stdout : process.stderr;
  const terminal =
    options.terminal === undefined ? new Terminal({ write: (t) => terminalStream.write(t), tty: Boolean(terminalStream.isTTY) }) : options.terminal;
  const app = await buildApp({
    engine,
    paths,
    logger,
    logs,
    terminal: terminal ?? undefined,
    https: tls ?? undefined,
    websocket: options.websocket,
    device: computeDevice,
    options: {
      listenAddresses: args.listen,
      corsOrigin: args.corsOrigin,
      maxUploadSizeMb: args.maxUploadSizeMb,
      maxUploadSizeGiven: args.maxUploadSizeGiven,
      multiUser: args.multiUser,
      frontEndRoot: args.frontEndRoot,
      compressResponses: args.compressResponses,
      disableApiNodes: args.disableApiNodes,
      maxQueueSize: args.maxQueueSize,
      argv: options.argv ?? process.argv.slice(1),
      cpu: args.cpu,
      extensionWebDirs,
      customNodesDirs,
    },
  });

  logger.info(`Total RAM ${Math.round(totalmem() / 1024 / 1024)} MB`);
  logger.info(`Device: ${args.cpu ? 'cpu (--cpu)' : 'cpu'}`);
  logger.info(`Node.js version: ${process.version}`);
  logger.info(`ONNX Runtime version: ${onnxRuntimeVersion() ?? 'not installed'}`);
  logger.info(`comfy-ts version: ${COMFY_TS_VERSION} (ComfyUI ${COMFYUI_VERSION} API)`);
  logger.info(`Base directory: ${baseDir}`);
  logger.info(`[Prompt Server] web root: ${resolveWebRoot(args.frontEndRoot) ?? '(none: built-in page)'}`);

  const extra: Server[] = [];
  const [first, ...rest] = args.listen;
  // IPv6 addresses bind IPv6 only, as asyncio's create_server does for ComfyUI (`--listen ::` leaves IPv4 alone).
  const ipv6Only = (address: string) => address.includes(':');
  try {
    await app.listen({ host: first!, port: args.port, ipv6Only: ipv6Only(first!) });
    const port = (app.server.address() as { port: number }).port;
    for (const address of rest) extra.push(await listenExtra(app, address, port, ipv6Only(address), tls));
  } catch (err) {
    await Promise.all(extra.map((s) => new Promise((ok) => s.close(ok))));
    await app.close();
    await engine.close();
    logs.close();
    throw err;
  }
  const port = (app.server.address() as { port: number }).port;
  const scheme = tls ? 'https' : 'http';
  const urls = args.listen.map((a) => `${scheme}://${a.includes(':') ? `[${a}]` : a}:${port}`);
  if (!args.dontPrintServer) {
    logger.info('Starting server\n');
    for (const url of urls) logger.info(`To see the GUI go to: ${url}`);
  }

  let closed: Promise<void> | null = null;
  const close = () =>
    (closed ??= (async () => {
      for (const s of extra) {
        s.closeAllConnections();
        await new Promise((ok) => s.close(ok));
      }
      await app.close();
      await engine.close();
      cleanupTemp(paths, { recreate: false });
      logs.close();
    })());
  return { app, engine, paths, logs, port, urls, close };
}
