// Test helpers: a real server on a free loopback port with a temp base directory (and the test custom nodes),
// a raw HTTP client that controls every header, a WebSocket client that records what arrives, and test images.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import WebSocket from 'ws';
import { parseArgs } from '../../src/cli/args.ts';
import { startServer, type RunningServer } from '../../src/cli/start.ts';
import { silentLogger, type Logger } from '../../src/server/logger.ts';
import type { Terminal } from '../../src/server/terminal.ts';

const FIXTURE_NODES = fileURLToPath(new URL('./fixtures/test_nodes', import.meta.url));

export interface TestServer extends RunningServer {
  baseDir: string;
  /** `http://127.0.0.1:<port>` */
  url: string;
  host: string;
  wsUrl(path?: string): string;
}

export interface StartTestOptions {
  /** Copy the test custom nodes into <base>/custom_nodes (default true). */
  testNodes?: boolean;
  logger?: Logger;
  terminal?: Terminal | null;
  websocket?: { heartbeatMs?: number; maxBufferedBytes?: number };
  beforeStart?(baseDir: string): void | Promise<void>;
}

export async function startTestServer(flags: string[] = [], options: StartTestOptions = {}): Promise<TestServer> {
  const baseDir = mkdtempSync(join(tmpdir(), 'comfy-ts-server-test-'));
  if (options.testNodes !== false) {
    mkdirSync(join(baseDir, 'custom_nodes'), { recursive: true });
    cpSync(FIXTURE_NODES, join(baseDir, 'custom_nodes', 'test_nodes'), { recursive: true });
  }
  await options.beforeStart?.(baseDir);
  const parsed = parseArgs(['--listen', '127.0.0.1', '--port', '0', '--base-directory', baseDir, ...flags]);
  if (parsed.help) throw new Error('unexpected --help');
  const server = await startServer(parsed.args, {
    logger: options.logger ?? silentLogger,
    terminal: options.terminal ?? null,
    websocket: options.websocket,
  });
  const host = `127.0.0.1:${server.port}`;
  return {
    ...server,
    baseDir,
    host,
    url: `http://${host}`,
    wsUrl: (path = '/ws') => `ws://${host}${path}`,
    async close() {
      await server.close();
      rmSync(baseDir, { recursive: true, force: true });
    },
  };
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  json(): any;
}

export interface HttpOptions {
  headers?: Record<string, string>;
  /** An object is sent as JSON (with no Content-Type unless given), a string or Buffer as-is. */
  body?: unknown;
  /** Send the body with chunked encoding (no Content-Length). */
  chunked?: boolean;
  /** Don't end the request (a Content-Length that promises more than is sent). */
  keepOpen?: boolean;
}

/** One HTTP request with exactly the headers given (plus Host and Content-Length). */
export function http(server: { port: number }, method: string, path: string, options: HttpOptions = {}): Promise<HttpResult> {
  const body =
    options.body === undefined
      ? undefined
      : Buffer.isBuffer(options.body)
        ? options.body
        : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
  return new Promise((resolve, reject) => {
    let answered = false;
    const headers: Record<string, string> = { ...(body && !options.chunked ? { 'content-length': String(body.length) } : {}), ...options.headers };
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        answered = true;
        const data = Buffer.concat(chunks);
        const text = data.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data, text, json: () => JSON.parse(text) });
        req.destroy();
      });
    });
    // A server that answers before reading the whole body (413) may reset the connection: the answer counts.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (options.chunked) req.setHeader('transfer-encoding', 'chunked');
    if (body) req.write(body);
    if (!options.keepOpen) req.end();
  });
}

export interface WsMessage {
  type: string;
  data: any;
}

export class WsRecorder {
  readonly messages: WsMessage[] = [];
  readonly binary: Buffer[] = [];
  /** Every frame in arrival order: a JSON message's type, or `binary <type>` for a binary frame. */
  readonly sequence: string[] = [];
  private waiters: { test: () => boolean; resolve: () => void }[] = [];

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.binary.push(Buffer.from(data));
      else this.messages.push(JSON.parse(data.toString()));
      this.sequence.push(isBinary ? `binary ${data.readUInt32BE(0)}` : this.messages.at(-1)!.type);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test()) return true;
        w.resolve();
        return false;
      });
    });
  }

  /** Resolves with the first recorded message (from `from` on) that matches. */
  async waitFor(match: (m: WsMessage) => boolean, timeoutMs = 10_000, from = 0): Promise<WsMessage> {
    const find = () => this.messages.slice(from).find(match);
    const found = find();
    if (found) return found;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for a message; got ${JSON.stringify(this.messages.map((m) => m.type))}`)), timeoutMs);
      this.waiters.push({ test: () => find() !== undefined, resolve: () => (clearTimeout(timer), resolve()) });
    });
    return find()!;
  }

  /** Waits for `executing {node: null}` of a prompt. */
  done(promptId: string, timeoutMs = 20_000): Promise<WsMessage> {
    return this.waitFor((m) => m.type === 'executing' && m.data.node === null && m.data.prompt_id === promptId, timeoutMs);
  }

  close(): void {
    this.socket.close();
  }
}

export async function connectWs(url: string, headers: Record<string, string> = {}): Promise<WsRecorder> {
  const socket = new WebSocket(url, { headers });
  const recorder = new WsRecorder(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  return recorder;
}

/** The status code a refused WebSocket upgrade got. */
export function wsUpgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    socket.once('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

/** A PNG with a horizontal gradient in red and fixed green/blue, written to `dir/name`. */
export async function writeTestPng(dir: string, name: string, width = 8, height = 8): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = Math.round((255 * x) / Math.max(1, width - 1));
      pixels[i + 1] = 64;
      pixels[i + 2] = 200;
    }
  }
  mkdirSync(dir, { recursive: true });
  const png = await sharp(pixels, { raw: { width, height, channels: 3 } }).png().toBuffer();
  await sharp(png).toFile(join(dir, name));
  return png;
}

/** LoadImage → ImageInvert → SaveImage, keyed so the seed clients' own edits (nodes "3" and "8") land on real nodes. */
export function invertWorkflow(image: string, prefix = 'invert') {
  return {
    '8': { class_type: 'LoadImage', inputs: { image } },
    '3': { class_type: 'ImageInvert', inputs: { image: ['8', 0] } },
    '9': { class_type: 'SaveImage', inputs: { images: ['3', 0], filename_prefix: prefix } },
  };
}

/** A prompt of the test nodes: TestSleep(value) → TestShow. */
export function sleepWorkflow(value: unknown = 1, ms = 50, steps = 2, extra: Record<string, unknown> = {}) {
  return {
    '1': { class_type: 'TestSleep', inputs: { value, ms, steps, ...extra } },
    '2': { class_type: 'TestShow', inputs: { value: ['1', 0] } },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
