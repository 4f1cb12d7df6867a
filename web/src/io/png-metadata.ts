// Text chunks of a PNG (tEXt, and uncompressed iTXt): SaveImage stores the API prompt under `prompt` and the
// workflow under `workflow` (execution.md §10). Pure, so it also runs in Node tests.

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function readPngText(bytes: Uint8Array): Record<string, string> {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new Error('Not a PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const latin1 = new TextDecoder('latin1');
  const utf8 = new TextDecoder('utf-8');
  const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
  // tEXt is Latin-1 by the PNG spec (what PIL, and so ComfyUI, writes), but some tools write UTF-8 there.
  const decodeText = (b: Uint8Array) => {
    try {
      return strictUtf8.decode(b);
    } catch {
      return latin1.decode(b);
    }
  };
  const texts: Record<string, string> = {};
  let offset = 8;
  while (offset + 8 <= bytes.length) {
    const length = view.getUint32(offset);
    const type = latin1.decode(bytes.subarray(offset + 4, offset + 8));
    const data = bytes.subarray(offset + 8, Math.min(bytes.length, offset + 8 + length));
    if (type === 'IEND') break;
    const keywordEnd = data.indexOf(0);
    if (keywordEnd > 0 && type === 'tEXt') {
      texts[latin1.decode(data.subarray(0, keywordEnd))] = decodeText(data.subarray(keywordEnd + 1));
    } else if (keywordEnd > 0 && type === 'iTXt' && data[keywordEnd + 1] === 0) {
      // iTXt: keyword\0 compressed-flag method language\0 translated\0 text (only uncompressed is read).
      const languageEnd = data.indexOf(0, keywordEnd + 3);
      const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
      if (translatedEnd >= 0) texts[latin1.decode(data.subarray(0, keywordEnd))] = utf8.decode(data.subarray(translatedEnd + 1));
    }
    offset += 12 + length;
  }
  return texts;
}
