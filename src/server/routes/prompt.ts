// GET/POST /prompt (api.md §3.4–3.5): submit a prompt for validation and queueing.
import type { FastifyInstance } from 'fastify';
import type { ErrorBody, NodeErrors } from '../../engine/engine-api.ts';
import { InvalidJsonBody, isPlainObject } from '../body.ts';
import type { RouteContext } from '../context.ts';
import { errorResponse } from '../errors.ts';
import { pyFloat } from '../json.ts';
import type { Logger } from '../logger.ts';

export async function promptRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const { engine, logger } = ctx;

  app.get('/prompt', async () => ({ exec_info: { queue_remaining: engine.queueRemaining() } }));

  app.post('/prompt', async (request, reply) => {
    const body = request.body;
    if (body instanceof InvalidJsonBody) return reply.code(400).send(errorResponse('invalid_json', body.message));
    if (!isPlainObject(body)) return reply.code(400).send(errorResponse('no_prompt'));
    const outcome = await engine.submit(body);
    if (!outcome.ok) {
      logInvalidPrompt(logger, outcome.error, outcome.node_errors);
      return reply.code(400).send({ error: outcome.error, node_errors: outcome.node_errors });
    }
    // An explicit `number` is float(number) in ComfyUI, and echoed as a float (`5.0`).
    const number = 'number' in body && typeof outcome.number === 'number' ? pyFloat(outcome.number) : outcome.number;
    return { prompt_id: outcome.prompt_id, number, node_errors: outcome.node_errors };
  });
}

export function logInvalidPrompt(logger: Logger, error: ErrorBody, nodeErrors: NodeErrors): void {
  if (!logger.isEnabled('WARNING')) return;
  const lines = [`invalid prompt: ${error.message}${error.details ? `: ${error.details}` : ''}`];
  for (const [nodeId, entry] of Object.entries(nodeErrors)) {
    lines.push(`* ${entry.class_type} ${nodeId}:`);
    for (const e of entry.errors) lines.push(`  - ${e.message}${e.details ? `: ${e.details}` : ''}`);
  }
  logger.warn(lines.join('\n'));
}
