// What both the main process and an HTTP front process build from the command line before serving: the folders,
// the node services, and the registry with the built-in nodes and every custom node folder.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinNodes } from '../nodes/builtin.ts';
import { loadCustomNodes } from '../nodes/custom-nodes.ts';
import type { NodeServices } from '../nodes/node-definition.ts';
import { NodeRegistry } from '../nodes/registry.ts';
import type { Logger } from '../server/logger.ts';
import { createFolderPaths, type FolderPaths } from '../storage/folder-paths.ts';
import type { CliArgs } from './args.ts';

export const DEFAULT_BASE_DIR = fileURLToPath(new URL('../../', import.meta.url));

export interface LoadedNodes {
  baseDir: string;
  paths: FolderPaths;
  services: NodeServices;
  registry: NodeRegistry;
  /** Every custom_nodes search path (for /global_subgraphs). */
  customNodesDirs: string[];
  /** Custom node folder name → its `web` directory. */
  extensionWebDirs: Record<string, string>;
}

export async function loadNodes(args: CliArgs, logger: Logger): Promise<LoadedNodes> {
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
  const services: NodeServices = {
    paths,
    options: { disableMetadata: args.disableMetadata, previewMethod: args.previewMethod, previewSize: args.previewSize, cpu: args.cpu },
    shared: new Map(),
  };
  // The registry sees the services so that /object_info lists the current model and input files.
  const registry = new NodeRegistry(services);
  registry.registerAll(builtinNodes());
  const { customNodesDirs, extensionWebDirs } = await loadAllCustomNodes(args, paths, registry, logger);
  return { baseDir, paths, services, registry, customNodesDirs, extensionWebDirs };
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
