// WanMoveVisualizeTracks (comfy_extras/nodes_wanmove.py): draws each visible track point as a filled circle and its
// last `line_resolution` frames as a fading, narrowing trail, over 8-bit frames. Rasterised here without
// anti-aliasing, like PIL's ImageDraw; pixel placement of the trail is close to, not bit-identical with, PIL's.
import { Tensor } from '../../inference/tensor.ts';
import type { NodeDefinition } from '../node-definition.ts';
import { requireImage, requireInt, requireNumber } from '../utils/node-args.ts';
import { v3Float, v3Int, v3Socket } from '../utils/v3-io.ts';
import { requireTracks } from './wanmove-tracks.ts';

const COLORS = [[102, 153, 255], [0, 255, 255], [255, 255, 0], [255, 102, 204], [0, 255, 0]] as const;

/** An RGBA overlay where drawing replaces pixels (PIL draws on an RGBA image without compositing). */
class Overlay {
  readonly rgba: Uint8ClampedArray;
  constructor(readonly w: number, readonly h: number) {
    this.rgba = new Uint8ClampedArray(w * h * 4);
  }
  fillRect(x0: number, y0: number, x1: number, y1: number, color: readonly number[], alpha: number, inside = (_x: number, _y: number) => true): void {
    for (let y = Math.max(0, Math.ceil(y0)); y <= Math.min(this.h - 1, Math.floor(y1)); y++) {
      for (let x = Math.max(0, Math.ceil(x0)); x <= Math.min(this.w - 1, Math.floor(x1)); x++) {
        if (!inside(x, y)) continue;
        const i = (y * this.w + x) * 4;
        this.rgba.set([color[0]!, color[1]!, color[2]!, alpha], i);
      }
    }
  }
  /** frame ← overlay·α + frame·(1 − α), then truncation to uint8 happens at the end. */
  blendInto(frame: Float32Array): void {
    for (let p = 0; p < this.w * this.h; p++) {
      const a = this.rgba[p * 4 + 3]! / 255;
      for (let c = 0; c < 3; c++) frame[p * 3 + c] = this.rgba[p * 4 + c]! * a + frame[p * 3 + c]! * (1 - a);
    }
  }
}

/** The trail: short 2-pixel strokes along each segment, alpha and width shrinking with the distance travelled. */
function drawTrail(overlay: Overlay, points: [number, number][], color: readonly number[], lineWidth: number, opacity: number): void {
  const lengths = points.slice(1).map((p, i) => Math.hypot(p[0] - points[i]![0], p[1] - points[i]![1]));
  const total = lengths.reduce((a, b) => a + b, 0);
  if (total === 0) return;
  let travelled = 0;
  lengths.forEach((len, s) => {
    const [a, b] = [points[s]!, points[s + 1]!];
    const steps = Math.max(Math.trunc(len), 1);
    for (let i = 0; i < steps; i++) {
      const ratio = (travelled + (i / steps) * len) / total;
      const x = Math.trunc(a[0] + ((b[0] - a[0]) * i) / steps);
      const y = Math.trunc(a[1] + ((b[1] - a[1]) * i) / steps);
      const width = Math.max(Math.trunc(lineWidth * (1 - ratio)), 1);
      const top = y - Math.floor((width - 1) / 2);
      overlay.fillRect(x, top, x + 1, top + width - 1, color, Math.trunc(255 * (1 - ratio) * opacity));
    }
    travelled += len;
  });
}

export const wanMoveVisualizeTracks: NodeDefinition = {
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_wanmove',
  category: 'conditioning/video_models',
  name: 'WanMoveVisualizeTracks',
  inputs: {
    required: {
      images: v3Socket('IMAGE'),
      line_resolution: v3Int({ default: 24, min: 1, max: 1024 }),
      circle_size: v3Int({ default: 12, min: 1, max: 128 }),
      opacity: v3Float({ default: 0.75, min: 0.0, max: 1.0, step: 0.01 }),
      line_width: v3Int({ default: 16, min: 1, max: 128 }),
    },
    optional: { tracks: v3Socket('TRACKS') },
  },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const images = requireImage('images', inputs.images);
    if (inputs.tracks === undefined || inputs.tracks === null) return [images];
    const tracks = requireTracks('tracks', inputs.tracks);
    const trail = requireInt('line_resolution', inputs.line_resolution, 1, 1024);
    const radius = requireInt('circle_size', inputs.circle_size, 1, 128);
    const opacity = requireNumber('opacity', inputs.opacity, 0, 1);
    const lineWidth = requireInt('line_width', inputs.line_width, 1, 128);
    const [frames, count] = tracks.track_path.shape as [number, number];
    const [b, h, w, c] = images.shape as [number, number, number, number];
    if (c !== 3) throw new Error(`WanMoveVisualizeTracks: images must be RGB, got ${c} channels`);
    // Fewer images than track frames: the batch is repeated (whole repeats only, as in ComfyUI).
    const total = b === frames ? b : b * Math.floor(frames / b);
    if (total > frames || total === 0) throw new Error(`WanMoveVisualizeTracks: ${b} images cannot cover ${frames} track frames`);
    const vis = tracks.track_visibility;
    const visible = (t: number, n: number) => vis.data[t * vis.shape[1]! + Math.min(n, vis.shape[1]! - 1)]! !== 0;
    const pt = (t: number, n: number): [number, number] => [Math.trunc(tracks.track_path.data[(t * count + n) * 2]!), Math.trunc(tracks.track_path.data[(t * count + n) * 2 + 1]!)];
    const out = new Tensor([total, h, w, 3]);
    const frameSize = h * w * 3;
    for (let t = 0; t < total; t++) {
      const src = images.data.subarray((t % b) * frameSize, (t % b + 1) * frameSize);
      const frame = Float32Array.from(src, (v) => Math.trunc(Math.min(Math.max(v * 255, 0), 255)));
      const circles = new Overlay(w, h);
      const trails: [[number, number][], readonly number[]][] = [];
      for (let n = 0; n < count; n++) {
        if (!visible(t, n)) continue;
        const [cx, cy] = pt(t, n);
        const color = COLORS[n % COLORS.length]!;
        circles.fillRect(cx - radius, cy - radius, cx + radius, cy + radius, color, Math.trunc(255 * opacity), (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius);
        const history = Array.from({ length: t - Math.max(t - trail, 0) + 1 }, (_, k) => pt(Math.max(t - trail, 0) + k, n));
        if (history.length > 1) trails.push([history, color]);
      }
      circles.blendInto(frame);
      if (trails.length > 0) {
        const lines = new Overlay(w, h);
        for (const [points, color] of trails) drawTrail(lines, points, color, lineWidth, opacity);
        lines.blendInto(frame);
      }
      for (let i = 0; i < frameSize; i++) out.data[t * frameSize + i] = Math.trunc(frame[i]!) / 255;
    }
    return [out];
  },
};
