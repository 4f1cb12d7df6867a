// The file-related internal routes (api.md §3.20, changes-0.8.0.md §1.4); mounted only outside `/api`.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { FileRoutesOptions } from './options.ts';

export const internalFileRoutes: FastifyPluginAsync<FileRoutesOptions> = async (app, { paths }) => {
  app.get('/internal/folder_paths', async () =>
    Object.fromEntries(paths.modelFolderNames().map((name) => [name, paths.modelFolderPaths(name)])),
  );

  app.get<{ Params: { type: string } }>('/internal/files/:type', async (request, reply) => {
    const { type } = request.params;
    const dir = type === 'output' || type === 'input' || type === 'temp' ? paths.dirForType(type) : null;
    if (dir === null) return reply.code(400).send({ error: 'Invalid directory type' });
    return newestFirst(dir);
  });
};

/** Regular files at the top of `dir` (dot-names left out), newest modification first. */
function newestFirst(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const files: { name: string; mtimeMs: number }[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    try {
      const st = statSync(path.join(dir, name));
      if (st.isFile()) files.push({ name, mtimeMs: st.mtimeMs });
    } catch {
      // vanished or a dangling link
    }
  }
  return files.sort((a, b) => b.mtimeMs - a.mtimeMs).map((f) => f.name);
}
