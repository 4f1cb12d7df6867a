// The /internal sub-application's terminal routes (api.md §3.20; never mirrored under /api).
import type { FastifyInstance } from 'fastify';
import { bodyObjectOrEmpty, pyTruthy } from '../body.ts';
import type { RouteContext } from '../context.ts';
import { errorResponse } from '../errors.ts';

export async function internalRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  // A JSON *string* (fastify would send a bare string as text/plain).
  app.get('/internal/logs', async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(JSON.stringify(ctx.logs.text())),
  );

  app.get('/internal/logs/raw', async () => ctx.logs.raw());

  app.patch('/internal/logs/subscribe', async (request, reply) => {
    const { clientId, enabled } = bodyObjectOrEmpty(request.body);
    if (typeof clientId !== 'string' || clientId.length === 0) {
      return reply.code(400).send(errorResponse('invalid_request', '"clientId" must be a non-empty string'));
    }
    ctx.logs.subscribe(clientId, pyTruthy(enabled));
    return reply.code(200).send();
  });
}
