// POST /upload/image and /upload/mask (api.md §3.14): multipart uploads into input/, temp/ or output/, with
// ComfyUI's collision renaming (`name (1).png`) and duplicate detection by content hash.
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { writeFileAtomic } from '../../../storage/atomic-write.ts';
import type { FolderPaths } from '../../../storage/folder-paths.ts';
import type { FileRoutesOptions } from './options.ts';
import { sendText } from './http-helpers.ts';
import { compositeMask, resolveOriginal } from './mask.ts';

export interface UploadForm {
  fields: Record<string, string>;
  image: { filename: string; data: Buffer } | null;
}

class UploadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const uploadRoutes: FastifyPluginAsync<FileRoutesOptions> = async (app, { paths, maxUploadBytes }) => {
  // The server may already have registered multipart (for the blocking API); decorating twice would throw.
  if (!app.hasRequestDecorator('parts')) await app.register(multipart, { preservePath: true });

  app.post('/upload/image', async (request, reply) => {
    return handleUpload(request, reply, paths, maxUploadBytes, async (form) => form.image!.data);
  });

  app.post('/upload/mask', async (request, reply) => {
    return handleUpload(request, reply, paths, maxUploadBytes, async (form) => {
      const original = await resolveOriginal(paths, form.fields.original_ref);
      if (typeof original === 'string') throw new UploadError(400, original);
      return original.file === null ? null : compositeMask(original.file, form.image!.data);
    });
  });
};

async function handleUpload(
  request: FastifyRequest,
  reply: FastifyReply,
  paths: FolderPaths,
  maxUploadBytes: number,
  /** The bytes to write; null writes nothing (the name is still chosen and answered, as ComfyUI does). */
  render: (form: UploadForm) => Promise<Buffer | null>,
): Promise<FastifyReply> {
  try {
    const form = await readForm(request, maxUploadBytes);
    if (!form.image) return sendText(reply, 400, 'No file in the "image" field');
    if (!form.image.filename) return sendText(reply, 400, 'The uploaded file has no name');
    const type = form.fields.type ?? 'input';
    const root = paths.dirForType(type);
    if (root === null) return sendText(reply, 400, `Invalid type: ${type}`);
    const subfolder = form.fields.subfolder ?? '';
    const bytes = await render(form); // validates a mask's original before anything is written
    const overwrite = form.fields.overwrite === 'true' || form.fields.overwrite === '1';
    const name = await chooseName(paths, root, subfolder, form.image.filename, form.image.data, overwrite);
    if (name.write && bytes !== null) {
      await writeFileAtomic(name.target, bytes).catch((err: NodeJS.ErrnoException) => {
        throw new UploadError(400, `Cannot write ${name.filename}: ${err.code ?? err.message}`);
      });
    }
    return reply.send({ name: name.filename, subfolder, type });
  } catch (err) {
    if (err instanceof UploadError) return sendText(reply, err.status, err.message);
    const status = (err as { statusCode?: number }).statusCode; // image errors of the mask
    if (typeof status === 'number' && status >= 400 && status < 500) return sendText(reply, status, (err as Error).message);
    throw err;
  }
}

/** All text fields, and the first file of the `image` field as bytes (other files are drained). */
async function readForm(request: FastifyRequest, maxUploadBytes: number): Promise<UploadForm> {
  const form: UploadForm = { fields: Object.create(null) as Record<string, string>, image: null };
  if (!request.isMultipart()) throw new UploadError(400, 'Expected a multipart/form-data body with an "image" file');
  try {
    for await (const part of request.parts({ limits: { fileSize: maxUploadBytes } })) {
      if (part.type === 'file') {
        const data = await part.toBuffer();
        if (part.fieldname === 'image' && !form.image) form.image = { filename: part.filename ?? '', data };
      } else if (!Object.hasOwn(form.fields, part.fieldname) && typeof part.value === 'string') {
        form.fields[part.fieldname] = part.value;
      }
    }
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 413) throw new UploadError(413, 'File too large');
    throw new UploadError(400, `Invalid multipart body: ${(err as Error).message}`);
  }
  return form;
}

/** Python's os.path.splitext on a whole (possibly sub-pathed) name. */
function splitExt(name: string): [string, string] {
  const slash = name.lastIndexOf('/');
  const base = name.slice(slash + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || /^\.+$/.test(base.slice(0, dot + 1))) return [name, ''];
  return [name.slice(0, slash + 1 + dot), base.slice(dot)];
}

/**
 * Where the upload goes: `subfolder/filename` inside `root`, renamed `stem (i).ext` while the name is taken by
 * different content; a name holding the same bytes is reused without writing.
 */
async function chooseName(
  paths: FolderPaths,
  root: string,
  subfolder: string,
  filename: string,
  data: Buffer,
  overwrite: boolean,
): Promise<{ filename: string; target: string; write: boolean }> {
  const folder = path.normalize(subfolder === '' ? '.' : subfolder);
  const locate = (name: string) => {
    const target = paths.resolveInside(root, path.join(folder, name));
    if (target === null || target === path.resolve(root)) throw new UploadError(400, 'Invalid upload path');
    return target;
  };
  let name = filename;
  let target = locate(name);
  await mkdir(path.dirname(target), { recursive: true }).catch(() => {
    throw new UploadError(400, 'Cannot create the upload folder');
  });
  if (overwrite) return { filename: name, target, write: true };
  const [stem, ext] = splitExt(filename);
  const hash = sha256(data);
  for (let i = 1; ; i++) {
    const existing = await readFile(target).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : err));
    if (existing === null) return { filename: name, target, write: true };
    if (Buffer.isBuffer(existing) && sha256(existing) === hash) return { filename: name, target, write: false };
    name = `${stem} (${i})${ext}`;
    target = locate(name);
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
