// Who a request acts as and where its files are (api.md §3.16): the user store shared by every registration of
// the file routes (they are mounted under `/` and `/api`), and client paths confined to the user's root.
import { mkdirSync } from 'node:fs';
import type { FastifyRequest } from 'fastify';
import type { FolderPaths } from '../../../storage/folder-paths.ts';
import { UnknownUserError, createUserStore, type UserStore } from '../../../storage/user-store.ts';
import { unquote } from './http-helpers.ts';

const stores = new WeakMap<FolderPaths, Map<boolean, UserStore>>();

export function userStoreFor(paths: FolderPaths, multiUser: boolean): UserStore {
  let byMode = stores.get(paths);
  if (!byMode) stores.set(paths, (byMode = new Map()));
  let store = byMode.get(multiUser);
  if (!store) byMode.set(multiUser, (store = createUserStore(paths.userDir, multiUser)));
  return store;
}

export type UserPath =
  | { ok: true; user: string; root: string; path: string }
  | { ok: false; reason: 'unknown-user' | 'outside' };

function userHeader(request: FastifyRequest): string | undefined {
  const value = request.headers['comfy-user'];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The user's root, or with `file` that file inside it. `createRoot` creates the root as ComfyUI does on every
 * settings and user-data access (so `GET /users` then reports `migrated: true`). A `file` still holding `%` is decoded once more, as
 * ComfyUI does for names sent with `%252F`.
 */
export function resolveUserPath(
  store: UserStore,
  paths: FolderPaths,
  request: FastifyRequest,
  file?: string,
  options: { createRoot?: boolean } = {},
): UserPath {
  let user: string;
  try {
    user = store.resolveUser(userHeader(request));
  } catch (err) {
    if (err instanceof UnknownUserError) return { ok: false, reason: 'unknown-user' };
    throw err;
  }
  const root = store.userRoot(user);
  if (root === null) return { ok: false, reason: 'unknown-user' };
  if (options.createRoot) mkdirSync(root, { recursive: true });
  if (file === undefined) return { ok: true, user, root, path: root };
  const target = paths.resolveInside(root, unquote(file));
  return target === null ? { ok: false, reason: 'outside' } : { ok: true, user, root, path: target };
}
