// The WebSocket's binary frames (api.md §2.4): a 4-byte big-endian event type, then its payload. Pure (no DOM),
// so Node tests run it too.

export interface PreviewFrame {
  image: Blob;
  /** Set for type-4 frames (metadata); type-1 frames belong to whatever node is executing. */
  nodeId: string | null;
  promptId: string | null;
}

/** Decodes one binary frame (4-byte big-endian event type, then its payload). */
export function decodeBinaryFrame(buffer: ArrayBuffer): { preview?: PreviewFrame; text?: { nodeId: string; text: string } } {
  const view = new DataView(buffer);
  const type = view.getUint32(0);
  if (type === 1) {
    const mime = view.getUint32(4) === 2 ? 'image/png' : 'image/jpeg';
    return { preview: { image: new Blob([buffer.slice(8)], { type: mime }), nodeId: null, promptId: null } };
  }
  if (type === 4) {
    const length = view.getUint32(4);
    const meta = JSON.parse(new TextDecoder().decode(buffer.slice(8, 8 + length))) as Record<string, string | null>;
    const image = new Blob([buffer.slice(8 + length)], { type: meta.image_type ?? 'image/jpeg' });
    return { preview: { image, nodeId: meta.display_node_id ?? meta.node_id ?? null, promptId: meta.prompt_id ?? null } };
  }
  if (type === 3) {
    const length = view.getUint32(4);
    const decoder = new TextDecoder();
    return { text: { nodeId: decoder.decode(buffer.slice(8, 8 + length)), text: decoder.decode(buffer.slice(8 + length)) } };
  }
  return {};
}
