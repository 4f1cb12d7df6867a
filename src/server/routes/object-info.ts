// GET /object_info and /object_info/{node_class} (api.md §3.10): the registry's view of every node.
import type { FastifyInstance } from 'fastify';
import { nodeInfo } from '../../nodes/registry.ts';
import type { RouteContext } from '../context.ts';

export async function objectInfoRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const { registry } = ctx.engine;

  app.get('/object_info', async () => registry.objectInfo());

  app.get('/object_info/:node_class', async (request) => {
    const { node_class: name } = request.params as { node_class: string };
    const def = registry.get(name);
    if (!def) return {};
    try {
      return { [name]: nodeInfo(def, registry.services) }; // with the services: lists read from the disk
    } catch (err) {
      ctx.logger.error(`[ERROR] An error occurred while retrieving information for the '${name}' node: ${(err as Error).message}`);
      return {};
    }
  });
}
