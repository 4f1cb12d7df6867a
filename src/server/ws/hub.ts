// The connected WebSocket clients (api.md §2.1–2.2): one socket per sid, targeted or broadcast messages, the
// per-client preview encoding (type 4 with supports_preview_metadata, else type 1), a `status` heartbeat while
// a socket would otherwise be silent, and a bound on what a socket may have buffered: a client that stops
// reading is disconnected instead of growing memory or delaying anyone else. While the engine holds (its
// bookkeeping between nodes) each socket's frames are gathered and written with one system call at release: a
// run sends ~15 small messages, and on loopback each write costs ~50 µs and wakes the reader.
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import type { EngineBinaryFrame } from '../../engine/engine-api.ts';
import { stringifyJson } from '../json.ts';
import type { Logger } from '../logger.ts';

export interface HubOptions {
  logger: Logger;
  /** pending + running, for `status` messages. */
  queueRemaining(): number;
  /** What the server answers to a client's `feature_flags` message (also GET /features). */
  serverFeatureFlags(): Record<string, unknown>;
  /** A socket whose send buffer exceeds this is closed (bytes). */
  maxBufferedBytes?: number;
  /** A socket that was sent nothing for this long gets a `status` (ms); 0 disables. */
  heartbeatMs?: number;
  /** Called when a sid disconnects (log subscriptions end with it). */
  onDisconnect?(sid: string): void;
}

export interface WsClient {
  readonly sid: string;
  readonly socket: WebSocket;
  /** The connection under the WebSocket (corked while the engine holds). */
  readonly stream: Duplex;
  featureFlags: Record<string, unknown>;
  firstMessageSeen: boolean;
  lastSentMs: number;
}

const DEFAULT_MAX_BUFFERED_BYTES = 32 * 1024 * 1024;
const DEFAULT_HEARTBEAT_MS = 4000;

export class ClientHub {
  private readonly clients = new Map<string, WsClient>();
  private readonly maxBufferedBytes: number;
  private readonly heartbeat: NodeJS.Timeout | null;
  /** While the engine holds: the connections corked since hold(), uncorked at release(). */
  private held: Set<Duplex> | null = null;

  constructor(private readonly options: HubOptions) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    // Ticking at a quarter of the period and sending once a client has been quiet for the rest of it keeps
    // every gap within the period even when a tick lands a little early or late.
    const tickMs = Math.min(1000, heartbeatMs / 4);
    this.heartbeat = heartbeatMs > 0 ? setInterval(() => this.beat(heartbeatMs - tickMs), tickMs).unref() : null;
  }

  get size(): number {
    return this.clients.size;
  }

  has(sid: string): boolean {
    return this.clients.has(sid);
  }

  /** Registers a new socket (replacing, without closing, an older one with the same sid) and greets it. */
  connect(
    socket: WebSocket, stream: Duplex, requestedId: unknown,
    currentlyExecuting: { clientId: string | null; displayNodeId: string | null } | null,
  ): WsClient {
    const sid = typeof requestedId === 'string' && requestedId.length > 0 ? requestedId : randomUUID().replaceAll('-', '');
    const client: WsClient = { sid, socket, stream, featureFlags: {}, firstMessageSeen: false, lastSentMs: 0 };
    this.clients.set(sid, client);
    socket.on('message', (data, isBinary) => this.onClientMessage(client, data, isBinary));
    socket.on('close', () => {
      if (this.clients.get(sid) === client) {
        this.clients.delete(sid);
        this.options.onDisconnect?.(sid);
      }
    });
    socket.on('error', (err) => this.options.logger.debug(`websocket ${sid}: ${err.message}`));
    this.sendTo(client, stringifyJson({ type: 'status', data: { status: this.statusData(), sid } }));
    if (currentlyExecuting && currentlyExecuting.clientId === sid && currentlyExecuting.displayNodeId !== null) {
      this.sendTo(client, stringifyJson({ type: 'executing', data: { node: currentlyExecuting.displayNodeId } }));
    }
    return client;
  }

  /** A JSON event to one sid (dropped if not connected) or, with sid null, to everyone. */
  send(type: string, data: unknown, sid: string | null): void {
    if (sid !== null) {
      const client = this.clients.get(sid);
      if (client) this.sendTo(client, stringifyJson({ type, data }));
      return;
    }
    if (this.clients.size === 0) return;
    const text = stringifyJson({ type, data });
    for (const client of this.clients.values()) this.sendTo(client, text);
  }

  sendBinary(frame: EngineBinaryFrame): void {
    if (frame.clientId !== null) {
      const client = this.clients.get(frame.clientId);
      if (!client) return;
      const wantsMetadata = client.featureFlags.supports_preview_metadata === true;
      if (frame.previewFor === undefined || (frame.previewFor === 'metadata') === wantsMetadata) this.sendTo(client, frame.frame);
      return;
    }
    // A prompt without a client broadcasts: ComfyUI asks the feature of no socket (sid None), so every socket gets
    // the plain type-1 preview and none the type-4 one.
    if (frame.previewFor === 'metadata') return;
    for (const client of this.clients.values()) this.sendTo(client, frame.frame);
  }

  /** Frames sent from now until release() wait in their connections and leave together. */
  hold(): void {
    this.held ??= new Set();
  }

  release(): void {
    const held = this.held;
    this.held = null;
    for (const stream of held ?? []) stream.uncork();
  }

  broadcastStatus(): void {
    this.send('status', { status: this.statusData() }, null);
  }

  close(): void {
    this.release();
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const client of this.clients.values()) client.socket.close(1001);
    this.clients.clear();
  }

  private statusData() {
    return { exec_info: { queue_remaining: this.options.queueRemaining() } };
  }

  private sendTo(client: WsClient, data: string | Buffer): void {
    const socket = client.socket;
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > this.maxBufferedBytes) {
      this.options.logger.warn(`websocket client ${client.sid} is not reading (${socket.bufferedAmount} bytes buffered); disconnecting it`);
      if (this.clients.get(client.sid) === client) {
        this.clients.delete(client.sid);
        this.options.onDisconnect?.(client.sid);
      }
      socket.terminate();
      return;
    }
    client.lastSentMs = Date.now();
    if (this.held && !this.held.has(client.stream)) {
      client.stream.cork();
      this.held.add(client.stream);
    }
    socket.send(data, (err) => {
      if (err) this.options.logger.debug(`send error on websocket ${client.sid}: ${err.message}`);
    });
  }

  /** Only the first text message means anything: a `feature_flags` exchange (api.md §2.1). */
  private onClientMessage(client: WsClient, data: WebSocket.RawData, isBinary: boolean): void {
    if (isBinary || client.firstMessageSeen) return;
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch (err) {
      this.options.logger.warn(`Invalid message from websocket client ${client.sid}: ${(err as Error).message}`);
      return;
    }
    // Only an object uses up the first-message slot (ComfyUI's `data.get` raises on anything else, before it does).
    if (typeof message !== 'object' || message === null || Array.isArray(message)) return;
    client.firstMessageSeen = true;
    const { type, data: flags } = message as { type?: unknown; data?: unknown };
    if (type !== 'feature_flags') return;
    client.featureFlags = typeof flags === 'object' && flags !== null && !Array.isArray(flags) ? (flags as Record<string, unknown>) : {};
    this.sendTo(client, stringifyJson({ type: 'feature_flags', data: this.options.serverFeatureFlags() }));
  }

  private beat(quietMs: number): void {
    if (this.clients.size === 0) return;
    const now = Date.now();
    let text: string | null = null;
    for (const client of this.clients.values()) {
      if (now - client.lastSentMs < quietMs) continue;
      text ??= stringifyJson({ type: 'status', data: { status: this.statusData() } });
      this.sendTo(client, text);
    }
  }
}
