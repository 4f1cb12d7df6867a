// GET/POST /prompt (api.md §3.4–3.5): submit a prompt for validation and queueing.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SubmitOutcome } from '../../engine/engine-api.ts';
import { InvalidJsonBody, isPlainObject } from '../body.ts';
import type { RouteContext } from '../context.ts';
import { errorResponse } from '../errors.ts';
import { pyFloat } from '../../engine/raw-json.ts';

/**
 * POST /prompt's handler around whatever validates and enqueues: the engine itself, or in an HTTP front process
 * (server/fronts) its own validation plus the engine across IPC.
 */
export function postPromptHandler(submit: (body: Record<string, unknown>) => Promise<SubmitOutcome>) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body;
    if (body instanceof InvalidJsonBody) return reply.code(400).send(errorResponse('invalid_json', body.message));
    // Any JSON goes to the engine: a body that is not an object is no_prompt there, after taking a queue number
    // as ComfyUI's handler does.
    const outcome = await submit(body as Record<string, unknown>);
    // The engine logs why a prompt is invalid, as ComfyUI does.
    if (!outcome.ok) return reply.code(400).send({ error: outcome.error, node_errors: outcome.node_errors });
    // An explicit `number` is float(number) in ComfyUI, and echoed as a float (`5.0`).
    const isFloat = outcome.numberIsFloat ?? (isPlainObject(body) && 'number' in body);
    const number = isFloat && typeof outcome.number === 'number' ? pyFloat(outcome.number) : outcome.number;
    return { prompt_id: outcome.prompt_id, number, node_errors: outcome.node_errors };
  };
}

export async function promptRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const { engine } = ctx;
  app.get('/prompt', async () => ({ exec_info: { queue_remaining: engine.queueRemaining() } }));
  app.post('/prompt', postPromptHandler((body) => engine.submit(body)));
}
