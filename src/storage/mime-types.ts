// Extension → content type, after Python's `mimetypes` table (strict=False), which ComfyUI uses for /view and
// for LoadImage's "image files only" filter.
import { extensionOf } from './file-listing.ts';

const TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.jpe': 'image/jpeg', '.jfif': 'image/jpeg',
  '.pjpg': 'image/jpeg', '.gif': 'image/gif', '.bmp': 'image/bmp', '.webp': 'image/webp', '.tif': 'image/tiff',
  '.tiff': 'image/tiff', '.ico': 'image/vnd.microsoft.icon', '.svg': 'image/svg+xml', '.avif': 'image/avif',
  '.heic': 'image/heic', '.heif': 'image/heif', '.pbm': 'image/x-portable-bitmap', '.pgm': 'image/x-portable-graymap',
  '.ppm': 'image/x-portable-pixmap', '.pnm': 'image/x-portable-anymap', '.ras': 'image/x-cmu-raster',
  '.rgb': 'image/x-rgb', '.xbm': 'image/x-xbitmap', '.xpm': 'image/x-xpixmap', '.xwd': 'image/x-xwindowdump',
  '.ief': 'image/ief', '.pict': 'image/pict', '.pct': 'image/pict', '.pic': 'image/pict',
  '.mp4': 'video/mp4', '.webm': 'video/webm', '.mov': 'video/quicktime', '.mkv': 'video/x-matroska',
  '.avi': 'video/x-msvideo', '.mpeg': 'video/mpeg', '.mpg': 'video/mpeg', '.m4v': 'video/mp4',
  '.mp3': 'audio/mpeg', '.wav': 'audio/x-wav', '.flac': 'audio/flac', '.ogg': 'audio/ogg', '.opus': 'audio/opus',
  '.m4a': 'audio/mp4', '.aac': 'audio/aac',
  '.json': 'application/json', '.txt': 'text/plain', '.html': 'text/html', '.htm': 'text/html',
  '.xhtml': 'application/xhtml+xml', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.pdf': 'application/pdf', '.zip': 'application/zip', '.gz': 'application/gzip', '.csv': 'text/csv',
  '.xml': 'text/xml', '.yaml': 'application/yaml', '.yml': 'application/yaml', '.glb': 'model/gltf-binary',
  '.gltf': 'model/gltf+json', '.obj': 'model/obj', '.stl': 'model/stl', '.fbx': 'application/octet-stream',
  '.safetensors': 'application/octet-stream', '.latent': 'application/octet-stream',
};

/** The guessed content type, or null when the extension is unknown. */
export function guessContentType(fileName: string): string | null {
  return TYPES[extensionOf(fileName)] ?? null;
}

export function isImageFile(fileName: string): boolean {
  return guessContentType(fileName)?.startsWith('image/') ?? false;
}
