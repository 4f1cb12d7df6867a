// The WebSocket client (`/ws?clientId=`, api.md §2): JSON events by type, binary preview frames (types 1 and 4)
// as image blobs, progress text frames (type 3); reconnects after a drop.
import { decodeBinaryFrame, type PreviewFrame } from './binary-frames.ts';

export interface SocketHandlers {
  /** Every JSON event: `status`, `executing`, `progress`, `executed`, `execution_*`… */
  message(type: string, data: any): void;
  preview(frame: PreviewFrame): void;
  text?(nodeId: string, text: string): void;
  connected?(): void;
  disconnected?(): void;
}

const RECONNECT_MS = 1000;

export class ComfySocket {
  private socket: WebSocket | null = null;
  private closed = false;

  constructor(
    readonly clientId: string,
    private readonly handlers: SocketHandlers,
  ) {}

  connect(): void {
    const url = new URL(`api/ws?clientId=${encodeURIComponent(this.clientId)}`, document.baseURI);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.addEventListener('open', () => {
      // The first message declares what this client understands: type-4 previews carry their node id.
      socket.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } }));
      this.handlers.connected?.();
    });
    socket.addEventListener('message', (event) => this.dispatch(event.data));
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.handlers.disconnected?.();
      if (!this.closed) setTimeout(() => this.connect(), RECONNECT_MS);
    });
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }

  private dispatch(data: unknown): void {
    if (data instanceof ArrayBuffer) {
      const { preview, text } = decodeBinaryFrame(data);
      if (preview) this.handlers.preview(preview);
      if (text) this.handlers.text?.(text.nodeId, text.text);
      return;
    }
    try {
      const { type, data: payload } = JSON.parse(String(data)) as { type: string; data: unknown };
      this.handlers.message(type, payload);
    } catch (err) {
      console.warn('Unreadable WebSocket message', err);
    }
  }
}

/** The client id kept for this tab, so a reload gets the events of prompts it queued. */
export function tabClientId(): string {
  const stored = sessionStorage.getItem('comfy-ts.clientId');
  if (stored) return stored;
  const id = crypto.randomUUID().replaceAll('-', '');
  sessionStorage.setItem('comfy-ts.clientId', id);
  return id;
}
