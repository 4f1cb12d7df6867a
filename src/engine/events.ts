// The engine's outgoing events: JSON messages and binary frames (api.md §2.3–§2.4), handed synchronously and in
// order to every subscriber (the WebSocket server, the terminal). A subscriber that throws is logged, not fatal.
import type { EngineBinaryFrame, EngineListeners, EngineMessage, PromptFinished } from './engine-api.ts';
import type { PreviewImage } from '../nodes/node-definition.ts';

export const BinaryEventType = {
  PREVIEW_IMAGE: 1,
  TEXT: 3,
  PREVIEW_IMAGE_WITH_METADATA: 4,
} as const;

export class EngineEvents {
  private readonly listeners = new Set<EngineListeners>();

  constructor(private readonly log: (line: string, err?: unknown) => void) {}

  subscribe(listeners: EngineListeners): () => void {
    this.listeners.add(listeners);
    return () => this.listeners.delete(listeners);
  }

  private each(fn: (l: EngineListeners) => void): void {
    for (const l of this.listeners) {
      try {
        fn(l);
      } catch (err) {
        this.log('An engine event subscriber failed', err);
      }
    }
  }

  send(type: string, data: Record<string, unknown>, clientId: string | null): void {
    const msg: EngineMessage = { type, data, clientId };
    this.each((l) => l.message(msg));
  }

  sendBinary(frame: EngineBinaryFrame): void {
    this.each((l) => l.binary(frame));
  }

  finished(info: PromptFinished): void {
    this.each((l) => l.finished?.(info));
  }

  /** The engine's bookkeeping starts: what is sent until release() may be delivered as one batch. */
  hold(): void {
    this.each((l) => l.hold?.());
  }

  /** Node code is about to run (or the engine goes idle): deliver what was held. */
  release(): void {
    this.each((l) => l.release?.());
  }

  /** Runs node code (or waits on it) outside the held stretch that surrounds it. */
  async released<T>(work: () => Promise<T>): Promise<T> {
    this.release();
    try {
      return await work();
    } finally {
      this.hold();
    }
  }
}

function typeHeader(type: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(type, 0);
  return b;
}

export interface PreviewMetadata {
  node_id: string;
  prompt_id: string;
  display_node_id: string;
  parent_node_id: string | null;
  real_node_id: string;
}

/** A preview as a type-4 frame (with metadata) and as the type-1 frame of clients without the feature flag. */
export function previewFrames(preview: PreviewImage, meta: PreviewMetadata, clientId: string | null): { metadata: EngineBinaryFrame; plain: EngineBinaryFrame } {
  const imageType = preview.format === 'PNG' ? 'image/png' : 'image/jpeg';
  const json = Buffer.from(JSON.stringify({ ...meta, image_type: imageType }), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length, 0);
  const format = Buffer.alloc(4);
  format.writeUInt32BE(preview.format === 'PNG' ? 2 : 1, 0);
  return {
    metadata: { frame: Buffer.concat([typeHeader(BinaryEventType.PREVIEW_IMAGE_WITH_METADATA), length, json, preview.data]), clientId, previewFor: 'metadata' },
    plain: { frame: Buffer.concat([typeHeader(BinaryEventType.PREVIEW_IMAGE), format, preview.data]), clientId, previewFor: 'plain' },
  };
}

/** A progress-text frame (type 3): node id length, node id, text. */
export function textFrame(nodeId: string, text: string, clientId: string | null): EngineBinaryFrame {
  const id = Buffer.from(nodeId, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(id.length, 0);
  return { frame: Buffer.concat([typeHeader(BinaryEventType.TEXT), length, id, Buffer.from(text, 'utf8')]), clientId };
}
