// The TRACKS nodes of comfy_extras/nodes_wanmove.py (Wan-Move): point tracks parsed from JSON, synthesised along a
// line or Bézier curve, or concatenated. TRACKS = {track_path: [frames, tracks, 2] pixel coordinates,
// track_visibility: [frames, tracks] of 0/1 (a mask gives [frames, 1]: visible where the frame's mask is non-zero)}.
import { Tensor } from '../../inference/tensor.ts';
import { linspace32 } from '../../inference/sampling/schedulers.ts';
import type { NodeDefinition } from '../node-definition.ts';
import { requireChoice, requireInt, requireMask, requireNumber } from '../utils/node-args.ts';
import { v3Boolean, v3Combo, v3Float, v3Int, v3Socket, v3String } from '../utils/v3-io.ts';

export interface Tracks {
  track_path: Tensor;
  track_visibility: Tensor;
}

const NODE = { schemaFormat: 'v3', pythonModule: 'comfy_extras.nodes_wanmove', category: 'conditioning/video_models' } as const;

export function requireTracks(name: string, value: unknown): Tracks {
  const t = value as Tracks | null;
  if (typeof t !== 'object' || t === null || !(t.track_path instanceof Tensor) || t.track_path.rank !== 3 || !(t.track_visibility instanceof Tensor)) {
    throw new Error(`${name} must be TRACKS ({track_path: [frames, tracks, 2], track_visibility})`);
  }
  return t;
}

/** Visibility: all ones, or per frame "the mask has a non-zero pixel" as a [frames, 1] tensor. */
function visibility(frames: number, tracks: number, maskInput: unknown): Tensor {
  if (maskInput === undefined || maskInput === null) return Tensor.full([frames, tracks], 1);
  const mask = requireMask('track_mask', maskInput);
  const [b, h, w] = mask.shape as [number, number, number];
  const out = new Tensor([b, 1]);
  for (let i = 0; i < b; i++) out.data[i] = mask.data.subarray(i * h * w, (i + 1) * h * w).some((v) => v > 0) ? 1 : 0;
  return out;
}

/** ComfyUI's parse_json_tracks: a JSON list of tracks (each a list of {x, y}) or one track; '…' quotes allowed; bad JSON → no tracks. */
function parseTracks(text: string): { x: number; y: number }[][] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replaceAll("'", '"'));
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) throw new Error('track_coords must be a JSON list of tracks');
  const isPoint = (p: unknown) => typeof p === 'object' && p !== null && 'x' in p;
  return (isPoint(parsed[0]) ? [parsed] : parsed) as { x: number; y: number }[][];
}

export const wanMoveTracksFromCoords: NodeDefinition = {
  ...NODE,
  name: 'WanMoveTracksFromCoords',
  inputs: { required: {}, optional: { track_coords: v3String({ default: '[]', forceInput: true, multiline: false }), track_mask: v3Socket('MASK') } },
  outputs: [{ type: 'TRACKS' }, { type: 'INT', name: 'track_length' }],
  execute(inputs) {
    const tracks = parseTracks(typeof inputs.track_coords === 'string' ? inputs.track_coords : '[]');
    if (tracks.length === 0 || !Array.isArray(tracks[0])) throw new Error('WanMoveTracksFromCoords: track_coords holds no tracks');
    const frames = tracks[0].length;
    const path = new Tensor([frames, tracks.length, 2]);
    tracks.forEach((track, n) => {
      if (!Array.isArray(track) || track.length < frames) throw new Error(`WanMoveTracksFromCoords: track ${n} has fewer than ${frames} points`);
      for (let t = 0; t < frames; t++) {
        const p = track[t]!;
        if (typeof p?.x !== 'number' || typeof p?.y !== 'number') throw new Error(`WanMoveTracksFromCoords: point ${t} of track ${n} needs numeric x and y`);
        path.data[(t * tracks.length + n) * 2] = p.x;
        path.data[(t * tracks.length + n) * 2 + 1] = p.y;
      }
    });
    return [{ track_path: path, track_visibility: visibility(frames, tracks.length, inputs.track_mask) }, frames];
  },
};

const INTERPOLATIONS = ['linear', 'ease_in', 'ease_out', 'ease_in_out', 'constant'] as const;
type Interpolation = (typeof INTERPOLATIONS)[number];

const EASE: Record<Interpolation, (t: number) => number> = {
  constant: () => 0,
  linear: (t) => t,
  ease_in: (t) => t * t,
  ease_out: (t) => 1 - (1 - t) ** 2,
  ease_in_out: (t) => t * t * (3 - 2 * t),
};

const unit = (tooltip: string, d: number) => v3Float({ tooltip, default: d, min: 0.0, max: 1.0, step: 0.01 });

export const generateTracks: NodeDefinition = {
  ...NODE,
  name: 'GenerateTracks',
  inputs: {
    required: {
      width: v3Int({ default: 832, min: 16, max: 4096, step: 16 }),
      height: v3Int({ default: 480, min: 16, max: 4096, step: 16 }),
      start_x: unit('Normalized X coordinate (0-1) for start position.', 0.0),
      start_y: unit('Normalized Y coordinate (0-1) for start position.', 0.0),
      end_x: unit('Normalized X coordinate (0-1) for end position.', 1.0),
      end_y: unit('Normalized Y coordinate (0-1) for end position.', 1.0),
      num_frames: v3Int({ default: 81, min: 1, max: 1024 }),
      num_tracks: v3Int({ default: 5, min: 1, max: 100 }),
      track_spread: v3Float({ tooltip: 'Normalized distance between tracks. Tracks are spread perpendicular to the motion direction.', default: 0.025, min: 0.0, max: 1.0, step: 0.001 }),
      bezier: v3Boolean({ tooltip: 'Enable Bezier curve path using the mid point as control point.', default: false }),
      mid_x: unit("Normalized X control point for Bezier curve. Only used when 'bezier' is enabled.", 0.5),
      mid_y: unit("Normalized Y control point for Bezier curve. Only used when 'bezier' is enabled.", 0.5),
      interpolation: v3Combo(INTERPOLATIONS, { tooltip: 'Controls the timing/speed of movement along the path.' }),
    },
    optional: { track_mask: v3Socket('MASK', { tooltip: 'Optional mask to indicate visible frames.' }) },
  },
  outputs: [{ type: 'TRACKS' }, { type: 'INT', name: 'track_length' }],
  execute(inputs) {
    const width = requireInt('width', inputs.width, 16, 4096);
    const height = requireInt('height', inputs.height, 16, 4096);
    const px = (name: string, size: number) => requireNumber(name, inputs[name], 0, 1) * size;
    const [sx, sy, mx, my, ex, ey] = [px('start_x', width), px('start_y', height), px('mid_x', width), px('mid_y', height), px('end_x', width), px('end_y', height)];
    const frames = requireInt('num_frames', inputs.num_frames, 1, 1024);
    const count = requireInt('num_tracks', inputs.num_tracks, 1, 100);
    const spread = (requireNumber('track_spread', inputs.track_spread, 0, 1) * (width + height)) / 2;
    const ease = EASE[requireChoice('interpolation', inputs.interpolation, INTERPOLATIONS)];
    const bezier = inputs.bezier === true;
    const path = new Tensor([frames, count, 2]);
    const times = linspace32(0, 1, frames);
    for (let t = 0; t < frames; t++) {
      const u = ease(times[t]!);
      const v = 1 - u;
      // Centre point and tangent: a quadratic Bézier through (mid) or the straight start→end line.
      const x = bezier ? v * v * sx + 2 * v * u * mx + u * u * ex : sx + (ex - sx) * u;
      const y = bezier ? v * v * sy + 2 * v * u * my + u * u * ey : sy + (ey - sy) * u;
      const tx = bezier ? 2 * v * (mx - sx) + 2 * u * (ex - mx) : ex - sx;
      const ty = bezier ? 2 * v * (my - sy) + 2 * u * (ey - my) : ey - sy;
      const len = Math.hypot(tx, ty);
      const [perpX, perpY] = len > 0 ? [-ty / len, tx / len] : [1, 0];
      for (let n = 0; n < count; n++) {
        const offset = (n - (count - 1) / 2) * spread;
        path.data[(t * count + n) * 2] = x + perpX * offset;
        path.data[(t * count + n) * 2 + 1] = y + perpY * offset;
      }
    }
    return [{ track_path: path, track_visibility: visibility(frames, count, inputs.track_mask) }, frames];
  },
};

/** Concatenation along `axis` of two tensors whose other dimensions agree. */
function concatAxis(a: Tensor, b: Tensor, axis: number, what: string): Tensor {
  const outer = a.shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const innerA = a.size / outer;
  const innerB = b.size / outer;
  const same = a.rank === b.rank && a.shape.every((d, i) => i === axis || d === b.shape[i]);
  if (!same) throw new Error(`WanMoveConcatTrack: ${what} shapes [${a.shape}] and [${b.shape}] do not match`);
  const out = new Tensor(a.shape.map((d, i) => (i === axis ? d + b.shape[i]! : d)));
  for (let o = 0; o < outer; o++) {
    out.data.set(a.data.subarray(o * innerA, (o + 1) * innerA), o * (innerA + innerB));
    out.data.set(b.data.subarray(o * innerB, (o + 1) * innerB), o * (innerA + innerB) + innerA);
  }
  return out;
}

export const wanMoveConcatTrack: NodeDefinition = {
  ...NODE,
  name: 'WanMoveConcatTrack',
  inputs: { required: { tracks_1: v3Socket('TRACKS') }, optional: { tracks_2: v3Socket('TRACKS') } },
  outputs: [{ type: 'TRACKS' }],
  execute(inputs) {
    const first = requireTracks('tracks_1', inputs.tracks_1);
    if (inputs.tracks_2 === undefined || inputs.tracks_2 === null) return [first];
    const second = requireTracks('tracks_2', inputs.tracks_2);
    const vis = first.track_visibility;
    return [{
      track_path: concatAxis(first.track_path, second.track_path, 1, 'track_path'),
      track_visibility: concatAxis(vis, second.track_visibility, vis.rank - 1, 'track_visibility'),
    }];
  },
};
