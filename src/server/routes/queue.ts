// The queue, history and execution controls (api.md §3.6–3.9): /queue, /history, /interrupt, /free.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { InvalidJsonBody, bodyObjectOrEmpty, isPlainObject, pyTruthy } from '../body.ts';
import type { RouteContext } from '../context.ts';
import { errorResponse } from '../errors.ts';
import { historyEntryInRecordedOrder, queueItemInRecordedOrder } from './recorded-order.ts';

/** `{clear?, delete?}` bodies of POST /queue and POST /history; null after a 400 was sent. */
function clearDeleteBody(body: unknown, reply: FastifyReply): { clear: boolean; ids: string[] } | null {
  if (body instanceof InvalidJsonBody) {
    reply.code(400).send(errorResponse('invalid_json', body.message));
    return null;
  }
  if (body !== undefined && !isPlainObject(body)) {
    reply.code(400).send(errorResponse('invalid_request', 'The body must be a JSON object: {"clear": bool, "delete": [id, ...]}'));
    return null;
  }
  const fields = bodyObjectOrEmpty(body);
  const toDelete = fields.delete;
  if (toDelete !== undefined && !Array.isArray(toDelete)) {
    reply.code(400).send(errorResponse('invalid_request', '"delete" must be a list of prompt ids'));
    return null;
  }
  // ComfyUI compares ids with ==, so only strings can ever match.
  const ids = (toDelete ?? []).filter((id): id is string => typeof id === 'string');
  return { clear: pyTruthy(fields.clear), ids };
}

/** Python's int() on a query value: optional sign, digits, underscores between digits, surrounding spaces. */
export function parsePyInt(value: string): number | null {
  if (!/^\s*[+-]?\d+(_\d+)*\s*$/.test(value)) return null;
  const n = Number(value.trim().replaceAll('_', ''));
  return Number.isSafeInteger(n) ? n : null;
}

export async function queueRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const { engine } = ctx;

  app.get('/queue', async () => {
    const { queue_running: running, queue_pending: pending } = engine.queue();
    return { queue_running: running.map(queueItemInRecordedOrder), queue_pending: pending.map(queueItemInRecordedOrder) };
  });

  app.post('/queue', async (request, reply) => {
    const parsed = clearDeleteBody(request.body, reply);
    if (!parsed) return reply;
    if (parsed.clear) engine.clearQueue();
    if (parsed.ids.length > 0) engine.deleteQueued(parsed.ids);
    return reply.code(200).send();
  });

  app.get('/history', async (request, reply) => {
    const query = request.query as Record<string, string | string[] | undefined>;
    const options: { maxItems?: number; offset?: number } = {};
    for (const [param, key] of [['max_items', 'maxItems'], ['offset', 'offset']] as const) {
      const raw = query[param];
      if (raw === undefined) continue;
      const value = parsePyInt(Array.isArray(raw) ? raw[0]! : raw);
      if (value === null) {
        return reply.code(400).send(errorResponse('invalid_request', `${param} must be an integer, got ${JSON.stringify(raw)}`));
      }
      options[key] = value;
    }
    const entries = engine.history(options);
    for (const [id, entry] of Object.entries(entries)) entries[id] = historyEntryInRecordedOrder(entry);
    return entries;
  });

  app.get('/history/:prompt_id', async (request) => {
    const { prompt_id: promptId } = request.params as { prompt_id: string };
    const entry = engine.historyEntry(promptId);
    return entry ? { [promptId]: historyEntryInRecordedOrder(entry) } : {};
  });

  app.post('/history', async (request, reply) => {
    const parsed = clearDeleteBody(request.body, reply);
    if (!parsed) return reply;
    if (parsed.clear) engine.clearHistory();
    if (parsed.ids.length > 0) engine.deleteHistory(parsed.ids);
    return reply.code(200).send();
  });

  app.post('/interrupt', async (request, reply) => {
    // As ComfyUI: a truthy prompt_id interrupts only that running prompt (a non-string never matches one).
    const promptId = bodyObjectOrEmpty(request.body).prompt_id;
    if (!pyTruthy(promptId)) engine.interrupt();
    else if (typeof promptId === 'string') engine.interrupt(promptId);
    return reply.code(200).send();
  });

  app.post('/free', async (request, reply) => {
    const body = request.body;
    if (body instanceof InvalidJsonBody) return reply.code(400).send(errorResponse('invalid_json', body.message));
    const fields = bodyObjectOrEmpty(body);
    const unloadModels = pyTruthy(fields.unload_models);
    const freeMemory = pyTruthy(fields.free_memory);
    if (unloadModels || freeMemory) engine.requestFree({ unloadModels, freeMemory });
    return reply.code(200).send();
  });
}
