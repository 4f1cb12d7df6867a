// A fastify app with only the file routes, mounted as the server mounts them (under `/` and `/api`), over a
// fresh temp base directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { fileRoutes } from '../../src/server/routes/files/index.ts';
import { createFolderPaths, type FolderPaths, type FolderPathsOptions } from '../../src/storage/folder-paths.ts';

export interface FileApp {
  app: FastifyInstance;
  paths: FolderPaths;
  base: string;
  close(): Promise<void>;
}

const created: string[] = [];
process.on('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp directory, removed when the test process exits. */
export function tempBase(prefix = 'comfy-ts-storage-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export async function buildFileApp(
  options: { multiUser?: boolean; maxUploadBytes?: number; folder?: Partial<FolderPathsOptions> } = {},
): Promise<FileApp> {
  const base = options.folder?.baseDir ?? tempBase();
  const paths = createFolderPaths({ baseDir: base, ...options.folder, warn: () => {} });
  const app = Fastify();
  const opts = { paths, multiUser: options.multiUser ?? false, maxUploadBytes: options.maxUploadBytes ?? 100 * 1024 * 1024 };
  await app.register(fileRoutes, { ...opts, prefix: '/api' });
  await app.register(fileRoutes, opts);
  await app.ready();
  return {
    app,
    paths,
    base,
    async close() {
      await app.close();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** A multipart/form-data body: text fields and files. */
export function multipartBody(parts: Array<{ name: string; value: string } | { name: string; filename: string; data: Buffer; type?: string }>): {
  payload: Buffer;
  headers: Record<string, string>;
} {
  const boundary = '----comfyts' + Math.random().toString(16).slice(2);
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if ('filename' in part) {
      chunks.push(
        Buffer.from(
          `Content-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.type ?? 'application/octet-stream'}\r\n\r\n`,
        ),
      );
      chunks.push(part.data, Buffer.from('\r\n'));
    } else {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
