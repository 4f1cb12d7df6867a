// The file-related routes as one fastify plugin (api.md §3.2–§3.3, §3.14–§3.20, changes-0.8.0.md §1.3–§1.4).
// The server registers it twice, under `/` and under `/api`; the `/internal/*` routes exist only outside `/api`
// (api.md §1.3), and the custom nodes' example-workflow files only under it (api.md §1.4).
import type { FastifyPluginAsync } from 'fastify';
import { customNodeRoutes } from './custom-nodes.ts';
import { internalFileRoutes } from './internal.ts';
import { modelRoutes } from './models.ts';
import type { FileRoutesOptions } from './options.ts';
import { useRawBodies } from './raw-body.ts';
import { uploadRoutes } from './upload.ts';
import { userDataRoutes } from './userdata.ts';
import { userRoutes } from './users.ts';
import { viewRoutes } from './view.ts';

export type { FileRoutesOptions } from './options.ts';

export const fileRoutes: FastifyPluginAsync<FileRoutesOptions> = async (app, options) => {
  const opts: FileRoutesOptions = { paths: options.paths, multiUser: options.multiUser, maxUploadBytes: options.maxUploadBytes };
  const underApi = app.prefix.endsWith('/api');
  await app.register(modelRoutes, opts);
  await app.register(viewRoutes, opts);
  await app.register(uploadRoutes, opts);
  await app.register(async (scope) => {
    useRawBodies(scope, opts.maxUploadBytes);
    await scope.register(userRoutes, opts);
    await scope.register(userDataRoutes, opts);
  });
  await app.register(customNodeRoutes, { ...opts, underApi });
  if (!underApi) await app.register(internalFileRoutes, opts);
};
