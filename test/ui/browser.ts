// UI test helpers: the built UI (rebuilt when web/ sources are newer than web/dist), Debian's Chromium through
// playwright-core, a real server with the UI as its web root, and screenshots under test-artifacts/ui/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WEB = join(REPO, 'web');
const BUILT_INDEX = join(WEB, 'dist', 'index.html');
export const ARTIFACTS = join(REPO, 'test-artifacts', 'ui');

/** Why the browser tests cannot run here, or null. */
export function skipReason(): string | null {
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} is absent: install Debian's chromium (apt-get install chromium) to run the UI tests`;
}

function newestSourceMs(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestSourceMs(join(path, name))));
}

/** Builds web/dist unless it is newer than every source of the UI. */
export function ensureWebBuilt(): void {
  const sources = [join(WEB, 'src'), join(WEB, 'index.html'), join(WEB, 'vite.config.ts')];
  if (existsSync(BUILT_INDEX) && statSync(BUILT_INDEX).mtimeMs >= Math.max(...sources.map(newestSourceMs))) return;
  execFileSync(process.execPath, [join(REPO, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'web'], { cwd: REPO, stdio: 'pipe' });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Opens the UI and waits until it has built the canvas from /object_info. */
export async function openUi(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  await page.goto(url);
  try {
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  } catch (err) {
    throw new Error(`the UI did not start: ${problems.join('; ') || (err as Error).message}`);
  }
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}
