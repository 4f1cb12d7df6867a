// Start-up as ComfyUI's main.py does it: folders, node registry (+ custom nodes), engine, server, listening on
// every --listen address, and the start-up lines ending in "To see the GUI go to: …".
import { mkdirSync, readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../engine/engine-api.ts';
import { createEngine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import type { ServerOptions } from '../server/context.ts';
import { LogBuffer } from '../server/log-buffer.ts';
import { createLogger, type Logger } from '../server/logger.ts';
import { cpuDevice, onnxRuntimeVersion, type DeviceStats } from '../server/routes/system.ts';
import { activeProvider } from '../inference/onnx/session.ts';
import { resolveWebRoot } from '../server/routes/web-root.ts';
import { Terminal } from '../server/terminal.ts';
import { COMFYUI_VERSION, COMFY_TS_VERSION } from '../server/version.ts';
import { cleanupTemp, type FolderPaths } from '../storage/folder-paths.ts';
import type { CliArgs } from './args.ts';
import { FrontPool } from './front-pool.ts';
import { listenDirect, listenWithFronts, type Listening } from './listen.ts';
import { loadNodes, type LoadedNodes } from './load-nodes.ts';

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
  /** The HTTP front processes (--http-processes), when there are any. */
  fronts?: FrontPool;
  close(): Promise<void>;
}

/** /system_stats' device: the execution provider ONNX Runtime settled on (CPU until a network has loaded). */
function computeDevice(): DeviceStats {
  const provider = activeProvider() ?? 'cpu';
  return provider === 'cpu' ? cpuDevice() : { ...cpuDevice(), name: `${provider}:0`, type: provider, index: 0 };
}

const FRONTS_START_WAIT_MS = 60_000;

function settledWithin(fronts: FrontPool, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([fronts.settled().then(() => true), timeout]).finally(() => clearTimeout(timer));
}

/** The front pool, or none (and a warning) where it cannot be set up, e.g. without a writable temp folder. */
function startFronts(args: CliArgs, logger: Logger): FrontPool | null {
  try {
    return new FrontPool({ count: args.httpProcesses, args, logger });
  } catch (err) {
    logger.warn(`No HTTP front processes: ${(err as Error)?.message ?? String(err)}`);
    return null;
  }
}

/** What the HTTP surface needs to know of the command line (the main server's and the fronts' alike). */
export function serverOptions(args: CliArgs, nodes: Pick<LoadedNodes, 'extensionWebDirs' | 'customNodesDirs'>, argv: string[]): ServerOptions {
  return {
    listenAddresses: args.listen,
    corsOrigin: args.corsOrigin,
    maxUploadSizeMb: args.maxUploadSizeMb,
    maxUploadSizeGiven: args.maxUploadSizeGiven,
    multiUser: args.multiUser,
    frontEndRoot: args.frontEndRoot,
    compressResponses: args.compressResponses,
    disableApiNodes: args.disableApiNodes,
    maxQueueSize: args.maxQueueSize,
    argv,
    cpu: args.cpu,
    extensionWebDirs: nodes.extensionWebDirs,
    customNodesDirs: nodes.customNodesDirs,
  };
}

export async function startServer(args: CliArgs, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: args.verbose, logStdout: args.logStdout });
  const logs = new LogBuffer();
  if (options.captureOutput) logs.captureProcessOutput();
  for (const note of args.notes) logger.info(`Note: ${note}`);

  // HTTP front processes start first: they load the nodes while this process does.
  const fronts = args.httpProcesses > 0 && !args.tls ? startFronts(args, logger) : null;
  const loaded = await loadNodes(args, logger).catch(async (err: unknown) => {
    await fronts?.close();
    throw err;
  });
  const { baseDir, paths, services, registry, customNodesDirs, extensionWebDirs } = loaded;
  cleanupTemp(paths); // as ComfyUI's main.py: the temp folder starts empty, and goes at exit
  // ComfyUI's Load3D builds its schema while the nodes load, which creates input/3d (folder lists then show it).
  mkdirSync(join(paths.inputDir, '3d'), { recursive: true });
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
    options: serverOptions(args, { extensionWebDirs, customNodesDirs }, options.argv ?? process.argv.slice(1)),
  });

  logger.info(`Total RAM ${Math.round(totalmem() / 1024 / 1024)} MB`);
  logger.info(`Device: ${args.cpu ? 'cpu (--cpu)' : 'cpu'}`);
  logger.info(`Node.js version: ${process.version}`);
  logger.info(`ONNX Runtime version: ${onnxRuntimeVersion() ?? 'not installed'}`);
  logger.info(`comfy-ts version: ${COMFY_TS_VERSION} (ComfyUI ${COMFYUI_VERSION} API)`);
  logger.info(`Base directory: ${baseDir}`);
  logger.info(`[Prompt Server] web root: ${resolveWebRoot(args.frontEndRoot) ?? '(none: built-in page)'}`);

  let listening: Listening;
  try {
    fronts?.enqueueInto({ engine, engineLog });
    listening = fronts ? await listenWithFronts(app, args, fronts) : await listenDirect(app, args, tls);
    // The address goes out once the fronts take their share (or failed to start, and this process serves it); a
    // front still loading after a minute (a custom node that hangs) joins when it is up.
    if (fronts && !(await settledWithin(fronts, FRONTS_START_WAIT_MS))) logger.warn('HTTP front processes still starting; serving without them meanwhile');
  } catch (err) {
    await app.close();
    await engine.close();
    logs.close();
    throw err;
  }
  const { port } = listening;
  const scheme = tls ? 'https' : 'http';
  const urls = args.listen.map((a) => `${scheme}://${a.includes(':') ? `[${a}]` : a}:${port}`);
  if (!args.dontPrintServer) {
    logger.info('Starting server\n');
    for (const url of urls) logger.info(`To see the GUI go to: ${url}`);
  }

  let closed: Promise<void> | null = null;
  const close = () =>
    (closed ??= (async () => {
      await listening.close();
      await app.close();
      await engine.close();
      cleanupTemp(paths, { recreate: false });
      logs.close();
    })());
  return { app, engine, paths, logs, port, urls, fronts: listening.fronts, close };
}
