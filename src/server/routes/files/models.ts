// Model folders over HTTP (api.md §3.2–§3.3): /embeddings, /models, /experiment/models*, /view_metadata.
import type { FastifyPluginAsync } from 'fastify';
import sharp from 'sharp';
import { extensionOf } from '../../../storage/file-listing.ts';
import {
  VIEW_METADATA_MAX_HEADER_BYTES,
  findModelPreview,
  listModelFileInfos,
  readSafetensorsHeader,
} from '../../../storage/model-files.ts';
import type { FileRoutesOptions } from './options.ts';
import { queryValue, sendEmpty } from './http-helpers.ts';

/** `/experiment/models` leaves these out. */
const EXPERIMENT_HIDDEN_FOLDERS = new Set(['configs', 'custom_nodes']);

export const modelRoutes: FastifyPluginAsync<FileRoutesOptions> = async (app, { paths }) => {
  // Registered names only: `GET /models/{folder}` does not accept the legacy aliases.
  const isRegistered = (folder: string) => paths.modelFolderNames().includes(folder);

  app.get('/embeddings', async () =>
    paths.listModels('embeddings').map((name) => name.slice(0, name.length - extensionOf(name).length)),
  );

  app.get('/models', async () => paths.modelFolderNames());

  app.get<{ Params: { folder: string } }>('/models/:folder', async (request, reply) => {
    if (!isRegistered(request.params.folder)) return sendEmpty(reply, 404);
    return paths.listModels(request.params.folder);
  });

  app.get('/experiment/models', async () =>
    paths
      .modelFolderNames()
      .filter((name) => !EXPERIMENT_HIDDEN_FOLDERS.has(name))
      .map((name) => ({ name, folders: paths.modelFolderPaths(name) })),
  );

  app.get<{ Params: { folder: string } }>('/experiment/models/:folder', async (request, reply) => {
    if (!isRegistered(request.params.folder)) return sendEmpty(reply, 404);
    return listModelFileInfos(paths.modelFolderPaths(request.params.folder));
  });

  app.get<{ Params: { folder: string; pathIndex: string; '*': string } }>(
    '/experiment/models/preview/:folder/:pathIndex/*',
    async (request, reply) => {
      const { folder, pathIndex } = request.params;
      const searchPaths = isRegistered(folder) ? paths.modelFolderPaths(folder) : [];
      const index = /^\d+$/.test(pathIndex) ? Number(pathIndex) : -1;
      if (index < 0 || index >= searchPaths.length) return sendEmpty(reply, 404);
      const preview = await findModelPreview(searchPaths[index], request.params['*']);
      if (preview === null) return sendEmpty(reply, 404);
      try {
        const webp = await sharp(preview).webp().toBuffer();
        return reply.type('image/webp').send(webp);
      } catch {
        return sendEmpty(reply, 404); // not a decodable image
      }
    },
  );

  app.get<{ Params: { folder: string } }>('/view_metadata/:folder', async (request, reply) => {
    const filename = queryValue(request.query, 'filename');
    if (filename === undefined || !filename.endsWith('.safetensors')) return sendEmpty(reply, 404);
    const file = paths.resolveModel(request.params.folder, filename);
    if (file === null) return sendEmpty(reply, 404);
    const header = await readSafetensorsHeader(file, VIEW_METADATA_MAX_HEADER_BYTES);
    const metadata = header?.__metadata__;
    if (!metadata || typeof metadata !== 'object') return sendEmpty(reply, 404);
    return metadata;
  });
};
