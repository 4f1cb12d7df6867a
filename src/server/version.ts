// The ComfyUI release whose API this server speaks (changes-0.8.0.md §1.4), and our own version.
import { readFileSync } from 'node:fs';

export const COMFYUI_VERSION = '0.8.0';
export const REQUIRED_FRONTEND_VERSION = '1.35.9';
export const REQUIRED_TEMPLATES_VERSION = '0.7.67';

export const COMFY_TS_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();
