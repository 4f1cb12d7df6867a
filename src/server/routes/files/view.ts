// GET /view (api.md §3.15): a file of input/, output/ or temp/, raw or converted (preview, channel).
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import sharp from 'sharp';
import { splitAnnotation } from '../../../storage/folder-paths.ts';
import type { FileRoutesOptions } from './options.ts';
import { sendFile, safeContentType } from './file-response.ts';
import { contentDisposition, queryValue, sendEmpty, sendText } from './http-helpers.ts';

interface ViewQuery {
  filename?: string;
  type?: string;
  subfolder?: string;
  preview?: string;
  channel?: string;
}

export const viewRoutes: FastifyPluginAsync<FileRoutesOptions> = async (app, { paths }) => {
  app.get<{ Querystring: ViewQuery }>('/view', async (request, reply) => {
    const q = (key: keyof ViewQuery) => queryValue(request.query, key);
    const rawName = q('filename');
    if (rawName === undefined) return sendEmpty(reply, 404);
    const { name, type: annotated } = splitAnnotation(rawName);
    if (name === '') return sendText(reply, 400, 'filename is empty');
    if (name.startsWith('/') || name.includes('..') || name.includes('\0')) return sendText(reply, 400, 'Invalid filename');
    const type = annotated ?? q('type') ?? 'output';
    const root = paths.dirForType(type);
    if (root === null) return sendText(reply, 400, `Invalid type: ${type}`);

    const subfolder = q('subfolder');
    let folder = root;
    if (subfolder !== undefined) {
      const inside = paths.resolveInside(root, subfolder);
      if (inside === null) return sendText(reply, 403, 'Invalid subfolder');
      folder = inside;
    }
    const baseName = path.basename(name);
    const file = paths.resolveInside(root, path.relative(root, path.join(folder, baseName)));
    if (file === null) return sendText(reply, 403, 'Invalid filename');
    const st = await stat(file).catch(() => null);
    if (!st?.isFile()) return sendEmpty(reply, 404);

    const disposition = contentDisposition(baseName);
    const preview = q('preview');
    const channel = q('channel');
    try {
      if (preview !== undefined) return await sendPreview(reply, file, preview, channel ?? '', disposition);
      if (channel === 'rgb' || channel === 'a') return await sendChannel(reply, file, channel, disposition);
    } catch {
      return sendText(reply, 400, 'The file is not an image that can be converted');
    }
    return sendFile(request, reply, file, st, {
      contentType: safeContentType(baseName),
      headers: { 'Content-Disposition': disposition },
    });
  });
};

/** `preview=<webp|jpeg>[;quality]`: webp unless jpeg is asked and the channel has no `a`; RGB for jpeg or rgb. */
async function sendPreview(reply: FastifyReply, file: string, preview: string, channel: string, disposition: string) {
  const parts = preview.split(';');
  const format = parts[0] === 'jpeg' && !channel.includes('a') ? 'jpeg' : 'webp';
  const last = parts[parts.length - 1];
  const quality = /^\d+$/.test(last) ? Math.min(100, Math.max(1, Number(last))) : 90;
  let image = sharp(file);
  if (format === 'jpeg' || channel === 'rgb') image = image.removeAlpha();
  const body = await (format === 'jpeg' ? image.jpeg({ quality }) : image.webp({ quality })).toBuffer();
  return reply.type(`image/${format}`).header('Content-Disposition', disposition).send(body);
}

/** `channel=rgb`: the colour channels as PNG; `channel=a`: black RGB with the image's alpha (255 if none). */
async function sendChannel(reply: FastifyReply, file: string, channel: 'rgb' | 'a', disposition: string) {
  let body: Buffer;
  if (channel === 'rgb') {
    body = await sharp(file).removeAlpha().toColourspace('srgb').png().toBuffer();
  } else {
    const { data, info } = await sharp(file)
      .toColourspace('srgb')
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const pixels = info.width * info.height;
    const rgba = Buffer.alloc(pixels * 4);
    for (let i = 0; i < pixels; i++) rgba[i * 4 + 3] = data[i * info.channels + info.channels - 1];
    body = await sharp(rgba, { raw: { width: info.width, height: info.height, channels: 4 } }).png().toBuffer();
  }
  return reply.type('image/png').header('Content-Disposition', disposition).send(body);
}
