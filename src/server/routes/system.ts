// GET /system_stats, /features, /extensions (api.md §3.11–3.13, changes-0.8.0 §1.4). Where ComfyUI reports
// Python and PyTorch we report Node.js and ONNX Runtime.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { freemem, totalmem } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.ts';
import { COMFYUI_VERSION, REQUIRED_FRONTEND_VERSION, REQUIRED_TEMPLATES_VERSION } from '../version.ts';

export interface DeviceStats {
  name: string;
  type: string;
  index: number | null;
  vram_total: number;
  vram_free: number;
  torch_vram_total: number;
  torch_vram_free: number;
}

let ortVersion: string | null | undefined;
export function onnxRuntimeVersion(): string | null {
  if (ortVersion === undefined) {
    try {
      ortVersion = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
    } catch {
      ortVersion = null;
    }
  }
  return ortVersion;
}

export function cpuDevice(): DeviceStats {
  const total = totalmem();
  const free = freemem();
  return { name: 'cpu', type: 'cpu', index: null, vram_total: total, vram_free: free, torch_vram_total: total, torch_vram_free: free };
}

export function systemStats(ctx: RouteContext, device: () => DeviceStats) {
  const ort = onnxRuntimeVersion();
  return {
    system: {
      os: process.platform,
      ram_total: totalmem(),
      ram_free: freemem(),
      comfyui_version: COMFYUI_VERSION,
      required_frontend_version: REQUIRED_FRONTEND_VERSION,
      installed_templates_version: null,
      required_templates_version: REQUIRED_TEMPLATES_VERSION,
      python_version: `Node.js ${process.version} (V8 ${process.versions.v8})`,
      pytorch_version: ort ? `onnxruntime-node ${ort}` : 'onnxruntime-node (not installed)',
      embedded_python: false,
      argv: ctx.options.argv,
    },
    devices: [device()],
  };
}

/** Every `*.js` below `dir` as paths relative to it with forward slashes (recursive, sorted per folder). */
export function listScripts(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string) => {
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.js')) out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

export async function systemRoutes(
  app: FastifyInstance,
  ctx: RouteContext & { webRoot: string | null; device: () => DeviceStats },
): Promise<void> {
  app.get('/system_stats', async () => systemStats(ctx, ctx.device));

  app.get('/features', async () => ctx.featureFlags());

  app.get('/extensions', async () => {
    const files = ctx.webRoot ? listScripts(join(ctx.webRoot, 'extensions')).map((f) => `/extensions/${f}`) : [];
    for (const [name, dir] of Object.entries(ctx.options.extensionWebDirs)) {
      for (const f of listScripts(dir)) files.push(`/extensions/${encodeURIComponent(name)}/${f}`);
    }
    return files;
  });
}
