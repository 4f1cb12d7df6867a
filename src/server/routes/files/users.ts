// GET/POST /users (api.md §3.16, changes-0.8.0.md §1.4) and the settings routes (api.md §3.17).
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { writeFileAtomic } from '../../../storage/atomic-write.ts';
import { pythonJsonDumps } from '../../../python/json-dumps.ts';
import { InvalidUsernameError } from '../../../storage/user-store.ts';
import type { FileRoutesOptions } from './options.ts';
import { parseJsonBody } from './raw-body.ts';
import { resolveUserPath, userStoreFor } from './user-context.ts';
import { sendEmpty, sendJson, sendText } from './http-helpers.ts';

const SETTINGS_FILE = 'comfy.settings.json';

export const userRoutes: FastifyPluginAsync<FileRoutesOptions> = async (app, { paths, multiUser }) => {
  const store = userStoreFor(paths, multiUser);

  app.get('/users', async (request) => {
    if (multiUser) return { storage: 'server', users: store.users() };
    const user = resolveUserPath(store, paths, request);
    return { storage: 'server', migrated: user.ok && existsSync(user.path) };
  });

  app.post('/users', async (request, reply) => {
    const body = parseJsonBody(request.body);
    const username = body.ok && body.value && typeof body.value === 'object' ? (body.value as { username?: unknown }).username : undefined;
    if (typeof username !== 'string') return reply.code(400).send({ error: 'username not provided' });
    if (Object.values(store.users()).includes(username)) return reply.code(400).send({ error: 'Duplicate username.' });
    try {
      return sendJson(reply, await store.addUser(username));
    } catch (err) {
      if (err instanceof InvalidUsernameError) return reply.code(400).send({ error: err.message });
      throw err;
    }
  });

  /** The settings file of the request's user, or null after replying 401 for an unknown user. */
  const settingsFile = (request: FastifyRequest, reply: FastifyReply): string | null => {
    const user = resolveUserPath(store, paths, request, SETTINGS_FILE, { createRoot: true });
    if (user.ok) return user.path;
    sendText(reply, 401, '401: Unauthorized');
    return null;
  };

  app.get('/settings', async (request, reply) => {
    const file = settingsFile(request, reply);
    return file === null ? reply : readSettings(file);
  });

  app.get<{ Params: { id: string } }>('/settings/:id', async (request, reply) => {
    const file = settingsFile(request, reply);
    if (file === null) return reply;
    const settings = await readSettings(file);
    return sendJson(reply, Object.hasOwn(settings, request.params.id) ? settings[request.params.id] : null);
  });

  app.post('/settings', async (request, reply) => {
    const file = settingsFile(request, reply);
    if (file === null) return reply;
    const body = parseJsonBody(request.body);
    if (!body.ok || !body.value || typeof body.value !== 'object' || Array.isArray(body.value)) {
      return sendText(reply, 400, 'The body must be a JSON object of settings');
    }
    await updateSettings(file, (settings) => ({ ...settings, ...(body.value as Record<string, unknown>) }));
    return sendEmpty(reply, 200);
  });

  app.post<{ Params: { id: string } }>('/settings/:id', async (request, reply) => {
    const file = settingsFile(request, reply);
    if (file === null) return reply;
    if (!request.params.id) return sendText(reply, 400, 'Setting id is empty');
    const body = parseJsonBody(request.body);
    if (!body.ok) return sendText(reply, 400, body.message);
    await updateSettings(file, (settings) => ({ ...settings, [request.params.id]: body.value }));
    return sendEmpty(reply, 200);
  });
};

/** `{}` when the file is missing or not a JSON object (ComfyUI logs it as corrupted). */
async function readSettings(file: string): Promise<Record<string, unknown>> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

// Read-modify-write of one settings file at a time, so concurrent POSTs do not lose each other's keys.
const settingsLocks = new Map<string, Promise<void>>();

async function updateSettings(file: string, change: (s: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  const previous = settingsLocks.get(file) ?? Promise.resolve();
  const next = previous.then(async () => {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, pythonJsonDumps(change(await readSettings(file)), { indent: 4 }));
  });
  const settled = next.catch(() => {});
  settingsLocks.set(file, settled);
  void settled.then(() => {
    if (settingsLocks.get(file) === settled) settingsLocks.delete(file);
  });
  return next;
}
