// The front end (api.md §1.4, §3.1): `/` serves index.html of the web root with no-cache headers; the rest of the
// web root and every custom node's web directory (/extensions/<name>/…) are static files. Without a web root a
// small built-in page says where the UI would come from.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { COMFYUI_VERSION, COMFY_TS_VERSION } from '../version.ts';

const NO_CACHE = { 'cache-control': 'no-cache', pragma: 'no-cache', expires: '0' };

/** `--front-end-root`, else the repository's built UI (web/dist) if present, else null. */
export function resolveWebRoot(frontEndRoot: string | null): string | null {
  if (frontEndRoot) return frontEndRoot;
  const built = fileURLToPath(new URL('../../../web/dist', import.meta.url));
  return existsSync(join(built, 'index.html')) ? built : null;
}

const PLACEHOLDER = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>comfy-ts</title>
<style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:3rem auto;line-height:1.5;color:#ddd;background:#202020}
code{background:#333;padding:0 .3em;border-radius:3px}a{color:#8cf}</style></head>
<body><h1>comfy-ts ${COMFY_TS_VERSION}</h1>
<p>The server is running and speaks ComfyUI ${COMFYUI_VERSION}'s HTTP and WebSocket API
(<a href="/system_stats">/system_stats</a>, <a href="/object_info">/object_info</a>, <a href="/queue">/queue</a>,
<a href="/history">/history</a>, <code>POST /prompt</code>, <code>/ws</code>).</p>
<p>No web UI is installed: start with <code>--front-end-root &lt;folder with index.html&gt;</code>, or build the UI into
<code>web/dist</code>.</p></body></html>
`;

/** GET / (mirrored as /api/). */
export async function indexRoute(app: FastifyInstance, opts: { webRoot: string | null }): Promise<void> {
  app.get('/', async (_request, reply: FastifyReply) => {
    reply.headers(NO_CACHE).type('text/html; charset=utf-8');
    if (!opts.webRoot) return reply.send(PLACEHOLDER);
    try {
      return reply.send(readFileSync(join(opts.webRoot, 'index.html')));
    } catch {
      return reply.code(404).send();
    }
  });
}

/** Static routes, registered after the dynamic ones (and never mirrored). */
export async function staticRoutes(app: FastifyInstance, opts: { webRoot: string | null; extensionWebDirs: Record<string, string> }): Promise<void> {
  for (const [name, dir] of Object.entries(opts.extensionWebDirs)) {
    await app.register(fastifyStatic, {
      root: dir,
      prefix: `/extensions/${encodeURIComponent(name)}/`,
      decorateReply: false,
      cacheControl: false,
      index: false,
    });
  }
  if (opts.webRoot) {
    await app.register(fastifyStatic, { root: opts.webRoot, prefix: '/', decorateReply: false, cacheControl: false });
  }
}
