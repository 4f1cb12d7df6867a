// Custom node helpers (api.md §3.19, §1.4): GET /workflow_templates, GET /i18n, and under `/api` the static
// example workflows of each custom node package.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { compareCodePoints } from '../../../storage/file-listing.ts';
import type { FolderPaths } from '../../../storage/folder-paths.ts';
import type { FileRoutesOptions } from './options.ts';
import { sendFile, safeContentType } from './file-response.ts';
import { sendEmpty } from './http-helpers.ts';

const EXAMPLE_FOLDERS = ['example_workflows', 'example', 'examples', 'workflow', 'workflows'];
const EXTRA_LOCALE_FILES = ['nodeDefs', 'commands', 'settings'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const customNodeRoutes: FastifyPluginAsync<FileRoutesOptions & { underApi: boolean }> = async (app, { paths, underApi }) => {
  app.get('/workflow_templates', async () => workflowTemplates(paths));
  app.get('/i18n', async () => cachedTranslations(paths));

  if (underApi) {
    app.get<{ Params: { module: string; '*': string } }>('/workflow_templates/:module/*', async (request, reply) => {
      for (const folder of exampleFolders(paths, request.params.module)) {
        const file = paths.resolveInside(folder, request.params['*']);
        const st = file === null ? null : await stat(file).catch(() => null);
        if (file !== null && st?.isFile()) return sendFile(request, reply, file, st, { contentType: safeContentType(file) });
      }
      return sendEmpty(reply, 404);
    });
  }
};

/** Built once per server, as ComfyUI's `@lru_cache` on build_translations: locale files read at the first request. */
const translationCache = new WeakMap<FolderPaths, Json>();
function cachedTranslations(paths: FolderPaths): Json {
  let cached = translationCache.get(paths);
  if (cached === undefined) translationCache.set(paths, (cached = translations(paths)));
  return cached;
}

/** Package folders (not hidden) of every `custom_nodes` search path, sorted per path. */
function packages(paths: FolderPaths): string[] {
  return paths.modelFolderPaths('custom_nodes').flatMap((root) => {
    try {
      return readdirSync(root)
        .filter((n) => !n.startsWith('.') && isDirectory(path.join(root, n)))
        .sort(compareCodePoints)
        .map((n) => path.join(root, n));
    } catch {
      return [];
    }
  });
}

function exampleFolders(paths: FolderPaths, module: string): string[] {
  if (!module || module.startsWith('.') || module.includes('/') || module.includes('\0')) return [];
  return packages(paths)
    .filter((p) => path.basename(p) === module)
    .flatMap((p) => EXAMPLE_FOLDERS.map((f) => path.join(p, f)))
    .filter(isDirectory);
}

/** `{package folder name: [workflow names without .json]}`, packages without examples omitted. */
function workflowTemplates(paths: FolderPaths): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const folder of EXAMPLE_FOLDERS) {
    for (const pkg of packages(paths)) {
      const dir = path.join(pkg, folder);
      let names: string[];
      try {
        names = readdirSync(dir).sort(compareCodePoints);
      } catch {
        continue;
      }
      for (const name of names) {
        if (name.startsWith('.') || !name.endsWith('.json')) continue;
        (result[path.basename(pkg)] ??= []).push(name.slice(0, -'.json'.length));
      }
    }
  }
  return result;
}

/** `{lang: {...main.json, nodeDefs, commands, settings}}` merged over packages in sorted order. */
function translations(paths: FolderPaths): Record<string, Json> {
  const result: Record<string, Json> = {};
  for (const pkg of packages(paths)) {
    const locales = path.join(pkg, 'locales');
    if (!existsSync(locales)) continue;
    let langs: string[];
    try {
      langs = readdirSync(locales).filter((n) => !n.startsWith('.') && isDirectory(path.join(locales, n)));
    } catch {
      continue;
    }
    for (const lang of langs.sort(compareCodePoints)) {
      const dir = path.join(locales, lang);
      const entry = loadJsonObject(path.join(dir, 'main.json'));
      for (const key of EXTRA_LOCALE_FILES) {
        const data = loadJsonObject(path.join(dir, `${key}.json`));
        if (Object.keys(data).length > 0) entry[key] = data;
      }
      const current = (result[lang] ?? {}) as { [key: string]: Json };
      result[lang] = Object.keys(entry).length > 0 ? mergeJson(current, entry) : current;
    }
  }
  return result;
}

/** Objects merged deeply, lists concatenated, anything else overwritten. */
function mergeJson(base: Json, update: Json): Json {
  if (isObject(base) && isObject(update)) {
    const out: { [key: string]: Json } = { ...base };
    for (const [k, v] of Object.entries(update)) out[k] = Object.hasOwn(out, k) ? mergeJson(out[k], v) : v;
    return out;
  }
  if (Array.isArray(base) && Array.isArray(update)) return [...base, ...update];
  return update;
}

function isObject(v: Json): v is { [key: string]: Json } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function loadJsonObject(file: string): { [key: string]: Json } {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Json;
    return isObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
