// User data files (api.md §3.18): /userdata listing, /userdata/{file} GET/POST/DELETE, move, /v2/userdata.
// Every client path is confined to the user's root (symlinks included); writes are atomic.
import { existsSync, lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { writeFileAtomic } from '../../../storage/atomic-write.ts';
import { compareCodePoints, walkFiles } from '../../../storage/file-listing.ts';
import { isWithin } from '../../../storage/safe-path.ts';
import type { UserStore } from '../../../storage/user-store.ts';
import type { FileRoutesOptions } from './options.ts';
import { sendFile, safeContentType } from './file-response.ts';
import { queryFlag, queryValue, sendEmpty, sendJson, sendText, unquote } from './http-helpers.ts';
import { resolveUserPath, userStoreFor, type UserPath } from './user-context.ts';

const INVALID_FILENAME = 'Invalid filename. Please avoid special characters like :\\/*?"<>|';
const UNKNOWN_USER = 'Invalid user specified in request';

interface FileInfo {
  path: string;
  size: number;
  modified: number;
  created: number;
}

function fileInfo(file: string, relativeTo: string, st: Stats = statSync(file)): FileInfo {
  return { path: path.relative(relativeTo, file), size: st.size, modified: st.mtimeMs / 1000, created: st.ctimeMs / 1000 };
}

export const userDataRoutes: FastifyPluginAsync<FileRoutesOptions> = async (app, { paths, multiUser }) => {
  const store: UserStore = userStoreFor(paths, multiUser);

  /** The user path for a route parameter, or null once an error is sent (400 empty, 403 outside or unknown user, 404). */
  const pathParam = (request: FastifyRequest, reply: FastifyReply, value: string | undefined, mustExist: boolean) => {
    const resolved: UserPath | null = value ? resolveUserPath(store, paths, request, value, { createRoot: true }) : null;
    if (resolved === null || (resolved.ok && resolved.path === resolved.root)) sendText(reply, 400, 'File name is empty');
    else if (!resolved.ok) sendText(reply, 403, resolved.reason === 'unknown-user' ? UNKNOWN_USER : 'Invalid file path');
    else if (mustExist && !existsSync(resolved.path)) sendEmpty(reply, 404);
    else return resolved;
    return null;
  };

  app.get('/userdata', async (request, reply) => {
    const dir = queryValue(request.query, 'dir');
    if (!dir) return sendText(reply, 400, 'Directory not provided');
    const resolved = resolveUserPath(store, paths, request, dir, { createRoot: true });
    if (!resolved.ok) return sendText(reply, 403, resolved.reason === 'unknown-user' ? UNKNOWN_USER : 'Invalid directory');
    if (!existsSync(resolved.path)) return sendText(reply, 404, 'Directory not found');
    const recurse = queryFlag(request.query, 'recurse');
    const fullInfo = queryFlag(request.query, 'full_info');
    const split = queryFlag(request.query, 'split');
    const files = listFiles(resolved.path, resolved.root, recurse);
    return files.map((rel) => {
      if (fullInfo) return { ...fileInfo(path.join(resolved.path, rel), resolved.path), path: rel };
      return split ? [rel, ...rel.split('/')] : rel;
    });
  });

  app.get<{ Params: { file: string } }>('/userdata/:file', async (request, reply) => {
    const resolved = pathParam(request, reply, request.params.file, true);
    if (resolved === null) return reply;
    const st = await stat(resolved.path).catch(() => null);
    if (!st) return sendEmpty(reply, 404);
    if (!st.isFile()) return sendEmpty(reply, 403); // aiohttp's FileResponse refuses what is not a regular file
    return sendFile(request, reply, resolved.path, st, { contentType: safeContentType(resolved.path) });
  });

  app.post<{ Params: { file: string } }>('/userdata/:file', async (request, reply) => {
    const resolved = pathParam(request, reply, request.params.file, false);
    if (resolved === null) return reply;
    const overwrite = queryValue(request.query, 'overwrite') !== 'false';
    if (!overwrite && existsSync(resolved.path)) return sendText(reply, 409, 'File already exists');
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body === undefined ? '' : JSON.stringify(request.body));
    try {
      await mkdir(path.dirname(resolved.path), { recursive: true });
      await writeFileAtomic(resolved.path, body);
    } catch (err) {
      request.log.warn(`Error saving file '${resolved.path}': ${(err as Error).message}`);
      reply.raw.statusMessage = INVALID_FILENAME;
      return sendText(reply, 400, INVALID_FILENAME);
    }
    return sendJson(reply, describe(resolved.path, resolved.root, queryFlag(request.query, 'full_info')));
  });

  app.delete<{ Params: { file: string } }>('/userdata/:file', async (request, reply) => {
    const resolved = pathParam(request, reply, request.params.file, true);
    if (resolved === null) return reply;
    if (lstatSync(resolved.path).isDirectory()) return sendText(reply, 400, 'Not a file');
    await unlink(resolved.path);
    return sendEmpty(reply, 204);
  });

  app.post<{ Params: { file: string; dest: string } }>('/userdata/:file/move/:dest', async (request, reply) => {
    const source = pathParam(request, reply, request.params.file, true);
    if (source === null) return reply;
    const dest = pathParam(request, reply, request.params.dest, false);
    if (dest === null) return reply;
    const overwrite = queryValue(request.query, 'overwrite') !== 'false';
    if (!overwrite && existsSync(dest.path)) return sendText(reply, 409, 'File already exists');
    if (existsSync(dest.path) && statSync(dest.path).isDirectory()) return sendText(reply, 409, 'Destination is a directory');
    if (isWithin(source.path, dest.path) && dest.path !== source.path) return sendText(reply, 400, 'Cannot move a folder into itself');
    try {
      await mkdir(path.dirname(dest.path), { recursive: true });
      await rename(source.path, dest.path);
    } catch (err) {
      return sendText(reply, 400, `Cannot move the file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    return sendJson(reply, describe(dest.path, dest.root, queryFlag(request.query, 'full_info')));
  });

  app.get('/v2/userdata', async (request, reply) => {
    const requested = unquote(queryValue(request.query, 'path') ?? '');
    if (requested.includes('\0')) return sendText(reply, 400, 'Invalid characters in path parameter');
    const base = resolveUserPath(store, paths, request);
    if (!base.ok) return sendText(reply, 403, UNKNOWN_USER);
    const target = requested.replace(/^\/+|\/+$/g, '') ? resolveUserPath(store, paths, request, requested) : base;
    if (!target.ok) return sendText(reply, 400, 'Invalid path requested');
    if (!existsSync(base.root)) return [];
    if (!existsSync(target.path)) return sendText(reply, 404, 'Requested path not found');
    if (!statSync(target.path).isDirectory()) return sendText(reply, 400, 'Requested path is not a directory');
    try {
      return listTree(target.path, base.root);
    } catch {
      return sendText(reply, 500, 'Error reading directory contents');
    }
  });
};

function describe(file: string, root: string, full: boolean): FileInfo | string {
  return full ? fileInfo(file, root) : path.relative(root, file);
}

/** Files only, dot-names skipped (as Python's glob), paths relative to `dir` with `/`, never leaving `root`. */
function listFiles(dir: string, root: string, recurse: boolean): string[] {
  if (recurse) return walkFiles(dir, { excludedDirNames: [], skipHidden: true, confineTo: root }).files;
  const realRoot = realpathSync.native(root);
  let names: string[];
  try {
    names = readdirSync(dir).sort(compareCodePoints);
  } catch {
    return [];
  }
  return names.filter((name) => {
    if (name.startsWith('.')) return false;
    const full = path.join(dir, name);
    try {
      return isWithin(realRoot, realpathSync.native(full)) && statSync(full).isFile();
    } catch {
      return false;
    }
  });
}

type TreeEntry =
  | { name: string; path: string; type: 'directory' }
  | { name: string; path: string; type: 'file'; size?: number; modified?: number };

/** Everything below `dir` (symlinked folders listed, not entered), directories first, then by lower-cased name. */
function listTree(dir: string, root: string): TreeEntry[] {
  const realRoot = realpathSync.native(root);
  const out: TreeEntry[] = [];
  const visit = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      const rel = path.relative(root, full).split(path.sep).join('/');
      let st: Stats;
      try {
        if (!isWithin(realRoot, realpathSync.native(full))) continue; // a link leading out of the user's root
        st = statSync(full);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        out.push({ name: entry.name, path: rel, type: 'directory' });
        if (!entry.isSymbolicLink()) visit(full);
      } else {
        out.push({ name: entry.name, path: rel, type: 'file', size: st.size, modified: st.mtimeMs / 1000 });
      }
    }
  };
  visit(dir);
  return out.sort((a, b) => {
    if ((a.type === 'directory') !== (b.type === 'directory')) return a.type === 'directory' ? -1 : 1;
    return compareCodePoints(a.name.toLowerCase(), b.name.toLowerCase());
  });
}
