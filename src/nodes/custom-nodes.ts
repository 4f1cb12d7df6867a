// Custom node packages (ComfyUI's `custom_nodes/`): every folder with an `index.js` or `index.ts` whose module
// exports node definitions (`export default [defs]` or `export const nodes = [defs]`) is registered, with
// `python_module` = `custom_nodes.<folder>`. A package that fails to import or exports no valid definitions is
// logged and skipped; the others still load.
import { existsSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NodeDefinition } from './node-definition.ts';
import type { NodeRegistry } from './registry.ts';

const ENTRY_FILES = ['index.ts', 'index.js', 'index.mjs'];

/** Why a value is not a node definition, or null when it is one. */
function definitionProblem(d: unknown): string | null {
  if (typeof d !== 'object' || d === null) return 'not an object';
  const def = d as Partial<NodeDefinition>;
  if (typeof def.name !== 'string' || def.name === '') return 'no name';
  if (typeof def.execute !== 'function') return `${def.name}: no execute function`;
  if (typeof def.inputs !== 'object' || def.inputs === null) return `${def.name}: no inputs object`;
  if (!Array.isArray(def.outputs)) return `${def.name}: no outputs list`;
  return null;
}

function exportedDefinitions(mod: Record<string, unknown>): unknown[] | null {
  if (Array.isArray(mod.default)) return mod.default;
  if (Array.isArray(mod.nodes)) return mod.nodes;
  const inner = mod.default as Record<string, unknown> | undefined;
  if (inner && typeof inner === 'object' && Array.isArray(inner.nodes)) return inner.nodes;
  return null;
}

type PackageResult = 'loaded' | 'no-entry' | 'failed';

async function loadPackage(dir: string, folder: string, registry: NodeRegistry, log: (line: string) => void): Promise<PackageResult> {
  const entry = ENTRY_FILES.map((f) => join(dir, folder, f)).find((p) => existsSync(p));
  if (!entry) return 'no-entry';
  try {
    const mod = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
    const defs = exportedDefinitions(mod);
    if (!defs) throw new Error('it exports no node list (`export default [...]` or `export const nodes = [...]`)');
    const valid: NodeDefinition[] = [];
    for (const d of defs) {
      const problem = definitionProblem(d);
      if (problem) log(`Skipping a node of custom node package ${folder}: ${problem}`);
      else valid.push({ ...(d as NodeDefinition), pythonModule: `custom_nodes.${folder}` });
    }
    if (valid.length === 0) throw new Error('it has no valid node definition');
    registry.registerAll(valid);
    return 'loaded';
  } catch (err) {
    log(`Cannot import ${join(dir, folder)} module for custom nodes: ${err instanceof Error ? err.message : String(err)}`);
    return 'failed';
  }
}

function isFolder(dir: string, e: Dirent): boolean {
  if (e.isDirectory()) return true;
  if (!e.isSymbolicLink()) return false;
  try {
    return statSync(join(dir, e.name)).isDirectory();
  } catch {
    return false;
  }
}

/** Loads every custom node package under `dir` (folders in name order; hidden and `.disabled` ones skipped). */
export async function loadCustomNodes(
  dir: string,
  registry: NodeRegistry,
  log: (line: string) => void = (line) => console.warn(line),
  /** `--disable-all-custom-nodes` with `--whitelist-custom-nodes`: only these folders load. */
  onlyFolders?: readonly string[],
): Promise<{ loaded: string[]; failed: string[] }> {
  const loaded: string[] = [];
  const failed: string[] = [];
  if (!existsSync(dir)) return { loaded, failed };
  const folders = readdirSync(dir, { withFileTypes: true })
    .filter((e) => isFolder(dir, e) && !e.name.startsWith('.') && !e.name.endsWith('.disabled') && e.name !== '__pycache__')
    .map((e) => e.name)
    .sort();
  for (const folder of folders) {
    if (onlyFolders && !onlyFolders.includes(folder)) {
      log(`Skipping ${folder} due to disable_all_custom_nodes and whitelist_custom_nodes`);
      continue;
    }
    const result = await loadPackage(dir, folder, registry, log);
    if (result === 'loaded') loaded.push(folder);
    else if (result === 'failed') failed.push(folder);
  }
  return { loaded, failed };
}
