// Users as app/user_manager.py keeps them (api.md §3.16, changes-0.8.0.md §1.4): `user/users.json` in multi-user
// mode, else the single user "default"; every user's data lives in `<user dir>/<user id>/`. Ids starting with `__`
// are "system users" and never reachable over HTTP.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';
import { pythonJsonDumps } from '../python/json-dumps.ts';
import { isWithin } from './safe-path.ts';

export const SYSTEM_USER_PREFIX = '__';

export class UnknownUserError extends Error {
  constructor(user: string) {
    super(`Unknown user: ${user}`);
  }
}

/** A username refused by `POST /users` (message as ComfyUI's `{"error": …}`). */
export class InvalidUsernameError extends Error {}

export interface UserStore {
  readonly multiUser: boolean;
  readonly userDir: string;
  /** `{user_id: display name}` */
  users(): Record<string, string>;
  /** The user id a request acts as, from its `comfy-user` header; throws UnknownUserError. */
  resolveUser(header: string | undefined): string;
  /** `<user dir>/<id>`, or null for a system user or an id that would leave the user dir. */
  userRoot(userId: string): string | null;
  /** Adds a user by display name and returns the new id; throws InvalidUsernameError. */
  addUser(name: string): Promise<string>;
}

export function createUserStore(userDir: string, multiUser: boolean, warn: (m: string) => void = console.warn): UserStore {
  const usersFile = path.join(userDir, 'users.json');
  let users: Record<string, string> = multiUser ? loadUsers(usersFile, warn) : { default: 'default' };
  try {
    mkdirSync(userDir, { recursive: true });
  } catch {
    // reported when a route tries to use it
  }
  return {
    multiUser,
    userDir,
    users: () => ({ ...users }),
    resolveUser(header) {
      let user = 'default';
      if (multiUser && header !== undefined) {
        user = header;
        if (user.startsWith(SYSTEM_USER_PREFIX)) throw new UnknownUserError(user);
      }
      if (!Object.hasOwn(users, user)) throw new UnknownUserError(user);
      return user;
    },
    userRoot(userId) {
      if (userId.startsWith(SYSTEM_USER_PREFIX) || userId.includes('\0')) return null;
      const root = path.resolve(userDir, userId);
      return root !== path.resolve(userDir) && isWithin(path.resolve(userDir), root) ? root : null;
    },
    async addUser(rawName) {
      const name = rawName.trim();
      if (!name) throw new InvalidUsernameError('username not provided');
      if (name.startsWith(SYSTEM_USER_PREFIX)) throw new InvalidUsernameError('System User prefix not allowed');
      const base = name.replace(/[^a-zA-Z0-9\-_]+/g, '-');
      if (base.startsWith(SYSTEM_USER_PREFIX)) throw new InvalidUsernameError('System User prefix not allowed');
      const id = `${base}_${randomUUID()}`;
      const next = { ...users, [id]: name };
      mkdirSync(userDir, { recursive: true });
      await writeFileAtomic(usersFile, pythonJsonDumps(next));
      users = next;
      return id;
    },
  };
}

function loadUsers(file: string, warn: (m: string) => void): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
    }
  } catch {
    // fall through
  }
  warn(`${file} is not a JSON object of users; starting with no users`);
  return {};
}
