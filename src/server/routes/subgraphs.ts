// GET /global_subgraphs and /global_subgraphs/{id} (changes-0.8.0 §1.3): subgraph blueprints shipped by custom
// node packs in `custom_nodes/<pack>/subgraphs/*.json`, scanned once on first use.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.ts';

interface SubgraphEntry {
  source: 'custom_node';
  name: string;
  info: { node_pack: string };
  path: string;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

export function scanSubgraphs(customNodesDirs: readonly string[]): Map<string, SubgraphEntry> {
  const entries = new Map<string, SubgraphEntry>();
  for (const root of customNodesDirs) {
    // glob's `*/subgraphs/*.json`: `*` matches no name that starts with a dot.
    for (const pack of listDir(root)) {
      if (pack.startsWith('.')) continue;
      const folder = join(root, pack, 'subgraphs');
      for (const file of listDir(folder)) {
        if (!file.endsWith('.json') || file.startsWith('.')) continue;
        const path = join(folder, file).replaceAll('\\', '/');
        try {
          if (!statSync(path).isFile()) continue;
        } catch {
          continue;
        }
        const id = createHash('sha256').update(`custom_node${path}`).digest('hex');
        entries.set(id, { source: 'custom_node', name: basename(file, extname(file)), info: { node_pack: `custom_nodes.${pack}` }, path });
      }
    }
  }
  return entries;
}

export async function subgraphRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  let cache: Map<string, SubgraphEntry> | null = null;
  const entries = () => (cache ??= scanSubgraphs(ctx.options.customNodesDirs));
  const publicView = ({ source, name, info }: SubgraphEntry) => ({ source, name, info });

  app.get('/global_subgraphs', async () => Object.fromEntries([...entries()].map(([id, e]) => [id, publicView(e)])));

  app.get('/global_subgraphs/:id', async (request, reply) => {
    const entry = entries().get((request.params as { id: string }).id);
    if (!entry) return reply.type('application/json; charset=utf-8').send('null');
    let data: string;
    try {
      data = readFileSync(entry.path, 'utf8');
    } catch {
      return reply.type('application/json; charset=utf-8').send('null');
    }
    return { ...publicView(entry), data };
  });
}
