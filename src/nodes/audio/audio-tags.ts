// Text metadata in audio files, as ffmpeg writes ComfyUI's `prompt`/`workflow` tags: a FLAC VORBIS_COMMENT
// block, an ID3v2.4 tag of TXXX frames in front of an MP3, and the comment list of an Ogg OpusTags packet.
const VENDOR = 'comfy-ts';
const FLAC_VORBIS_COMMENT = 4;

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

/** A Vorbis comment list: vendor string, then `key=value` entries (also the body of OpusTags after its magic). */
export function vorbisComments(tags: ReadonlyArray<readonly [string, string]>): Buffer {
  const vendor = Buffer.from(VENDOR, 'utf8');
  const parts = [u32le(vendor.length), vendor, u32le(tags.length)];
  for (const [key, value] of tags) {
    const entry = Buffer.from(`${key}=${value}`, 'utf8');
    parts.push(u32le(entry.length), entry);
  }
  return Buffer.concat(parts);
}

/** Replaces the VORBIS_COMMENT block of a FLAC stream with one holding `tags`, right after STREAMINFO. */
export function setFlacTags(flac: Uint8Array, tags: ReadonlyArray<readonly [string, string]>): Buffer {
  const data = Buffer.from(flac.buffer, flac.byteOffset, flac.byteLength);
  if (data.toString('latin1', 0, 4) !== 'fLaC') throw new Error('FLAC encoder produced no FLAC stream');
  const blocks: { type: number; body: Buffer }[] = [];
  let offset = 4;
  for (let last = false; !last; ) {
    if (offset + 4 > data.length) throw new Error('FLAC stream is truncated in its metadata');
    last = (data[offset]! & 0x80) !== 0;
    const type = data[offset]! & 0x7f;
    const length = data.readUIntBE(offset + 1, 3);
    blocks.push({ type, body: data.subarray(offset + 4, offset + 4 + length) });
    offset += 4 + length;
  }
  const kept = blocks.filter((b) => b.type !== FLAC_VORBIS_COMMENT);
  const comment = vorbisComments(tags);
  if (comment.length >= 1 << 24) throw new Error('audio metadata is too large for a FLAC comment block');
  kept.splice(1, 0, { type: FLAC_VORBIS_COMMENT, body: comment });
  const parts: Buffer[] = [Buffer.from('fLaC', 'latin1')];
  kept.forEach((b, i) => {
    const head = Buffer.alloc(4);
    head[0] = (i === kept.length - 1 ? 0x80 : 0) | b.type;
    head.writeUIntBE(b.body.length, 1, 3);
    parts.push(head, b.body);
  });
  parts.push(data.subarray(offset));
  return Buffer.concat(parts);
}

function synchsafe(n: number): Buffer {
  if (n >= 2 ** 28) throw new Error('audio metadata is too large for an ID3v2 tag');
  return Buffer.from([(n >>> 21) & 0x7f, (n >>> 14) & 0x7f, (n >>> 7) & 0x7f, n & 0x7f]);
}

/** An ID3v2.4 tag with one UTF-8 TXXX frame per entry (empty when there are none). */
export function id3v2Tag(tags: ReadonlyArray<readonly [string, string]>): Buffer {
  if (tags.length === 0) return Buffer.alloc(0);
  const frames = tags.map(([key, value]) => {
    const body = Buffer.concat([Buffer.from([3]), Buffer.from(key, 'utf8'), Buffer.from([0]), Buffer.from(value, 'utf8')]);
    return Buffer.concat([Buffer.from('TXXX', 'latin1'), synchsafe(body.length), Buffer.from([0, 0]), body]);
  });
  const body = Buffer.concat(frames);
  return Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([4, 0, 0]), synchsafe(body.length), body]);
}
