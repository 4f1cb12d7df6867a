// What route plugins share: the engine, the folders, the options the server was started with, the WebSocket hub
// and the log buffer. Built once by buildApp.
import type { Engine } from '../engine/engine-api.ts';
import type { FolderPaths } from '../storage/folder-paths.ts';
import type { LogBuffer } from './log-buffer.ts';
import type { Logger } from './logger.ts';
import type { ClientHub } from './ws/hub.ts';

export interface ServerOptions {
  /** Addresses the server listens on (the DNS-rebinding guard is on when they are all loopback). */
  listenAddresses: string[];
  /** `--enable-cors-header` ('*' for the bare flag), null when off. */
  corsOrigin: string | null;
  /** `--max-upload-size` in MB, and whether it was given on the command line (then /features reports a float). */
  maxUploadSizeMb: number;
  maxUploadSizeGiven: boolean;
  multiUser: boolean;
  /** `--front-end-root`; null = web/dist if it exists, else the built-in placeholder page. */
  frontEndRoot: string | null;
  compressResponses: boolean;
  disableApiNodes: boolean;
  /** POST /api/v1/prompts answers 429 beyond this many queued prompts. */
  maxQueueSize: number;
  /** The command line reported by /system_stats. */
  argv: string[];
  /** `--cpu`: /system_stats reports the CPU device. */
  cpu: boolean;
  /** Custom node folders with a web directory: folder name → absolute path of the directory served at /extensions/<name>/. */
  extensionWebDirs: Record<string, string>;
  /** Every custom_nodes search path (for /global_subgraphs). */
  customNodesDirs: string[];
}

export function defaultServerOptions(overrides: Partial<ServerOptions> = {}): ServerOptions {
  return {
    listenAddresses: ['127.0.0.1'],
    corsOrigin: null,
    maxUploadSizeMb: 100,
    maxUploadSizeGiven: false,
    multiUser: false,
    frontEndRoot: null,
    compressResponses: false,
    disableApiNodes: false,
    maxQueueSize: 65536,
    argv: process.argv.slice(1),
    cpu: false,
    extensionWebDirs: {},
    customNodesDirs: [],
    ...overrides,
  };
}

/** `--max-upload-size` in bytes, as the body limit and the 413 gate take it. */
export function uploadLimitBytes(options: ServerOptions): number {
  return Math.round(options.maxUploadSizeMb * 1024 * 1024);
}

export interface RouteContext {
  engine: Engine;
  paths: FolderPaths;
  options: ServerOptions;
  hub: ClientHub;
  logs: LogBuffer;
  logger: Logger;
  maxUploadBytes: number;
  /** GET /features and the WebSocket `feature_flags` reply. */
  featureFlags(): Record<string, unknown>;
}
